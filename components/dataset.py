"""Building blocks of the Dataset page: confusion matrix, reliability diagram, word aggregate, tables, report."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from components.charts import _layout, room_for_labels
from textlens.dataset import Metrics, SliceMetrics
from textlens.dataset.versus import SliceVersus, Versus
from textlens.report.compare import CompareRow, row_header_html
from textlens.report.document import html_document
from textlens.report.export_info import ExportInfo
from textlens.report.highlight import highlight_html, legend_html
from textlens.report.palette import AGAINST, NEUTRAL_GREY, PREDICTED, TOWARD, bar_color
from textlens.text.summary import signed
from textlens.text.wordstats import WordContrast, WordStat
from textlens.types import Explanation

# The confusion matrix's cells: the predicted-class colour (not red/blue, which mean toward/against).
CELL_RGB = (109, 75, 209)
ERROR_RGB = (207, 34, 46)
CELL_MIN_ALPHA, CELL_MAX_ALPHA = 0.06, 0.85
WHITE_TEXT_FROM = 0.5
# Pixels per confusion-matrix cell: the clickable marker nearly fills it.
CELL_PX = 100


def _cell_alpha(share: float) -> float:
    return round(CELL_MIN_ALPHA + (CELL_MAX_ALPHA - CELL_MIN_ALPHA) * share, 3) if share > 0 else 0.0


def confusion_figure(metrics: Metrics, selected: tuple[int, int] | None = None) -> go.Figure:
    """The confusion matrix (true label down, predicted across) as clickable cells.

    Cells are rectangles shaded by their share of the true class's rows (correct cells purple,
    errors red); each cell carries a transparent square marker, because Plotly heatmaps do not
    report clicks to ``st.plotly_chart(on_select=...)`` while scatter points do. A point's
    ``customdata`` is ``[true index, predicted index]``; ``selected`` outlines one cell.
    """
    labels = [escape(label) for label in metrics.labels]
    k = len(labels)
    matrix = np.array(metrics.confusion)
    row_totals = matrix.sum(axis=1)
    xs, ys, custom, hover = [], [], [], []
    fig = go.Figure()
    for t in range(k):
        for p in range(k):
            count = int(matrix[t, p])
            share = count / row_totals[t] if row_totals[t] else 0.0
            r, g, b = CELL_RGB if t == p else ERROR_RGB
            alpha = _cell_alpha(share)
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
            font = {"size": 15}
            if alpha >= WHITE_TEXT_FROM:
                font["color"] = "#ffffff"
            fig.add_annotation(
                x=p,
                y=t,
                text=f"<b>{count:,}</b><br><span style='font-size:11px'>{share:.0%}</span>",
                showarrow=False,
                font=font,
            )
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
            marker={"symbol": "square", "size": CELL_PX - 20, "color": "rgba(0,0,0,0)"},
            customdata=custom,
            hovertext=hover,
            hovertemplate="%{hovertext}<extra></extra>",
            # The clicked cell gets an amber veil; the others stay as drawn.
            selected={"marker": {"opacity": 1, "color": "rgba(240, 165, 0, 0.45)"}},
            unselected={"marker": {"opacity": 1}},
        )
    )
    axis = {"tickmode": "array", "tickvals": list(range(k)), "ticktext": labels, "showgrid": False, "zeroline": False}
    fig.update_xaxes(**axis, range=[-0.5, k - 0.5], title="predicted label", side="top", fixedrange=True)
    fig.update_yaxes(**axis, range=[k - 0.5, -0.5], title="true label", fixedrange=True)
    fig.update_layout(clickmode="event+select", dragmode=False, width=CELL_PX * k + 170)
    return _layout(fig, CELL_PX * k + 110)


def reliability_figure(metrics: Metrics) -> go.Figure:
    """Reliability diagram: accuracy per confidence bin against the diagonal of perfect calibration."""
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
    fig.update_xaxes(range=[0, 1], title="confidence (highest probability)", tickformat=".0%")
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


ERROR_HEX = "#cf222e"


def metrics_frame(metrics: Metrics) -> pd.DataFrame:
    """Per-class precision, recall, F1 and support, with a macro-average row."""
    return pd.DataFrame(metrics.table(), columns=["label", "precision", "recall", "f1", "support"])


def slices_frame(slices: Sequence[SliceMetrics]) -> pd.DataFrame:
    """One row per slice, worst first, with the whole set's accuracy difference."""
    return pd.DataFrame(
        [
            {
                "slice by": s.group,
                "value": s.value,
                "rows": s.rows,
                "labelled": s.labelled,
                "accuracy": s.accuracy,
                "vs whole set": s.accuracy_delta,
                "macro F1": s.macro_f1,
                "errors": s.errors,
                "mean confidence": s.mean_confidence,
                "few rows": s.small,
            }
            for s in slices
        ],
        columns=[
            "slice by",
            "value",
            "rows",
            "labelled",
            "accuracy",
            "vs whole set",
            "macro F1",
            "errors",
            "mean confidence",
            "few rows",
        ],
    )


