"""The dashboard's one home for Streamlit caches and session keys: models, predictions, explanations."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import Any

import streamlit as st
from streamlit.runtime.scriptrunner import add_script_run_ctx, get_script_run_ctx

from textlens import (
    DEFAULT_MODEL_ID,
    Classifier,
    Explanation,
    Prediction,
    explain,
    explain_many,
    load_classifier,
    warm_up,
)

MODEL_KEY = "textlens_model_id"
IN_FLIGHT_KEY = "textlens_in_flight"  # this session's last explanation worker thread


class SidebarKeys:
    """Session keys of the shared sidebar (model picker)."""

    MODEL_CHOICE = "model_choice"
    MODEL_FORM = "model_form"
    MODEL_WANTED = "model_wanted"


class ExplainKeys:
    """Session keys of the Explain page."""

    TEXT = "explain_text"
    BUDGET = "explain_budget"
    PREDICTION = "explain_prediction"  # (input key, Prediction) of the last Classify or Explain
    RESULT = "explain_result"  # (input key, Explanation)
    TARGET = "explain_target"
    K = "explain_k"
    EXAMPLE = "example_"  # + the example's name
    PROBABILITIES_CHART = "prob_chart"
    WORDS_CHART = "words_chart"
    LIVE = "explain_live"  # the LiveRun of a long text refining on screen (see app_pages/explain.py)
    LIVE_SECONDS = "explain_live_seconds"  # time limit of one refinement run
    LIVE_STOP = "explain_live_stop"
    LIVE_CONTINUE = "explain_live_continue"


class CompareKeys:
    """Session keys of the Compare page."""

    MODE = "compare_mode"
    MODEL_B = "compare_model_b"
    SOURCE = "compare_source"
    TEXTS = "compare_texts"
    FILE = "compare_file"
    FILE_DATA = "compare_file_data"  # (name, bytes) of the last upload: kept when the uploader is not shown
    FILE_SEEN = "compare_file_seen"  # (name, hash) whose default columns were set
    FORGET_FILE = "compare_forget_file"
    FIXED_SCALE = "compare_fixed_scale"
    SHOW = "compare_show"
    ORDER = "compare_order"
    OVERVIEW_MODEL = "compare_overview_model"
    TEXT_COLUMN = "compare_text_column"
    LABEL_COLUMN = "compare_label"
    BUDGET = "compare_budget"
    RESULT = "compare_result"  # (input key, rows)
    TARGET = "compare_target"
    PER_ROW = "compare_per_row"
    FOCUS = "compare_focus"
    HEATMAP = "compare_heatmap"
    FOCUS_CHART = "compare_focus_chart"


class ImageKeys:
    """Session keys of the Image page."""

    SOURCE = "image_source"
    FILE = "image_file"
    FILE_DATA = "image_file_data"  # (name, bytes) of the last upload, kept across pages
    FORGET_FILE = "image_forget_file"
    BUDGET = "image_budget"
    RESULT = "image_result"  # (input key, ImageExplanation)
    CLASS = "image_class"
    OPACITY = "image_opacity"
    PROBABILITIES_CHART = "image_probs"


def remember(key: str, input_key: Hashable, value: Any) -> None:
    """Store ``value`` under session ``key``, tagged with the input it was computed for."""
    st.session_state[key] = (input_key, value)


def recall(key: str, input_key: Hashable) -> Any | None:
    """The value stored under ``key`` if it belongs to ``input_key`` (the input on screen now), else None."""
    stored = st.session_state.get(key)
    if isinstance(stored, tuple) and len(stored) == 2 and stored[0] == input_key:
        return stored[1]
    return None


def has_result(key: str) -> bool:
    """Whether something is stored under ``key`` at all (for "the inputs changed since" notes)."""
    return st.session_state.get(key) is not None


DEFAULT_MODEL_LABEL = "Bundled sentiment model (MiniLM-L6 + LoRA, SST-2)"
# Explanations are small records; 512 of them stay well under a few MB.
EXPLANATION_CACHE_ENTRIES = 512
MODEL_CACHE_ENTRIES = 3


@st.cache_resource(max_entries=MODEL_CACHE_ENTRIES, show_spinner=False)
def load_model(model_id: str) -> Classifier:
    """Load a classifier once per process; shap is warmed up in the background so the first click is fast."""
    classifier = load_classifier(model_id)
    threading.Thread(target=warm_up, args=(classifier,), name="textlens-warm-up", daemon=True).start()
    return classifier


def active_model_id() -> str:
    """The model the pages use now (the last one that loaded successfully)."""
    return st.session_state.setdefault(MODEL_KEY, DEFAULT_MODEL_ID)


def set_active_model(model_id: str) -> None:
    """Make ``model_id`` the active model; call only after :func:`load_model` succeeded."""
    st.session_state[MODEL_KEY] = model_id


@st.cache_data(max_entries=EXPLANATION_CACHE_ENTRIES, show_spinner=False)
def classify(model_id: str, texts: tuple[str, ...]) -> list[Prediction]:
    """Predictions for ``texts``, cached by model id and texts."""
    return load_model(model_id).classify(texts)


class _NotCached(Exception):
    """Raised by a probing call of :func:`_explanation`: exceptions are never cached, values are."""


@st.cache_data(max_entries=EXPLANATION_CACHE_ENTRIES, show_spinner=False)
def _explanation(
    model_id: str, text: str, max_evals: int | str, leaves: str, _progress=None, _probe=False, _computed=None
) -> Explanation:
    # One cache entry per (model, text, settings). _probe asks "is it cached?" without computing;
    # _computed stores a result that explain_many produced for several texts at once.
    if _probe:
        raise _NotCached
    if _computed is not None:
        return _computed
    return explain(load_model(model_id), text, max_evals=max_evals, leaves=leaves, progress=_progress)


@dataclass
class Progress:
    """What a running explanation has done so far, read by the page to draw its progress bar."""

    done: int = 0
    total: int = 0
    waiting: bool = False
    started: float = 0.0
    item: int = 0  # texts finished, when several are explained together
    items: int = 1
    own_earlier: bool = False  # waiting behind this same session's earlier run (e.g. a double click)

    def report(self, done: int, total: int) -> None:
        """The progress callback textlens calls (from the worker thread): the first call ends waiting."""
        if self.waiting:
            self.waiting, self.started = False, time.perf_counter()
        self.done, self.total = done, total

    def fraction(self) -> float:
        return 0.0 if self.total <= 0 else min(1.0, self.done / self.total)

    def eta_seconds(self, seconds_per_row: float) -> float:
        """Seconds left: from the rate so far, or from the model's measured speed before the first batch."""
        left = max(0, self.total - self.done)
        elapsed = time.perf_counter() - self.started
        if self.done > 0 and elapsed > 0.2:
            return left * elapsed / self.done
        return left * seconds_per_row


