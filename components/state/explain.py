"""The Explain page's session keys and caches: live refinement of long texts, faithfulness, what-if, preview."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from typing import Any

import streamlit as st

from components.state import core as session
from components.state import models
from textlens import (
    Classifier,
    Explanation,
)


class ExplainKeys:
    """Session keys of the Explain page."""

    TEXT = "explain_text"
    BUDGET = "explain_budget"
    PREDICTION = "explain_prediction"  # (input key, Prediction) of the last Classify or Explain
    RESULT = "explain_result"  # (input key, Explanation)
    ADD_TO_PACK = "explain_add_to_pack"
    TARGET = "explain_target"
    K = "explain_k"
    EXAMPLE = "example_"  # + the example's name
    PROBABILITIES_CHART = "prob_chart"
    WORDS_CHART = "words_chart"
    LIVE = "explain_live"  # the LiveRun of a long text refining on screen (see app_pages/explain.py)
    LIVE_SECONDS = "explain_live_seconds"  # time limit of one refinement run
    LIVE_STOP = "explain_live_stop"
    LIVE_CONTINUE = "explain_live_continue"


LIVE_SECONDS_DEFAULT = 30


@dataclass
class LiveRun:
    """A long text's node-complete explanation refining in a worker thread while the page draws it.

    ``latest`` is the newest exact view (every unit's value final); ``state`` the resumable
    :class:`textlens.text.explain.Refinement` once a run has ended, so Continue reuses its rows. It lives
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
    rows: int = 0  # masked rows evaluated so far (reported every chunk, between steps too)
    started: float = 0.0  # time.monotonic() when the current run started
    spent: float = 0.0  # compute seconds of the runs before it

    @property
    def elapsed(self) -> float:
        """Seconds of refinement so far, over every run of this text (moving while a run goes on)."""
        if self.running:
            return self.spent + time.monotonic() - self.started
        return self.latest.seconds if self.latest is not None else self.spent

    @property
    def running(self) -> bool:
        """True while the worker is refining."""
        return self.thread is not None and self.thread.is_alive()

    @property
    def complete(self) -> bool:
        """True when every word is resolved: nothing left to continue."""
        return self.state is not None and self.state.complete

    def halt(self) -> None:
        """Stop the run and wait (a chunk of model work at most) until its last view is kept.

        Called by the Stop button before the page reruns, so the rerun draws the stopped result at once
        instead of one more live frame and a redraw later.
        """
        from textlens.text.explain import CHUNK_SECONDS

        self.stop.set()
        if self.thread is not None:
            self.thread.join(timeout=2 * CHUNK_SECONDS)

    def start(self, classifier: Classifier, max_evals: int, seconds: float) -> None:
        """Refine for up to ``seconds`` (or ``max_evals`` rows in all) from where the last run ended."""
        from textlens.text.explain import refine

        self.stop.clear()
        self.error = None
        self.spent = self.state.seconds if self.state is not None else 0.0
        self.started = time.monotonic()

        def step(result: Explanation) -> None:
            self.latest, self.steps = result, self.steps + 1

        def rows(done: int, _expected: int) -> None:
            self.rows = max(self.rows, done)

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
                    progress=rows,
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
        # Work the session asks for elsewhere (another page's job) stops this run, keeping its last view.
        session.register_job(("live", self.model_id, self.text), self.thread, self.stop.set)


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
    session.cancel_other_jobs(keep=("live", model_id, text))  # a job left on another page frees the model
    if not run.running:
        run.start(models.load_model(model_id), max_evals, seconds)
    return run


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


@st.cache_data(max_entries=session.CACHE_ENTRIES, show_spinner=False)
def _faithfulness(model_id: str, key: str, target: str, _explanation: Explanation):
    from textlens.text.faithfulness import faithfulness

    return faithfulness(models.load_model(model_id), _explanation, target)


def faithfulness_of(model_id: str, explanation: Explanation, target: str):
    """The cached :class:`~textlens.text.faithfulness.Faithfulness` of a stored explanation toward ``target``."""
    return _faithfulness(model_id, _explanation_key(explanation), target, explanation)


def preview(model_id: str, text: str) -> Explanation:
    """The instant first view of ``text``: the model's one-pass estimate when it has a trained explainer, else
    leave-one-out (marked as a preview either way: never store it as the explanation).
    """
    if models.one_pass(model_id) is not None:
        return models.one_pass_explanations(model_id, (text,))[0]
    return _leave_one_out(model_id, text)


@st.cache_data(max_entries=session.CACHE_ENTRIES, show_spinner=False)
def _leave_one_out(model_id: str, text: str) -> Explanation:
    from textlens.text.preview import preview as leave_one_out_preview

    return leave_one_out_preview(models.load_model(model_id), text)


def estimate_agreement(model_id: str, exact: Explanation):
    """How far the one-pass estimate of ``exact``'s text agreed with it (an ``Agreement``), or None without one."""
    from textlens.text.one_pass import OnePassError, agreement

    if exact.one_pass or models.one_pass(model_id) is None:
        return None
    try:
        return agreement(models.one_pass_explanations(model_id, (exact.text,)), [exact])
    except OnePassError:
        return None  # one word, or the estimate splits the text's words another way


@st.cache_data(max_entries=session.CACHE_ENTRIES, show_spinner=False)
def _what_if(
    model_id: str, key: str, indices: tuple[int, ...], target: str, replacement: str | None, _explanation: Explanation
):
    from textlens.text.preview import what_if

    return what_if(models.load_model(model_id), _explanation, indices, target, replacement)


def what_if_of(
    model_id: str, explanation: Explanation, indices: tuple[int, ...], target: str, replacement: str | None = None
):
    """The cached :class:`~textlens.text.preview.WhatIf` of deleting (or replacing) words of a stored explanation."""
    return _what_if(model_id, _explanation_key(explanation), tuple(indices), target, replacement, explanation)