def words_frame(stats: Sequence[WordStat]) -> pd.DataFrame:
    """The word aggregate as a table: mean signed value, mean |value|, rows and occurrences."""
    return pd.DataFrame(
        [
            {"word": s.word, "mean": s.mean, "mean |value|": s.mean_abs, "rows": s.inputs, "occurrences": s.occurrences}
            for s in stats
        ],
        columns=["word", "mean", "mean |value|", "rows", "occurrences"],
    )


def contrast_frame(contrast: Sequence[WordContrast]) -> pd.DataFrame:
    """Words in errors against correct rows: mean toward the decision and row counts in each."""
    return pd.DataFrame(
        [
            {
                "word": c.word,
                "mean in errors": c.errors.mean,
                "error rows": c.errors.inputs,
                "mean in correct": c.correct.mean if c.correct else None,
                "correct rows": c.correct.inputs if c.correct else 0,
                "difference": c.cue,
            }
            for c in contrast
        ],
        columns=["word", "mean in errors", "error rows", "mean in correct", "correct rows", "difference"],
    )


@dataclass(frozen=True)
class ExplainedRow:
    """A table row explained on the page: its row id, explanation and true label (if any)."""

    row_id: int
    explanation: Explanation
    truth: str | None = None

    def compare_row(self) -> CompareRow:
        """The row as Compare's row record, so the same header and highlight components draw it."""
        return CompareRow(f"row {self.row_id}", self.explanation, None, self.truth)


def explained_row_html(row: ExplainedRow, target: str) -> str:
    """An explained row: Compare's header (prediction, correct or wrong) and the highlighted text."""
    return row_header_html(row.compare_row(), row.explanation, target) + highlight_html(row.explanation, target)


def slices_compared_frame(table: Sequence[SliceVersus]) -> pd.DataFrame:
    """Slices compared as the page and the report show them: small slices get no change and no p-value."""
    return pd.DataFrame(
        [
            {
                "slice": s.group,
                "value": s.value,
                "rows": s.labelled,
                "accuracy A": s.accuracy_a,
                "accuracy B": s.accuracy_b,
                "change (points)": None if s.small else s.change * 100,
                "fixed by B": s.fixed,
                "broken by B": s.broken,
                "p (Holm)": None if s.small else s.p_adjusted,
                "verdict": s.verdict(),
            }
            for s in table
        ]
    )


def _versus_html(versus: Versus, model_b: str, compared: Sequence[SliceVersus]) -> str:
    """The report's section on a second model: the headline, the flip table and the worst slices compared."""
    cells = (
        ("A right", versus.both_right, versus.broken),
        ("A wrong", versus.fixed, versus.both_wrong),
    )
    flips = "".join(f"<tr><th>{name}</th><td>{right:,}</td><td>{wrong:,}</td></tr>" for name, right, wrong in cells)
    parts = [
        f"<h2>Model B: {escape(model_b)}</h2>",
        f"<div><b>{escape(versus.headline())}</b></div>",
        "<h3>What B changes</h3><table><tr><th></th><th>B right</th><th>B wrong</th></tr>" + flips + "</table>",
    ]
    if compared:
        parts.append(
            "<h3>Slices compared: A against B</h3><p class='tl-meta'>Biggest loss first; slices with too few "
            "paired rows show no change. p: McNemar's exact test within the slice, Holm-corrected.</p>"
        )
        fmt = {"accuracy A": ".3f", "accuracy B": ".3f", "change (points)": "+.1f", "p (Holm)": ".3g"}
        parts.append(_table_html(slices_compared_frame(compared[:REPORT_SLICES]), fmt))
    return "".join(parts)


