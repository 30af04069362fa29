"""Sign-in through the company's identity provider (Streamlit's st.login / st.user) and who this session acts as."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import streamlit as st

from components.safe_text import escape_md
from textlens.store import Identity, Role, RoleConfig, identity_from_claims, local_identity
from textlens.store.identity import ROLE_RIGHTS


def _secrets() -> Mapping[str, Any]:
    """The server's secrets (``.streamlit/secrets.toml`` or ``--secrets.files``), empty when there are none."""
    try:
        return st.secrets.to_dict() if st.secrets.load_if_toml_exists() else {}
    except Exception:  # an unreadable secrets file: Streamlit reports it itself; treat as not configured
        return {}


def configured() -> bool:
    """True when the server's secrets hold an ``[auth]`` section: every visitor must sign in."""
    return bool(_secrets().get("auth"))


def role_config() -> RoleConfig:
    """Who gets which role: the ``[textlens.roles]`` table of the secrets (a :class:`StoreError` when malformed)."""
    return RoleConfig.from_mapping((_secrets().get("textlens") or {}).get("roles"))


def _signed_in() -> bool:
    # .get: a user mapping without the flag (auth not yet known to Streamlit) counts as not signed in.
    return st.user.get("is_logged_in", False) is True


def identity(local_name: str | None = None) -> Identity | None:
    """Who this session acts as: the signed-in user with their role, or the local person when sign-in is off.

    None when sign-in is configured and this session has not signed in, or no role admits the user.
    ``local_name`` is the name typed on the Review page in the local mode.
    """
    if not configured():
        return local_identity(local_name)
    if not _signed_in():
        return None
    return identity_from_claims(st.user.to_dict(), role_config())


def may_see_server_paths(who: Identity | None) -> bool:
    """Database URLs, file paths and the data folder are for admins (everyone, in the local mode)."""
    return who is not None and who.role >= Role.ADMIN


def gate() -> Identity | None:
    """Let this session through (returning who it is), or draw only the sign-in screen and return None.

    Called by the entry before any page runs, so an anonymous visitor gets nothing but this screen:
    no model, no pack, no file name.
    """
    if not configured():
        st.sidebar.caption(
            "Sign-in is off: textlens serves one person on this machine (127.0.0.1). "
            "To share it, see the deployment guide in the docs."
        )
        return local_identity()
    if not _signed_in():
        _sign_in_screen()
        return None
    try:
        who = identity()
    except Exception as exc:  # a malformed [textlens.roles] table: nobody gets in until it is fixed
        st.error(f"Sign-in is configured, but the roles are not: {exc}", icon=":material/error:")
        _sign_out_button()
        return None
    if who is None:
        _no_access_screen()
        return None
    account_ui(who)
    return who


def _sign_in_screen() -> None:
    st.title("textlens")
    st.write("This textlens server is shared by a team. Sign in with your company account to continue.")
    st.button("Sign in", type="primary", icon=":material/login:", on_click=st.login)


def _no_access_screen() -> None:
    claims = st.user.to_dict()
    name = claims.get("email") or claims.get("sub") or "this account"
    st.title("textlens")
    st.warning(
        f"You are signed in as **{escape_md(str(name))}**, but this server gives that account no role. "
        "Ask an admin of this server to add you as a viewer, reviewer or admin.",
        icon=":material/lock:",
    )
    _sign_out_button()


def _sign_out_button(where=st) -> None:
    where.button("Sign out", icon=":material/logout:", on_click=st.logout, key="auth_sign_out")


def account_ui(who: Identity) -> None:
    """Sidebar: who is signed in and their role (what it allows on hover), and the sign-out button."""
    rights = "; ".join(ROLE_RIGHTS[role] for role in Role if role <= who.role)
    st.sidebar.caption(
        f"Signed in as **{escape_md(who.shown)}** · {who.role.label}", help=f"A {who.role.label} may {rights}."
    )
    _sign_out_button(st.sidebar)
