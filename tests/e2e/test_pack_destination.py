"""In headless Chromium: a typed new pack name makes that pack (never the pack the select box shows), the
form asks when both are filled in, the confirmation links to the pack; an unexplained case is presented large.

Self-contained: each test makes the packs it needs (uniquely named) in the store the test server reads.
"""

from __future__ import annotations

import re
import uuid

import pytest

from tests.e2e.conftest import screenshot
from tests.e2e.helpers import RESULT_TIMEOUT_MS, choose, click, each_theme, open_page, type_text, wait_idle
from tests.e2e.test_review import MIN_CONTRAST, open_pack, shown_contrast
from textlens.store import open_store
from textlens.types import Prediction

pytestmark = pytest.mark.e2e

TEXT = "A dull, tedious mess."


def test_a_typed_new_pack_name_makes_that_pack(server, new_page):
    tag = uuid.uuid4().hex[:6]
    meeting, new = f"amazon-review {tag}", f"label-audit <b>{tag}</b>"
    with open_store() as store:
        store.create_pack(meeting, "The meeting's pack.", "ana")
    page = new_page("light", width=1440, height=1000)
    open_page(page, server.url)
    type_text(page, TEXT)
    click(page, "Explain")
    page.locator(".tl-highlight .tl-word", has_text="tedious").first.wait_for(timeout=RESULT_TIMEOUT_MS)
    wait_idle(page)

    # The form: the meeting's pack picked and a new name typed. It asks; nothing is written.
    page.get_by_role("button", name="Add to review pack").click()
    choose(page, "Pack", meeting)
    page.get_by_role("textbox", name="New pack's name").fill(new)
    page.wait_for_timeout(400)  # the pop-over's opening animation
    screenshot(page, "pack-destination-popover-both-filled")
    click(page, "Add case")
    question = page.get_by_text(re.compile(r"^Not added: Pack says"))
    question.wait_for(timeout=RESULT_TIMEOUT_MS)
    wait_idle(page)
    assert meeting in question.inner_text() and new in question.inner_text()  # both named, literally
    screenshot(page, "pack-destination-question")
    with open_store() as store:
        assert new not in {p.name for p in store.packs()}
        assert store.cases(store.pack(meeting).id) == []

    # "+ New pack…" with the typed name (still in the form): that pack is made and holds the case.
    page.get_by_role("button", name="Add to review pack").click()
    assert page.get_by_role("textbox", name="New pack's name").input_value() == new
    choose(page, "Pack", "+ New pack…")
    page.wait_for_timeout(400)
    screenshot(page, "pack-destination-popover-new-pack")
    click(page, "Add case")
    page.get_by_text("Added to the new pack").wait_for(timeout=RESULT_TIMEOUT_MS)
    page.keyboard.press("Escape")
    wait_idle(page)
    assert page.get_by_text(f"Added to the new pack {new} as case 1.").count() == 1  # escaped: no bold tag
    screenshot(page, "pack-destination-confirmation")
    with open_store() as store:
        (case,) = store.cases(store.pack(new).id)
        assert case.result().text == TEXT and case.source == "explain"
        assert store.cases(store.pack(meeting).id) == []

    # The confirmation's link opens that pack on the Review page.
    page.get_by_role("link", name=f"Open {new} on the Review page").click()
    page.get_by_role("heading", name=new).wait_for(timeout=RESULT_TIMEOUT_MS)
    wait_idle(page)
    assert page.get_by_role("heading", name="Review packs").count() == 1
    assert page.locator(".tl-case").count() == 1 and "pack=" not in page.url  # the link's id is read once
    screenshot(page, "pack-destination-review-opened")


UNEXPLAINED = (
    "The packaging was torn but the blender itself works perfectly and is quieter than my old one.",
    "Row 12 (likely label error). True label negative.",
)


@pytest.fixture(scope="module")
def unexplained_pack():
    """A pack holding one case with no explanation record: a prediction, as the Dataset tables send them."""
    name = f"Unexplained {uuid.uuid4().hex[:6]}"
    text, note = UNEXPLAINED
    record = Prediction(text=text, model_id="bundled", labels=("NEGATIVE", "POSITIVE"), scores=(0.08, 0.92))
    with open_store() as store:
        pack = store.create_pack(name, "Sent from a table.", "ana")
        store.add_case(pack.id, record, "POSITIVE", note=note, verdict="label-error", source="dataset")
    return name


def test_an_unexplained_case_is_presented_as_large_as_its_note(server, new_page, unexplained_pack):
    page = new_page(width=1280, height=720)  # a projector's size
    page.goto(server.url + "/review")
    page.get_by_role("heading", name="Review packs").wait_for(timeout=RESULT_TIMEOUT_MS)
    wait_idle(page)
    open_pack(page, unexplained_pack)
    page.get_by_text("Present", exact=True).click()
    page.locator(".tl-present").wait_for(timeout=RESULT_TIMEOUT_MS)
    wait_idle(page)
    text = page.locator(".tl-present .tl-present-text")
    assert text.inner_text() == UNEXPLAINED[0]
    size = text.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")
    note = page.locator(".tl-present .tl-note").evaluate("e => parseFloat(getComputedStyle(e).fontSize)")
    assert size >= note and size >= 30, f"the text is {size} px, its note {note} px"
    box = text.bounding_box()
    assert box["y"] + box["height"] <= 720 and box["width"] >= 0.5 * 1280, box
    for theme in each_theme(page):
        ratio = shown_contrast(text)
        assert ratio >= MIN_CONTRAST, f"the text contrasts {ratio:.2f}:1 with its background in the {theme} theme"
        screenshot(page, f"present-unexplained-{theme}")
