"""Present mode on projector-sized screens, the Review page's state across pages, and the pack pop-over at 900 px."""

from __future__ import annotations

import re

import pytest

from tests.e2e.conftest import screenshot
from tests.e2e.helpers import RESULT_TIMEOUT_MS, click, each_theme, go_to, open_page, type_text, wait_idle
from tests.e2e.test_review import open_pack
from textlens.store import open_store, provenance_of

pytestmark = pytest.mark.e2e

PACK = "Projector <i>review</i>"
# A one-liner, a paragraph and a long review: the sizes a meeting brings (the long one ~120 words).
CASES = [
    ("Would not go back.", "Right label; 'not' carries it, as it should.", "right-right"),
    (
        "The acting was wonderful but the plot was dull, and the second half dragged on far too long "
        "for a film that had so little to say about its own characters.",
        "Wrong for the wrong reasons: 'wonderful' pushes NEGATIVE. Ask the data team whether contrastive "
        "'but' sentences are under-represented in the training set before the release.",
        "right-wrong",
    ),
    (
        "I went in expecting very little, having read the early reviews, and I came out pleasantly surprised. "
        "The opening is slow and the dialogue in the first act is clumsy, but once the two leads share the "
        "screen the film finds its rhythm. The photography is gorgeous, the score never gets in the way, and "
        "the final twenty minutes are as tense as anything I have seen this year. It is not a masterpiece, "
        "and it is at least fifteen minutes too long, yet I would happily watch it again and recommend it to "
        "anyone who likes a patient, character-driven thriller with a satisfying ending.",
        "Long text: the model reads it whole. Check whether 'slow' and 'clumsy' outweigh the ending.",
        "follow-up",
    ),
]
SIZES = [(1024, 768), (1280, 720)]


@pytest.fixture(scope="module")
def presented_pack(default_classifier):
    """A pack of real explanations by the bundled model, stored where the test server reads packs."""
    from textlens import explain

    with open_store() as store:
        if PACK in {p.name for p in store.packs()}:
            return store.pack(PACK)
        pack = store.create_pack(PACK, "Seen on the projector.", "ana")
        for text, note, verdict in CASES:
            record = explain(default_classifier, text, max_evals=500)
            store.add_case(
                pack.id,
                record,
                note=note,
                verdict=verdict,
                tags=["projector"],
                provenance=provenance_of(default_classifier, record),
                source="explain",
            )
        return store.pack(PACK)


def start_presenting(page, url: str) -> None:
    page.goto(url + "/review")
    page.get_by_role("heading", name="Review packs").wait_for(timeout=RESULT_TIMEOUT_MS)
    wait_idle(page)
    open_pack(page, PACK)
    page.get_by_text("Present", exact=True).click()
    page.locator(".tl-present").wait_for(timeout=RESULT_TIMEOUT_MS)
    wait_idle(page)


def box_inside(page, selector: str, *, whole: bool = True) -> dict:
    """The element's box, asserting it lies wholly inside the viewport and (``whole``) shows all of its content."""
    box = page.locator(selector).bounding_box()
    view = page.viewport_size
    assert box is not None, selector
    assert box["y"] >= 0 and box["y"] + box["height"] <= view["height"] + 0.5, (selector, box, view)
    assert box["x"] >= 0 and box["x"] + box["width"] <= view["width"] + 0.5, (selector, box, view)
    hidden = page.locator(selector).evaluate("e => e.scrollHeight - e.clientHeight")
    assert not whole or hidden <= 1, f"{selector} scrolls by {hidden} px"
    return box


