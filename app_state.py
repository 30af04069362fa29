"""The dashboard's one home for Streamlit caches and session keys: models, predictions, explanations."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

import streamlit as st
from streamlit.runtime.scriptrunner import add_script_run_ctx, get_script_run_ctx

from textlens import DEFAULT_MODEL_ID, Classifier, Explanation, Prediction, explain, load_classifier, warm_up

MODEL_KEY = "textlens_model_id"
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


@st.cache_data(max_entries=EXPLANATION_CACHE_ENTRIES, show_spinner=False)
def _explanation(model_id: str, text: str, max_evals: int | str, leaves: str, _progress=None) -> Explanation:
    return explain(load_model(model_id), text, max_evals=max_evals, leaves=leaves, progress=_progress)


@dataclass
class Progress:
    """What a running explanation has done so far, read by the page to draw its progress bar."""

    done: int = 0
    total: int = 0
    waiting: bool = False
    started: float = 0.0

    def fraction(self) -> float:
        return 0.0 if self.total <= 0 else min(1.0, self.done / self.total)

    def eta_seconds(self, seconds_per_row: float) -> float:
        """Seconds left: from the rate so far, or from the model's measured speed before the first batch."""
        left = max(0, self.total - self.done)
        elapsed = time.perf_counter() - self.started
        if self.done > 0 and elapsed > 0.2:
            return left * elapsed / self.done
        return left * seconds_per_row


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
    classifier = load_model(model_id)
    state = Progress(waiting=classifier.lock.locked(), started=time.perf_counter())
    outcome: dict[str, object] = {}

    def report(done: int, total: int) -> None:
        if state.waiting:
            state.waiting, state.started = False, time.perf_counter()
        state.done, state.total = done, total

    def work() -> None:
        try:
            outcome["value"] = _explanation(model_id, text, max_evals, leaves, _progress=report)
        except BaseException as exc:  # re-raised in the script thread
            outcome["error"] = exc

    worker = threading.Thread(target=work, name="textlens-explain", daemon=True)
    add_script_run_ctx(worker, get_script_run_ctx())
    worker.start()
    while worker.is_alive():
        worker.join(0.15)
        if on_progress is not None and worker.is_alive():
            on_progress(state)
    if "error" in outcome:
        raise outcome["error"]  # type: ignore[misc]
    return outcome["value"]  # type: ignore[return-value]


def seconds_per_row(model_id: str) -> float:
    """The active model's measured seconds per masked row (for time estimates)."""
    return load_model(model_id).seconds_per_row