def _earlier_run_in_flight() -> bool:
    """Whether this session's previous explanation is still running (its page rerun, its worker did not stop)."""
    worker = st.session_state.get(IN_FLIGHT_KEY)
    return worker is not None and worker.is_alive()


def _in_worker(fn, on_progress: Callable[[Progress], None] | None, state: Progress):
    """Run ``fn`` in a thread (with this script's context) and redraw progress until it returns."""
    outcome: dict[str, object] = {}

    def work() -> None:
        try:
            outcome["value"] = fn()
        except BaseException as exc:  # re-raised in the script thread
            outcome["error"] = exc

    worker = threading.Thread(target=work, name="textlens-explain", daemon=True)
    add_script_run_ctx(worker, get_script_run_ctx())
    worker.start()
    st.session_state[IN_FLIGHT_KEY] = worker
    while worker.is_alive():
        worker.join(0.15)
        if on_progress is not None and worker.is_alive():
            on_progress(state)
    if "error" in outcome:
        raise outcome["error"]  # type: ignore[misc]
    return outcome["value"]


def explanations(
    model_id: str,
    texts: list[str],
    *,
    max_evals: int | str = "auto",
    leaves: str = "words",
    on_progress: Callable[[Progress], None] | None = None,
) -> list[Explanation]:
    """Cached explanations of several texts; the uncached ones are computed in one :func:`explain_many` call.

    ``Progress.item``/``items`` count texts, ``done``/``total`` model calls across all of them.
    """
    cached: dict[int, Explanation] = {}
    for i, text in enumerate(texts):
        try:
            cached[i] = _explanation(model_id, text, max_evals, leaves, _probe=True)
        except _NotCached:
            pass
    missing = [i for i in range(len(texts)) if i not in cached]
    if missing:
        classifier = load_model(model_id)
        state = Progress(
            waiting=classifier.lock.locked(),
            started=time.perf_counter(),
            items=len(missing),
            own_earlier=_earlier_run_in_flight(),
        )

        def report(texts_done: int, _n: int, done: int, total: int) -> None:
            state.item = texts_done
            state.report(done, total)

        computed = _in_worker(
            lambda: explain_many(
                classifier, [texts[i] for i in missing], max_evals=max_evals, leaves=leaves, progress=report
            ),
            on_progress,
            state,
        )
        for i, result in zip(missing, computed):
            cached[i] = _explanation(model_id, texts[i], max_evals, leaves, _computed=result)
    return [cached[i] for i in range(len(texts))]


