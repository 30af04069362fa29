"""Which pack an "Add to review pack" / "Send to the pack" form means (no AppTest: the pure decision)."""

from __future__ import annotations

import pytest

from components.pack_destination import NEW_PACK, Destination, destination, open_destination, where
from textlens.store import open_store

PACKS = ["amazon-review", "Release 3 review", "<b>x</b>"]


def test_a_typed_name_with_new_pack_makes_that_pack():
    assert destination(NEW_PACK, "  label-audit ", PACKS) == Destination("label-audit", create=True)


def test_a_typed_name_of_an_existing_pack_adds_to_it_and_says_so():
    dest = destination(NEW_PACK, "amazon-review", PACKS)
    assert dest == Destination("amazon-review", typed_existing=True) and dest.decided
    assert where(dest, "amazon-review", created=False) == (
        "**amazon\\-review**",
        " A pack of that name existed already: the new cases joined it.",
    )


def test_a_picked_pack_with_no_name_or_its_own_name_is_that_pack():
    assert destination("amazon-review", "", PACKS) == Destination("amazon-review")
    assert destination("amazon-review", "   ", PACKS) == Destination("amazon-review")
    assert destination("amazon-review", "amazon-review ", PACKS) == Destination("amazon-review")


def test_a_picked_pack_and_a_different_typed_name_is_a_question_naming_both():
    """The issue's case: "amazon-review" picked, "label-audit" typed; the form must not guess."""
    dest = destination("amazon-review", "label-audit", PACKS)
    assert not dest.decided and dest.name == ""
    assert "amazon\\-review" in dest.question and "label\\-audit" in dest.question
    assert "New pack" in dest.question and "clear the name" in dest.question


def test_new_pack_without_a_name_is_a_question():
    dest = destination(NEW_PACK, " ", PACKS)
    assert not dest.decided and "type a name" in dest.question


def test_a_name_differing_only_in_capitals_is_a_question_not_a_second_pack():
    dest = destination(NEW_PACK, "release 3 REVIEW", PACKS)
    assert not dest.decided and "Release 3 review" in dest.question


def test_questions_escape_the_names():
    dest = destination("<b>x</b>", "[link](http://e.x)", PACKS)
    assert "<b>" not in dest.question and "[link](" not in dest.question
    assert "\\<b\\>x\\<\\/b\\>" in dest.question and "\\[link\\]\\(http\\:\\/\\/e\\.x\\)" in dest.question


def test_where_names_a_new_pack_as_new():
    dest = Destination("label-audit", create=True)
    assert where(dest, "label-audit", created=True) == ("the new pack **label\\-audit**", "")
    assert where(Destination("amazon-review"), "amazon-review", created=False) == ("**amazon\\-review**", "")


def test_open_destination_makes_adds_and_copes_with_a_pack_made_meanwhile(tmp_path):
    with open_store(tmp_path / "p.db") as store:
        store.create_pack("amazon-review")
        names = [p.name for p in store.packs()]
        pack, created = open_destination(store, destination(NEW_PACK, "label-audit", names), "ana")
        assert created and pack.name == "label-audit" and store.pack("label-audit").id == pack.id
        pack, created = open_destination(store, destination("amazon-review", "", names), "ana")
        assert not created and pack.name == "amazon-review"
        # Someone made "label-audit" after this form listed the packs: the cases join it, nothing fails.
        stale = destination(NEW_PACK, "label-audit", names)
        assert stale.create
        pack, created = open_destination(store, stale, "bo")
        assert not created and pack.name == "label-audit" and len(store.packs()) == 2
        with pytest.raises(ValueError):
            open_destination(store, destination("amazon-review", "label-audit", names), "ana")
        assert len(store.packs()) == 2  # a question writes nothing