def _table_html(frame: pd.DataFrame, formats: dict[str, str] | None = None) -> str:
    formats = formats or {}
    head = "".join(f"<th>{escape(str(c))}</th>" for c in frame.columns)
    body = []
    for _, row in frame.iterrows():
        cells = []
        for c in frame.columns:
            value = row[c]
            if value is None or (isinstance(value, float) and np.isnan(value)):
                text = "—"
            elif c in formats:
                text = format(value, formats[c])
            else:
                text = str(value)
            cells.append(f"<td>{escape(text)}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table><tr>{head}</tr>{''.join(body)}</table>"


def confusion_html(metrics: Metrics) -> str:
    """The confusion matrix as a coloured HTML table (for the report)."""
    matrix = np.array(metrics.confusion)
    totals = matrix.sum(axis=1)
    head = "<th>true \\ predicted</th>" + "".join(f"<th>{escape(label)}</th>" for label in metrics.labels)
    rows = []
    for t, label in enumerate(metrics.labels):
        cells = []
        for p in range(len(metrics.labels)):
            share = matrix[t, p] / totals[t] if totals[t] else 0.0
            r, g, b = CELL_RGB if t == p else ERROR_RGB
            alpha = _cell_alpha(share)
            color = " color: #ffffff;" if alpha >= WHITE_TEXT_FROM else ""
            cells.append(
                f'<td style="background: rgba({r}, {g}, {b}, {alpha});{color} text-align: center;">'
                f"<b>{matrix[t, p]:,}</b> ({share:.0%})</td>"
            )
        rows.append(f"<tr><th>{escape(label)}</th>{''.join(cells)}</tr>")
    return f'<table class="tl-confusion">{"<tr>" + head + "</tr>"}{"".join(rows)}</table>'


def metrics_summary(metrics: Metrics) -> str:
    """One line: accuracy, macro-F1, ECE, rows and errors."""
    return (
        f"accuracy {metrics.accuracy:.1%} · macro-F1 {metrics.macro_f1:.3f} · ECE {metrics.ece:.3f} · "
        f"{metrics.rows:,} labelled rows · {metrics.errors:,} errors"
    )


REPORT_SLICES = 10
REPORT_WORDS = 20


def dataset_report(
    *,
    info: ExportInfo,
    metrics: Metrics | None,
    slices: Sequence[SliceMetrics] = (),
    words: Sequence[WordStat] = (),
    words_target: str = "",
    contrast: Sequence[WordContrast] = (),
    explained: Sequence[ExplainedRow] = (),
    notes: Sequence[str] = (),
    versus: Versus | None = None,
    model_b: str = "",
    compared: Sequence[SliceVersus] = (),
) -> str:
    """The Dataset page as one self-contained HTML file: metrics, confusion matrix, a second model's
    comparison (``versus`` with ``model_b`` and its ``compared`` slices), worst slices, top words, words
    driving the errors and the explained rows. Every user string is escaped.
    """
    body = [f"<h1>textlens dataset report: {escape(info.subject)}</h1>", info.html()]
    body += [f'<div class="tl-meta">{escape(n)}</div>' for n in notes]
    if metrics is not None:
        body.append(f"<h2>Metrics</h2><div><b>{escape(metrics_summary(metrics))}</b></div>")
        body.append(_table_html(metrics_frame(metrics), {"precision": ".3f", "recall": ".3f", "f1": ".3f"}))
        body.append(
            "<h2>Confusion matrix</h2><p class='tl-meta'>Rows: true label; columns: predicted; "
            "share of the true label's rows in brackets.</p>"
        )
        body.append(confusion_html(metrics))
        calibration = pd.DataFrame(
            [
                {
                    "confidence": f"{b.low:.1f}–{b.high:.1f}",
                    "rows": b.count,
                    "mean confidence": b.confidence,
                    "accuracy": b.accuracy,
                }
                for b in metrics.calibration
                if b.count
            ]
        )
        body.append(f"<h2>Calibration (ECE {metrics.ece:.3f})</h2>")
        body.append(_table_html(calibration, {"mean confidence": ".3f", "accuracy": ".3f"}))
    if versus is not None:
        body.append(_versus_html(versus, model_b, compared))
    if slices:
        body.append("<h2>Worst slices</h2>")
        frame = slices_frame(slices[:REPORT_SLICES]).drop(columns=["few rows"])
        fmt = {"accuracy": ".3f", "vs whole set": "+.3f", "macro F1": ".3f", "mean confidence": ".3f"}
        body.append(_table_html(frame, fmt))
    if words:
        body.append(f"<h2>Words that drive the model: mean attribution toward {escape(words_target)}</h2>")
        rows = []
        for s in list(words)[:REPORT_WORDS]:
            color = TOWARD if s.mean >= 0 else AGAINST
            rows.append(
                f'<tr><td>{escape(s.word)}</td><td style="color: {color};">{signed(s.mean, 4)}</td>'
                f"<td>{s.mean_abs:.4f}</td><td>{s.inputs:,}</td></tr>"
            )
        body.append(
            "<table><tr><th>word</th><th>mean</th><th>mean |value|</th><th>rows</th></tr>" + "".join(rows) + "</table>"
        )
    if contrast:
        body.append("<h2>Words that drive the errors (toward the predicted label)</h2>")
        fmt = {"mean in errors": "+.4f", "mean in correct": "+.4f", "difference": "+.4f"}
        body.append(_table_html(contrast_frame(contrast[:REPORT_WORDS]), fmt))
    if explained:
        body.append("<h2>Explained rows (each toward its predicted label)</h2>")
        for row in explained:
            e = row.explanation
            label = e.predicted_label
            body.append(
                '<div class="tl-card">' + legend_html(e, label, totals=True) + explained_row_html(row, label) + "</div>"
            )
    return html_document(f"textlens dataset report: {info.subject}", "".join(body))


CUT_COLUMN = "model_read"  # the rows table's column saying where the model stopped reading a long text


def cut_rows(texts: Sequence[object], read_until, max_length: int) -> dict[int, int]:
    """Row -> character offset where the model stops reading, for the rows it cuts (``read_until``:
    :meth:`textlens.text.models.Classifier.read_until`).

    Only texts of at least ``(max_length - 2) // 2`` UTF-8 bytes are tokenized: a token covers at least a
    byte (a word-start marker at most doubles the count), so shorter ones are read whole.
    """
    floor = (max_length - 2) // 2
    out = {}
    for row, text in enumerate(texts):
        if isinstance(text, str) and len(text.encode("utf-8")) >= floor:
            cut = read_until(text)
            if cut is not None:
                out[row] = int(cut)
    return out


@dataclass(frozen=True)
class Cuts:
    """The rows the model reads only in part (row -> character offset where it stops) and its token limit."""

    rows: dict[int, int]
    max_length: int

    def column(self, row_ids: Sequence[int], texts: Sequence[object]) -> list[str]:
        """Each row's "model read" cell: where a cut text stops ("first 1,234 of 5,000 characters"), empty for a
        text read whole.
        """
        cuts = self.rows
        return [f"first {cuts[r]:,} of {len(str(t)):,} characters" if r in cuts else "" for r, t in zip(row_ids, texts)]

    def help(self) -> str:
        return (
            f"The model reads at most {self.max_length} tokens: where it stopped in a longer text. The rest did not "
            "affect the prediction."
        )
