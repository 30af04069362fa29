"""Dataset page: how the model does on a labelled set, where it fails, and which words drive it.

Layout and wiring only: the Dataset room (:mod:`components.dataset`) holds the widgets and the logic, its
state is :mod:`components.state.dataset`.
"""

from __future__ import annotations

import numpy as np
import streamlit as st

from components import widgets as ui
from components.dataset import compare
from components.dataset.cohorts import NO_COHORTS, cohorts_ui
from components.dataset.downloads import downloads_ui
from components.dataset.explained import explained_ui
from components.dataset.figures import confusion_figure, reliability_figure
from components.dataset.filters import (
    NO_FILTER,
    RowFilter,
    cell_filter,
    filter_rows,
    issues_filter,
    presets,
    search_filter,
    shown_columns,
    slice_filter,
    table_frame,
    wrong_rows,
)
from components.dataset.label_issues import label_issues_ui
from components.dataset.map import map_ui
from components.dataset.predict import predict_ui, score_ui
from components.dataset.records import Columns, Loaded, Scored, Shown
from components.dataset.rows import filter_note_ui, issues_mode_ui, rows_table_ui, send_rows_ui
from components.dataset.source import columns_ui, load_ui
from components.dataset.tables import FLOAT3, PERCENT, metrics_frame, metrics_summary, slices_frame
from components.dataset.words import words_ui
from components.safe_text import escape_md
from components.selection import cleared_note, keep_selection
from components.state import core as session
from components.state import dataset as dataset_state
from components.state import models
from textlens.dataset import LabelIssues, Metrics, RowPredictions, SliceMetrics, slice_metrics
from textlens.dataset.compare import Comparison, SliceComparison
from textlens.dataset.cuts import Cuts
from textlens.dataset.slices import set_slices

KEYS = dataset_state.DatasetKeys


def metrics_ui(metrics: Metrics, view_key: tuple) -> tuple[int, int] | None:
    """Headline numbers, per-class table, the clickable confusion matrix and calibration. Returns the clicked cell."""
    a, b, c, d, e = st.columns(5)
    a.metric("Accuracy", f"{metrics.accuracy:.1%}")
    b.metric("Macro-F1", f"{metrics.macro_f1:.3f}")
    c.metric("Errors", f"{metrics.errors:,}")
    d.metric("Labelled rows", f"{metrics.rows:,}")
    e.metric(
        "Calibration error (ECE)",
        f"{metrics.ece:.3f}",
        help="Expected calibration error: how far "
        "confidence is from accuracy, averaged over confidence bins (0 = a 0.9 means right 90% of the time).",
    )
    left, right = st.columns([3, 2])
    with left:
        st.subheader("Confusion matrix")
        st.caption("Rows: true label; columns: predicted. Click a cell to show its rows in the table below.")
        generation = st.session_state.setdefault(KEYS.CONFUSION_GEN, 0)
        fresh = session.widget_is_new(f"{KEYS.CONFUSION}{generation}")
        event = st.plotly_chart(
            confusion_figure(metrics),
            key=f"{KEYS.CONFUSION}{generation}",
            on_select="rerun",
            selection_mode="points",
            width="content",
            config={"displayModeBar": False},
        )
        st.dataframe(
            metrics_frame(metrics),
            hide_index=True,
            width="stretch",
            column_config={"precision": FLOAT3, "recall": FLOAT3, "f1": FLOAT3},
        )
    with right:
        st.subheader("Calibration")
        st.caption("Accuracy per confidence bin; on the dashed line, a confidence of 0.9 is right 90 % of the time.")
        st.plotly_chart(reliability_figure(metrics), width="stretch", key=KEYS.RELIABILITY)
    points = (event.selection.points if event and event.selection else None) or []
    clicked = (int(round(points[0]["y"])), int(round(points[0]["x"]))) if points else None
    return session.kept_selection(KEYS.CELL_KEPT, view_key, clicked, fresh)


