"""The sign-in gate (AppTest): with [auth] configured nothing but the sign-in screen runs; without it, today's app."""

from __future__ import annotations

import tomllib

from streamlit.testing.v1 import AppTest

from tests.apptest_helpers import TIMEOUT
from tests.conftest import ROOT
from textlens.store import Role, RoleConfig, identity_from_claims

AUTH = {
    "redirect_uri": "http://127.0.0.1:8501/oauth2callback",
    "cookie_secret": "x" * 48,
    "client_id": "textlens",
    "client_secret": "not-a-real-secret",
    "server_metadata_url": "http://127.0.0.1:1/.well-known/openid-configuration",
}


def test_with_sign_in_configured_a_visitor_gets_only_the_sign_in_screen():
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=TIMEOUT)
    at.secrets["auth"] = AUTH
    at.run()
    assert not at.exception, at.exception
    assert [b.label for b in at.button] == ["Sign in"]
    assert [t.value for t in at.title] == ["textlens"]
    # No page ran: no model picker, no text box, no sidebar at all.
    assert not at.text_area and not at.radio and not at.sidebar.children


def test_without_sign_in_the_app_runs_for_one_person_and_says_so():
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=TIMEOUT)
    at.run()
    assert not at.exception, at.exception
    assert any("Sign-in is off" in c.value and "127.0.0.1" in c.value for c in at.sidebar.caption)
    assert at.text_area and "Sign in" not in [b.label for b in at.button]


def test_the_example_secrets_file_is_a_valid_configuration():
    example = tomllib.loads((ROOT / ".streamlit" / "secrets.example.toml").read_text(encoding="utf-8"))
    assert set(example["auth"]) == set(AUTH)
    roles = RoleConfig.from_mapping(example["textlens"]["roles"])
    assert identity_from_claims({"sub": "1", "email": "alice@example.com"}, roles).role == Role.REVIEWER
    assert identity_from_claims({"sub": "2", "email": "someone@example.com"}, roles).role == Role.VIEWER
