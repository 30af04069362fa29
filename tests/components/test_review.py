"""The Review page's logic without AppTest: the edit-conflict state machine over a plain dict, on a real store."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from components.review import (
    CaseEdits,
    case_numbers,
    changes_by_case,
    conflict_lines,
    import_file,
    open_options,
    pack_facts,
    pack_label,
    rerun_summary,
    tags_text,
)
from components.safe_text import escape_md
from components.state.review import ReviewKeys as KEYS
from tests.store.test_store import text_record
from textlens.report.pack import short_time
from textlens.store import BundleError, ConflictError, Identity, Role, bundle_json, open_store
from textlens.store.rerun import RerunRow


@pytest.fixture
def store(tmp_path):
    s = open_store(tmp_path / "packs.db")
    pack = s.create_pack("Release 3 review", "Cases for Thursday.", "ana")
    s.add_case(pack.id, text_record(), "POSITIVE", note="first", verdict="right-wrong", tags=["plot", "contrast"])
    s.add_case(pack.id, text_record("A dull mess."), "NEGATIVE", note="second")
    yield s
    s.close()


def first_case(store):
    return store.cases(store.pack("Release 3 review").id)[0]


def editing(store) -> tuple:
    """The pack's first case and a session whose form has just shown it."""
    case = first_case(store)
    edits = CaseEdits({})
    edits.sync(case)
    return case, edits


def form(edits: CaseEdits, case_id: int) -> tuple:
    return tuple(edits.state[k] for k in edits.widget_keys(case_id))


def type_into(edits: CaseEdits, case_id: int, note=None, verdict=None, tags=None) -> None:
    """What a user's typing does: the widgets' values change, nothing else."""
    note_key, verdict_key, tags_key = edits.widget_keys(case_id)
    for key, value in ((note_key, note), (verdict_key, verdict), (tags_key, tags)):
        if value is not None:
            edits.state[key] = value


def test_first_sight_adopts_the_stored_case(store):
    case = first_case(store)
    edits = CaseEdits({})
    assert edits.sync(case) == case.version
    assert form(edits, case.id) == ("first", "right-wrong", "plot, contrast")
    assert edits.state[KEYS.EDIT_BASE][case.id] == (case.version, "first", "right-wrong", "plot, contrast")
    assert edits.widget_keys(case.id) == (
        f"review_note_{case.id}",
        f"review_verdict_{case.id}",
        f"review_tags_{case.id}",
    )


def test_forgotten_widgets_are_filled_again_from_the_stored_case(store):
    case, edits = editing(store)
    del edits.state[edits.widget_keys(case.id)[2]]  # Streamlit forgot a widget (the page was left)
    edits.sync(case)
    assert form(edits, case.id) == ("first", "right-wrong", "plot, contrast")


def test_an_unedited_form_follows_another_sessions_change(store):
    case, edits = editing(store)
    theirs = store.update_case(case.id, case.version, note="changed elsewhere")
    assert edits.sync(theirs) == theirs.version
    assert form(edits, case.id)[0] == "changed elsewhere"


def test_an_edited_form_keeps_its_base_and_typing_when_someone_else_saves(store):
    case, edits = editing(store)
    type_into(edits, case.id, note="mine")
    theirs = store.update_case(case.id, case.version, note="theirs")
    assert edits.sync(theirs) == case.version != theirs.version  # the page warns: stale
    assert form(edits, case.id)[0] == "mine"


def test_changes_are_only_the_fields_typed_with_tags_split(store):
    case, edits = editing(store)
    assert edits.changes(case.id) == {}
    type_into(edits, case.id, verdict="wrong", tags="negation, , words")
    assert edits.changes(case.id) == {"verdict": "wrong", "tags": ["negation", " words"]}  # the store strips


