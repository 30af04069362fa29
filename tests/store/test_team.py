"""A team database: sessions that end, personal tokens, imported dates, and (on a real PostgreSQL) roles under
which the app can neither rewrite the history nor the command line write under another name."""

from __future__ import annotations

import json
import os
import time

import pytest
import sqlalchemy as sa

from tests.store.test_store import text_record
from textlens.store import Identity, PermissionDeniedError, Role, StoreError, bundle_json, import_bundle, open_store
from textlens.store import team as team_db
from textlens.store.sessions import (
    SessionEnded,
    check_session,
    end_session,
    end_sessions_of,
    live_sessions,
    session_hours,
    session_id,
)
from textlens.store.tokens import (
    NEEDS_TOKEN,
    cli_identity_for,
    issue_token,
    list_tokens,
    revoke_tokens,
    token_from_env,
    token_hash,
    token_identity,
)

ALICE = Identity("alice@example.com", Role.REVIEWER)
BOB = Identity("bob@example.com", Role.VIEWER)
CAROL = Identity("carol@example.com", Role.ADMIN)
CLAIMS = {"iss": "https://id.example.com", "sub": "alice", "iat": 1_796_000_000, "nonce": "n1"}


def test_a_session_ends_for_good_at_sign_out_and_for_every_copy_of_its_cookie(store):
    alice = store.as_user(ALICE)
    sid = session_id(CLAIMS)
    assert session_id({**CLAIMS, "nonce": "n2"}) != sid  # each sign-in is its own session
    assert len(sid) == 64 and "alice" not in sid
    now = time.time()
    first = check_session(alice, sid, ALICE.name, signed_in_at=now)
    assert check_session(alice, sid, ALICE.name, signed_in_at=now) == first  # the next page run: same record
    assert [s.user_name for s in live_sessions(store)] == [ALICE.name]
    end_session(alice, sid)
    for _ in range(2):  # the same cookie again (another tab, a copy): refused, saying why
        with pytest.raises(SessionEnded, match="you signed out"):
            check_session(alice, sid, ALICE.name, signed_in_at=now)
    assert live_sessions(store) == []
    with pytest.raises(SessionEnded):  # nor can the same sign-in be passed off as someone else's
        check_session(store.as_user(BOB), sid, BOB.name, signed_in_at=now)


def test_sessions_expire_after_their_lifetime_counted_from_the_sign_in(store):
    alice = store.as_user(ALICE)
    signed_in = time.time() - 3 * 3600
    with pytest.raises(SessionEnded, match="end of its lifetime"):  # a 3-hour-old sign-in, 2-hour lifetime
        check_session(alice, "old", ALICE.name, signed_in_at=signed_in, hours=2)
    session = check_session(alice, "young", ALICE.name, signed_in_at=signed_in, hours=8)
    assert session.expires < check_session(alice, "fresh", ALICE.name, signed_in_at=time.time()).expires
    # A lifetime shortened after sign-in applies at the next page run.
    with pytest.raises(SessionEnded, match="lifetime"):
        check_session(alice, "young", ALICE.name, signed_in_at=signed_in, hours=1)
    assert session_hours(None) == 8 and session_hours("0.5") == 0.5
    for bad in ("soon", "0", "-1", "1000"):
        with pytest.raises(StoreError, match="session lifetime"):
            session_hours(bad)
    with pytest.raises(StoreError, match="sign in again"):
        session_id({"sub": "alice"})  # a token without an issue time names no sign-in


def test_an_admin_ends_every_session_of_a_user_and_only_an_admin_may(store):
    now = time.time()
    for n in range(2):
        check_session(store.as_user(BOB), f"bob-{n}", BOB.name, signed_in_at=now)
    check_session(store.as_user(ALICE), "alice", ALICE.name, signed_in_at=now)
    with pytest.raises(PermissionDeniedError, match="admin role"):
        end_sessions_of(store.as_user(ALICE), BOB.name)
    assert end_sessions_of(store.as_user(CAROL), BOB.name) == 2
    with pytest.raises(SessionEnded, match="an admin ended it"):
        check_session(store.as_user(BOB), "bob-0", BOB.name, signed_in_at=now)
    assert [s.user_name for s in live_sessions(store)] == [ALICE.name]


