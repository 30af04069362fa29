"""Building blocks of the Trust tab: deletion/insertion curves, faithfulness numbers, what-if results, the preview."""

from __future__ import annotations

from html import escape

import plotly.graph_objects as go
from plotly.subplots import make_subplots

from components.charts import FONT
from textlens.report.highlight import highlight_html
from textlens.report.palette import NEUTRAL_GREY, PREDICTED
from textlens.text.faithfulness import Faithfulness, OrderScores
from textlens.text.preview import WhatIf
from textlens.text.summary import signed
from textlens.types import Explanation

EXPLANATION_COLOR = PREDICTED  # neither red nor blue: those mean toward and against
LOO_COLOR = "#d08c1a"
_CELL = "padding: 0.15rem 0.9rem 0.15rem 0; text-align: right;"
# Below this |real - predicted| (in probability) the attributions foretold the edit well.
GAP_SMALL = 0.05

_ORDERS = (
    ("explanation", "this explanation", EXPLANATION_COLOR, "solid"),
    ("loo", "leave-one-out", LOO_COLOR, "dash"),
    ("random", "random order (mean)", NEUTRAL_GREY, "dot"),
)


def curves_figure(result: Faithfulness) -> go.Figure:
    """Deletion (top words removed first) and insertion (only the top words kept) curves, side by side.

    Each order's line is named with its area: lower is better for deletion, higher for insertion.
    """
    target = escape(result.target)
    fig = make_subplots(
        rows=1,
        cols=2,
        subplot_titles=("Deletion: top words removed first", "Insertion: only the top words kept"),
        horizontal_spacing=0.1,
    )
    n = max(result.n_words, 1)
    x = [100 * k / n for k in result.curve_ks]
    for col, curve, verb in ((1, "deletion", "removed"), (2, "insertion", "kept")):
        for name, title, color, dash in _ORDERS:
            scores: OrderScores = getattr(result, name)
            auc = getattr(scores, f"{curve}_auc")
            fig.add_trace(
                go.Scatter(
                    x=x,
                    y=getattr(scores, curve),
                    customdata=result.curve_ks,
                    mode="lines+markers" if len(x) <= 30 else "lines",
                    name=f"{title} · area {auc:.2f}",
                    legendgroup=name,
                    showlegend=col == 1,
                    line={"color": color, "dash": dash, "width": 3 if name == "explanation" else 2},
                    marker={"size": 5},
                    hovertemplate=f"%{{customdata}} words {verb}: P({target}) = %{{y:.3f}}<extra>{title}</extra>",
                ),
                row=1,
                col=col,
            )
        fig.update_xaxes(title_text=f"% of words {verb}", range=[0, 100], row=1, col=col)
        fig.update_yaxes(range=[-0.02, 1.02], tickformat=".1f", row=1, col=col)
    fig.update_yaxes(title_text=f"P({target})", row=1, col=1)
    fig.update_layout(
        height=360,
        font=FONT,
        margin={"l": 10, "r": 10, "t": 40, "b": 10},
        legend={"orientation": "h", "yanchor": "top", "y": -0.22, "x": 0},
    )
    return fig


def _ratio(value: float, baseline: float) -> str:
    if baseline < -1e-6:
        return "random words raise it instead"
    if baseline <= 1e-6:
        return "random words remove nothing" if value > 1e-6 else ""
    return f"{value / baseline:.1f}× random"


