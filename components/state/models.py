"""The text model the pages share: the picker's keys, loaded models, cached predictions and explanations."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import streamlit as st

from components.state import core as session
from textlens import (
    DEFAULT_MODEL_ID,
    EMOTION_MODEL_ID,
    Classifier,
    Explanation,
    Prediction,
    explain,
    explain_many,
    load_classifier,
    warm_up,
)

MODEL_KEY = "textlens_model_id"


class SidebarKeys:
    """Session keys of the shared sidebar (model picker)."""

    MODEL_CHOICE = "model_choice"
    MODEL_FORM = "model_form"
    MODEL_WANTED = "model_wanted"


DEFAULT_MODEL_LABEL = "Bundled sentiment model (MiniLM-L6 + LoRA, SST-2)"
EMOTION_MODEL_LABEL = "Bundled: emotion (6 classes)"
# The picker's bundled choices: label -> model id (load_classifier's name for it).
BUNDLED_CHOICES = {DEFAULT_MODEL_LABEL: DEFAULT_MODEL_ID, EMOTION_MODEL_LABEL: EMOTION_MODEL_ID}


MODEL_CACHE_ENTRIES = 3


@st.cache_resource(max_entries=MODEL_CACHE_ENTRIES, show_spinner=False)
def load_model(model_id: str) -> Classifier:
    """Load a classifier once per process; shap is warmed up in the background so the first click is fast.

    The warm-up thread is not a daemon: a process ending while it runs (a test run, a server stopped seconds after
    starting) waits for it (a few seconds) instead of killing it inside torch, which aborts the process.
    """
    classifier = load_classifier(model_id)
    threading.Thread(target=warm_up, args=(classifier,), name="textlens-warm-up", daemon=False).start()
    return classifier


@st.cache_resource(max_entries=MODEL_CACHE_ENTRIES, show_spinner=False)
def one_pass(model_id: str):
    """The one-pass explainer trained for this model, or None (see :func:`find_one_pass`)."""
    from textlens.text.one_pass import find_one_pass

    return find_one_pass(load_model(model_id))


@st.cache_data(max_entries=session.CACHE_ENTRIES, show_spinner=False)
def one_pass_explanations(model_id: str, texts: tuple[str, ...]) -> list[Explanation]:
    """Every text's one-pass explanation (one batched pass), cached by model and texts."""
    return one_pass_with_progress(model_id, texts)


def one_pass_with_progress(model_id: str, texts, progress=None) -> list[Explanation]:
    """Every text's one-pass explanation with ``progress(done, total)`` after each batch (not cached: a cached
    function may not draw on the page, so the caller keeps the result).
    """
    return one_pass(model_id).explain(load_model(model_id), list(texts), progress=progress)


def active_model_id() -> str:
    """The model the pages use now (the last one that loaded successfully)."""
    return st.session_state.setdefault(MODEL_KEY, DEFAULT_MODEL_ID)


def set_active_model(model_id: str) -> None:
    """Make ``model_id`` the active model; call only after :func:`load_model` succeeded."""
    st.session_state[MODEL_KEY] = model_id


@st.cache_data(max_entries=session.CACHE_ENTRIES, show_spinner=False)
def classify(model_id: str, texts: tuple[str, ...]) -> list[Prediction]:
    """Predictions for ``texts``, cached by model id and texts."""
    return load_model(model_id).classify(texts)


class _NotCached(Exception):
    """Raised by a probing call of :func:`_explanation`: exceptions are never cached, values are."""


@st.cache_data(max_entries=session.CACHE_ENTRIES, show_spinner=False)
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


def explanations(
    model_id: str,
    texts: list[str],
    *,
    max_evals: int | str = "auto",
    leaves: str = "words",
    on_progress: Callable[[session.Progress], None] | None = None,
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
        state = session.Progress(
            waiting=classifier.lock.locked(),
            started=time.perf_counter(),
            items=len(missing),
            own_earlier=session.earlier_run_in_flight(),
        )

        def report(texts_done: int, _n: int, done: int, total: int) -> None:
            state.item = texts_done
            state.report(done, total)

        computed = session.run_in_worker(
            lambda: explain_many(
                classifier, [texts[i] for i in missing], max_evals=max_evals, leaves=leaves, progress=report
            ),
            on_progress,
            state,
            key=("explanations", model_id, tuple(texts[i] for i in missing), max_evals, leaves),
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
    on_progress: Callable[[session.Progress], None] | None = None,
) -> Explanation:
    """The cached explanation of ``text``; computed in a worker thread so the page can show progress.

    The cached function runs in the worker and never touches Streamlit elements; the script thread
    polls :class:`Progress` and draws it, so the page never looks frozen.
    """
    state = session.Progress(
        waiting=load_model(model_id).lock.locked(),
        started=time.perf_counter(),
        own_earlier=session.earlier_run_in_flight(),
    )
    return session.run_in_worker(
        lambda: _explanation(model_id, text, max_evals, leaves, _progress=state.report),
        on_progress,
        state,
        key=("explanation", model_id, text, max_evals, leaves),
    )


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