def test_save_writes_the_typed_fields_and_adopts_the_saved_case(store):
    case, edits = editing(store)
    type_into(edits, case.id, note="Ana: the model ignores 'mess'", verdict="wrong", tags="negation, , words")
    edits.save(store, case.id)
    saved = store.case(case.id)
    assert (saved.note, saved.verdict, saved.tags) == ("Ana: the model ignores 'mess'", "wrong", ("negation", "words"))
    assert edits.take_message(case.id) == ("saved", None)
    assert edits.take_message(case.id) is None, "a message is shown once"
    assert edits.state[KEYS.EDIT_BASE][case.id][0] == saved.version
    assert form(edits, case.id) == ("Ana: the model ignores 'mess'", "wrong", "negation, words")


def test_a_stale_save_is_a_conflict_with_both_texts_and_writes_nothing(store):
    case, edits = editing(store)
    theirs = store.update_case(case.id, case.version, note="Bo: it is a label error")
    type_into(edits, case.id, note="Ana again")
    edits.save(store, case.id)
    kind, conflict = edits.take_message(case.id)
    assert kind == "conflict" and isinstance(conflict, ConflictError)
    assert conflict.yours == {"note": "Ana again"}  # only what this session changed
    assert conflict_lines(conflict) == [("note: Bo: it is a label error", "note: Ana again")]
    assert store.case(case.id).note == "Bo: it is a label error"
    assert edits.state[KEYS.EDIT_BASE][case.id][0] == case.version, "the base stays until theirs is loaded"
    # "Load their version", then the change again: saved.
    edits.reload(store, case.id)
    assert form(edits, case.id)[0] == "Bo: it is a label error"
    assert edits.state[KEYS.EDIT_BASE][case.id][0] == theirs.version
    type_into(edits, case.id, note="Agreed: label error")
    edits.save(store, case.id)
    assert edits.take_message(case.id) == ("saved", None)
    assert store.case(case.id).note == "Agreed: label error"


def test_reload_drops_the_message(store):
    case, edits = editing(store)
    store.update_case(case.id, case.version, note="theirs")
    type_into(edits, case.id, note="mine")
    edits.save(store, case.id)
    edits.reload(store, case.id)
    assert edits.take_message(case.id) is None


def test_saving_a_case_removed_meanwhile_is_a_conflict_without_theirs(store):
    case, edits = editing(store)
    store.remove_case(case.id)
    type_into(edits, case.id, note="too late")
    edits.save(store, case.id)
    kind, conflict = edits.take_message(case.id)
    assert kind == "conflict" and conflict.theirs is None
    edits.reload(store, case.id)  # nothing to load: no error, the message goes
    assert edits.take_message(case.id) is None


def test_a_viewer_is_refused_with_an_error_message(store):
    case = first_case(store)
    viewer = store.as_user(Identity("bob@example.com", Role.VIEWER))
    edits = CaseEdits({})
    edits.sync(case)
    type_into(edits, case.id, note="not mine to write")
    edits.save(viewer, case.id)
    kind, error = edits.take_message(case.id)
    assert kind == "error" and "change notes" in str(error)
    edits.move(viewer, case.id, 1)
    kind, error = edits.take_message(case.id)
    assert kind == "error" and isinstance(error, str) and "reorder" in error
    edits.remove(viewer, case.id)
    kind, error = edits.take_message(case.id)
    assert kind == "error" and "remove" in error
    assert store.case(case.id).note == "first"


def test_move_and_remove(store):
    first, second = store.cases(store.pack("Release 3 review").id)
    edits = CaseEdits({})
    edits.move(store, first.id, 1)
    assert [c.id for c in store.cases(first.pack_id)] == [second.id, first.id]
    edits.remove(store, first.id)
    edits.remove(store, first.id)  # already gone (another session): no message
    assert edits.take_message(first.id) is None
    assert [c.id for c in store.cases(first.pack_id)] == [second.id]


def test_taking_a_message_writes_nothing():
    state: dict = {}
    edits = CaseEdits(state)
    assert edits.take_message(1) is None
    assert state == {}, "reading a message writes nothing"


def test_tags_text():
    assert tags_text(("a", "b c")) == "a, b c"
    assert tags_text(()) == ""