def explanation(
    model_id: str,
    text: str,
    *,
    max_evals: int | str = "auto",
    leaves: str = "words",
    on_progress: Callable[[Progress], None] | None = None,
) -> Explanation:
    """The cached explanation of ``text``; computed in a worker thread so the page can show progress.

    The cached function runs in the worker and never touches Streamlit elements; the script thread
    polls :class:`Progress` and draws it, so the page never looks frozen.
    """
    state = Progress(
        waiting=load_model(model_id).lock.locked(), started=time.perf_counter(), own_earlier=_earlier_run_in_flight()
    )
    return _in_worker(
        lambda: _explanation(model_id, text, max_evals, leaves, _progress=state.report), on_progress, state
    )


@st.cache_resource(show_spinner=False)
def load_image_model():
    """The bundled ImageNet classifier, loaded once per process."""
    from textlens.image import load_image_classifier

    return load_image_classifier()


@st.cache_data(max_entries=8, show_spinner=False)
def sample_image(name: str):
    """One of scikit-image's sample images (``chelsea``, ``coffee``, ...) as RGB uint8."""
    import skimage.data

    return getattr(skimage.data, name)()


@st.cache_data(max_entries=64, show_spinner=False)
def _image_prediction(image_bytes: bytes, shape: tuple[int, ...], k: int):
    import numpy as np

    from textlens.image import predict_top

    return predict_top(load_image_model(), np.frombuffer(image_bytes, dtype=np.uint8).reshape(shape), k)


def image_prediction(image, k: int = 5):
    """The ``k`` most probable classes of a model-sized image (an :class:`ImagePrediction`), cached."""
    return _image_prediction(image.tobytes(), image.shape, k)


@st.cache_data(max_entries=64, show_spinner=False)
def _image_explanation(
    image_bytes: bytes, shape: tuple[int, ...], classes: tuple[int, ...], max_evals: int, _progress=None
):
    import numpy as np

    from textlens.image import explain_image

    image = np.frombuffer(image_bytes, dtype=np.uint8).reshape(shape)
    return explain_image(load_image_model(), image, list(classes), max_evals=max_evals, progress=_progress)


def image_explanation(image, classes: list[int], max_evals: int, on_progress=None):
    """The cached explanation of a model-sized image for ``classes``, computed with progress."""
    state = Progress(waiting=load_image_model().lock.locked(), started=time.perf_counter())
    return _in_worker(
        lambda: _image_explanation(image.tobytes(), image.shape, tuple(classes), max_evals, _progress=state.report),
        on_progress,
        state,
    )


# --- Dataset page ---------------------------------------------------------------------------------
DATA_DIR_ENV = "TEXTLENS_DATA_DIR"


