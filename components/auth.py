"""Sign-in (Streamlit's st.login / st.user), the server-side session on top of it, and who this session acts as."""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import streamlit as st

from components.safe_text import escape_md
from components.server_store import server_store
from textlens.cli.serve import TEAM_SERVER_ENV
from textlens.store import Identity, Role, RoleConfig, StoreError, identity_from_claims, local_identity
from textlens.store.identity import ROLE_RIGHTS
from textlens.store.sessions import (
    SessionEnded,
    check_session,
    end_session,
    end_sessions_of,
    live_sessions,
    session_hours,
    session_id,
)

LOG = logging.getLogger(__name__)


class Keys:
    """Session keys of the sign-in widgets."""

    SIGN_OUT = "auth_sign_out"
    SIGN_IN_AGAIN = "auth_sign_in_again"
    END_USER = "auth_end_sessions_user"
    END = "auth_end_sessions"
    ENDED = "auth_sessions_ended"  # (user, how many) after an admin ended someone's sessions


def _secrets() -> Mapping[str, Any]:
    """The server's secrets (``.streamlit/secrets.toml``, ``--secrets.files`` or the team server's), empty without."""
    try:
        return st.secrets.to_dict() if st.secrets.load_if_toml_exists() else {}
    except Exception:  # an unreadable secrets file: Streamlit reports it itself; treat as not configured
        return {}


def configured() -> bool:
    """True when the server's secrets hold an ``[auth]`` section: every visitor must sign in."""
    return bool(_secrets().get("auth"))


def team_server() -> bool:
    """True in the process ``textlens serve`` started: sign-in must be on, or nobody gets in."""
    return os.environ.get(TEAM_SERVER_ENV) == "1"


def role_config() -> RoleConfig:
    """Who gets which role: the ``[textlens.roles]`` table of the secrets (a :class:`StoreError` when malformed)."""
    return RoleConfig.from_mapping((_secrets().get("textlens") or {}).get("roles"))


def lifetime_hours() -> float:
    """How long a sign-in lasts: ``[textlens] session_hours`` (default 8; a :class:`StoreError` when malformed)."""
    return session_hours((_secrets().get("textlens") or {}).get("session_hours"))


def _signed_in() -> bool:
    # .get: a user mapping without the flag (auth not yet known to Streamlit) counts as not signed in.
    return st.user.get("is_logged_in", False) is True


@dataclass(frozen=True)
class Visit:
    """What the gate knows about this browser session: who it is, or which screen to show instead."""

    who: Identity | None
    screen: str  # "in", "sign-in", "no-role", "ended", "misconfigured", "unavailable"
    message: str = ""


def _store():
    return server_store()


def visit() -> Visit:
    """Who this browser session is, its sign-in's server-side session checked (one read per call)."""
    if not configured():
        if team_server():
            return Visit(None, "misconfigured", "This team server has no sign-in settings, so nobody may use it.")
        return Visit(local_identity(), "in")
    if not _signed_in():
        return Visit(None, "sign-in")
    claims = st.user.to_dict()
    try:
        who = identity_from_claims(claims, role_config())
        hours = lifetime_hours()
    except StoreError as exc:  # a malformed roles table or lifetime: nobody gets in until it is fixed
        return Visit(None, "misconfigured", f"Sign-in is configured, but its settings are not: {exc}")
    if who is None:
        return Visit(None, "no-role")
    try:
        check_session(_store().as_user(who), session_id(claims), who.name, signed_in_at=claims.get("iat"), hours=hours)
    except SessionEnded as ended:
        return Visit(None, "ended", str(ended))
    except StoreError:  # the database is down: no session can be checked, so none is let in
        LOG.exception("Cannot check the session of %s", who.name)
        return Visit(None, "unavailable", "The server cannot check sign-ins just now; try again in a minute.")
    return Visit(who, "in")


def identity(local_name: str | None = None) -> Identity | None:
    """Who this session acts as: the signed-in user with their role, or the local person when sign-in is off.

    None when sign-in is configured and this session has not signed in, no role admits the user, or their
    session has ended (signed out, past its lifetime, or ended by an admin): a write from a page still open
    after that is refused like any anonymous one. ``local_name`` is the name typed on the Review page in
    the local mode.
    """
    if not configured() and not team_server():
        return local_identity(local_name)
    found = visit()
    return found.who if found.screen == "in" else None


def may_see_server_paths(who: Identity | None) -> bool:
    """Database URLs, file paths and the data folder are for admins (everyone, in the local mode)."""
    return who is not None and who.role >= Role.ADMIN