def numbers_html(result: Faithfulness) -> str:
    """A table of the numbers against leave-one-out and random order, each with which way is better."""
    e, loo, r = result.explanation, result.loo, result.random
    rows = [
        (
            "Comprehensiveness",
            "higher is better: the probability lost when the top words are removed",
            "comprehensiveness",
        ),
        ("Sufficiency", "lower is better: the probability lost when only the top words are kept", "sufficiency"),
        ("Deletion area", "lower is better", "deletion_auc"),
        ("Insertion area", "higher is better", "insertion_auc"),
    ]
    cells = []
    for title, help_text, key in rows:
        mine, theirs, rand = getattr(e, key), getattr(loo, key), getattr(r, key)
        note = _ratio(mine, rand) if key == "comprehensiveness" else ""
        cells.append(
            f'<tr><th style="text-align: left; font-weight: 600; {_CELL}" title="{escape(help_text)}">{title}</th>'
            f'<td style="{_CELL}"><b>{mine:.3f}</b></td><td style="{_CELL}">{theirs:.3f}</td>'
            f'<td style="{_CELL}">{rand:.3f}</td><td style="opacity: 0.8; {_CELL}">{escape(note)}</td></tr>'
        )
    sizes = ", ".join(f"{p:.0%}" for p in result.sizes)
    return (
        '<table class="tl-trust-numbers" style="border-collapse: collapse; font-size: 0.95rem;">'
        f'<thead><tr style="opacity: 0.8; text-align: right;"><th></th><th style="{_CELL}">this explanation</th>'
        f'<th style="{_CELL}">leave-one-out</th><th style="{_CELL}">random ({len(result.seeds)} orders)</th>'
        "<th></th></tr></thead><tbody>"
        + "".join(cells)
        + "</tbody></table>"
        + f'<div style="font-size: 0.8rem; opacity: 0.75; margin-top: 0.4rem;">'
        f"Toward <b>{escape(result.target)}</b>; {result.n_words} words; rationales of {sizes} of the words "
        f"({', '.join(str(k) for k in result.ks)} words), averaged (ERASER). Words removed as SHAP removed "
        f"them (replaced by {escape(result.mask_token)}); {result.rows} model calls in {result.seconds:.2f} s."
        "</div>"
    )


def sentence_html(result: Faithfulness) -> str:
    """The plain sentence comparing the top words with random ones, escaped."""
    return f'<div class="tl-trust-sentence" style="font-weight: 600;">{escape(result.sentence())}</div>'


def what_if_html(change: WhatIf) -> str:
    """Real against predicted probability after an edit, and what the gap between them says."""
    target = escape(change.target)
    edit = "replaced by “" + escape(change.replacement) + "”" if change.replacement is not None else "removed"
    words = ", ".join(f"“{escape(w)}”" for w in change.words)
    if abs(change.gap) < GAP_SMALL:
        reading = "The attributions predicted this edit well."
    elif change.replacement is not None:
        reading = (
            "A large gap: the new word carries meaning of its own, or the edited words interact with the rest; "
            "attributions only say what removing them does."
        )
    else:
        reading = "A large gap: these words interact with each other or with the rest, so their values do not add up."
    flipped = ""
    if change.flipped:
        flipped = f" The prediction flips from {escape(change.original_label)} to <b>{escape(change.new_label)}</b>."

    def cell(title: str, value: str, sub: str) -> str:
        return (
            '<div style="flex: 1; min-width: 9rem; padding: 0.5rem 0.75rem; border-radius: 0.5rem; '
            'border: 1px solid rgba(128, 128, 128, 0.35);">'
            f'<div style="font-size: 0.8rem; opacity: 0.75;">{title}</div>'
            f'<div style="font-size: 1.4rem; font-weight: 600;">{value}</div>'
            f'<div style="font-size: 0.8rem; opacity: 0.75;">{sub}</div></div>'
        )

    cells = (
        cell(f"P({target}) before", f"{change.original_score:.3f}", "original text")
        + cell(f"P({target}) after", f"{change.new_score:.3f}", f"real: {signed(change.real_change, 3)}")
        + cell(
            "Predicted by the attributions",
            f"{change.predicted_score:.3f}",
            f"minus their values: {signed(change.predicted_change, 3)}",
        )
        + cell("Gap (real − predicted)", signed(change.gap, 3), "large: the words interact")
    )
    return (
        f'<div class="tl-what-if"><div style="margin-bottom: 0.4rem;">{words} {edit}.{flipped}</div>'
        f'<div style="display: flex; gap: 0.6rem; flex-wrap: wrap;">{cells}</div>'
        f'<div style="margin-top: 0.4rem;">{escape(reading)}</div></div>'
    )


def preview_html(preview: Explanation, target: str | int | None = None) -> str:
    """The preview's highlight, muted and labelled, so nobody takes it for the SHAP explanation."""
    if preview.one_pass:
        kind = "estimated in one pass · the exact explanation replaces it when ready"
        trust = preview.settings.get("agreement", "")
    else:
        kind, trust = "leave-one-out, not SHAP · the explanation replaces it when ready", ""
    note = f'<div style="font-size: 0.8rem; margin-bottom: 0.25rem;">{escape(trust)}</div>' if trust else ""
    return (
        '<div class="tl-preview" style="opacity: 0.6; filter: saturate(0.6);">'
        '<div style="font-size: 0.8rem; font-weight: 600; letter-spacing: 0.04em; text-transform: uppercase; '
        f'margin-bottom: 0.25rem;">Preview · {kind}</div>' + note + highlight_html(preview, target) + "</div>"
    )