def assert_fits(page, number: int) -> None:
    """Case ``number`` fills the screen: text and note inside the viewport, the page not scrollable."""
    page.get_by_text(f"Case {number} of {len(CASES)}").wait_for(timeout=RESULT_TIMEOUT_MS)
    wait_idle(page)
    text = box_inside(page, ".tl-present .tl-highlight")
    box_inside(page, ".tl-present .tl-note")
    box_inside(page, ".tl-present .tl-prediction")
    box_inside(page, ".tl-present-title", whole=False)  # a very long name ends in an ellipsis
    overflow = page.evaluate(
        "() => { const m = document.querySelector('[data-testid=stMain]'); return m.scrollHeight - m.clientHeight; }"
    )
    assert overflow <= 1, f"the page scrolls by {overflow} px"
    size = page.locator(".tl-present .tl-highlight").evaluate("e => parseFloat(getComputedStyle(e).fontSize)")
    assert size >= 17, "readable from the back of the room"
    assert text["width"] >= 0.5 * page.viewport_size["width"], "the text takes most of the screen"


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_present_fits_the_screen_and_follows_arrow_keys(server, new_page, presented_pack, size):
    width, height = size
    page = new_page(width=width, height=height)
    start_presenting(page, server.url)
    # Nothing but the case: no sidebar, header, page title, search, filters or pack picker.
    assert not page.locator("[data-testid='stSidebar']").is_visible()
    assert not page.locator("header[data-testid='stHeader']").is_visible()
    assert page.get_by_role("heading", name="Review packs").count() == 0
    assert page.get_by_role("textbox").count() == 0 and page.get_by_role("combobox").count() == 0
    assert page.locator(".tl-present-title").inner_text() == PACK  # literal, not italic HTML
    for number in range(1, len(CASES) + 1):
        for theme in each_theme(page):
            assert_fits(page, number)  # waits for the case
            screenshot(page, f"present-{width}x{height}-{theme}-case{number}")
        assert page.locator(".tl-present .tl-note").inner_text() == CASES[number - 1][1]
        page.keyboard.press("ArrowRight")
    page.get_by_text(f"Case {len(CASES)} of {len(CASES)}").wait_for()  # Right at the end stays there
    page.keyboard.press("ArrowLeft")
    assert_fits(page, len(CASES) - 1)
    page.get_by_text("High contrast").click()
    page.locator(".tl-present.tl-high-contrast").wait_for(timeout=RESULT_TIMEOUT_MS)
    chip = page.locator(".tl-present .tl-word[style*='background: rgb(']").first
    for theme in each_theme(page):
        assert_fits(page, len(CASES) - 1)
        assert chip.evaluate("e => getComputedStyle(e).color") in ("rgb(0, 0, 0)", "rgb(255, 255, 255)")
        screenshot(page, f"present-{width}x{height}-{theme}-high-contrast")
    page.keyboard.press("Escape")
    page.get_by_role("heading", name="Review packs").wait_for(timeout=RESULT_TIMEOUT_MS)
    assert page.locator("[data-testid='stSidebar']").is_visible()


def test_review_keeps_search_pack_and_position_across_pages(server, new_page, presented_pack):
    page = new_page("light", width=1280, height=900)
    start_presenting(page, server.url)
    page.keyboard.press("ArrowRight")
    page.get_by_text(f"Case 2 of {len(CASES)}").wait_for(timeout=RESULT_TIMEOUT_MS)
    page.get_by_role("button", name=re.compile(r"^Exit")).click()  # its name ends with the shortcut, "Esc"
    page.get_by_role("heading", name="Review packs").wait_for(timeout=RESULT_TIMEOUT_MS)
    search = page.get_by_role("textbox", name="Search packs")
    search.fill("projector")
    search.press("Enter")
    wait_idle(page)
    go_to(page, "Explain")
    page.wait_for_selector("textarea", timeout=RESULT_TIMEOUT_MS)
    go_to(page, "Review")
    page.get_by_role("heading", name="Review packs").wait_for(timeout=RESULT_TIMEOUT_MS)
    wait_idle(page)
    assert page.get_by_role("textbox", name="Search packs").input_value() == "projector"
    assert page.get_by_role("heading", name=PACK).count() == 1, "the open pack is still open"
    page.get_by_text("Present", exact=True).click()
    page.get_by_text(f"Case 2 of {len(CASES)}").wait_for(timeout=RESULT_TIMEOUT_MS)
    screenshot(page, "review-round-trip-present")


# Scroll the page (its nearest scrolling ancestor) so that the element's top is at ``share`` of the viewport.
PUT_AT = """(e, share) => {
  let box = e.parentElement;
  while (box && box.scrollHeight <= box.clientHeight + 1) box = box.parentElement;
  (box || document.scrollingElement).scrollTop += e.getBoundingClientRect().top - share * window.innerHeight;
}"""


# A 1440x900 viewport, and the 1440x780 one a browser window leaves of a 900 px screen.
@pytest.mark.parametrize("height", [900, 780])
def test_pack_popover_fits_a_900px_screen(server, new_page, height):
    """The "Add to review pack" form opens wholly on a 1440x900 screen wherever its button sits."""
    page = new_page("light", width=1440, height=height)
    open_page(page, server.url, "compare")
    texts = "A warm, funny and moving film.\nThe plot was dull and far too long.\nFine acting, forgettable story."
    type_text(page, texts, label="Texts, one per line")
    click(page, "Compare 3 inputs")
    page.wait_for_selector(".tl-row-head", timeout=RESULT_TIMEOUT_MS)
    wait_idle(page)
    opener = page.get_by_role("button", name="Add to review pack").first
    for where in (0.55, 0.45, 0.85, 0.1):  # the button's top at this share of the screen's height
        opener.evaluate(PUT_AT, where)
        opener.click()
        add = page.get_by_role("button", name="Add case", exact=True)
        add.wait_for(timeout=RESULT_TIMEOUT_MS)
        page.wait_for_timeout(400)  # the pop-over's opening animation
        screenshot(page, f"pack-popover-1440x{height}-{where}")
        box = add.bounding_box()
        assert 0 <= box["y"] and box["y"] + box["height"] <= height, f"'Add case' is off-screen ({where}): {box}"
        body = page.locator("[data-testid='stPopoverBody']").bounding_box()
        assert 0 <= body["y"] and body["y"] + body["height"] <= height, f"the form is cut off ({where}): {body}"
        page.keyboard.press("Escape")
        add.wait_for(state="hidden")
