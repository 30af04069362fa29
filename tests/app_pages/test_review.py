"""AppTest for the Review page: find and open packs, edit with conflict checks, present, re-run, import."""

from __future__ import annotations

import json

import pytest

from components.safe_text import escape_md
from components.state.models import BUNDLED_CHOICES
from tests.apptest_helpers import button, html_blocks, start_app, visit_another_page
from tests.conftest import ROOT
from tests.store.test_store import HOSTILE, add_every_kind, text_record
from textlens.store import bundle_json, open_store

PAGE = "app_pages/review.py"
EVIL = HOSTILE[0]


@pytest.fixture
def store(tmp_path, monkeypatch):
    """The page's store: a fresh SQLite file named by TEXTLENS_DB, seeded with two packs."""
    monkeypatch.setenv("TEXTLENS_DB", str(tmp_path / "packs.db"))
    s = open_store(tmp_path / "packs.db")
    pack = s.create_pack("Release 3 review", "Cases for Thursday.", "ana")
    add_every_kind(s, pack.id)
    evil = s.create_pack(EVIL, EVIL, "bo")
    s.add_case(evil.id, text_record(f"{EVIL} in a text"), note=EVIL, tags=["hostile"])
    yield s
    s.close()


def open_pack(store, name: str):
    at = start_app(ROOT / "dashboard.py", PAGE)
    at.selectbox(key="review_open").set_value(store.pack(name).id).run()
    assert not at.exception, at.exception
    return at


def cards(at) -> list[str]:
    return [b for b in html_blocks(at) if 'class="tl-card tl-case"' in b]


def test_list_search_and_open(store):
    at = start_app(ROOT / "dashboard.py", PAGE)
    assert at.title[0].value == "Review packs"
    assert len(at.selectbox(key="review_open").options) == 3
    at.text_input(key="review_search").set_value("thursday").run()
    assert at.selectbox(key="review_open").options == ["— choose a pack —", "Release 3 review (4 cases · ana)"]
    at.text_input(key="review_search").set_value("").run()
    at.selectbox(key="review_tag").set_value("hostile").run()
    assert len(at.selectbox(key="review_open").options) == 2
    at.selectbox(key="review_tag").set_value("All").run()
    at.selectbox(key="review_owner").set_value("ana").run()
    (_, only) = at.selectbox(key="review_open").options
    assert only.startswith("Release 3 review")
    at.selectbox(key="review_open").set_value(store.pack("Release 3 review").id).run()
    assert not at.exception, at.exception
    assert len(cards(at)) == 4
    assert [t.value for t in at.text_area] == ["first", "", "", "ears?"]
    assert at.selectbox(key=f"review_verdict_{store.cases(1)[0].id}").value == "right-wrong"
    labels = [d.label for d in at.get("download_button")]
    assert labels == ["Report (HTML)", "Bundle (JSON)"]


def test_hostile_names_and_notes_are_literal(store):
    at = open_pack(store, EVIL)
    assert at.subheader[0].value == escape_md(EVIL)  # Markdown-escaped: shows exactly as typed
    (card,) = cards(at)
    assert "<script>" not in card and "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in card
    assert at.text_area[0].value == EVIL  # the edit box holds the note as typed
    assert all("<script>" not in b for b in html_blocks(at))


def test_edit_save_and_conflict_with_both_texts(store):
    pack = store.pack("Release 3 review")
    case = store.cases(pack.id)[1]
    at = open_pack(store, "Release 3 review")
    at.text_area(key=f"review_note_{case.id}").set_value("Ana: the model ignores 'mess'")
    at.text_input(key=f"review_tags_{case.id}").set_value("negation, , words")
    at.selectbox(key=f"review_verdict_{case.id}").set_value("wrong")
    at.button(key=f"review_save_{case.id}").click().run()
    assert not at.exception and not at.error
    saved = store.case(case.id)
    assert (saved.note, saved.verdict, saved.tags) == ("Ana: the model ignores 'mess'", "wrong", ("negation", "words"))
    # Someone else saves meanwhile; this session's next save must not overwrite it.
    store.update_case(case.id, saved.version, note="Bo: it is a label error")
    at.text_area(key=f"review_note_{case.id}").set_value("Ana again")
    at.button(key=f"review_save_{case.id}").click().run()
    (error,) = at.error
    assert "changed this case meanwhile" in error.value
    texts = [t.value for t in at.text]
    assert "note: Bo: it is a label error" in texts and "note: Ana again" in texts
    assert not any(t.startswith("verdict") for t in texts)  # only what this session changed
    assert store.case(case.id).note == "Bo: it is a label error"
    button(at, "Load their version").click().run()
    assert at.text_area(key=f"review_note_{case.id}").value == "Bo: it is a label error"
    at.text_area(key=f"review_note_{case.id}").set_value("Agreed: label error")
    at.button(key=f"review_save_{case.id}").click().run()
    assert not at.error and store.case(case.id).note == "Agreed: label error"


