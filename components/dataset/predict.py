"""Every row predicted (stored in a corpus result, kept in the session or cached, or computed on a click with
progress), and the predictions scored against the true labels.
"""

from __future__ import annotations

import numpy as np
import streamlit as st

from components import widgets as ui
from components.dataset.multilabel import multi_label_threshold_ui, multi_label_ui
from components.dataset.records import Columns, Loaded, Scored
from components.safe_text import escape_md
from components.state import core as session
from components.state import dataset as dataset_state
from components.state import models
from textlens.dataset import (
    NO_LABEL,
    LabelledFile,
    RowPredictions,
    compute_metrics,
    compute_multi_label_metrics,
    match_label_sets,
    predicted_index,
    results_frame,
    truth_index,
)
from textlens.dataset.compare import rows_phrase

KEYS = dataset_state.DatasetKeys
FAILED_SHOWN = 200  # row ids listed per reason a row could not be predicted


def predict_ui(model_id: str, loaded: Loaded, columns: Columns, second: bool = False) -> RowPredictions | None:
    """The predictions of every row: stored in a corpus result, from this session or the cache, or computed
    on click with progress (rows done and time left). ``second``: the second model's (B), never stored.
    """
    if loaded.stored and not second:
        return loaded.stored.run
    labelled, file_hash = loaded.labelled, loaded.file_hash
    run_key = (model_id, file_hash, columns.text)
    kept, button = (KEYS.RUN_B, KEYS.PREDICT_B) if second else (KEYS.RUN, KEYS.PREDICT)
    done = session.recall(kept, run_key)
    if done is not None:
        return done
    classifier = models.load_model(model_id)
    rows = len(labelled.frame)
    start = st.empty()  # the button goes away once the predictions are there
    with start.container():
        # No time is promised before the rows have run: a guess from the model's speed was off by up to 2.6x.
        st.caption(f"{rows_phrase(rows)} to predict with {escape_md(ui.model_display(model_id))}.")
        who = " with model B" if second else ""
        clicked = st.button(f"Predict all {rows_phrase(rows)}{who}", type="primary", key=button)
    if not clicked:
        return None
    start.empty()
    texts = labelled.frame[columns.text].tolist()
    with ui.progress("Predicting", classifier.seconds_per_row) as drawer:

        def draw(state: session.Progress) -> None:
            eta = state.measured_eta()
            left = "estimating time left…" if eta is None else f"about {eta:.0f} s left"
            text = f"Predicting: {state.done:,} of {rows_phrase(state.total)}, {left}"
            drawer.bar.progress(state.fraction(), text=text)

        run = ui.attempt(dataset_state.row_predictions, model_id, file_hash, columns.text, texts, draw)
    if run is None:
        return None
    session.remember(kept, run_key, run)
    return run


def score(labelled: LabelledFile, run: RowPredictions, columns: Columns, threshold: float = 0.5) -> Scored:
    """The results table, each row's true and predicted label index, its confidence, and the metrics (only
    with a true-label column). A multi-label model's rows get :class:`MultiLabelMetrics` at ``threshold``
    instead, and no one-label truth (its accuracy, confusion and calibration would be wrong).
    """
    results, match = results_frame(labelled.frame, columns.text, run, columns.label, threshold)
    labels = run.labels
    truth, predicted = truth_index(results, labels), predicted_index(results, labels)
    confidence = results["confidence"].to_numpy(dtype=float)
    if run.multi_label:
        sets = match_label_sets(labelled.frame[columns.label].tolist(), labels)[0] if columns.label else None
        multi = compute_multi_label_metrics(sets, run.probs, labels, threshold) if sets is not None else None
        truth = np.full(len(results), NO_LABEL, dtype=np.int64)
        return Scored(results, truth, run.predicted, confidence, None, match, multi)
    metrics = compute_metrics(truth, predicted, confidence, labels) if columns.label else None
    return Scored(results, truth, predicted, confidence, metrics, match)


def failed_title(failed: dict[str, list[int]]) -> str:
    """The heading over the rows that could not be predicted: how many, and how many for each reason."""
    parts = [f"{len(rows):,} {reason}" for reason, rows in failed.items()]
    return f"⚠ {rows_phrase(sum(len(r) for r in failed.values()))} could not be predicted ({', '.join(parts)})"


def listed_rows(rows: list[int], most: int = FAILED_SHOWN) -> str:
    """Row ids as a comma list, the first ``most`` of them, with an ellipsis when there are more."""
    return ", ".join(str(r) for r in rows[:most]) + (" …" if len(rows) > most else "")


def score_ui(labelled: LabelledFile, run: RowPredictions, columns: Columns) -> Scored:
    """The results table and metrics, with notices for rows that could not be used; a multi-label model's
    metrics at the threshold picked here (:mod:`components.dataset.multilabel`).
    """
    threshold = multi_label_threshold_ui() if run.multi_label else 0.5
    scored = score(labelled, run, columns, threshold)
    failed = run.error_rows()
    if failed:
        with st.expander(failed_title(failed)):
            for reason, rows in failed.items():
                st.caption(f"{escape_md(reason)}: row_id {listed_rows(rows)}")
    ui.label_match_ui(scored.match)
    if run.multi_label:
        multi_label_ui(scored.multi_label, columns.label is not None)
    return scored
