"""Roles and the history, enforced by the store itself: on SQLite and a real PostgreSQL, across a reopen."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from tests.store.test_store import text_record
from textlens.store import (
    Identity,
    PermissionDeniedError,
    Role,
    RoleConfig,
    StoreError,
    bundle_json,
    cli_identity,
    db,
    identity_from_claims,
    import_bundle,
    open_store,
    resolve_url,
)

ALICE = Identity("alice@example.com", Role.REVIEWER, display_name="Alice Example")
BOB = Identity("bob@example.com", Role.VIEWER)
CAROL = Identity("carol@example.com", Role.ADMIN)


def test_each_role_may_do_what_it_should_and_is_told_why_not(store):
    alice, bob, carol = store.as_user(ALICE), store.as_user(BOB), store.as_user(CAROL)
    pack = alice.create_pack("Release 3")
    case = alice.add_case(pack.id, text_record(), "POSITIVE", note="plot twist")
    # A viewer reads everything and changes nothing; each refusal names the role it needs.
    assert [c.note for c in bob.cases(pack.id)] == ["plot twist"]
    refusals = {
        "create": lambda: bob.create_pack("Bob's"),
        "add": lambda: bob.add_case(pack.id, text_record(), "POSITIVE"),
        "edit": lambda: bob.update_case(case.id, case.version, note="mine now"),
        "reorder": lambda: bob.reorder(pack.id, [case.id]),
        "rename": lambda: bob.update_pack(pack.id, pack.version, name="renamed"),
    }
    for what, attempt in refusals.items():
        with pytest.raises(
            PermissionDeniedError, match="bob@example.com is a viewer here: to .* you need the reviewer role"
        ) as info:
            attempt()
        assert "ask an admin" in str(info.value), what
    # A reviewer edits but neither deletes nor imports; an admin does both.
    edited = alice.update_case(case.id, case.version, verdict="wrong")
    for attempt in (
        lambda: alice.remove_case(case.id),
        lambda: alice.delete_pack(pack.id),
        lambda: import_bundle(alice, bundle_json(alice, pack.id), name="copy"),
    ):
        with pytest.raises(PermissionDeniedError, match="alice@example.com is a reviewer.*admin role"):
            attempt()
    assert store.case(case.id) == edited  # nothing a refusal touched changed
    assert [p.name for p in store.packs()] == ["Release 3"]
    copy = import_bundle(carol, bundle_json(carol, pack.id), name="copy")
    carol.delete_pack(pack.id)
    assert [p.name for p in store.packs()] == [copy.name]


def test_signed_in_names_cannot_be_forged(store):
    alice = store.as_user(ALICE)
    pack = alice.create_pack("Release 3", owner="mallory")
    case = alice.add_case(pack.id, text_record(), "POSITIVE", author="mallory")
    assert (pack.owner, case.author) == ("alice@example.com", "alice@example.com")
    with pytest.raises(PermissionDeniedError):  # handing a pack to someone else is an admin's act
        alice.update_pack(pack.id, pack.version, owner="mallory")
    # An imported bundle's names are not proof either: the importer is recorded, the file's name kept aside.
    bundle = bundle_json(store, pack.id).replace("alice@example.com", "mallory@example.com")
    copy = import_bundle(store.as_user(CAROL), bundle, name="imported")
    (imported,) = store.cases(copy.id)
    assert (copy.owner, imported.author) == ("carol@example.com", "carol@example.com")
    assert imported.context["bundle_author"] == "mallory@example.com"
    # Without sign-in (the local one-person mode) the typed name is kept, as before.
    local = store.add_case(pack.id, text_record(), "POSITIVE", author="ana")
    assert local.author == "ana"


def test_history_records_each_change_once_with_its_author_across_a_reopen(db_url):
    store = open_store(db_url)
    alice, carol = store.as_user(ALICE), store.as_user(CAROL)
    pack = alice.create_pack("Release 3")
    first = alice.add_case(pack.id, text_record(), "POSITIVE", note="plot twist", tags=["plot"])
    second = alice.add_case(pack.id, text_record("Dull."), "NEGATIVE")
    edited = carol.update_case(first.id, first.version, verdict="label-error", note="plot twist?")
    carol.update_case(edited.id, edited.version, note="plot twist?")  # no change: nothing to record
    with pytest.raises(PermissionDeniedError):
        store.as_user(BOB).update_case(first.id, edited.version, note="bob was here")
    alice.move_case(second.id, -1)
    carol.remove_case(second.id)
    store.close()

    reopened = open_store(db_url)
    changes = reopened.history(pack_id=pack.id)
    assert [(c.action, c.actor) for c in changes] == [
        ("create pack", "alice@example.com"),
        ("add case", "alice@example.com"),
        ("add case", "alice@example.com"),
        ("edit case", "carol@example.com"),
        ("reorder", "alice@example.com"),
        ("remove case", "carol@example.com"),
    ]
    edit = changes[3]
    assert edit.case_id == first.id
    assert edit.details == {
        "before": {"note": "plot twist", "verdict": ""},
        "after": {"note": "plot twist?", "verdict": "label-error"},
    }
    assert edit.summary == "changed note, verdict (No verdict yet → Label error)"
    assert [c.action for c in reopened.history(case_id=first.id)] == ["add case", "edit case"]
    assert changes[1].details["note"] == "plot twist" and changes[1].details["tags"] == ["plot"]
    assert changes[-1].details["target"] == "NEGATIVE"
    assert all(a.at <= b.at for a, b in zip(changes, changes[1:]))
    # The history outlives a deleted pack, and the database itself refuses to rewrite it.
    reopened.as_user(CAROL).delete_pack(pack.id)
    assert reopened.history(pack_id=pack.id)[-1].action == "delete pack"
    for statement in ("UPDATE history SET actor = 'mallory'", "DELETE FROM history"):
        with pytest.raises(sa.exc.DatabaseError, match="append-only"), reopened.engine.begin() as conn:
            conn.execute(sa.text(statement))
    assert len(reopened.history(pack_id=pack.id)) == 7
    reopened.close()


def test_packs_from_before_the_history_open_and_record_from_then_on(db_url):
    engine = db.create_engine(resolve_url(db_url))
    db.migrate(engine, "0002")
    with engine.begin() as conn:
        conn.execute(
            sa.text(
                "INSERT INTO packs (name, description, owner, created, updated, version, origin) "
                "VALUES ('old', '', 'ana', '2026-01-01T00:00:00+00:00', '2026-01-01T00:00:00+00:00', 1, '')"
            )
        )
    engine.dispose()
    store = open_store(db_url)
    assert db.current_revision(store.engine) == db.head_revision()
    pack = store.pack("old")
    assert store.history(pack_id=pack.id) == []
    case = store.as_user(ALICE).add_case(pack.id, text_record(), "POSITIVE")
    assert [(c.action, c.actor, c.case_id) for c in store.history()] == [("add case", ALICE.name, case.id)]
    store.close()


def test_roles_from_configuration():
    config = RoleConfig.from_mapping(
        {
            "admins": ["Carol@Example.com"],
            "reviewers": ["alice@example.com"],
            "claim": "groups",
            "reviewer_groups": ["ml-review"],
            "default_role": "viewer",
        }
    )
    assert identity_from_claims({"sub": "c1", "email": "carol@example.com"}, config).role == Role.ADMIN
    alice = identity_from_claims({"sub": "a1", "email": "alice@example.com", "name": "Alice Example"}, config)
    assert (alice.name, alice.role, alice.shown) == (
        "alice@example.com",
        Role.REVIEWER,
        "Alice Example (alice@example.com)",
    )
    by_group = identity_from_claims({"sub": "d1", "email": "dan@example.com", "groups": ["ML-Review"]}, config)
    assert by_group.role == Role.REVIEWER
    assert identity_from_claims({"sub": "e1", "email": "erin@example.com"}, config).role == Role.VIEWER
    # An email the provider has not verified names nobody: the subject is recorded, the lists do not apply.
    unverified = identity_from_claims({"sub": "x9", "email": "carol@example.com", "email_verified": False}, config)
    assert (unverified.name, unverified.role) == ("x9", Role.VIEWER)
    strict = RoleConfig.from_mapping({"reviewers": ["alice@example.com"]})  # default: nobody else
    assert identity_from_claims({"sub": "e1", "email": "erin@example.com"}, strict) is None
    for bad, message in (
        ({"reviewer": ["a@b"]}, "Unknown roles setting 'reviewer'"),
        ({"admins": "a@b"}, "must be a list"),
        ({"default_role": "owner"}, "use viewer, reviewer, admin or none"),
    ):
        with pytest.raises(StoreError, match=message):
            RoleConfig.from_mapping(bad)


def test_the_cli_identity_is_the_login_and_cannot_be_renamed(store):
    cli = store.as_user(cli_identity())
    pack = cli.create_pack("From the terminal", owner="mallory")
    assert pack.owner == cli_identity().name != "mallory"
    assert store.history()[0].actor == pack.owner  # the view writes to the store's own database


def test_database_failures_name_the_server_to_admins_only(tmp_path):
    store = open_store(tmp_path / "packs.db")
    failure = sa.exc.OperationalError("SELECT 1", {}, Exception('connection to server at "10.0.0.5" failed'))
    admin = str(store.as_user(CAROL)._failed(failure))
    assert str(tmp_path) in admin and "10.0.0.5" in admin
    for who in (ALICE, BOB):
        message = str(store.as_user(who)._failed(failure))
        assert str(tmp_path) not in message and "10.0.0.5" not in message and "admin" in message
    store.close()
