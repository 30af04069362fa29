"""The Dataset page's downloads: predictions (CSV, Parquet), metrics and slices (CSV), a second model's files,
and the page as one HTML report.
"""

from __future__ import annotations

import os
from collections.abc import Sequence

import streamlit as st

from components import widgets as ui
from components.dataset.records import Scored, WordResult
from components.dataset.report import ExplainedRow, dataset_report
from components.dataset.tables import metrics_frame, metrics_summary, slices_frame
from components.state import models
from textlens.dataset import LabelledFile, Metrics, SliceMetrics, results_parquet
from textlens.dataset.cohorts import FailureCohorts
from textlens.dataset.compare import PairedComparison, SliceComparison, rows_phrase
from textlens.report.export_info import ExportInfo


def file_stem(name: str) -> str:
    """The name downloads start with: the file's name without folder or extension ("dataset" when empty)."""
    return os.path.splitext(os.path.basename(name))[0] or "dataset"


def report_notes(labelled: LabelledFile, metrics: Metrics | None, words: WordResult | None) -> list[str]:
    """The report's notes: the metrics in one line, how the file was read, and what the word aggregate covers."""
    notes = [*labelled.warnings, *labelled.notices]
    if metrics:
        notes.insert(0, metrics_summary(metrics))
    if words and words.estimated:
        notes.append(
            f"Word aggregate over {rows_phrase(words.rows)}{words.scope} ({words.errors:,} errors), {words.estimated}."
        )
    elif words:
        over = rows_phrase(words.rows, "explained")
        notes.append(f"Word aggregate over {over}{words.scope} ({words.errors:,} errors).")
    return notes


def downloads_ui(
    labelled: LabelledFile,
    model_id: str,
    scored: Scored,
    slices: list[SliceMetrics],
    words: WordResult | None,
    explained: list[ExplainedRow],
    more: list[ui.Download] = (),
    against: tuple[str, PairedComparison | None, list[SliceComparison]] | None = None,
    cohorts: Sequence[FailureCohorts] = (),
) -> None:
    """Predictions (CSV, Parquet), metrics and slices (CSV), ``more`` (a second model's), and the page as one
    HTML report (with ``against``: model B's name, the paired headline and its slices compared; with the failure
    ``cohorts`` found).
    """
    st.subheader("Downloads")
    classifier = models.load_model(model_id)
    info = ExportInfo(labelled.name, model_id, classifier.precision, "each row's predicted label")
    stem = file_stem(labelled.name)
    notes = report_notes(labelled, scored.metrics, words)
    row = st.container(horizontal=True)
    row.download_button(
        "Predictions (CSV)",
        lambda: scored.results.to_csv(index=False),
        f"{stem}-predictions.csv",
        "text/csv",
        on_click="ignore",
    )
    row.download_button(
        "Predictions (Parquet)",
        lambda: results_parquet(scored.results),
        f"{stem}-predictions.parquet",
        "application/vnd.apache.parquet",
        on_click="ignore",
    )
    if scored.metrics:
        row.download_button(
            "Metrics (CSV)",
            lambda: metrics_frame(scored.metrics).to_csv(index=False),
            f"{stem}-metrics.csv",
            "text/csv",
            on_click="ignore",
        )
    row.download_button(
        "Slices (CSV)",
        lambda: slices_frame(slices).to_csv(index=False),
        f"{stem}-slices.csv",
        "text/csv",
        on_click="ignore",
    )
    for file in more:
        row.download_button(file.label, file.data, f"{stem}-{file.file_name}", file.mime, on_click="ignore")
    row.download_button(
        "Report (HTML)",
        lambda: dataset_report(
            info=info,
            metrics=scored.metrics,
            slices=slices,
            words=words.stats if words else (),
            words_target=words.target if words else "",
            contrast=words.contrast if words else (),
            explained=explained,
            notes=notes,
            paired=against[1] if against else None,
            model_b=against[0] if against else "",
            compared=against[2] if against else (),
            cohorts=cohorts,
        ),
        f"{stem}-report.html",
        "text/html",
        on_click="ignore",
    )
