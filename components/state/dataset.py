"""The Dataset page's session keys and caches: labelled files, row predictions, stored corpus runs."""

from __future__ import annotations

import time
from collections.abc import Callable

import streamlit as st

from components.state import core as session
from components.state import models
from components.state import review as review_state

DATA_DIR_ENV = "TEXTLENS_DATA_DIR"


class DatasetKeys:
    """Session keys of the Dataset page."""

    SOURCE = "dataset_source"
    UPLOAD = "dataset_upload"
    FILE_DATA = "dataset_file_data"  # the last upload (widgets.KeptFile), kept across pages
    FORGET_FILE = "dataset_forget_file"
    ENTRY = "dataset_entry"
    TEXT_COLUMN = "ds_text_"  # + the file's hash prefix: a new file gets fresh pickers and guesses
    LABEL_COLUMN = "ds_label_"
    META_COLUMNS = "ds_meta_"
    PREDICT = "dataset_predict"
    RUN = "dataset_run"  # (run key, RowPredictions) of the last prediction
    CONFUSION = "dataset_confusion_"  # + generation, bumped to clear the clicked cell
    CONFUSION_GEN = "dataset_confusion_gen"
    CELL_KEPT = "dataset_cell_kept"  # the clicked cell, kept across page switches (session.kept_selection)
    SLICE_KEPT = "dataset_slice_kept"  # the selected slice's (group, value)
    ROWS_KEPT = "dataset_rows_kept"  # the selected rows' ids
    RELIABILITY = "dataset_reliability"
    PATTERN = "dataset_pattern"
    REGEX = "dataset_regex"
    CASE = "dataset_case"
    SLICES = "dataset_slices_table"
    PRESET = "dataset_preset"
    SEARCH = "dataset_search"
    CLEAR_CELL = "dataset_clear_cell"
    TABLE = "dataset_table"
    OPEN = "dataset_open_"  # + row id
    PACK = "dataset_pack_"  # + row id
    SAMPLE_N = "dataset_sample_n"
    MIN_COUNT = "dataset_min_count"
    EXPLAIN_SAMPLE = "dataset_explain_sample"
    WORDS = "dataset_words"  # (sample key, (row positions, explanations)) of the word aggregate
    WORD_TARGET = "dataset_word_target"
    WORD_METHOD = "dataset_word_method"  # estimated over every row, or exact over a sample
    WORDS_IN_SLICE = "dataset_words_in_slice"  # word drivers over the selected slice only
    ESTIMATE_FAILED = "dataset_estimate_failed"  # the one-pass estimate of this file failed (no automatic retry)
    WORDS_CHART = "dataset_words_chart"
    CONTRAST_CHART = "dataset_contrast_chart"
    LABEL_ISSUES = "dataset_label_issues_table"
    LABEL_ISSUES_OPEN = "dataset_label_issues_open"  # the section's expander: open or not, kept across reruns
    LABEL_ISSUES_FILTER = "dataset_label_issues_filter"  # the rows table: include, set aside or only them
    LABEL_ISSUES_SEND = "dataset_label_issues_send"  # the send-to-pack form's widgets add suffixes
    ROWS_SEND = "dataset_rows_send"  # the send-the-rows-shown form's widgets add suffixes
    # The second model (B)
    COMPARE_ON = "dataset_compare_on"  # the "Compare with a second model" toggle
    MODEL_B = "dataset_model_b"  # model B's id once it loaded
    PREDICT_B = "dataset_predict_b"
    RUN_B = "dataset_run_b"  # (run key, RowPredictions) of model B
    COMPARISON = "dataset_comparison"  # (input key, textlens.dataset.compare.Comparison)
    FLIP = "dataset_flip"  # the flip-table cell filtering the rows (a flip code) or absent
    FLIP_CELL = "dataset_flip_cell_"  # + flip code: the cell's button
    FLIP_CLEAR = "dataset_flip_clear"
    COMPARE_SLICES = "dataset_compare_slices"
    SHIFT_N = "dataset_shift_n"
    SHIFT_RUN = "dataset_shift_run"
    SHIFTS = "dataset_shifts"  # (sample key, (rows, A's explanations, B's explanations)) of flipped rows
    FLIP_SEND = "dataset_flip_send"  # the send-flips-to-pack form's widgets add suffixes


