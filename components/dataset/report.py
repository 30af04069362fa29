"""The Dataset page as one self-contained HTML report, and an explained row's HTML (every user string escaped)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

import numpy as np
import pandas as pd

from components.dataset.figures import CELL_RGB, ERROR_RGB, WHITE_TEXT_FROM, cell_alpha
from components.dataset.tables import (
    contrast_frame,
    metrics_frame,
    metrics_summary,
    slices_compared_frame,
    slices_frame,
)
from textlens.dataset import Metrics, SliceMetrics
from textlens.dataset.cohorts import FailureCohorts
from textlens.dataset.compare import PairedComparison, SliceComparison
from textlens.report.cohorts import cohorts_html
from textlens.report.compare import CompareRow, row_header_html
from textlens.report.document import html_document
from textlens.report.export_info import ExportInfo
from textlens.report.highlight import highlight_html, legend_html
from textlens.report.palette import AGAINST, TOWARD
from textlens.text.summary import signed
from textlens.text.wordstats import WordContrast, WordStat
from textlens.types import Explanation

REPORT_SLICES = 10
REPORT_WORDS = 20


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


def _compare_html(paired: PairedComparison, model_b: str, compared: Sequence[SliceComparison]) -> str:
    """The report's section on a second model: the headline, the flip table and the worst slices compared."""
    cells = (
        ("A right", paired.both_right, paired.broken),
        ("A wrong", paired.fixed, paired.both_wrong),
    )
    flips = "".join(f"<tr><th>{name}</th><td>{right:,}</td><td>{wrong:,}</td></tr>" for name, right, wrong in cells)
    parts = [
        f"<h2>Model B: {escape(model_b)}</h2>",
        f"<div><b>{escape(paired.headline())}</b></div>",
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
            alpha = cell_alpha(share)
            color = " color: #ffffff;" if alpha >= WHITE_TEXT_FROM else ""
            cells.append(
                f'<td style="background: rgba({r}, {g}, {b}, {alpha});{color} text-align: center;">'
                f"<b>{matrix[t, p]:,}</b> ({share:.0%})</td>"
            )
        rows.append(f"<tr><th>{escape(label)}</th>{''.join(cells)}</tr>")
    return f'<table class="tl-confusion">{"<tr>" + head + "</tr>"}{"".join(rows)}</table>'


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
    paired: PairedComparison | None = None,
    model_b: str = "",
    compared: Sequence[SliceComparison] = (),
    cohorts: Sequence[FailureCohorts] = (),
) -> str:
    """The Dataset page as one self-contained HTML file: metrics, confusion matrix, a second model's
    comparison (``paired`` with ``model_b`` and its ``compared`` slices), the failure ``cohorts`` (one model's
    errors, and the rows B broke), worst slices, top words, words driving the errors and the explained rows.
    Every user string is escaped.
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
    if paired is not None:
        body.append(_compare_html(paired, model_b, compared))
    body += [cohorts_html(found) for found in cohorts]
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
