"""Every page keeps its inputs and results across a page switch, in real headless Chromium."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import screenshot
from tests.e2e.helpers import RESULT_TIMEOUT_MS, click, go_to, open_page, type_text, wait_idle
from tests.e2e.test_tabular import WATERFALL_LABELS_JS, open_tabular, waterfall

pytestmark = pytest.mark.e2e


def round_trip(page, here: str, away: str) -> None:
    go_to(page, away)
    go_to(page, here)


def test_explain_round_trip(server, new_page):
    page = new_page()
    open_page(page, server.url)
    text = "The acting was superb but the ending dragged on."
    type_text(page, text)
    click(page, "Explain")
    page.wait_for_selector(".tl-highlight", timeout=RESULT_TIMEOUT_MS)
    wait_idle(page)
    summary = page.locator(".tl-summary").inner_text()
    round_trip(page, "Explain", "Compare")
    assert page.get_by_label("Text to analyse").input_value() == text
    page.wait_for_selector(".tl-highlight", timeout=RESULT_TIMEOUT_MS)
    assert page.locator(".tl-summary").inner_text() == summary
    assert "superb" in page.locator(".tl-highlight").first.inner_text()
    screenshot(page, "round-trip-explain")


def test_compare_round_trip(server, new_page):
    page = new_page(height=2600)
    open_page(page, server.url, "compare")
    texts = "A warm and funny film.\nThe plot was dull.\nFine acting, forgettable story."
    type_text(page, texts, label="Texts, one per line")
    click(page, "Compare 3 inputs")
    page.wait_for_selector(".tl-row-head", timeout=RESULT_TIMEOUT_MS)
    wait_idle(page)
    heads = page.locator(".tl-row-head").all_inner_texts()
    round_trip(page, "Compare", "Explain")
    assert page.get_by_label("Texts, one per line").input_value() == texts
    assert page.locator(".tl-row-head").all_inner_texts() == heads
    screenshot(page, "round-trip-compare")


def test_image_round_trip(server, new_page):
    page = new_page(height=2000)
    page.goto(server.url + "/image")
    page.get_by_role("button", name="Explain", exact=True).wait_for(timeout=RESULT_TIMEOUT_MS)
    wait_idle(page)
    click(page, "Explain")
    page.wait_for_selector(".tl-legend", timeout=RESULT_TIMEOUT_MS)
    wait_idle(page)
    legend = page.locator(".tl-legend").inner_text()
    images = page.locator("[data-testid='stImage'] img").count()
    round_trip(page, "Image", "Explain")
    page.wait_for_selector(".tl-legend", timeout=RESULT_TIMEOUT_MS)
    assert page.locator(".tl-legend").inner_text() == legend
    assert page.locator("[data-testid='stImage'] img").count() == images
    screenshot(page, "round-trip-image")


def test_tabular_round_trip(server, new_page):
    page = new_page(height=2600)
    open_tabular(page, server.url)
    flipper = page.locator("input[type='range'][aria-label^='flipper']")
    flipper.focus()
    page.keyboard.press("End")  # the largest flipper in the data: 231 mm
    wait_idle(page)
    click(page, "Explain")
    page.wait_for_selector(".tl-legend", timeout=RESULT_TIMEOUT_MS)
    wait_idle(page)
    assert "flipper_length_mm = 231" in waterfall(page)["y"]
    round_trip(page, "Tabular", "Explain")
    page.wait_for_function(f"() => ({WATERFALL_LABELS_JS})() !== null", timeout=RESULT_TIMEOUT_MS)
    assert page.locator("input[type='range'][aria-label^='flipper']").get_attribute("value") == "231"
    assert "flipper_length_mm = 231" in waterfall(page)["y"]
    screenshot(page, "round-trip-tabular")
