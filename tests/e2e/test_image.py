"""The Image page in headless Chromium: a summary sentence and an overlay readable on a picture's own colours."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import screenshot
from tests.e2e.helpers import RESULT_TIMEOUT_MS, click, wait_idle

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize(("theme", "sample"), [("light", "Cat"), ("dark", "Astronaut")])
def test_summary_and_overlay(server, new_page, theme, sample):
    """The astronaut has a red and blue flag and a red-white-blue suit patch: the overlay must stay legible on it."""
    page = new_page(theme, height=1800)
    page.goto(server.url + "/image")
    page.get_by_role("button", name="Explain", exact=True).wait_for(timeout=RESULT_TIMEOUT_MS)
    wait_idle(page)
    page.get_by_text(sample, exact=True).click()
    wait_idle(page)
    click(page, "Explain")
    page.wait_for_selector(".tl-summary", timeout=RESULT_TIMEOUT_MS)
    wait_idle(page)
    summary = page.locator(".tl-summary").inner_text()
    assert "with the image fully blurred the model gives" in summary and "mainly from the " in summary
    assert "e-0" not in page.locator(".tl-legend").inner_text()
    page.locator("[data-testid='stImage'] img").nth(2).scroll_into_view_if_needed()
    screenshot(page, f"image-{sample.lower()}-{theme}")
    assert not page.dialogs