def test_conflict_lines_show_verdicts_by_name_and_tags_joined(store):
    case = first_case(store)
    theirs = store.update_case(case.id, case.version, verdict="wrong", tags=["x", "y"])
    conflict = ConflictError({"verdict": "label-error", "tags": ["z"]}, theirs)
    assert conflict_lines(conflict) == [("verdict: Wrong", "verdict: Label error"), ("tags: x, y", "tags: z")]


def test_history_by_case(store):
    case = first_case(store)
    store.update_case(case.id, case.version, note="again")
    by_case = changes_by_case(store.history(pack_id=case.pack_id))
    assert None in by_case  # the pack's own: made
    assert [c.action for c in by_case[case.id]][-1] == store.history(pack_id=case.pack_id)[-1].action


def test_open_options_keep_the_open_pack_and_close_a_deleted_one(store):
    pack = store.pack("Release 3 review")
    other = store.create_pack("Other", owner="bo")
    packs = {p.id: p for p in store.packs()}
    assert open_options(packs, list(packs.values()), None, None) == ([None, *packs], None)
    # The open pack stays open (and listed) when the search no longer finds it.
    assert open_options(packs, [other], None, pack.id) == ([None, other.id, pack.id], pack.id)
    # A pack just made opens at once; a request for a pack that is gone is ignored.
    assert open_options(packs, [other], other.id, pack.id) == ([None, other.id], other.id)
    assert open_options(packs, [other], 999, pack.id) == ([None, other.id, pack.id], pack.id)
    # Deleted meanwhile: nothing open.
    assert open_options(packs, [other], None, 999) == ([None, other.id], None)


def test_pack_label_and_facts_escape_user_text(store):
    store.create_pack("No owner", owner="")
    evil = store.create_pack("*x*", owner="<b>ana</b>")
    listed = {p.name: p for p in store.packs()}  # the listing counts each pack's cases
    assert pack_label(listed["Release 3 review"]) == "Release 3 review (2 cases · ana)"
    assert pack_label(listed["No owner"]) == "No owner (0 cases)"
    facts = pack_facts(evil, 0, None)
    assert facts == f"owner **{escape_md('<b>ana</b>')}** · 0 cases · updated {escape_md(short_time(evil.updated))}"
    child = replace(evil, origin="re-run on m/b")
    origin = escape_md("re-run on m/b")
    assert pack_facts(child, 3, "*x*").endswith(
        f" · 3 cases · updated {escape_md(short_time(evil.updated))} · {origin} of **{escape_md('*x*')}**"
    )
    assert pack_facts(child, 3, None).endswith(f" · {origin}")


def test_import_file_refuses_a_file_too_large_and_imports_a_bundle(store, monkeypatch):
    bundle = bundle_json(store, store.pack("Release 3 review").id).encode()
    monkeypatch.setattr("components.review.MAX_BUNDLE_BYTES", len(bundle) - 1)
    with pytest.raises(BundleError, match="larger than"):
        import_file(store, bundle)
    monkeypatch.undo()
    copy = import_file(store, bundle, "Release 3 review (copy)")
    assert copy.name == "Release 3 review (copy)" and len(store.cases(copy.id)) == 2
    assert json.loads(bundle)  # the bytes were a bundle all along


def test_rerun_summary_and_case_numbers(store):
    first, second = store.cases(store.pack("Release 3 review").id)
    store.move_case(first.id, 1)  # second is now case 1
    first, second = store.case(first.id), store.case(second.id)
    stored = first.result()
    flipped = replace(stored, scores=stored.scores[::-1], base_values=stored.base_values[::-1])
    rows = [RerunRow(first, flipped, "POSITIVE"), RerunRow(second, skipped="an image case")]
    assert rerun_summary(rows) == "**1 of 1** re-run cases changed · **1** label flips · 1 skipped"
    assert rerun_summary(rows[:1]) == "**1 of 1** re-run cases changed · **1** label flips"
    assert case_numbers(rows) == {second.id: 1, first.id: 2}
