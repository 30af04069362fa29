"""Driving the dashboard like a user: type, click, choose, wait for results."""

from __future__ import annotations

import re
import time

from playwright.sync_api import TimeoutError as PlaywrightTimeout

RESULT_TIMEOUT_MS = 180_000
GRID_ROW_PX = 35  # Streamlit's data grid: header and rows are 35 px high


def open_page(page, url: str, path: str = "") -> None:
    page.goto(url + "/" + path)
    page.wait_for_selector("textarea", timeout=RESULT_TIMEOUT_MS)


def type_text(page, text: str, label: str = "Text to analyse") -> None:
    area = page.get_by_label(label)
    area.fill(text)
    area.press("Control+Enter")  # commits the text area's value, as a user leaving the box would


def click(page, name: str) -> None:
    page.get_by_role("button", name=name, exact=True).click()


def go_to(page, name: str) -> None:
    """Switch page with the sidebar's navigation, as a user does (the session and its state stay), and wait."""
    page.locator("[data-testid='stSidebarNavLink']", has_text=name).first.click()
    wait_idle(page)


def upload_and_predict(page, path, rows: int, until: str = "Confusion matrix") -> None:
    """On the Dataset page: upload the labelled file at ``path``, predict its ``rows`` rows, wait for ``until``."""
    file_input = page.locator("input[type=file]")
    file_input.wait_for(state="attached", timeout=RESULT_TIMEOUT_MS)
    file_input.set_input_files(str(path))
    button = f"Predict all {rows} rows"
    page.get_by_role("button", name=button).wait_for(timeout=RESULT_TIMEOUT_MS)
    wait_idle(page)
    click(page, button)
    page.get_by_text(until).first.wait_for(timeout=RESULT_TIMEOUT_MS)
    wait_idle(page)


def choose(page, label: str, option: str) -> None:
    """Pick ``option`` in the selectbox labelled ``label``."""
    page.get_by_role("combobox", name=label).click()
    page.get_by_role("option", name=option, exact=True).click()


def rgba(css: str) -> tuple[float, ...]:
    return tuple(float(x) for x in re.findall(r"[\d.]+", css))


def word_background(page, word: str) -> tuple[float, ...]:
    css = page.locator(".tl-highlight .tl-word", has_text=re.compile(rf"^{re.escape(word)}$")).first.evaluate(
        "e => getComputedStyle(e).backgroundColor"
    )
    return rgba(css)


IDLE_JS = """() => {
  const busy = document.querySelector('[data-testid="stStatusWidget"]')
    || document.querySelector('[data-stale="true"]');
  if (busy) { window.__tlIdleSince = 0; return false; }
  window.__tlIdleSince = window.__tlIdleSince || Date.now();
  return Date.now() - window.__tlIdleSince > 700;
}"""


THEMES = ("light", "dark")
DARK_JS = """() => {
  const [r, g, b] = getComputedStyle(document.querySelector('[data-testid="stApp"]')).backgroundColor
    .match(/[\\d.]+/g).map(Number);
  return r + g + b < 384;
}"""


def set_theme(page, theme: str) -> None:
    """Switch the open page to ``theme`` as the system setting does (Streamlit follows it live), and wait for it.

    A flow runs once and its views are looked at in both themes, instead of the whole flow running twice.
    """
    page.emulate_media(color_scheme=theme)
    page.wait_for_function(f"() => ({DARK_JS})() === {str(theme == 'dark').lower()}", timeout=10_000)
    wait_idle(page)


def each_theme(page):
    """Switch the page to each theme in turn, yielding its name: a view checked and shot in light and dark."""
    for theme in THEMES:
        set_theme(page, theme)
        yield theme


def wait_idle(page) -> None:
    """Wait until Streamlit has finished its script run: no running status, no stale elements, for a moment."""
    page.evaluate("() => { window.__tlIdleSince = 0; }")
    page.wait_for_function(IDLE_JS, timeout=RESULT_TIMEOUT_MS, polling=100)


def grid_with_column(page, column: str):
    """The last Streamlit data grid on the page with a column headed ``column`` (e.g. the rows table's text
    column; charts' word tables below it have no such column)."""
    return (
        page.locator("[data-testid='stDataFrame']")
        .filter(has=page.locator("th", has_text=re.compile(rf"^{re.escape(column)}$")))
        .last
    )


def select_grid_row(page, grid, row: int, timeout_ms: int = RESULT_TIMEOUT_MS) -> None:
    """Select data row ``row`` (0-based) of a Streamlit data grid by clicking its selection box, as a user does.

    The grid draws on a canvas and keeps an accessible table beside it: the click waits until that table
    holds the row (the canvas is ready), and is repeated while the row is not marked selected (a click that
    lands before the grid listens is lost on a slow machine; a row not selected cannot be toggled off).
    """
    row_element = f"tr[aria-rowindex='{row + 2}']"  # 1 is the header row
    grid.locator(row_element).wait_for(state="attached", timeout=timeout_ms)
    deadline = time.monotonic() + timeout_ms / 1000
    while True:
        grid.scroll_into_view_if_needed()
        box = grid.bounding_box()
        page.mouse.click(box["x"] + 18, box["y"] + GRID_ROW_PX * (row + 1) + GRID_ROW_PX / 2)
        try:
            grid.locator(row_element + "[aria-selected='true']").wait_for(state="attached", timeout=10_000)
            return
        except PlaywrightTimeout:
            if time.monotonic() > deadline:
                raise