class DatasetKeys:
    """Session keys of the Dataset page."""

    SOURCE = "dataset_source"
    UPLOAD = "dataset_upload"
    ENTRY = "dataset_entry"
    TEXT_COLUMN = "ds_text_"  # + the file's hash prefix: a new file gets fresh pickers and guesses
    LABEL_COLUMN = "ds_label_"
    META_COLUMNS = "ds_meta_"
    PREDICT = "dataset_predict"
    RUN = "dataset_run"  # (run key, RowPredictions) of the last prediction
    CONFUSION = "dataset_confusion_"  # + generation, bumped to clear the clicked cell
    CONFUSION_GEN = "dataset_confusion_gen"
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
    WORDS_CHART = "dataset_words_chart"
    CONTRAST_CHART = "dataset_contrast_chart"


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

    return predict_rows(load_model(model_id), _texts, progress=_progress)


def row_predictions(
    model_id: str, file_hash: str, text_column: str, texts: list, on_progress: Callable[[Progress], None] | None = None
):
    """Every row's prediction, cached by (model, its fingerprint, file content hash, text column).

    Runs in a worker thread; ``on_progress`` redraws a :class:`Progress` counting rows.
    """
    classifier = load_model(model_id)
    state = Progress(started=time.perf_counter())
    return _in_worker(
        lambda: _row_predictions(
            model_id,
            classifier.fingerprint,
            file_hash,
            text_column,
            texts,
            _progress=lambda done, total, _eta: state.report(done, total),
        ),
        on_progress,
        state,
    )


@st.cache_data(max_entries=DATASET_FILE_ENTRIES, show_spinner=False)
def stored_run(result_hash: str, path: str):
    """A corpus result folder opened as a :class:`textlens.dataset.StoredRun`, once per state of its files."""
    from textlens.dataset import read_stored

    return read_stored(path)


def stored_explanations(stored, positions: tuple[int, ...]):
    """The stored explanations of a corpus result's rows at ``positions`` (None where a row has none)."""
    from textlens.dataset import stored_explanations as read

    return read(stored, positions)


@st.cache_data(max_entries=DATASET_RUN_ENTRIES, show_spinner=False)
def explain_sample_size(model_id: str, file_hash: str, text_column: str, _texts) -> int:
    """How many rows the word aggregate can explain in about a minute on this machine (measured once)."""
    from textlens.dataset import sample_size_for

    return sample_size_for(load_model(model_id), _texts)


# --- review packs -------------------------------------------------------------------------------


class ReviewKeys:
    """Session keys of the Review page and of the "Add to review pack" widget."""

    OPEN = "review_open"  # the "Open pack" selectbox
    OPEN_REQUEST = "review_open_request"  # a pack to open on the next run (just created or imported)
    SEARCH = "review_search"
    OWNER = "review_owner"
    TAG = "review_tag"
    MODE = "review_mode"
    AUTHOR = "review_author"  # the name this session signs its cases and packs with
    PRESENT = "review_present_index"  # + pack id: the case on screen in Present mode
    RERUN = "review_rerun"  # (pack id, model id, case versions) -> re-run rows
    EDIT_BASE = "review_edit_base"  # case id -> the version this session's edit form started from
    MESSAGE = "review_messages"  # case id -> (kind, message) shown once after a save
    VERDICT_FILTER = "review_verdict_filter"
    LAST_PACK = "review_last_pack"  # the pack "Add to review pack" offers first
    ADDED = "review_added"  # "Add to review pack" widgets whose form starts afresh on the next run


@st.cache_resource(show_spinner=False)
def _pack_store(target: str):
    from textlens.store import open_store

    return open_store(target or None)


def pack_store():
    """The review-pack store of this server (``$TEXTLENS_DB``, else the user's data folder), opened once."""
    import os

    from textlens.store import DB_ENV

    return _pack_store(os.environ.get(DB_ENV, "").strip())


def author() -> str:
    """The name this session signs with (default: the server's login name)."""
    from textlens.store import default_author

    return st.session_state.setdefault(ReviewKeys.AUTHOR, default_author())


# --- Explain page: long texts refining on screen --------------------------------------------------
LIVE_SECONDS_DEFAULT = 30