class ModelBKeys:
    """The second model's picker (the sidebar picker's widgets, on the Dataset page)."""

    MODEL_CHOICE = "dataset_model_b_choice"
    MODEL_FORM = "dataset_model_b_form"
    MODEL_WANTED = "dataset_model_b_wanted"


DATASET_FILE_ENTRIES = 4


DATASET_RUN_ENTRIES = 8


@st.cache_data(max_entries=64, show_spinner=False)
def file_hash(path: str, mtime_ns: int, size: int) -> str:
    """Content hash of a data-folder file, recomputed only when its modification time or size changes."""
    from textlens.dataset import content_hash

    return content_hash(path)


@st.cache_data(max_entries=DATASET_FILE_ENTRIES, show_spinner=False)
def labelled_file(file_hash: str, name: str, _source):
    """A labelled file read once per content hash (``_source``: its bytes or path, not hashed)."""
    from textlens.dataset import read_labelled

    return read_labelled(_source, name)


@st.cache_data(max_entries=DATASET_RUN_ENTRIES, show_spinner=False)
def _row_predictions(model_id: str, fingerprint: str, file_hash: str, text_column: str, _texts, _progress=None):
    from textlens.dataset import predict_rows

    return predict_rows(models.load_model(model_id), _texts, progress=_progress)


def row_predictions(
    model_id: str,
    file_hash: str,
    text_column: str,
    texts: list,
    on_progress: Callable[[session.Progress], None] | None = None,
):
    """Every row's prediction, cached by (model, its fingerprint, file content hash, text column).

    Runs in a worker thread; ``on_progress`` redraws a :class:`Progress` counting rows, its time left weighed by
    the rows' padded lengths (:func:`textlens.dataset.predict_rows`).
    """
    classifier = models.load_model(model_id)
    state = session.Progress(started=time.perf_counter(), weighed=True)
    return session.run_in_worker(
        lambda: _row_predictions(
            model_id,
            classifier.fingerprint,
            file_hash,
            text_column,
            texts,
            _progress=state.report,
        ),
        on_progress,
        state,
    )


@st.cache_data(max_entries=DATASET_FILE_ENTRIES, show_spinner=False)
def stored_run(result_hash: str, path: str):
    """A corpus result folder opened as a :class:`textlens.corpus.StoredRun`, once per state of its files."""
    from textlens.corpus import read_stored

    return read_stored(path)


def stored_explanations(stored, positions: tuple[int, ...]):
    """The stored explanations of a corpus result's rows at ``positions`` (None where a row has none)."""
    from textlens.corpus import stored_explanations as read

    return read(stored, positions)


@st.cache_data(max_entries=DATASET_RUN_ENTRIES, show_spinner=False)
def explain_sample_size(model_id: str, file_hash: str, text_column: str, _texts) -> int:
    """How many rows the word aggregate can explain in about a minute on this machine (measured once)."""
    from textlens.dataset import sample_size_for

    return sample_size_for(models.load_model(model_id), _texts)


@st.cache_data(max_entries=DATASET_RUN_ENTRIES, show_spinner=False)
def label_issues(probs, truth, labels: tuple[str, ...]):
    """Likely label errors (:func:`textlens.dataset.label_issues`), once per predictions and labels."""
    from textlens.dataset import label_issues as find

    return find(probs, truth, labels)


def reviewed_verdicts(pack_name: str, file_key: str) -> dict[int, str]:
    """Row -> the verdict a human gave in the pack ``pack_name`` to rows sent from ``file_key`` (read fresh)."""
    from textlens.dataset.label_issues import reviewed_verdicts as read

    store = review_state.pack_store()
    return read(store.cases(store.pack(pack_name).id), file_key)


@st.cache_data(max_entries=DATASET_RUN_ENTRIES, show_spinner=False)
def _cut_rows(model_id: str, fingerprint: str, file_hash: str, text_column: str, _texts):
    from textlens.dataset.cuts import Cuts, cut_rows

    classifier = models.load_model(model_id)
    return Cuts(cut_rows(_texts, classifier.read_until, classifier.max_length), classifier.max_length)


def cut_rows(model_id: str, file_hash: str, text_column: str, texts: list):
    """The file's rows the model reads only in part (:class:`textlens.dataset.cuts.Cuts`), once per model, file
    and column.
    """
    classifier = models.load_model(model_id)
    return _cut_rows(model_id, classifier.fingerprint, file_hash, text_column, texts)
