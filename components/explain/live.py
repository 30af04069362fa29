"""A long text refining on the Explain page: its moving counters, Stop, the latest exact view, and Continue."""

from __future__ import annotations

import streamlit as st

from components import widgets as ui
from components.state import explain as explain_state
from textlens import Classifier, Explanation, TextlensError
from textlens.report.highlight import highlight_html, legend_html, settledness
from textlens.text.explain import planned_evals

KEYS = explain_state.ExplainKeys


def full_rows(classifier: Classifier, text: str) -> int:
    """Model calls that resolve every word of ``text``."""
    return planned_evals(classifier, text, 10**12)


def start_live(model_id: str, classifier: Classifier, text: str) -> None:
    """Start refining ``text`` on screen (a Continue click resumes the same run from its rows)."""
    seconds = st.session_state.get(KEYS.LIVE_SECONDS, explain_state.LIVE_SECONDS_DEFAULT)
    explain_state.start_live(model_id, text, full_rows(classifier, text), seconds)


LIVE_REDRAW_SECONDS = 0.5  # how often the live view's counters redraw while a long text refines


def live_status(run: explain_state.LiveRun) -> str:
    """Where a running refinement stands: its step, the words resolved, model calls and time, all moving."""
    result = run.latest
    words = "splitting the text"
    if result is not None:
        words = f"{result.resolved_words:,} of {len(result.words):,} words resolved"
    return (
        f'<div class="tl-live" style="font-weight: 600; margin-bottom: 0.3rem;">Sharpening: step {run.steps:,}, '
        f"{words}, {run.rows:,} model calls, {run.elapsed:.1f} s</div>"
    )


def live_view(result: Explanation) -> str:
    """The latest refinement step drawn: the legend and the highlighted text."""
    labels = result.labels
    target = st.session_state.get(KEYS.TARGET)
    target = target if target in labels else result.predicted_label
    return legend_html(result, target) + highlight_html(result, target)


@st.fragment(run_every=LIVE_REDRAW_SECONDS)
def live_ui(run: explain_state.LiveRun) -> None:
    """While a long text refines: its moving counters, a Stop button and the latest exact view.

    A fragment that redraws itself every :data:`LIVE_REDRAW_SECONDS`, so the script is never blocked:
    Stop is handled at once, the page can be left (the run goes on into the session, shown on
    return), and nothing of an earlier text stays greyed beneath. When the run ends the whole page
    redraws with the final result.
    """
    if not run.running:
        st.rerun()
    st.button("Stop", key=KEYS.LIVE_STOP, on_click=run.halt, help="Keep the view reached so far.")
    st.html(live_status(run))
    if run.latest is not None:
        st.html(live_view(run.latest))


ENDED = {
    "resolved": "Fully resolved: every word has its own exact value.",
    "time": "Time limit reached.",
    "budget": "Budget spent.",
    "stopped": "Stopped.",
}


def continue_ui(model_id: str, classifier: Classifier, text: str, run: explain_state.LiveRun) -> None:
    """How the last refinement ended, and Continue (from the rows already evaluated) unless resolved."""
    if run.error is not None:
        if not isinstance(run.error, TextlensError):
            raise run.error
        ui.show_error(run.error)
    result = run.latest
    if result is None:
        return
    st.caption(f"{ENDED.get(run.reason, '')} Values are {settledness(result)}.")
    if not run.complete:
        st.button(
            "Continue refining",
            key=KEYS.LIVE_CONTINUE,
            on_click=start_live,
            args=(model_id, classifier, text),
            help="Resumes from the model calls already made: nothing is computed twice.",
        )
