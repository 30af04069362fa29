"""A 300-word review on the Explain page in headless Chromium: exact phrases first, sharpening, Stop, Continue."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import screenshot
from tests.e2e.helpers import RESULT_TIMEOUT_MS, click, open_page, type_text, wait_idle

pytestmark = pytest.mark.e2e

SENTENCES = [
    "I went in expecting a quiet drama and came out with mixed feelings.",
    "The first half is wonderful: the two leads have real chemistry, the dialogue is sharp and often funny.",
    "The photography of the coast is gorgeous, and the music is lovely from the first scene to the last.",
    "Then the plot takes a turn that makes no sense, and a villain appears from nowhere.",
    "The last forty minutes drag badly, with scene after scene of people staring at the sea.",
    "My friends liked it more than I did, and the kids were bored long before the end.",
    "Still, the acting alone is worth seeing once, if you can forgive a script that gives up early.",
]
REVIEW = " ".join(SENTENCES * 3)[: -len(SENTENCES[-1]) - 1]  # about 300 words, read whole by the model


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_long_review_sharpens_then_stops_and_continues(server, new_page, theme):
    assert 280 <= len(REVIEW.split()) <= 340
    page = new_page(theme, height=2400)
    open_page(page, server.url)
    type_text(page, REVIEW)
    click(page, "Explain")
    # The first exact view: phrases boxed with their values, drawn while the run goes on.
    page.wait_for_selector(".tl-live", timeout=RESULT_TIMEOUT_MS)
    page.wait_for_selector(".tl-highlight .tl-phrase", timeout=RESULT_TIMEOUT_MS)
    page.wait_for_timeout(4000)  # a few refinement steps
    tip = page.locator(".tl-highlight .tl-phrase").first.get_attribute("title")
    assert "this phrase as a whole" in tip and "not split further at this budget" in tip
    screenshot(page, f"explain-long-mid-{theme}")
    click(page, "Stop")
    page.get_by_role("button", name="Continue refining", exact=True).wait_for(timeout=RESULT_TIMEOUT_MS)
    wait_idle(page)
    assert page.get_by_text("Stopped.").count() >= 1
    assert page.locator(".tl-live").count() == 0
    assert page.locator(".tl-highlight .tl-phrase").count() >= 1
    screenshot(page, f"explain-long-end-{theme}")
    assert not page.dialogs