@dataclass
class LiveRun:
    """A long text's node-complete explanation refining in a worker thread while the page draws it.

    ``latest`` is the newest exact view (every unit's value final); ``state`` the resumable
    :class:`textlens.explain.Refinement` once a run has ended, so Continue reuses its rows. It lives
    in the session (:attr:`ExplainKeys.LIVE`), so a rerun (a Stop click) finds the run still going.
    """

    model_id: str
    text: str
    state: Any = None
    latest: Explanation | None = None
    steps: int = 0
    reason: str = ""  # why the last run ended: "resolved", "budget", "time" or "stopped"
    error: BaseException | None = None
    stop: threading.Event = field(default_factory=threading.Event)
    thread: threading.Thread | None = None

    @property
    def running(self) -> bool:
        """True while the worker is refining."""
        return self.thread is not None and self.thread.is_alive()

    @property
    def complete(self) -> bool:
        """True when every word is resolved: nothing left to continue."""
        return self.state is not None and self.state.complete

    def start(self, classifier: Classifier, max_evals: int, seconds: float) -> None:
        """Refine for up to ``seconds`` (or ``max_evals`` rows in all) from where the last run ended."""
        from textlens.explain import refine

        self.stop.clear()
        self.error = None

        def step(result: Explanation) -> None:
            self.latest, self.steps = result, self.steps + 1

        def work() -> None:
            try:
                state = refine(
                    classifier,
                    self.text,
                    state=self.state,
                    max_evals=max_evals,
                    seconds=seconds,
                    should_stop=self.stop.is_set,
                    on_step=step,
                )
            except BaseException as exc:  # shown by the page
                self.error = exc
                return
            self.state, self.latest = state, state.result
            if state.complete:
                self.reason = "resolved"
            elif self.stop.is_set():
                self.reason = "stopped"
            elif state.exhausted:
                self.reason = "budget"
            else:
                self.reason = "time"

        self.thread = threading.Thread(target=work, name="textlens-refine", daemon=True)
        self.thread.start()


def live_run(model_id: str, text: str) -> LiveRun | None:
    """The session's live run for this model and text; a run for another input is stopped and dropped."""
    run = st.session_state.get(ExplainKeys.LIVE)
    if run is None:
        return None
    if (run.model_id, run.text) != (model_id, text):
        run.stop.set()
        del st.session_state[ExplainKeys.LIVE]
        return None
    return run


def start_live(model_id: str, text: str, max_evals: int, seconds: float) -> LiveRun:
    """Start (or, for the same input, continue) refining ``text`` on screen."""
    run = live_run(model_id, text) or LiveRun(model_id, text)
    st.session_state[ExplainKeys.LIVE] = run
    if not run.running:
        run.start(load_model(model_id), max_evals, seconds)
    return run


# --- Trust: faithfulness, what-if and the instant preview (issue 17) -------------------------------
class TrustKeys:
    """Session keys of the Explain page's tab bar and its Trust and What-if tabs."""

    TAB = "explain_tab"  # the selected tab: the Trust tab measures only when it is open
    CURVES = "trust_curves"
    WORDS = "what_if_words"
    OWNER = "what_if_for"  # (model id, text) the chosen words belong to
    MODE = "what_if_mode"
    REPLACEMENT = "what_if_replacement"
    EXPLAIN_EDITED = "what_if_explain"
    EDITED = "what_if_explanation"  # (input key, Explanation of the edited text)


def _explanation_key(explanation: Explanation) -> str:
    # An explanation is identified by its text and the settings that produced it (model id apart).
    return explanation.text + "\x00" + repr(sorted(explanation.settings.items()))


@st.cache_data(max_entries=EXPLANATION_CACHE_ENTRIES, show_spinner=False)
def _faithfulness(model_id: str, key: str, target: str, _explanation: Explanation):
    from textlens.faithfulness import faithfulness

    return faithfulness(load_model(model_id), _explanation, target)


def faithfulness_of(model_id: str, explanation: Explanation, target: str):
    """The cached :class:`~textlens.faithfulness.Faithfulness` of a stored explanation toward ``target``."""
    return _faithfulness(model_id, _explanation_key(explanation), target, explanation)


@st.cache_data(max_entries=EXPLANATION_CACHE_ENTRIES, show_spinner=False)
def preview(model_id: str, text: str) -> Explanation:
    """The instant leave-one-out preview of ``text`` (marked as one: never store it as the explanation)."""
    from textlens.preview import preview as leave_one_out_preview

    return leave_one_out_preview(load_model(model_id), text)