def slices_ui(
    scored: Scored,
    columns: Columns,
    labels: tuple[str, ...],
    view_key: tuple,
    comparison: Comparison | None = None,
) -> tuple[list[SliceMetrics], np.ndarray | None, str, list[SliceComparison]]:
    """Slices by metadata, length and a typed pattern, worst first; with a second model, the slices compared.

    Returns the slice table, the mask and name of the slice selected in it (None and "" when none is) and
    the slices compared (empty without a second model).
    """
    st.subheader("Slices")
    left, middle = st.columns([3, 2])
    pattern = left.text_input(
        "Rows containing (a keyword, or a regular expression)",
        key=KEYS.PATTERN,
        persist_state="session",
        placeholder="e.g. not",
        help="A keyword matches whole words, ignoring case: 'not' finds 'Not' but not 'nothing'.",
    )
    with middle:
        st.write("")
        is_regex = st.toggle("Regular expression", key=KEYS.REGEX, persist_state="session")
        case = st.toggle("Match case", key=KEYS.CASE, persist_state="session")
    slices = ui.attempt(set_slices, scored.results, columns.text, columns.meta, pattern, is_regex=is_regex, case=case)
    if slices is None:  # the pattern cannot be used (its message is shown): the other slices still are
        slices = set_slices(scored.results, columns.text, columns.meta)
    table = slice_metrics(slices, scored.truth, scored.predicted, scored.confidence, labels)
    masks = {(s.group, s.value): s.mask for s in slices}
    order = "worst accuracy first" if scored.metrics else "lowest mean confidence first"
    st.caption(
        f"{len(table)} slices, {order}; slices with fewer than 10 labelled rows last. Select one to filter the table."
    )
    chosen = keep_selection(KEYS.SLICES, KEYS.SLICE_KEPT, view_key, [(s.group, s.value) for s in table])
    if chosen.dropped:
        st.info(escape_md(cleared_note(chosen.dropped, lambda s: f"slice {s[0]} = {s[1]}")), icon=":material/deselect:")
    st.dataframe(
        slices_frame(table),
        hide_index=True,
        width="stretch",
        height=ui.grid_height(len(table), most=400),
        on_select="rerun",
        selection_mode="single-row",
        key=KEYS.SLICES,
        column_config={
            "accuracy": PERCENT,
            "vs whole set": st.column_config.NumberColumn(format="%+.3f"),
            "macro F1": FLOAT3,
            "mean confidence": FLOAT3,
        },
    )
    compared = compare.slices_compared_ui(comparison, slices) if comparison else []
    if chosen.ids and chosen.ids[0] in masks:
        group, value = chosen.ids[0]
        return table, masks[group, value], f"{group} = {value}", compared
    return table, None, "", compared


def table_ui(
    scored: Scored,
    columns: Columns,
    labels: tuple[str, ...],
    cell: tuple[int, int] | None,
    picked_slice: tuple[np.ndarray | None, str],
    issues: LabelIssues | None,
    view_key: tuple,
    comparison: Comparison | None = None,
    flip: RowFilter = NO_FILTER,
    cuts: Cuts | None = None,
    more: tuple[RowFilter, ...] = (),
) -> Shown:
    """The rows, filtered by likely label errors, the flip-table cell, the clicked cell, ``more`` (the cohort
    picked, the rows selected on the map), the selected slice and a search, then a preset; with a second model,
    its columns. Returns the selected row ids (kept across a page switch), and every row id the table shows with
    the filters that made it.
    """
    st.subheader("Rows")
    has_truth = scored.metrics is not None
    left, middle, right = st.columns([3, 2, 2])
    preset = left.radio("Show", presets(has_truth), horizontal=True, key=KEYS.PRESET, persist_state="session")
    search = right.text_input(
        "Text contains", key=KEYS.SEARCH, placeholder="filter by a word or phrase", persist_state="session"
    )
    issue = issues.issue if issues is not None else None
    issues_kept = issues_filter(issue, issues_mode_ui(middle)) if issue is not None else NO_FILTER
    extra, config = compare.table_columns(comparison) if comparison else ({}, {})
    results = table_frame(scored.results, columns.text, issue, extra, cuts)
    row_filters = [
        issues_kept,
        flip,
        cell_filter(scored.truth, scored.predicted, cell, labels),
        *more,
        slice_filter(*picked_slice),
        search_filter(results[columns.text], search),
    ]
    filtered = filter_rows(results, row_filters, preset, wrong_rows(scored.truth, scored.predicted))
    filter_note_ui(filtered, cell is not None, flip.active)
    shown = shown_columns(results, columns.text, columns.meta, has_truth, issue is not None, list(extra))
    selected = rows_table_ui(filtered, len(results), shown, columns.text, view_key, cuts, config)
    return Shown(selected, filtered.row_ids, filtered.description())


