"""Review packs in headless Chromium: collect from Explain, annotate, present, re-run, export and open the report."""

from __future__ import annotations

import re
import time

import pytest

from tests.e2e.conftest import screenshot
from tests.e2e.helpers import RESULT_TIMEOUT_MS, choose, click, each_theme, open_page, type_text, wait_idle
from tests.factories import make_explanation
from textlens.report.palette import contrast_ratio
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
    wait_idle(page)  # the note's value reaches the server before Save is clicked (a busy CI machine lost it once)
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


# Present mode on a 1280x800 projector, a short case: the text at its largest (6.5vh = 52 px), the note
# at its (4.6vh = 37 px). The bars are well below both and well above body type (16 px).
MIN_TEXT_PX = 30
MIN_NOTE_PX = 24
MIN_CONTRAST = 4.5  # WCAG AA for body text
PRESENT_NOTE = "Right label, but 'wonderful' should not push NEGATIVE."

# The element's own background colour and its ancestors', innermost first.
BACKGROUNDS = """e => {
  const out = [];
  for (let n = e; n; n = n.parentElement) out.push(getComputedStyle(n).backgroundColor);
  return out;
}"""


def rgba(css: str) -> tuple[float, float, float, float]:
    """A computed CSS colour, ``rgb(r, g, b)`` or ``rgba(r, g, b, a)``, as (r, g, b, a)."""
    match = re.fullmatch(r"rgba?\(([\d.]+),\s*([\d.]+),\s*([\d.]+)(?:,\s*([\d.]+))?\)", css.strip())
    assert match, f"not an rgb colour: {css!r}"
    r, g, b, a = match.groups()
    return float(r), float(g), float(b), 1.0 if a is None else float(a)


def over(top: tuple[float, float, float, float], below: tuple[float, float, float]) -> tuple[float, float, float]:
    r, g, b, a = top
    return tuple(a * c + (1 - a) * d for c, d in zip((r, g, b), below))


def shown_contrast(locator) -> float:
    """WCAG contrast of an element's text colour against the background it is drawn on (layers composited)."""
    background = (255.0, 255.0, 255.0)  # the canvas under everything
    for layer in reversed(locator.evaluate(BACKGROUNDS)):
        background = over(rgba(layer), background)
    text = over(rgba(locator.evaluate("e => getComputedStyle(e).color")), background)
    return contrast_ratio(text, background)


def font_px(locator) -> float:
    return locator.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")


@pytest.fixture(scope="module")
def present_pack() -> str:
    """A pack of its own, made through the store: one hand-made explanation with a note."""
    name = "E2E present <i>mode</i>"
    with open_store() as store:
        if name not in {p.name for p in store.packs()}:
            pack = store.create_pack(name, "Seen on a projector.", "ana")
            record = make_explanation(TEXTS[0], [0.0, 0.05, 0.0, 0.3, 0.0, 0.0, 0.0, 0.0, -0.2, 0.0])
            store.add_case(pack.id, record, "POSITIVE", note=PRESENT_NOTE, verdict="right-wrong", source="explain")
    return name


def test_present_mode_is_readable(server, new_page, present_pack):
    """Present mode in both themes on a projector's screen: the text and the note in large type, the note
    beside the text, both at least 4.5:1 against what they are drawn on (and screenshots for a look)."""
    page = new_page(width=1280, height=800)
    page.goto(server.url + "/review")
    page.get_by_role("heading", name="Review packs").wait_for(timeout=RESULT_TIMEOUT_MS)
    open_pack(page, present_pack)
    page.get_by_text("Present", exact=True).click()
    page.locator(".tl-present").wait_for(timeout=RESULT_TIMEOUT_MS)
    wait_idle(page)
    text = page.locator(".tl-present .tl-highlight")
    note = page.locator(".tl-present .tl-note")
    assert note.inner_text() == PRESENT_NOTE
    word = text.locator(".tl-word", has_text="wonderful").first
    assert font_px(text) >= MIN_TEXT_PX and font_px(word) >= MIN_TEXT_PX, "the text in large type"
    assert font_px(note) >= MIN_NOTE_PX, "the note in large type"
    text_box, note_box = text.bounding_box(), note.bounding_box()
    assert note_box["x"] >= text_box["x"] + text_box["width"], "the note is beside the text, right of it"
    assert note_box["y"] + note_box["height"] <= 800, "the note is on the screen"
    plain = text.locator(".tl-word", has_text="acting").first  # 0.05: a faint tint, the theme's text colour
    for theme in each_theme(page):
        for what, locator in (("the note", note), ("the text", plain)):
            ratio = shown_contrast(locator)
            assert ratio >= MIN_CONTRAST, f"{what} contrasts {ratio:.2f}:1 with its background in the {theme} theme"
        screenshot(page, f"review-present-{theme}")
