"""Review packs in headless Chromium: collect from Explain, annotate, present, re-run, export and open the report."""

from __future__ import annotations

import re
import time

import pytest

from tests.e2e.conftest import screenshot
from tests.e2e.helpers import RESULT_TIMEOUT_MS, choose, click, open_page, type_text, wait_idle
from textlens.store import open_store

pytestmark = pytest.mark.e2e

PACK = "E2E <b>review</b>"
TEXTS = ["The acting was wonderful but the plot was dull.", "A dull, tedious mess."]


def add_from_explain(page, text: str, number: int) -> None:
    """Explain ``text`` and add it to the pack as case ``number`` (the first one creates the pack)."""
    type_text(page, text)
    click(page, "Explain")
    wait_idle(page)  # the previous text's highlight is on the page until this run ends
    word = text.split()[1].strip(",.")
    page.locator(".tl-highlight .tl-word", has_text=word).first.wait_for(timeout=RESULT_TIMEOUT_MS)
    wait_idle(page)
    page.get_by_role("button", name="Add to review pack").click()
    if number == 1:
        choose(page, "Pack", "+ New pack…")
        page.get_by_role("textbox", name="New pack's name").fill(PACK)
    page.get_by_role("textbox", name="Note (optional)").fill(f"found: {text[:12]}")
    click(page, "Add case")
    page.get_by_text(f"as case {number}.").wait_for(timeout=RESULT_TIMEOUT_MS)
    page.keyboard.press("Escape")  # close the popover
    wait_idle(page)


def open_pack(page, name: str) -> None:
    """Pick a pack in "Open pack" by its name (the label adds its size and owner)."""
    page.get_by_role("combobox", name="Open pack").click()
    options = page.get_by_role("option")
    options.first.wait_for()
    labels = options.all_inner_texts()
    wanted = [label for label in labels if label.startswith(f"{name} (")]
    assert wanted, f"no pack {name!r} among {labels}"
    page.get_by_role("option", name=wanted[0], exact=True).click()
    # The click starts a rerun; until it ends the previous pack (and its download buttons) is still shown.
    page.wait_for_function(
        "name => [...document.querySelectorAll('h3')].some(h => h.textContent.trim() === name)",
        arg=name,
        timeout=RESULT_TIMEOUT_MS,
    )
    wait_idle(page)


def offline_only(route) -> None:
    """Refuse every request but the report file itself: the report must need no network."""
    if route.request.url.startswith("file:"):
        route.continue_()
    else:
        route.abort()


def test_collect_annotate_present_rerun_export(server, new_page, tiny_sentiment_dir, tmp_path):
    page = new_page("light", height=1600)
    open_page(page, server.url)
    add_from_explain(page, TEXTS[0], 1)
    add_from_explain(page, TEXTS[1], 2)

    page.goto(server.url + "/review")
    page.get_by_role("heading", name="Review packs").wait_for(timeout=RESULT_TIMEOUT_MS)
    wait_idle(page)
    open_pack(page, PACK)
    page.locator(".tl-case").nth(1).wait_for(timeout=RESULT_TIMEOUT_MS)
    assert page.locator(".tl-case .tl-highlight").count() == 2
    assert page.get_by_role("heading", name=PACK).count() == 1  # the name shown literally, not as bold HTML
    note = page.get_by_role("textbox", name="Note", exact=True).first
    note.fill("Right label, but 'wonderful' should not push NEGATIVE.")
    note.press("Control+Enter")
    page.get_by_role("combobox", name="Verdict").first.click()
    page.get_by_role("option", name="Right for the wrong reasons", exact=True).click()
    page.get_by_role("button", name="Save", exact=True).first.click()
    wait_idle(page)
    with open_store() as store:
        first = store.cases(store.pack(PACK).id)[0]
        assert first.note.startswith("Right label") and first.verdict == "right-wrong"
    screenshot(page, "review-cases-light")

    page.get_by_text("Present", exact=True).click()
    page.locator(".tl-present").wait_for(timeout=RESULT_TIMEOUT_MS)
    assert page.get_by_text("Case 1 of 2").count() >= 1
    size = page.locator(".tl-present .tl-highlight").evaluate("e => parseFloat(getComputedStyle(e).fontSize)")
    assert size >= 30, "Present mode shows the text in large type"
    screenshot(page, "review-present-light")
    page.get_by_role("button", name=re.compile(r"^Next")).click()  # its name ends with the shortcut
    page.get_by_text("Case 2 of 2").first.wait_for(timeout=RESULT_TIMEOUT_MS)
    page.keyboard.press("Escape")  # Present mode's Exit: back to the pack
    page.get_by_role("heading", name="Review packs").wait_for(timeout=RESULT_TIMEOUT_MS)
    wait_idle(page)

    page.get_by_text("Re-run on another model", exact=True).click()
    page.get_by_text("Hub id or local folder", exact=True).click()
    folder = page.get_by_role("textbox", name="Hub id or folder")
    folder.fill(str(tiny_sentiment_dir))
    folder.press("Enter")
    wait_idle(page)
    click(page, "Re-run 2 text cases")
    page.get_by_text("re-run cases changed").wait_for(timeout=RESULT_TIMEOUT_MS)
    wait_idle(page)
    assert page.locator(".tl-changes").count() == 2
    screenshot(page, "review-rerun-light")
    click(page, "Save re-run as a new pack")
    page.get_by_text("re-run on").first.wait_for(timeout=RESULT_TIMEOUT_MS)
    wait_idle(page)
    screenshot(page, "review-rerun-saved-light")

    open_pack(page, PACK)
    with page.expect_download() as download:
        page.get_by_role("button", name="Report (HTML)").click()
    report = tmp_path / "report.html"
    download.value.save_as(report)
    offline = new_page("dark", height=1400)
    offline.route(
        "**/*", lambda route: route.abort() if not route.request.url.startswith("file:") else route.continue_()
    )
    offline.goto(report.as_uri())
    offline.locator(".tl-case").first.wait_for()
    assert offline.title() == f"textlens review pack: {PACK}"
    assert offline.locator(".tl-case").count() == 2 and offline.locator(".tl-word").count() > 10
    assert offline.get_by_text("Right label, but 'wonderful' should not push NEGATIVE.").count() == 1
    time.sleep(0.3)
    screenshot(offline, "review-report-dark")


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_present_mode_is_readable(server, new_page, theme):
    """Present mode in both themes: large type, the note beside the case (screenshots for a look)."""
    with open_store() as store:
        if PACK not in {p.name for p in store.packs()}:
            pytest.skip("needs the pack the first test collects")
    page = new_page(theme, width=1280, height=800)  # a projector's size
    page.goto(server.url + "/review")
    page.get_by_role("heading", name="Review packs").wait_for(timeout=RESULT_TIMEOUT_MS)
    open_pack(page, PACK)
    page.get_by_text("Present", exact=True).click()
    page.locator(".tl-present").wait_for(timeout=RESULT_TIMEOUT_MS)
    wait_idle(page)
    colour = page.locator(".tl-present .tl-note").evaluate("e => getComputedStyle(e).color")
    assert colour, "the note is shown beside the case"
    screenshot(page, f"review-present-{theme}")