def compare_ui(
    model_id: str, labels: tuple[str, ...], loaded: Loaded, columns: Columns, run: RowPredictions
) -> tuple[str | None, Comparison | None, RowFilter]:
    """The optional second model (B): its picker and predictions, the paired headline, the flip table (whose
    picked cell filters the rows) and its flipped rows sent to a pack. Returns B's id, the comparison and the
    flip filter (None, None and no filter until B has predicted every row).
    """
    model_b = compare.model_b_ui(model_id, labels)
    run_b = predict_ui(model_b, loaded, columns, second=True) if model_b else None
    if run_b is None:
        return model_b, None, NO_FILTER
    frame = loaded.labelled.frame
    comparison = compare.comparison_of(
        model_id, model_b, loaded.file_hash, frame, columns.text, columns.label, run, run_b
    )
    compare.headline_ui(comparison, model_id, model_b)
    flip = compare.flip_table_ui(comparison)
    compare.send_flips_ui(model_id, model_b, comparison, frame[columns.text].tolist(), run, loaded.file_hash)
    return model_b, comparison, flip


def render() -> None:
    """The page: load, pick columns, predict, then metrics, failure cohorts, the map, slices, rows, explanations,
    words and downloads.
    """
    model_id = ui.model_picker()
    st.title("Dataset")
    st.caption(
        "How does the model do on a labelled set, where does it fail, and which words drive it? Load a file, "
        "predict every row, then click into the errors."
    )
    loaded = load_ui()
    if loaded is None:
        return
    labelled = loaded.labelled
    if loaded.stored:  # a corpus result speaks for the model that made it
        model_id, labels = loaded.stored.model_id, loaded.stored.run.labels
    else:
        labels = models.load_model(model_id).labels
    columns = columns_ui(loaded, labels)
    run = predict_ui(model_id, loaded, columns) if columns else None
    if run is None:
        return
    scored = score_ui(labelled, run, columns)
    # What the kept selections (clicked cell, slice, rows) belong to: another file, model or column forgets them.
    view_key = (loaded.file_hash, model_id, columns.text, columns.label)
    cell, model_b, comparison, flip = None, None, None, NO_FILTER
    if scored.metrics:
        st.caption(escape_md(f"{labelled.name} · {ui.model_display(model_id)} · {metrics_summary(scored.metrics)}"))
        cell = metrics_ui(scored.metrics, view_key)
        model_b, comparison, flip = compare_ui(model_id, labels, loaded, columns, run)
    elif columns.label is None:
        st.info("Pick a true-label column to see accuracy, the confusion matrix and calibration.")
    issues = label_issues_ui(model_id, loaded, scored, run, columns) if scored.metrics else None
    second = (model_b, comparison) if comparison else None
    found = NO_COHORTS
    if scored.metrics:
        found = cohorts_ui(model_id, loaded, scored, run, columns, issues, view_key, second)
    on_map = map_ui(model_id, loaded, columns, scored, found.shown, view_key)
    slices, slice_mask, slice_name, compared = slices_ui(scored, columns, labels, view_key, comparison)
    cuts = dataset_state.cut_rows(model_id, loaded.file_hash, columns.text, labelled.frame[columns.text].tolist())
    picked_slice = (slice_mask, slice_name)
    picked = (found.filter, on_map)
    shown = table_ui(scored, columns, labels, cell, picked_slice, issues, view_key, comparison, flip, cuts, picked)
    send_rows_ui(model_id, loaded, scored, run, columns, shown, second)
    explained = explained_ui(model_id, scored, columns, shown.selected, loaded.stored, second)
    if comparison:
        texts = scored.results[columns.text].tolist()
        compare.words_changed_ui(model_id, model_b, comparison, texts, loaded.file_hash)
    words = words_ui(model_id, scored, columns, loaded, labels, slice_mask, slice_name)
    more = compare.comparison_downloads(comparison, compared) if comparison else []
    against = (ui.model_display(model_b), comparison.paired, compared) if comparison else None
    downloads_ui(labelled, model_id, scored, slices, words, explained, more, against, found.found)


render()
