"""AppTest for a long text on the Explain page: exact phrases first, refined on screen, Stop and Continue."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from tests.apptest_helpers import button, html_blocks, start_app, visit_another_page
from tests.conftest import ROOT
from tests.text.test_owen import assert_additive_units, assert_refines
from tests.text.test_refine_limit import REVIEW_317 as REVIEW


@pytest.fixture
def app() -> AppTest:
    at = start_app(ROOT / "dashboard.py")
    at.text_area(key="explain_text").set_value(REVIEW)
    at.select_slider(key="explain_live_seconds").set_value(5)
    return at


def buttons(at: AppTest) -> list[str]:
    return [b.label for b in at.button]


def finish(at: AppTest):
    """Wait for the live run to end (AppTest has no fragment timer) and draw the page again."""
    run = at.session_state["explain_live"]
    run.thread.join(120)
    assert not run.running
    at.run()
    assert not at.exception, at.exception
    return at.session_state["explain_live"]


def test_long_text_refines_then_continues_from_its_rows(app):
    at = app
    button(at, "Explain").click()
    at.run()
    assert not at.exception, at.exception
    # The script is not blocked while the text sharpens: the live view, its Stop, no stale tabs.
    assert "Stop" in buttons(at) and "Continue refining" not in buttons(at)
    assert any('class="tl-live"' in b and "Sharpening: step" in b for b in html_blocks(at))
    assert not at.tabs
    run = finish(at)
    first = run.latest
    assert first is not None and not first.converged and run.reason == "time"
    assert "Stop" not in buttons(at)  # gone once the run has ended
    caption = " ".join(c.value for c in at.caption)
    assert "Time limit reached." in caption and "words resolved" in caption
    highlight = next(b for b in html_blocks(at) if 'class="tl-highlight"' in b)
    assert 'class="tl-phrase"' in highlight and "not split further at this budget" in highlight
    assert_additive_units(first)

    button(at, "Continue refining").click()
    at.run()
    later = finish(at).latest
    assert later.evals > first.evals
    assert later.resolved_words >= first.resolved_words
    assert_refines(first, later, tol=1e-3)  # bfloat16 here: rows are cached, so values stay the same


def test_stop_returns_what_was_computed(app):
    at = app
    button(at, "Explain").click()
    at.run()
    run = at.session_state["explain_live"]
    while run.running and run.steps < 2:  # let a few steps arrive, then press Stop on the page
        run.thread.join(0.1)
    button(at, "Stop").click()
    at.run()
    run = at.session_state["explain_live"]
    assert not run.running  # Stop waits for the run's last chunk: no live frame is drawn after it
    run = finish(at)
    assert run.reason == "stopped"
    assert run.latest is not None and run.steps >= 1
    assert_additive_units(run.latest)  # base + sum = output, for what Stop gave back
    assert "Stopped." in " ".join(c.value for c in at.caption)
    assert "Continue refining" in buttons(at)


def test_a_new_text_does_not_show_the_previous_explanation(app):
    at = app
    at.text_area(key="explain_text").set_value("A dull, tedious mess.")
    button(at, "Explain").click()
    at.run()
    assert any("tedious" in b for b in html_blocks(at) if 'class="tl-highlight"' in b)
    at.text_area(key="explain_text").set_value(REVIEW)
    button(at, "Explain").click()
    at.run()
    assert not any("tedious" in b for b in html_blocks(at))
    finish(at)


def test_leaving_the_page_mid_run_keeps_the_result(app):
    at = app
    button(at, "Explain").click()
    at.run()
    visit_another_page(at, "app_pages/explain.py")
    run = finish(at)
    assert at.text_area(key="explain_text").value == REVIEW
    assert run.latest is not None and run.reason in ("time", "stopped")
    assert any('class="tl-highlight"' in b for b in html_blocks(at))
