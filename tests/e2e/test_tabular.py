"""The Tabular page in real headless Chromium: pick a penguin, explain, move a slider, see the chart change."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import screenshot
from tests.e2e.helpers import RESULT_TIMEOUT_MS, click, each_theme, select_grid_row, wait_idle

pytestmark = pytest.mark.e2e

WATERFALL_LABELS_JS = """() => {
  const plots = [...document.querySelectorAll('.js-plotly-plot')]
    .filter(p => (p.data || []).some(t => t.type === 'waterfall'));
  if (!plots.length) return null;
  const now = plots[0].data.find(t => t.name === 'now');
  return {y: now.y, x: now.x, traces: plots[0].data.length};
}"""


def open_tabular(page, url: str) -> None:
    page.goto(url + "/tabular")
    page.get_by_role("button", name="Explain", exact=True).wait_for(timeout=RESULT_TIMEOUT_MS)
    wait_idle(page)


def pick_row(page, row: int) -> None:
    """Select a row of "Start from a real row" by clicking its selection box in the data grid.

    Its toast is awaited from the click on, before the run ends: a toast lasts a few seconds, and on a
    slow machine the rest of the run can outlast it.
    """
    page.get_by_text("Start from a real row").click()
    select_grid_row(page, page.locator("[data-testid='stDataFrame']").first, row)
    page.get_by_text(f"Row {row} copied into the form").wait_for(timeout=RESULT_TIMEOUT_MS)
    wait_idle(page)


def waterfall(page):
    page.wait_for_function(f"() => ({WATERFALL_LABELS_JS})() !== null", timeout=RESULT_TIMEOUT_MS)
    return page.evaluate(WATERFALL_LABELS_JS)


def test_pick_a_penguin_explain_and_move_a_slider(server, new_page):
    page = new_page(height=2600)
    open_tabular(page, server.url)
    pick_row(page, 2)  # Adelie, female, Torgersen, flipper 195 mm: its toast says "Row 2 copied into the form"
    click(page, "Explain")
    page.wait_for_selector(".tl-legend", timeout=RESULT_TIMEOUT_MS)
    wait_idle(page)
    before = waterfall(page)
    assert "flipper_length_mm = 195" in before["y"] and "sex = female" in before["y"]
    assert page.locator(".tl-summary").inner_text().startswith("Adelie")
    for theme in each_theme(page):
        screenshot(page, f"tabular-{theme}")

    flipper = page.locator("input[type='range'][aria-label^='flipper']")
    assert flipper.get_attribute("value") == "195"
    flipper.focus()
    page.keyboard.press("End")  # the largest flipper in the data: 231 mm
    page.wait_for_function(
        f"() => {{ const w = ({WATERFALL_LABELS_JS})(); return w && w.y.includes('flipper_length_mm = 231'); }}",
        timeout=RESULT_TIMEOUT_MS,
    )
    wait_idle(page)
    after = waterfall(page)
    assert after["x"] != before["x"]
    assert after["traces"] == 2  # the previous explanation stays, faintly, behind the new one
    assert page.locator(".tl-whatif").inner_text().count("195 → 231") == 1
    for theme in each_theme(page):
        screenshot(page, f"tabular-whatif-{theme}")
    assert not page.dialogs