def test_tokens_name_their_user_only_their_hash_is_kept_and_revoking_ends_them(store):
    token, record = issue_token(store, "bob@example.com", "reviewer", label="laptop")
    assert token.startswith("tlp_") and len(token) > 40 and (record.id, record.role) == (1, Role.REVIEWER)
    with store.engine.connect() as conn:
        stored = [tuple(r) for r in conn.execute(sa.text("SELECT * FROM tokens")).all()]
    assert token not in repr(stored) and token_hash(token) in repr(stored)
    assert token_identity(store, token) == Identity("bob@example.com", Role.REVIEWER, via="token")
    assert token_identity(store, token + "x") is None
    short, _ = issue_token(store, "dan@example.com", "admin", days=0.000001)
    time.sleep(0.2)
    assert token_identity(store, short) is None  # expired
    assert [t.user_name for t in list_tokens(store)] == ["bob@example.com"]
    assert revoke_tokens(store, user="bob@example.com") == 1
    assert token_identity(store, token) is None and list_tokens(store) == []
    assert [t.revoked is not None for t in list_tokens(store, every=True)] == [False, True]
    with pytest.raises(StoreError, match="must be viewer, reviewer or admin"):
        issue_token(store, "eve@example.com", "owner")


def test_the_command_line_on_a_team_database_needs_a_token_whatever_its_login_name(store, monkeypatch):
    monkeypatch.setenv("LOGNAME", "alice@example.com")  # what anyone can type
    monkeypatch.setenv("USER", "alice@example.com")
    assert cli_identity_for(store, None).name == "alice@example.com"  # a local database: as before
    team_db.set_settings(store, team="on")
    blocked = store.as_user(cli_identity_for(store, None))
    with pytest.raises(PermissionDeniedError) as refused:
        blocked.create_pack("forged")
    assert str(refused.value) == NEEDS_TOKEN and "textlens token issue" in NEEDS_TOKEN
    assert store.packs() == [] and store.history() == []
    token, _ = issue_token(store, "bob@example.com", "reviewer")
    bob = store.as_user(cli_identity_for(store, token))
    pack = bob.create_pack("from bob's terminal", owner="alice@example.com")
    assert pack.owner == "bob@example.com" and [c.actor for c in store.history()] == ["bob@example.com"]
    revoke_tokens(store, user="bob@example.com")
    with pytest.raises(StoreError, match="token is not valid"):
        cli_identity_for(store, token)


def test_the_token_comes_from_the_environment_or_a_private_file(tmp_path):
    assert token_from_env({}) is None
    assert token_from_env({"TEXTLENS_TOKEN": " tlp_x \n"}) == "tlp_x"
    path = tmp_path / "token"
    path.write_text("tlp_from_file\n", encoding="utf-8")
    os.chmod(path, 0o644)
    with pytest.raises(StoreError, match="chmod 600"):
        token_from_env({"TEXTLENS_TOKEN_FILE": str(path)})
    os.chmod(path, 0o600)
    assert token_from_env({"TEXTLENS_TOKEN_FILE": str(path)}) == "tlp_from_file"
    with pytest.raises(StoreError, match="cannot read"):
        token_from_env({"TEXTLENS_TOKEN_FILE": str(tmp_path / "none")})


def test_imported_dates_are_kept_only_as_bundle_created(store):
    pack = store.create_pack("source")
    store.add_case(pack.id, text_record(), "POSITIVE")
    bundle = json.loads(bundle_json(store, pack.id))
    bundle["pack"].update(created="1999-01-01T00:00:00+00:00", updated="1999-01-02T00:00:00+00:00")
    bundle["cases"][0].update(created="1999-01-03T00:00:00+00:00", updated="1999-01-04T00:00:00+00:00")
    before = store.history()[-1].at
    copy = import_bundle(store.as_user(CAROL), json.dumps(bundle), name="copy")
    (case,) = store.cases(copy.id)
    assert min(copy.created, copy.updated, case.created, case.updated) > before  # the server's own times
    assert case.context["bundle_created"] == "1999-01-03T00:00:00+00:00"
    assert "1999-01-04" not in json.dumps(case.context)
    assert store.history(pack_id=copy.id)[-1].details["bundle_created"] == "1999-01-01T00:00:00+00:00"