def test_unedited_form_follows_other_sessions(store):
    case = store.cases(store.pack("Release 3 review").id)[0]
    at = open_pack(store, "Release 3 review")
    store.update_case(case.id, case.version, note="changed elsewhere")
    at.run()
    assert at.text_area(key=f"review_note_{case.id}").value == "changed elsewhere"


def test_filter_reorder_remove(store):
    pack = store.pack("Release 3 review")
    first, second, third, fourth = store.cases(pack.id)
    at = open_pack(store, "Release 3 review")
    at.selectbox(key="review_verdict_filter").set_value("label-error").run()
    (card,) = cards(at)
    assert "Case 3" in card and "Label error" in card
    at.selectbox(key="review_verdict_filter").set_value("All").run()
    at.button(key=f"review_down_{first.id}").click().run()
    assert [c.id for c in store.cases(pack.id)] == [second.id, first.id, third.id, fourth.id]
    at.button(key=f"review_remove_{third.id}").click().run()
    assert not at.exception
    assert [c.id for c in store.cases(pack.id)] == [second.id, first.id, fourth.id]
    assert len(cards(at)) == 3


def presented(at) -> str:
    (shown,) = [b for b in html_blocks(at) if 'class="tl-present-main' in b]
    return shown


def test_present_mode_shows_the_case_alone(store):
    at = open_pack(store, "Release 3 review")
    at.radio(key="review_mode").set_value("Present").run()
    assert not at.exception, at.exception
    shown = presented(at)
    assert "Case 1 of 4" in shown and "first" in shown and "Predicted <b>" in shown
    # Nothing but the case on the projector: no title, search, filters, pack picker or edit boxes.
    assert not at.title and not at.text_area and not at.text_input and not at.selectbox and not at.radio
    assert any("Release 3 review" in b and "stSidebar" in b for b in html_blocks(at))  # title + hidden chrome
    assert {b.label: b.proto.shortcut for b in at.button if b.label in ("Previous", "Next")} == {
        "Previous": "left",
        "Next": "right",
    }
    button(at, "Next").click().run()
    button(at, "Next").click().run()
    assert "Case 3 of 4" in presented(at) and "Label error" in presented(at)
    button(at, "Previous").click().run()
    assert "Case 2 of 4" in presented(at)
    assert "rgba(178" in presented(at) and 'class="tl-present"' in presented(at)
    at.toggle(key="review_high_contrast").set_value(True).run()
    shown = presented(at).split("</style>")[1]
    assert 'class="tl-present tl-high-contrast"' in shown and "rgba(178" not in shown  # solid chips
    button(at, "Exit").click().run()
    assert at.title[0].value == "Review packs" and at.radio(key="review_mode").value == "Cases"
    assert at.selectbox(key="review_open").value == store.pack("Release 3 review").id
    at.radio(key="review_mode").set_value("Present").run()
    assert "Case 2 of 4" in presented(at), "the presentation goes on where it was left"
    assert 'class="tl-present tl-high-contrast"' in presented(at)


def test_review_keeps_its_widgets_across_page_switches(store):
    pack = store.pack("Release 3 review")
    at = start_app(ROOT / "dashboard.py", PAGE)
    at.text_input(key="review_search").set_value("review").run()
    at.selectbox(key="review_owner").set_value("ana").run()
    at.selectbox(key="review_open").set_value(pack.id).run()
    at.selectbox(key="review_verdict_filter").set_value("label-error").run()
    visit_another_page(at, PAGE, "app_pages/explain.py")
    assert at.text_input(key="review_search").value == "review"
    assert at.selectbox(key="review_owner").value == "ana"
    assert at.selectbox(key="review_open").value == pack.id
    assert at.selectbox(key="review_verdict_filter").value == "label-error"
    assert len(cards(at)) == 1
    at.selectbox(key="review_verdict_filter").set_value("All").run()
    at.radio(key="review_mode").set_value("Present").run()
    button(at, "Next").click().run()
    visit_another_page(at, PAGE, "app_pages/explain.py")
    assert "Case 2 of 4" in presented(at), "still presenting, at the same case"
    button(at, "Exit").click().run()
    assert at.text_input(key="review_search").value == "review" and at.selectbox(key="review_owner").value == "ana"


