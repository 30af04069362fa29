"""The Dataset page's failure cohorts and map of the set: their session keys and caches."""

from __future__ import annotations

import time
from collections.abc import Callable

import streamlit as st

from components.state import core as session
from components.state import models
from components.state.dataset import DATASET_RUN_ENTRIES


class CohortKeys:
    """Session keys of the Dataset page's "Failure cohorts" and "Map of the set" sections."""

    DEPTH = "dataset_cohort_depth"
    MIN_ROWS = "dataset_cohort_min_rows"
    OUTPUTS = "dataset_cohort_outputs"  # may the tree split on the model's outputs (predicted label, confidence…)
    OF = "dataset_cohorts_of"  # with a second model: A's errors or the rows B broke
    TABLE = "dataset_cohorts_table"
    KEPT = "dataset_cohort_kept"  # the selected cohort's key (selection.Kept), kept across page switches
    CLEAR = "dataset_cohort_clear"
    SEND = "dataset_cohort_send"  # the send-the-cohort form's widgets add suffixes
    MAP = "dataset_map"  # (run key, RowMap): the map of the rows predicted, kept with the predictions
    DRAW = "dataset_map_draw"
    COLOUR = "dataset_map_colour"
    CHART = "dataset_map_chart_"  # + generation, bumped to clear the selection
    CHART_GEN = "dataset_map_chart_gen"
    FIGURE = "dataset_map_figure"  # (what it shows, the figure): kept, drawing it again takes a second
    DRAWN = "dataset_map_drawn"  # what the chart last drew (view, colouring, cohorts): a change makes a new chart
    PICKED = "dataset_map_picked"  # the rows selected on the map (session.kept_selection)
    UNPICK = "dataset_map_unpick"


@st.cache_data(max_entries=DATASET_RUN_ENTRIES, show_spinner=False)
def failure_cohorts(
    file_hash: str,
    text_column: str,
    meta_columns: tuple[str, ...],
    labels: tuple[str, ...],
    truth,
    predicted,
    confidence,
    issue,
    max_depth: int,
    min_rows: int,
    model_outputs: bool,
    _texts,
    _meta,
):
    """One model's failure cohorts (:func:`textlens.dataset.cohorts.failure_cohorts`), once per file, columns,
    predictions (hashed: the arrays), likely label errors and tree settings.
    """
    from textlens.dataset.cohorts import failure_cohorts as find

    settings = {"max_depth": max_depth, "min_rows": min_rows, "model_outputs": model_outputs}
    return find(_texts, truth, predicted, confidence, labels, meta=_meta, issue=issue, **settings)


@st.cache_data(max_entries=DATASET_RUN_ENTRIES, show_spinner=False)
def broken_cohorts(
    file_hash: str,
    text_column: str,
    meta_columns: tuple[str, ...],
    labels: tuple[str, ...],
    truth,
    predicted_a,
    predicted_b,
    confidence_b,
    max_depth: int,
    min_rows: int,
    model_outputs: bool,
    _texts,
    _meta,
):
    """The cohorts of the rows a second model broke (:func:`textlens.dataset.cohorts.broken_cohorts`), once per
    file, columns, both models' predictions and tree settings.
    """
    from textlens.dataset.cohorts import broken_cohorts as find

    return find(
        _texts,
        truth,
        predicted_a,
        predicted_b,
        confidence_b,
        labels,
        meta=_meta,
        max_depth=max_depth,
        min_rows=min_rows,
        model_outputs=model_outputs,
    )


@st.cache_data(max_entries=DATASET_RUN_ENTRIES, show_spinner=False)
def _row_map(model_id: str, fingerprint: str, file_hash: str, text_column: str, _texts, _progress=None):
    from textlens.dataset.embedding_map import map_rows

    row_map, _ = map_rows(models.load_model(model_id), _texts, progress=_progress)
    return row_map


def row_map(
    model_id: str,
    file_hash: str,
    text_column: str,
    texts: list,
    on_progress: Callable[[session.Progress], None] | None = None,
):
    """The map of every row (:func:`textlens.dataset.embedding_map.map_rows`), cached by (model, its fingerprint,
    file content hash, text column) as the predictions are. Runs in a worker thread; ``on_progress`` redraws a
    :class:`Progress` counting the distinct texts embedded.
    """
    classifier = models.load_model(model_id)
    state = session.Progress(started=time.perf_counter(), weighed=True)
    return session.run_in_worker(
        lambda: _row_map(model_id, classifier.fingerprint, file_hash, text_column, texts, _progress=state.report),
        on_progress,
        state,
        key=("row-map", model_id, file_hash, text_column),
    )
