"""AppTest: every "add to pack" form sends its cases where it says (a typed new name makes that pack; a pack
picked *and* another name typed is a question, nothing written) and its confirmation names and links the pack.
"""

from __future__ import annotations

import pytest

from components.pack_destination import NEW_PACK
from tests.apptest_helpers import button, start_app
from tests.conftest import ROOT
from textlens.store import open_store

MEETING = "amazon-review"
NEW = "label-audit <b>"  # a user string: shown escaped, never as HTML or Markdown
NEW_SHOWN = "label\\-audit \\<b\\>"


@pytest.fixture
def store(tmp_path, monkeypatch):
    """The pages' store: a fresh SQLite file holding the meeting's pack only."""
    monkeypatch.setenv("TEXTLENS_DB", str(tmp_path / "packs.db"))
    s = open_store(tmp_path / "packs.db")
    s.create_pack(MEETING, "Thursday's meeting.", "ana")
    yield s
    s.close()


def pack_names(store) -> set[str]:
    return {p.name for p in store.packs()}


def assert_linked(at, store, name: str, shown: str) -> None:
    """The confirmation names the pack and links to it on the Review page (``?pack=<id>``)."""
    (link,) = at.get("page_link")
    assert link.proto.label == f"Open {shown} on the Review page"
    assert link.proto.page == "review" and link.proto.query_string == f"pack={store.pack(name).id}"


def test_add_to_pack_asks_then_makes_the_typed_pack_and_links_to_it(store):
    at = start_app(ROOT / "dashboard.py", "app_pages/explain.py")
    at.text_area(key="explain_text").set_value("A dull mess.")
    button(at, "Explain").click().run()
    assert not at.exception, at.exception
    # The form: the meeting's pack picked (the first), a new name typed. Nothing is written.
    assert at.selectbox(key="explain_add_to_pack_pack").value == MEETING
    at.text_input(key="explain_add_to_pack_new").set_value(NEW)
    button(at, "Add case").click().run()
    assert not at.exception, at.exception
    (question,) = at.warning
    assert question.value.startswith("Not added:") and "**amazon\\-review**" in question.value
    assert f"**{NEW_SHOWN}**" in question.value and not at.success and not at.get("page_link")
    assert pack_names(store) == {MEETING} and store.cases(store.pack(MEETING).id) == []
    # The form kept what was typed: pick "+ New pack…" and the typed name is the pack made.
    assert at.text_input(key="explain_add_to_pack_new").value == NEW
    at.selectbox(key="explain_add_to_pack_pack").set_value(NEW_PACK)
    button(at, "Add case").click().run()
    assert not at.exception, at.exception
    (done,) = at.success
    assert done.value == f"Added to the new pack **{NEW_SHOWN}** as case 1."
    assert_linked(at, store, NEW, NEW_SHOWN)
    (case,) = store.cases(store.pack(NEW).id)
    assert case.result().text == "A dull mess." and store.cases(store.pack(MEETING).id) == []
    # The same name typed again with "+ New pack…": added to that pack, and the confirmation says it existed.
    at.run()
    at.selectbox(key="explain_add_to_pack_pack").set_value(NEW_PACK)
    at.text_input(key="explain_add_to_pack_new").set_value(NEW)
    button(at, "Add case").click().run()
    (done,) = at.success
    assert done.value.startswith(f"Added to **{NEW_SHOWN}** as case 2.") and "existed already" in done.value
    assert len(store.cases(store.pack(NEW).id)) == 2 and len(store.packs()) == 2
    # Following the link opens that pack on the Review page.
    at.switch_page("app_pages/review.py")
    at.query_params["pack"] = str(store.pack(NEW).id)
    at.run()
    assert not at.exception, at.exception
    assert at.selectbox(key="review_open").value == store.pack(NEW).id
    assert at.subheader[0].value == NEW_SHOWN and "pack" not in at.query_params  # read once
    at.selectbox(key="review_open").set_value(store.pack(MEETING).id).run()
    assert at.selectbox(key="review_open").value == store.pack(MEETING).id, "the picker rules after the link"


def test_send_to_pack_asks_then_makes_the_typed_pack_and_links_to_it(store):
    from tests.app_pages.test_dataset import upload

    at = start_app(ROOT / "dashboard.py", "app_pages/dataset.py")
    upload(at)
    next(s for s in at.selectbox if s.label == "True label column").set_value("sentiment")
    at.run()
    button(at, "Predict all 8 rows").click()
    at.run()
    assert not at.exception, at.exception
    send = next(b for b in at.button if b.label.startswith("Send ") and b.label.endswith(" rows to the pack"))
    assert at.selectbox(key="dataset_rows_send_pack").value == MEETING
    at.text_input(key="dataset_rows_send_new").set_value(NEW)
    send.click().run()
    assert not at.exception, at.exception
    (question,) = [w for w in at.warning if w.value.startswith("Not sent:")]
    assert f"**{NEW_SHOWN}**" in question.value and "amazon\\-review" in question.value
    assert pack_names(store) == {MEETING} and store.cases(store.pack(MEETING).id) == []
    assert not at.success and not at.get("page_link")
    at.selectbox(key="dataset_rows_send_pack").set_value(NEW_PACK)
    send = next(b for b in at.button if b.label == send.label)
    send.click().run()
    assert not at.exception, at.exception
    (done,) = at.success
    sent = len(store.cases(store.pack(NEW).id))
    assert sent > 0 and done.value == f"Sent {sent:,} rows to the new pack **{NEW_SHOWN}**."
    assert_linked(at, store, NEW, NEW_SHOWN)
    assert store.cases(store.pack(MEETING).id) == []
    at.run()
    assert at.selectbox(key="dataset_rows_send_pack").value == NEW  # the pack just made is picked from now on
    assert at.text_input(key="dataset_rows_send_new").value == ""
