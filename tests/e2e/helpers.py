"""Driving the dashboard like a user: type, click, choose, wait for results."""

from __future__ import annotations

import re

RESULT_TIMEOUT_MS = 180_000


def open_page(page, url: str, path: str = "") -> None:
    page.goto(url + "/" + path)
    page.wait_for_selector("textarea", timeout=RESULT_TIMEOUT_MS)


def type_text(page, text: str, label: str = "Text to analyse") -> None:
    area = page.get_by_label(label)
    area.fill(text)
    area.press("Control+Enter")  # commits the text area's value, as a user leaving the box would


def click(page, name: str) -> None:
    page.get_by_role("button", name=name, exact=True).click()


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


def wait_idle(page) -> None:
    """Wait until Streamlit has finished its script run: no running status, no stale elements, for a moment."""
    page.evaluate("() => { window.__tlIdleSince = 0; }")
    page.wait_for_function(IDLE_JS, timeout=RESULT_TIMEOUT_MS, polling=100)
