"""The team server's wiring without a browser: errors as a short message and an id (the traceback in the log),
``/_stcore/metrics`` closed, the secrets out of the environment once read, and a case button that acts as the
user at the click. The real server is tests/cli/test_serve.py and tests/e2e/test_team_server.py."""

from __future__ import annotations

import asyncio
import logging
import os

from streamlit.testing.v1 import AppTest

from components import team_server
from components.review import at_click
from tests.cli.test_serve import SETTINGS
from textlens.store import StoreError


def _shows_an_error(kind: str) -> None:
    import streamlit as st

    from components import team_server
    from textlens.store import PermissionDeniedError

    try:
        if kind == "refused":
            raise PermissionDeniedError("bob@example.com is a viewer here: to delete packs you need the admin role.")
        raise RuntimeError("connection to /srv/textlens/packs.db failed")
    except Exception as exc:
        st.session_state["handled"] = team_server.show_error(exc)


def test_an_error_shows_a_short_message_with_an_id_and_logs_the_traceback_under_it(caplog):
    at = AppTest.from_function(_shows_an_error, args=("broken",))
    with caplog.at_level(logging.ERROR, logger="textlens.team_server"):
        at.run()
    (box,) = at.error
    assert "Something went wrong on the server" in box.value and "/srv" not in box.value
    error_id = box.value.split("error id **")[1].split("**")[0]
    assert len(error_id) == 8 and at.session_state["handled"] is True
    (record,) = caplog.records
    assert record.getMessage() == f"error {error_id}: RuntimeError" and "/srv/textlens" in str(record.exc_info[1])

    at = AppTest.from_function(_shows_an_error, args=("refused",))
    at.run()
    (box,) = at.error
    assert box.value.startswith("Not done: bob@example") and "viewer here" in box.value and "error id" in box.value


def test_the_metrics_route_is_closed_under_any_base_path():
    seen = []

    async def app(scope, receive, send):
        seen.append(scope["path"])

    sent = []

    async def send(message):
        sent.append(message)

    async def receive():
        return {"type": "http.request"}

    closed = team_server.CloseRoutes(app)
    for path in ("/_stcore/metrics", "/_stcore/metrics/", "/textlens/_stcore/metrics", "/_stcore/health", "/"):
        asyncio.run(closed({"type": "http", "path": path, "headers": []}, receive, send))
    assert seen == ["/_stcore/health", "/"]
    assert [m["status"] for m in sent if m["type"] == "http.response.start"] == [404, 404, 404]


def test_the_secrets_leave_the_environment_once_read(monkeypatch):
    for name, value in {**SETTINGS, "TEXTLENS_DB": "x"}.items():
        monkeypatch.setenv(name, value)
    found = team_server.secrets_from_env()
    assert found["auth"]["client_secret"] == "client-secret-4711"
    assert found["auth"]["cookie_secret"] == "cookie-secret-0815"
    assert "TEXTLENS_OIDC_CLIENT_SECRET" not in os.environ and "TEXTLENS_COOKIE_SECRET" not in os.environ
    assert os.environ["TEXTLENS_DB"] == "x"  # the database URL is still needed, by every page


def test_a_case_button_acts_as_the_user_at_the_click():
    done = []

    def edit(store, case_id, offset=0):
        done.append((store, case_id, offset))

    at_click(edit, lambda: "alice's store")(7, 1)
    assert done == [("alice's store", 7, 1)]

    def ended():
        raise StoreError("Sign in to see the review packs.")

    at_click(edit, ended)(7)  # signed out in another tab since the page was drawn: nothing is written
    assert len(done) == 1


def test_only_admins_may_name_a_folder_on_the_server_as_a_model(monkeypatch):
    """On a team server the model pickers offer a hub id or server folder to admins only; alone on 127.0.0.1
    (sign-in off) the one person is everyone and keeps the choice."""
    from components import auth
    from components import widgets as ui
    from textlens.store import Identity, Role

    for role, offered in ((Role.VIEWER, []), (Role.REVIEWER, []), (Role.ADMIN, [ui.HUB_OR_FOLDER])):
        monkeypatch.setattr(auth, "identity", lambda role=role: Identity("ana@example.com", role, verified=True))
        assert ui.folder_choice() == offered, role
    monkeypatch.setattr(auth, "identity", lambda: None)  # a session that has ended
    assert ui.folder_choice() == []
    monkeypatch.undo()
    assert ui.folder_choice() == [ui.HUB_OR_FOLDER]  # the local mode of this test process


def _sessions_panel() -> None:
    from components import auth

    auth.sessions_ui()


def test_ending_sessions_ends_the_user_picked_in_the_same_message_as_the_click(monkeypatch):
    """A pick and a click that reach the server together end the picked user's sessions, not the one the
    button was drawn with (the callback reads the pick at the click). AppTest runs the script in this process:
    the stand-ins are monkeypatched here, so they end with the test."""
    from types import SimpleNamespace

    from components import auth
    from textlens.store import Identity, Role

    stamp = "2026-12-07T22:00:00+00:00"
    live = [SimpleNamespace(user_name=name, last_seen=stamp) for name in ("alice@example.com", "bob@example.com")]
    ended: list[str] = []
    monkeypatch.setattr(auth, "live_sessions", lambda store: live)
    monkeypatch.setattr(auth, "_store", lambda: SimpleNamespace(as_user=lambda who: who))
    monkeypatch.setattr(auth, "identity", lambda *name: Identity("carol@example.com", Role.ADMIN, verified=True))
    monkeypatch.setattr(auth, "end_sessions_of", lambda store, user: ended.append(user) or 1)
    at = AppTest.from_function(_sessions_panel).run()
    assert at.selectbox(key="auth_end_sessions_user").value == "alice@example.com"
    at.selectbox(key="auth_end_sessions_user").set_value("bob@example.com")
    at.button(key="auth_end_sessions").click().run()
    assert ended == ["bob@example.com"]
    assert [s.value for s in at.sidebar.success] == [r"Ended 1 session of bob@example\.com."]