def test_rerun_on_another_model_and_save(store, tiny_sentiment_dir):
    pack = store.pack("Release 3 review")
    at = open_pack(store, "Release 3 review")
    at.radio(key="review_mode").set_value("Re-run on another model").run()
    # Either bundled model (a pack of emotion cases re-runs on emotion), or a folder: sign-in is off here.
    assert at.radio(key="review_rerun_choice").options == [*BUNDLED_CHOICES, "Hub id or local folder"]
    at.radio(key="review_rerun_choice").set_value("Hub id or local folder").run()
    at.text_input(key="review_rerun_model").set_value(str(tiny_sentiment_dir)).run()
    button(at, "Re-run 3 text cases").click().run()
    assert not at.exception, at.exception
    rows = [b for b in html_blocks(at) if "change in P(" in b]
    assert len(rows) == 3 and any("not re-run" in b for b in html_blocks(at))
    assert "re-run cases changed" in at.markdown[-1].value or any(
        "re-run cases changed" in m.value for m in at.markdown
    )
    at.button[-1].click().run()  # "Save re-run as a new pack"
    assert not at.exception, at.exception
    child = next(p for p in store.packs() if p.parent_id == pack.id)
    assert len(store.cases(child.id)) == 3 and child.origin == f"re-run on {tiny_sentiment_dir}"
    assert at.subheader[0].value.startswith("Release 3 review")


def test_create_and_import(store, tmp_path):
    at = start_app(ROOT / "dashboard.py", PAGE)
    at.text_input(key="review_new_name").set_value("Fresh pack")
    button(at, "Create pack").click().run()
    assert not at.exception and store.pack("Fresh pack").owner
    bundle = json.loads(bundle_json(store, store.pack("Release 3 review").id))
    bundle["pack"]["name"] = "Imported"
    at.selectbox(key="review_open").select_index(0).run()
    broken = dict(bundle, cases=[{"kind": "text"}])
    at.file_uploader(key="review_import_file").set_value(("bad.json", json.dumps(broken).encode(), "application/json"))
    at.run()
    button(at, "Import").click().run()
    assert any("Not imported" in e.value and "lacks" in e.value for e in at.error)
    assert "Imported" not in {p.name for p in store.packs()}
    at.file_uploader(key="review_import_file").set_value(("ok.json", json.dumps(bundle).encode(), "application/json"))
    at.run()
    button(at, "Import").click().run()
    assert not at.exception and len(store.cases(store.pack("Imported").id)) == 4


def test_import_under_another_name_when_the_name_is_taken(store):
    at = start_app(ROOT / "dashboard.py", PAGE)
    bundle = bundle_json(store, store.pack("Release 3 review").id).encode()
    at.file_uploader(key="review_import_file").set_value(("again.json", bundle, "application/json"))
    at.run()
    button(at, "Import").click().run()
    assert any("Not imported" in e.value and "pick another name" in e.value for e in at.error)
    assert len(store.packs()) == 2
    at.text_input(key="review_import_name").set_value("Release 3 review (copy)")
    button(at, "Import").click().run()
    assert not at.exception and not at.error
    copy = store.pack("Release 3 review (copy)")
    assert len(store.cases(copy.id)) == 4 and at.selectbox(key="review_open").value == copy.id


def test_import_file_is_kept_across_pages(store):
    at = start_app(ROOT / "dashboard.py", PAGE)
    bundle = json.loads(bundle_json(store, store.pack("Release 3 review").id))
    bundle["pack"]["name"] = "Kept"
    at.file_uploader(key="review_import_file").set_value(("kept.json", json.dumps(bundle).encode(), "application/json"))
    at.run()
    visit_another_page(at, PAGE)
    # Streamlit's uploader forgot the bundle; the kept copy is the one imported.
    assert any("uploaded earlier in this session" in c.value for c in at.caption)
    button(at, "Import").click().run()
    assert not at.exception, at.exception
    assert len(store.cases(store.pack("Kept").id)) == 4
    at.selectbox(key="review_open").select_index(0).run()
    assert not [c for c in at.caption if "uploaded earlier" in c.value], "an imported bundle is done with"


def test_add_to_pack_from_explain(store):
    at = start_app(ROOT / "dashboard.py", "app_pages/explain.py")
    at.text_area(key="explain_text").set_value("A dull mess.")
    button(at, "Explain").click().run()
    assert not at.exception, at.exception
    at.selectbox(key="explain_add_to_pack_pack").set_value("+ New pack…")
    at.text_input(key="explain_add_to_pack_new").set_value(f"{EVIL} new")
    at.text_area(key="explain_add_to_pack_note").set_value("why 'dull'?")
    button(at, "Add case").click().run()
    assert not at.exception, at.exception
    assert any("Added to" in s.value and "case 1" in s.value for s in at.success)
    (case,) = store.cases(store.pack(f"{EVIL} new").id)
    assert case.source == "explain" and case.note == "why 'dull'?" and case.target == "NEGATIVE"
    assert case.result().text == "A dull mess." and len(case.provenance["model_fingerprint"]) == 64
    # On the next run the form starts afresh on the same pack; an empty new name is refused.
    at.run()
    assert at.text_area(key="explain_add_to_pack_note").value == ""
    assert at.selectbox(key="explain_add_to_pack_pack").value == f"{EVIL} new"
    at.selectbox(key="explain_add_to_pack_pack").set_value("+ New pack…")
    button(at, "Add case").click().run()
    assert any("type a name" in w.value for w in at.warning)
    assert len(store.packs()) == 3
