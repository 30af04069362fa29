"""A 317-word review on the Explain page in headless Chromium: exact phrases first, sharpening, Stop, Continue."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import screenshot
from tests.e2e.helpers import RESULT_TIMEOUT_MS, click, each_theme, open_page, type_text, wait_idle
from tests.text.test_refine_limit import REVIEW_317 as REVIEW

pytestmark = pytest.mark.e2e

SHORT = "A dull, tedious mess. Two hours I will never get back."


def live_counter(page) -> str:
    return page.locator(".tl-live").first.inner_text()


def test_long_review_sharpens_then_stops_and_continues(server, new_page):
    page = new_page(height=2400)
    open_page(page, server.url)
    # A short text explained first: its explanation must not linger (greyed) while the review sharpens.
    type_text(page, SHORT)
    click(page, "Explain")
    page.wait_for_selector(".tl-highlight", timeout=RESULT_TIMEOUT_MS)
    wait_idle(page)
    assert page.locator(".tl-highlight", has_text="tedious").count() == 1
    type_text(page, REVIEW)
    click(page, "Explain")
    # The first exact view: phrases boxed with their values, drawn while the run goes on.
    page.wait_for_selector(".tl-live", timeout=RESULT_TIMEOUT_MS)
    page.wait_for_selector(".tl-highlight .tl-phrase", timeout=RESULT_TIMEOUT_MS)
    assert page.get_by_text("tedious").count() == 0
    assert page.locator("[data-stale='true']").filter(has_text="tedious").count() == 0
    first = live_counter(page)
    # The counters move while the run goes on (between steps too), never frozen.
    page.wait_for_function("first => document.querySelector('.tl-live').innerText !== first", arg=first, timeout=60_000)
    tip = page.locator(".tl-highlight .tl-phrase").first.get_attribute("title")
    assert "this phrase as a whole" in tip and "not split further at this budget" in tip
    screenshot(page, "explain-long-mid-light")
    click(page, "Stop")
    page.get_by_role("button", name="Continue refining", exact=True).wait_for(timeout=RESULT_TIMEOUT_MS)
    wait_idle(page)
    assert page.get_by_text("Stopped.").count() >= 1
    assert page.locator(".tl-live").count() == 0
    assert page.locator(".tl-highlight .tl-phrase").count() >= 1
    for theme in each_theme(page):
        screenshot(page, f"explain-long-end-{theme}")
    assert not page.dialogs
