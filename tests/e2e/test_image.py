"""The Image page in headless Chromium: a summary sentence and an overlay readable on a picture's own colours."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import screenshot
from tests.e2e.helpers import RESULT_TIMEOUT_MS, click, each_theme, wait_idle

pytestmark = pytest.mark.e2e


def test_summary_and_overlay_of_the_cat_and_the_astronaut(server, new_page):
    """The cat is the model's own class (Egyptian cat); the astronaut has a red and blue flag and a red-white-blue
    suit patch: the overlay must stay legible on it. Each is looked at in light and dark."""
    page = new_page(height=1800)
    page.goto(server.url + "/image")
    page.get_by_role("button", name="Explain", exact=True).wait_for(timeout=RESULT_TIMEOUT_MS)
    wait_idle(page)
    for sample in ("Cat", "Astronaut"):
        page.get_by_text(sample, exact=True).click()
        wait_idle(page)
        click(page, "Explain")
        page.wait_for_selector(".tl-summary", timeout=RESULT_TIMEOUT_MS)
        wait_idle(page)
        summary = page.locator(".tl-summary").inner_text()
        assert "with the image fully blurred the model gives" in summary and "mainly from the " in summary
        assert "e-0" not in page.locator(".tl-legend").inner_text()
        assert page.locator("[data-testid='stImage'] img").count() >= 3  # sample, model input, overlay
        if sample == "Cat":
            assert page.get_by_text("Egyptian cat").count() >= 1
        page.locator("[data-testid='stImage'] img").nth(2).scroll_into_view_if_needed()
        for theme in each_theme(page):
            screenshot(page, f"image-{sample.lower()}-{theme}")
    assert not page.dialogs
