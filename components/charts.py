"""Plotly figures: class probabilities, the strongest words, and words across several texts."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

import plotly.graph_objects as go

from textlens.report.export_info import ExportInfo, png_with_info
from textlens.report.highlight import shown_items
from textlens.report.palette import NEUTRAL_GREY, PREDICTED, bar_color, plotly_colorscale
from textlens.text.multilabel import is_multi_label, predicted_labels, record_threshold
from textlens.text.summary import shorten, signed
from textlens.text.wordstats import word_values
from textlens.types import Explanation, Record

FONT = {"size": 13}


def _layout(fig: go.Figure, height: int) -> go.Figure:
    # automargin grows the margins to fit the tick labels and axis titles: without it a figure
    # outside Streamlit's theme (a downloaded HTML or PNG) clips long word labels and x ticks.
    fig.update_layout(height=height, margin={"l": 10, "r": 20, "t": 30, "b": 10}, font=FONT, showlegend=False)
    fig.update_xaxes(automargin=True)
    fig.update_yaxes(automargin=True)
    return fig


def room_for_labels(fig: go.Figure, values: Sequence[float], share: float = 0.2) -> go.Figure:
    """Widen a horizontal bar chart's value axis so labels outside the longest bars clear the word labels.

    Plotly sizes the axis to the bars alone: the longest bar's value label ran into its word label.
    """
    low, high = min([0.0, *values]), max([0.0, *values])
    pad = (high - low) * share or 1.0
    fig.update_xaxes(range=[low - pad if low < 0 else 0.0, high + pad if high > 0 else 0.0])
    return fig


EXPORT_TITLE_HEIGHT = 90


def export_figure(fig: go.Figure, info: ExportInfo, title: str) -> go.Figure:
    """A copy of ``fig`` for download: a title and a caption saying what it shows, margins for its labels."""
    out = go.Figure(fig)
    caption = "".join(f"<br><sup>{escape(line)}</sup>" for line in info.plain_lines())
    out.update_layout(
        title={"text": f"{escape(title)}{caption}", "x": 0.01, "xanchor": "left"},
        margin={"l": 20, "r": 40, "t": EXPORT_TITLE_HEIGHT + 10, "b": 20},
        height=(fig.layout.height or 400) + EXPORT_TITLE_HEIGHT,
        paper_bgcolor="white",
        plot_bgcolor="white",
    )
    return out


def figure_html(fig: go.Figure, title: str = "") -> str:
    """A standalone HTML page of the figure that opens offline (plotly.js inlined, no MathJax), titled ``title``."""
    page = fig.to_html(include_plotlyjs=True, include_mathjax=False, full_html=True)
    return page.replace("<head>", f"<head><title>{escape(title)}</title>", 1) if title else page


# Pixels per bar of the probability chart: roomy for a few classes, tighter past MANY_BARS so twenty fit a screen.
BAR_PX, TIGHT_BAR_PX, MANY_BARS = 36, 22, 8
INSIDE_FROM = 0.15  # a probability bar at least this long holds its label inside


def probability_figure(prediction: Record, target: str | None = None, threshold: float | None = None) -> go.Figure:
    """Horizontal bars of every class's probability (of any record), most probable on top.

    The predicted class is marked (▶, the predicted colour); for a multi-label model's record
    (:func:`textlens.text.multilabel.is_multi_label`), every label whose probability reaches ``threshold``
    (default: the record's) is, and the threshold is a dashed line. ``target``, the class an explanation is
    toward, is named on its bar when it is not the one predicted.
    """
    multi = is_multi_label(prediction)
    cut = (threshold if threshold is not None else record_threshold(prediction)) if multi else None
    chosen = set(predicted_labels(prediction, cut))
    order = sorted(range(len(prediction.labels)), key=lambda i: -prediction.scores[i])
    marked = [prediction.labels[i] in chosen for i in order]
    names = [
        ("▶ " if mark else "")
        + escape(prediction.labels[i])
        + (" · target" if prediction.labels[i] == target and not mark else "")
        for i, mark in zip(order, marked)
    ]
    scores = [prediction.scores[i] for i in order]
    fig = go.Figure(
        go.Bar(
            x=scores,
            y=names,
            orientation="h",
            marker_color=[PREDICTED if mark else NEUTRAL_GREY for mark in marked],
            text=[f"{s:.1%}" for s in scores],
            # Inside a long bar, beside a short one: inside a short bar the label was cut ("5.7%" read ".7%").
            textposition=["inside" if s >= INSIDE_FROM else "outside" for s in scores],
            cliponaxis=False,
            hovertemplate="%{y}: %{x:.4f}<extra></extra>",
        )
    )
    if cut is not None:
        fig.add_vline(
            x=cut,
            line_dash="dash",
            line_color=NEUTRAL_GREY,
            annotation_text=f"threshold {cut:g}",
            annotation_position="top",  # above the bars, in the top margin
            annotation_font_size=11,
        )
    fig.update_yaxes(autorange="reversed", tickfont={"size": 14})
    fig.update_xaxes(range=[0, 1], tickformat=".0%", title="probability" + (" (each label its own)" if multi else ""))
    per_bar = BAR_PX if len(order) <= MANY_BARS else TIGHT_BAR_PX
    # Plotly shrinks a label to fit inside its bar: on thin bars it became unreadable, so keep it at 11 px.
    fig.update_layout(uniformtext_minsize=11, uniformtext_mode="show")
    return _layout(fig, 60 + per_bar * len(order) + (20 if multi else 0))


def _word_label(word: str, index: int) -> str:
    # Plotly renders a subset of HTML in labels; escaped, a word shows exactly as typed.
    return f"{escape(word)} · #{index + 1}"


def top_words_figure(explanation: Explanation, target: str | int | None = None, k: int = 10) -> go.Figure:
    """The ``k`` items pushing most toward ``target`` and the ``k`` most against, as signed bars.

    Items are what the highlight shows: resolved words, and phrases not split further at this
    budget (shortened to their start and end, marked with their number of words), each with its
    exact value. Repeated words are told apart by their position (``#n``); hovering shows the item
    in its context.
    """
    i = explanation.label_index(target)
    shown = shown_items(explanation, i)
    toward = sorted((s for s in shown if s[2] > 0), key=lambda s: -s[2])[:k]
    against = sorted((s for s in shown if s[2] < 0), key=lambda s: s[2])[:k]
    items = toward + list(reversed(against))
    text = explanation.text
    labels, contexts = [], []
    for start, end, _value, n_words, index in items:
        piece = text[start:end]
        if n_words == 1:
            labels.append(_word_label(piece, index))
        else:
            labels.append(f"“{escape(shorten(piece))}” · {n_words} words")
        left = text[max(0, start - 40) : start]
        right = text[end : end + 40]
        middle = piece if n_words == 1 else shorten(piece, 80)
        contexts.append(escape(" ".join(f"…{left}【{middle}】{right}…".split())))
    fig = go.Figure(
        go.Bar(
            x=[s[2] for s in items],
            y=labels,
            orientation="h",
            marker_color=[bar_color(s[2]) for s in items],
            marker_pattern_shape=["" if s[3] == 1 else "/" for s in items],
            customdata=[[c, signed(s[2], 4)] for c, s in zip(contexts, items)],
            hovertemplate="%{customdata[1]}<br>%{customdata[0]}<extra></extra>",
            text=[signed(s[2], 3) for s in items],
            textposition="outside",
            cliponaxis=False,
        )
    )
    fig.update_yaxes(autorange="reversed", type="category")
    fig.update_xaxes(title=f"change in probability of {explanation.labels[i]}", zeroline=True, zerolinewidth=2)
    room_for_labels(fig, [s[2] for s in items])
    return _layout(fig, 80 + 26 * max(len(items), 1))


def words_by_texts(
    explanations: Sequence[Explanation], target: str | int | None, top_n: int = 15
) -> tuple[list[str], list[list[float | None]]]:
    """Rows (the words with the largest total |value| across texts) by columns (texts), for a heatmap.

    A cell is the word's summed value in that text (repeats added, case folded), or None where it
    does not occur. Punctuation is left out, as in :func:`textlens.text.wordstats.word_statistics`.
    """
    per_text = [word_values(e, target) for e in explanations]
    totals: dict[str, float] = {}
    for cells in per_text:
        for key, value in cells.items():
            totals[key] = totals.get(key, 0.0) + abs(value)
    words = sorted(totals, key=lambda key: -totals[key])[:top_n]
    return words, [[cells.get(word) for cells in per_text] for word in words]


def heatmap_figure(
    explanations: Sequence[Explanation], target: str | int | None, names: Sequence[str], top_n: int = 15
) -> go.Figure:
    """Heatmap of the strongest words (rows) by input (columns) on the shared diverging scale."""
    words, grid = words_by_texts(explanations, target, top_n)
    zmax = max((abs(v) for row in grid for v in row if v is not None), default=1.0) or 1.0
    label = explanations[0].labels[explanations[0].label_index(target)] if explanations else ""
    fig = go.Figure(
        go.Heatmap(
            z=grid,
            x=[escape(n) for n in names],
            y=[escape(w) for w in words],
            colorscale=plotly_colorscale(),
            zmid=0,
            zmin=-zmax,
            zmax=zmax,
            hoverongaps=False,
            colorbar={"title": {"text": "Δ prob."}},
            hovertemplate="%{y} in %{x}: %{z:+.4f}<extra></extra>",
        )
    )
    fig.update_yaxes(autorange="reversed", type="category")
    fig.update_xaxes(type="category", title=f"inputs (values toward {escape(label)})")
    return _layout(fig, 120 + 24 * max(len(words), 1))


def png_export_available() -> bool:
    """True when Plotly's PNG export (kaleido) can find a Chrome or Chromium to render with."""
    import shutil

    return any(shutil.which(name) for name in ("chromium", "chromium-browser", "google-chrome", "chrome"))


def figure_png(fig: go.Figure, info: ExportInfo | None = None) -> bytes:
    """The figure as a PNG at twice screen resolution, light theme (prints well); ``info`` in its text chunks."""
    data = fig.to_image(format="png", scale=2, width=1000)
    return data if info is None else png_with_info(data, info)
