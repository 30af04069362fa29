"""The Dataset page's Plotly figures: the clickable confusion matrix, the reliability diagram and the word charts."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

import numpy as np
import plotly.graph_objects as go

from components.charts import _layout, room_for_labels
from textlens.dataset import Metrics
from textlens.report.palette import NEUTRAL_GREY, PREDICTED, TOWARD, bar_color
from textlens.text.summary import signed
from textlens.text.wordstats import WordContrast, WordStat

# The confusion matrix's cells: the predicted-class colour (not red/blue, which mean toward/against).
CELL_RGB = (109, 75, 209)
ERROR_RGB = (207, 34, 46)
CELL_MIN_ALPHA, CELL_MAX_ALPHA = 0.06, 0.85
WHITE_TEXT_FROM = 0.5
# Pixels per confusion-matrix cell (the clickable marker nearly fills it): 100 for a few classes, smaller for many so
# the matrix fits its column (MATRIX_PX across its cells), never below MIN_CELL_PX. Cells this small or smaller show
# the count only, and leave empty cells blank.
CELL_PX = 100
MIN_CELL_PX = 24
MATRIX_PX = 480
SHARE_FROM_PX = 60
LABEL_ROOM_PX = 170  # the true labels' column and the axis titles
ERROR_HEX = "#cf222e"  # the words-driving-the-errors bars


def cell_alpha(share: float) -> float:
    """A confusion-matrix cell's opacity for its share of the true class's rows (the page's and the report's)."""
    return round(CELL_MIN_ALPHA + (CELL_MAX_ALPHA - CELL_MIN_ALPHA) * share, 3) if share > 0 else 0.0


def cell_px(k: int) -> int:
    """Pixels per cell of a ``k``-class confusion matrix: :data:`CELL_PX` while it fits :data:`MATRIX_PX`, smaller
    for more classes (twenty classes: 24 px), never below :data:`MIN_CELL_PX`.
    """
    return int(max(MIN_CELL_PX, min(CELL_PX, MATRIX_PX // max(k, 1))))


def confusion_figure(metrics: Metrics, selected: tuple[int, int] | None = None) -> go.Figure:
    """The confusion matrix (true label down, predicted across) as clickable cells, for two classes or twenty.

    Cells are rectangles shaded by their share of the true class's rows (correct cells purple,
    errors red); each cell carries a transparent square marker, because Plotly heatmaps do not
    report clicks to ``st.plotly_chart(on_select=...)`` while scatter points do. A point's
    ``customdata`` is ``[true index, predicted index]``; ``selected`` outlines one cell. Cells shrink
    with the number of classes (:func:`cell_px`); small ones show the count only, empty ones nothing
    (the hover still says every cell's count and share).
    """
    labels = [escape(label) for label in metrics.labels]
    k = len(labels)
    px = cell_px(k)
    roomy = px >= SHARE_FROM_PX
    matrix = np.array(metrics.confusion)
    row_totals = matrix.sum(axis=1)
    xs, ys, custom, hover = [], [], [], []
    fig = go.Figure()
    for t in range(k):
        for p in range(k):
            count = int(matrix[t, p])
            share = count / row_totals[t] if row_totals[t] else 0.0
            r, g, b = CELL_RGB if t == p else ERROR_RGB
            alpha = cell_alpha(share)
            fig.add_shape(
                type="rect",
                x0=p - 0.48,
                x1=p + 0.48,
                y0=t - 0.48,
                y1=t + 0.48,
                fillcolor=f"rgba({r}, {g}, {b}, {alpha})",
                line={
                    "width": 3 if selected == (t, p) else 1,
                    "color": "#f0a500" if selected == (t, p) else "rgba(128,128,128,0.35)",
                },
                layer="below",
            )
            font = {"size": 15 if roomy else max(9, round(px * 0.42))}
            if alpha >= WHITE_TEXT_FROM:
                font["color"] = "#ffffff"
            if roomy or count:
                share_line = f"<br><span style='font-size:11px'>{share:.0%}</span>" if roomy else ""
                fig.add_annotation(x=p, y=t, text=f"<b>{count:,}</b>{share_line}", showarrow=False, font=font)
            xs.append(p)
            ys.append(t)
            custom.append([t, p])
            kind = "correct" if t == p else "errors"
            hover.append(
                f"true {labels[t]}, predicted {labels[p]}: {count:,} rows ({share:.1%} of {labels[t]}, {kind})"
                "<br>click to show them in the table"
            )
    fig.add_trace(
        go.Scatter(
            x=xs,
            y=ys,
            mode="markers",
            marker={"symbol": "square", "size": px * 0.8, "color": "rgba(0,0,0,0)"},
            customdata=custom,
            hovertext=hover,
            hovertemplate="%{hovertext}<extra></extra>",
            # The clicked cell gets an amber veil; the others stay as drawn.
            selected={"marker": {"opacity": 1, "color": "rgba(240, 165, 0, 0.45)"}},
            unselected={"marker": {"opacity": 1}},
        )
    )
    axis = {"tickmode": "array", "tickvals": list(range(k)), "ticktext": labels, "showgrid": False, "zeroline": False}
    tilt = {} if roomy else {"tickangle": -60}  # many classes: their names stand up above narrow columns
    fig.update_xaxes(**axis, **tilt, range=[-0.5, k - 0.5], title="predicted label", side="top", fixedrange=True)
    fig.update_yaxes(**axis, range=[k - 0.5, -0.5], title="true label", fixedrange=True)
    fig.update_layout(clickmode="event+select", dragmode=False, width=px * k + LABEL_ROOM_PX)
    return _layout(fig, px * k + (110 if roomy else 170))


def reliability_figure(metrics: Metrics) -> go.Figure:
    """Reliability diagram of the predicted class (top-label, for two classes or twenty): accuracy per bin of the
    predicted class's probability against the diagonal of perfect calibration.
    """
    bins = [b for b in metrics.calibration if b.count]
    fig = go.Figure()
    fig.add_trace(
        go.Scatter(x=[0, 1], y=[0, 1], mode="lines", line={"dash": "dash", "color": NEUTRAL_GREY}, hoverinfo="skip")
    )
    fig.add_trace(
        go.Bar(
            x=[(b.low + b.high) / 2 for b in bins],
            y=[b.accuracy for b in bins],
            width=[(b.high - b.low) * 0.9 for b in bins],
            marker_color=PREDICTED,
            customdata=[[b.low, b.high, b.count, b.confidence] for b in bins],
            hovertemplate="confidence %{customdata[0]:.1f}–%{customdata[1]:.1f}: %{customdata[2]:,} rows<br>"
            "mean confidence %{customdata[3]:.3f}, accuracy %{y:.3f}<extra></extra>",
        )
    )
    fig.add_trace(
        go.Scatter(
            x=[(b.low + b.high) / 2 for b in bins],
            y=[b.confidence for b in bins],
            mode="markers",
            marker={"symbol": "line-ew-open", "size": 18, "line": {"width": 2, "color": TOWARD}},
            hovertemplate="mean confidence %{y:.3f}<extra></extra>",
        )
    )
    fig.update_xaxes(range=[0, 1], title="confidence (the predicted class's probability)", tickformat=".0%")
    fig.update_yaxes(range=[0, 1], title="accuracy", tickformat=".0%")
    return _layout(fig, 320)


def word_aggregate_figure(stats: Sequence[WordStat], target: str, k: int = 12) -> go.Figure:
    """The ``k`` words with the strongest mean attribution toward ``target``, each way, as signed bars."""
    toward = [s for s in stats if s.mean > 0][:k]
    against = [s for s in stats if s.mean < 0][:k]
    items = sorted(toward, key=lambda s: -s.mean) + sorted(against, key=lambda s: -s.mean)
    fig = go.Figure(
        go.Bar(
            x=[s.mean for s in items],
            y=[f"{escape(s.word)} ({s.inputs})" for s in items],
            orientation="h",
            marker_color=[bar_color(s.mean) for s in items],
            customdata=[[s.inputs, s.mean_abs] for s in items],
            hovertemplate="%{y}: mean %{x:+.4f}, mean |value| %{customdata[1]:.4f}, in %{customdata[0]} rows"
            "<extra></extra>",
            text=[signed(s.mean, 3) for s in items],
            textposition="outside",
            cliponaxis=False,
        )
    )
    fig.update_yaxes(autorange="reversed", type="category")
    fig.update_xaxes(title=f"mean change in probability of {escape(target)} (rows it occurs in)", zeroline=True)
    room_for_labels(fig, [s.mean for s in items])
    return _layout(fig, 80 + 24 * max(len(items), 1))


def contrast_figure(contrast: Sequence[WordContrast], k: int = 12) -> go.Figure:
    """Words driving the errors: mean push toward the decision in wrong rows beside that in correct rows."""
    items = list(contrast[:k])
    names = [f"{escape(c.word)}" for c in items]
    fig = go.Figure(
        [
            go.Bar(
                name="in errors",
                y=names,
                x=[c.errors.mean for c in items],
                orientation="h",
                marker_color=ERROR_HEX,
                customdata=[c.errors.inputs for c in items],
                hovertemplate="%{y} in errors: %{x:+.4f} (%{customdata} rows)<extra></extra>",
            ),
            go.Bar(
                name="in correct rows",
                y=names,
                x=[c.correct.mean if c.correct else 0.0 for c in items],
                orientation="h",
                marker_color=NEUTRAL_GREY,
                customdata=[c.correct.inputs if c.correct else 0 for c in items],
                hovertemplate="%{y} in correct rows: %{x:+.4f} (%{customdata} rows)<extra></extra>",
            ),
        ]
    )
    fig.update_yaxes(autorange="reversed", type="category")
    fig.update_xaxes(title="mean change in probability of the predicted label", zeroline=True)
    fig = _layout(fig, 100 + 44 * max(len(items), 1))
    # Above the bars: below them a short chart (three words) put the legend on the axis title.
    fig.update_layout(
        showlegend=True, barmode="group", legend={"orientation": "h", "y": 1.02, "yanchor": "bottom", "x": 0}
    )
    return fig