# --- PostgreSQL: the owner, the app and the command line as three roles ----------------------------------------


@pytest.fixture
def team(postgres_server):
    """A team database as docs/deployment.md sets it up: migrated by the owner, the app and cli roles granted."""
    roles = postgres_server.team_database()
    with open_store(roles.owner_url) as owner:
        team_db.setup_roles(owner, roles.app, roles.cli)
    return roles


def _refused(url: str, statement: str, token: str | None = None) -> str:
    """The database's refusal of ``statement`` run at ``url`` (the test fails if it runs)."""
    with open_store(url, token=token) as store, pytest.raises(sa.exc.DBAPIError) as refused:
        with store.engine.begin() as conn:
            conn.execute(sa.text(statement))
    return refused.value.orig.diag.message_primary


def test_the_apps_role_cannot_disable_the_history_trigger_nor_update_or_delete_history(team):
    with open_store(team.app_url) as app:
        assert team_db.check_team_server_role(app) is None
        alice = app.as_user(ALICE)
        pack = alice.create_pack("Release 3")
        alice.add_case(pack.id, text_record(), "POSITIVE", note="kept")
        written = app.history()
    for statement, why in (
        ("ALTER TABLE history DISABLE TRIGGER ALL", "must be owner of table history"),
        ("ALTER TABLE history DISABLE TRIGGER history_append_only", "must be owner of table history"),
        ("DROP TRIGGER history_append_only ON history", "must be owner of relation history"),
        ("UPDATE history SET actor = 'mallory'", "permission denied for table history"),
        ("DELETE FROM history", "permission denied for table history"),
        ("TRUNCATE history", "permission denied for table history"),
        ("SELECT hash FROM tokens", "permission denied for table tokens"),
        ("INSERT INTO settings (key, value) VALUES ('app_role', 'mallory')", "permission denied for table settings"),
    ):
        assert _refused(team.app_url, statement) == why, statement
    with open_store(team.app_url) as app:
        assert app.history() == written
    with open_store(team.owner_url) as owner:  # the owner could; the server must not run as it
        assert "could rewrite the history" in team_db.check_team_server_role(owner)


def test_the_command_line_role_writes_only_under_a_valid_tokens_name(team, monkeypatch):
    monkeypatch.setenv("LOGNAME", "alice@example.com")
    with open_store(team.owner_url) as owner:
        bob_token, _ = issue_token(owner, "bob@example.com", "reviewer")
        viewer_token, _ = issue_token(owner, "vic@example.com", "viewer")
    forged = (
        "INSERT INTO history (at, actor, action, pack_name, details) VALUES ('x', 'alice@example.com', 'x', '', '{}')"
    )
    assert "need a personal token" in _refused(team.cli_url, forged)
    assert "history cannot name alice@example.com" in _refused(team.cli_url, forged, bob_token)
    assert "need the reviewer role" in _refused(team.cli_url, forged.replace("alice", "vic"), viewer_token)
    assert "permission denied" in _refused(team.cli_url, "SELECT * FROM sessions", bob_token)
    # Through textlens the token's user is recorded, whatever the login name or --author says.
    with open_store(team.cli_url, token=bob_token) as cli:
        bob = cli.as_user(cli_identity_for(cli, bob_token))
        pack = bob.create_pack("From bob's terminal")
        case = bob.add_case(pack.id, text_record(), "POSITIVE", author="alice@example.com")
        with pytest.raises(PermissionDeniedError, match="admin role"):
            bob.remove_case(case.id)
        assert "removing needs the admin role" in _refused(team.cli_url, "DELETE FROM cases", bob_token)
        assert {c.actor for c in cli.history()} == {case.author} == {"bob@example.com"}
    with open_store(team.owner_url) as owner:
        revoke_tokens(owner, user="bob@example.com")
    assert "need a personal token" in _refused(team.cli_url, forged.replace("alice", "bob"), bob_token)


def test_an_app_role_cannot_migrate_and_says_who_can(postgres_server):
    roles = postgres_server.team_database()  # its tables are not created yet
    with pytest.raises(StoreError, match="store migrate --db URL"):
        open_store(roles.app_url)
