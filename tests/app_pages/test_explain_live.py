"""AppTest for a long text on the Explain page: exact phrases first, refined on screen, Stop and Continue."""

from __future__ import annotations

import threading

import pytest
from streamlit.testing.v1 import AppTest

from tests.apptest_helpers import button, html_blocks, start_app
from tests.conftest import ROOT
from tests.text.test_owen import assert_refines

REVIEW = (
    "I went in expecting a quiet drama and came out with mixed feelings. The first half is wonderful: "
    "the two leads have real chemistry, the dialogue is sharp and often funny, and the photography of the "
    "coast is gorgeous. Then the plot takes a turn that makes no sense, a villain appears from nowhere, "
    "and the last forty minutes drag badly. The music is lovely but it cannot save the ending. "
    "My friends liked it more than I did, and the kids were bored. Still, the acting alone is worth "
    "seeing once, if you can forgive a script that gives up long before the credits roll."
)


@pytest.fixture
def app() -> AppTest:
    at = start_app(ROOT / "dashboard.py")
    at.text_area(key="explain_text").set_value(REVIEW)
    at.select_slider(key="explain_live_seconds").set_value(5)
    return at


def test_long_text_refines_then_continues_from_its_rows(app):
    at = app
    button(at, "Explain").click()
    at.run()
    assert not at.exception, at.exception
    run = at.session_state["explain_live"]
    first = run.latest
    assert first is not None and not first.converged and run.reason == "time"
    assert not [b for b in at.button if b.label == "Stop"]  # gone once the run has ended
    caption = " ".join(c.value for c in at.caption)
    assert "Time limit reached." in caption and "words resolved" in caption
    highlight = next(b for b in html_blocks(at) if 'class="tl-highlight"' in b)
    assert 'class="tl-phrase"' in highlight and "not split further at this budget" in highlight

    button(at, "Continue refining").click()
    at.run()
    assert not at.exception, at.exception
    later = at.session_state["explain_live"].latest
    assert later.evals > first.evals
    assert later.resolved_words >= first.resolved_words
    assert_refines(first, later, tol=1e-3)  # bfloat16 here: rows are cached, so values stay the same


def test_stop_keeps_the_last_view(app):
    at = app
    button(at, "Explain").click()
    at.run()
    run = at.session_state["explain_live"]
    before = run.latest
    # Press Stop a moment into the next run (the page cannot be clicked mid-run in AppTest).
    timer = threading.Timer(1.0, run.stop.set)
    timer.start()
    button(at, "Continue refining").click()
    at.run()
    timer.cancel()
    assert not at.exception, at.exception
    run = at.session_state["explain_live"]
    assert run.reason == "stopped"
    assert run.latest.evals >= before.evals
    assert "Stopped." in " ".join(c.value for c in at.caption)
    assert [b for b in at.button if b.label == "Continue refining"]