def gate() -> Identity | None:
    """Let this session through (returning who it is), or draw only the sign-in screen and return None.

    Called by the entry before any page runs, so an anonymous visitor gets nothing but this screen:
    no model, no pack, no file name.
    """
    found = visit()
    if found.screen == "in" and not configured():
        st.sidebar.caption(
            "Sign-in is off: textlens serves one person on this machine (127.0.0.1). "
            "To share it, see the deployment guide in the docs."
        )
        return found.who
    if found.screen == "in":
        account_ui(found.who)
        return found.who
    st.title("textlens")
    if found.screen == "sign-in":
        st.write("This textlens server is shared by a team. Sign in with your company account to continue.")
        st.button("Sign in", type="primary", icon=":material/login:", on_click=st.login)
    elif found.screen == "no-role":
        _no_access_screen()
    elif found.screen == "ended":
        st.info(
            f"{escape_md(found.message)} Sign in again to go on (if you signed in again in another tab, "
            "reload this page).",
            icon=":material/logout:",
        )
        st.button("Sign in again", type="primary", icon=":material/login:", on_click=st.login, key=Keys.SIGN_IN_AGAIN)
    else:
        st.error(escape_md(found.message), icon=":material/error:")
        if _signed_in():
            _sign_out_button()
    return None


def _no_access_screen() -> None:
    claims = st.user.to_dict()
    name = claims.get("email") or claims.get("sub") or "this account"
    st.warning(
        f"You are signed in as **{escape_md(str(name))}**, but this server gives that account no role. "
        "Ask an admin of this server to add you as a viewer, reviewer or admin.",
        icon=":material/lock:",
    )
    _sign_out_button()


def sign_out() -> None:
    """End this sign-in's session on the server, then let Streamlit delete the cookie (and sign out at the provider).

    From then on the cookie, and every copy of it, is refused, also in this browser's other tabs.
    """
    claims = st.user.to_dict()
    try:
        who = identity_from_claims(claims, role_config()) if _signed_in() else None
        if who is not None:
            end_session(_store().as_user(who), session_id(claims))
    except StoreError:  # the cookie still goes; a session not ended here ends with its lifetime
        LOG.exception("Could not end the session at sign-out")
    st.logout()


def _sign_out_button(where=st) -> None:
    where.button("Sign out", icon=":material/logout:", on_click=sign_out, key=Keys.SIGN_OUT)


def account_ui(who: Identity) -> None:
    """Sidebar: who is signed in and their role (what it allows on hover), and the sign-out button.

    Admins also get the live sessions, with a way to end every session of one user.
    """
    rights = "; ".join(ROLE_RIGHTS[role] for role in Role if role <= who.role)
    st.sidebar.caption(
        f"Signed in as **{escape_md(who.shown)}** · {who.role.label}",
        help=f"A {who.role.label} may {rights}. A sign-in lasts {lifetime_hours():g} hours; signing out "
        "ends it everywhere, also in this browser's other tabs.",
    )
    _sign_out_button(st.sidebar)
    if who.allows("end_sessions"):
        sessions_ui()


def _when(stamp: str) -> str:
    return datetime.fromisoformat(stamp).strftime("%Y-%m-%d %H:%M UTC")


def _end_sessions() -> None:
    # Who asks and whose sessions end are both read at the click, not taken from the run that drew the button:
    # the asker's own session may have ended since, and the user picked may have changed in the same message
    # (a pick and a click sent together ended the previously picked user's sessions).
    user = st.session_state[Keys.END_USER]
    who = identity()
    try:
        if who is None:
            raise StoreError("Your session has ended; sign in again.")
        count = end_sessions_of(_store().as_user(who), user)
    except StoreError as exc:
        st.session_state[Keys.ENDED] = (user, str(exc))
        return
    st.session_state[Keys.ENDED] = (user, count)


def sessions_ui() -> None:
    """An admin's list of live sessions by user, and "End every session" for one of them."""
    try:
        live = live_sessions(_store())
    except StoreError:
        LOG.exception("Cannot list the sessions")
        return
    ended = st.session_state.pop(Keys.ENDED, None)
    # A fixed label (the count is inside): a label that changes would make a new, closed expander.
    with st.sidebar.expander("Signed-in sessions", icon=":material/group:", expanded=ended is not None):
        st.caption(f"{len(live)} live session{'s' * (len(live) != 1)}; each lasts {lifetime_hours():g} hours at most.")
        if ended is not None:
            user, result = ended
            if isinstance(result, int):
                st.success(f"Ended {result} session{'s' * (result != 1)} of {escape_md(user)}.")
            else:
                st.error(escape_md(result))
        users = sorted({s.user_name for s in live}, key=str.casefold)
        for user in users:
            mine = [s for s in live if s.user_name == user]
            seen = max(s.last_seen for s in mine)
            count = f"{len(mine)} session{'s' * (len(mine) != 1)}"
            st.caption(f"**{escape_md(user)}** · {count} · last seen {_when(seen)}")
        if not users:
            st.caption("Nobody is signed in.")
            return
        user = st.selectbox("User", users, key=Keys.END_USER)
        st.button(
            f"End every session of {user}",  # the button says whose sessions it ends, as the server has the pick
            key=Keys.END,
            on_click=_end_sessions,
            help="Their open pages ask them to sign in again at their next click.",
        )