def is_explained(model_id: str, text: str, max_evals: int | str = "auto", leaves: str = "words") -> bool:
    """True when the explanation of ``text`` with these settings is already cached (no preview needed)."""
    try:
        _explanation(model_id, text, max_evals, leaves, _probe=True)
    except _NotCached:
        return False
    return True


def finished_explanation(
    model_id: str, text: str, max_evals: int | str = "auto", leaves: str = "words"
) -> Explanation | None:
    """The explanation of ``text`` if one finished in the cache, else None (never computes).

    An explanation keeps running in its worker when the user switches pages mid-way; coming back,
    the page picks up its result instead of asking for another click.
    """
    return _explanation(model_id, text, max_evals, leaves) if is_explained(model_id, text, max_evals, leaves) else None


@st.cache_data(max_entries=EXPLANATION_CACHE_ENTRIES, show_spinner=False)
def _what_if(
    model_id: str, key: str, indices: tuple[int, ...], target: str, replacement: str | None, _explanation: Explanation
):
    from textlens.preview import what_if

    return what_if(load_model(model_id), _explanation, indices, target, replacement)


def what_if_of(
    model_id: str, explanation: Explanation, indices: tuple[int, ...], target: str, replacement: str | None = None
):
    """The cached :class:`~textlens.preview.WhatIf` of deleting (or replacing) words of a stored explanation."""
    return _what_if(model_id, _explanation_key(explanation), tuple(indices), target, replacement, explanation)


# The Tabular page: tables, their models (by data hash + target), explanations and the whole-dataset view.
TABULAR_SOURCE_KEY = "tabular_source"  # "penguins" or "upload"
TABULAR_MODE_KEY = "tabular_mode"  # None, "classify" or "explain": what the page keeps computing as inputs move
TABULAR_SHOWN_KEY = "tabular_shown"  # the explanation on screen
TABULAR_PREVIOUS_KEY = "tabular_previous"  # the one before the last change of inputs (drawn faintly)
TABULAR_CLASS_KEY = "tabular_class"  # the class explained
TABULAR_ROW_KEY = "tabular_row_applied"  # (model, row) last copied from the table into the form
TABULAR_VIEW_KEY = "tabular_view_on"  # models whose whole-dataset view this session asked for
TABULAR_MODELS = 6


@st.cache_resource(max_entries=TABULAR_MODELS, show_spinner=False)
def tabular_table(key: str, _source, name: str):
    """A table read once per process, keyed by its content hash (``"penguins"`` for the bundled one)."""
    from textlens.tabular import load_table

    return load_table(_source, name)


@st.cache_resource(max_entries=TABULAR_MODELS, show_spinner=False)
def tabular_model(key: str, target: str, _table):
    """The classifier for (table content hash, target), trained and cross-validated once per process."""
    from textlens.tabular import train

    return train(_table, target)


@st.cache_data(max_entries=EXPLANATION_CACHE_ENTRIES, show_spinner=False)
def tabular_explanation(fingerprint: str, values: tuple[tuple[str, object], ...], _model):
    """One row's explanation, cached by model fingerprint and input values (a slider back where it was is instant)."""
    from textlens.tabular import explain_values

    return explain_values(_model, dict(values))


@st.cache_data(max_entries=EXPLANATION_CACHE_ENTRIES, show_spinner=False)
def tabular_prediction(fingerprint: str, values: tuple[tuple[str, object], ...], _model):
    """One row's class probabilities, cached like :func:`tabular_explanation`."""
    from textlens.tabular import predict_values

    return predict_values(_model, dict(values))


@st.cache_resource(max_entries=TABULAR_MODELS, show_spinner=False)
def _tabular_view(fingerprint: str, _model, _progress=None):
    from textlens.tabular import dataset_view

    return dataset_view(_model, progress=_progress)


def tabular_view(model, on_progress: Callable[[Progress], None] | None = None):
    """The whole-dataset view of ``model``, computed once per process in a worker with progress."""
    state = Progress(started=time.perf_counter())
    return _in_worker(lambda: _tabular_view(model.fingerprint, model, _progress=state.report), on_progress, state)
