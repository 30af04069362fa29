"""The server's review-pack database, opened once per server process and shared by every session."""

from __future__ import annotations

import os

import streamlit as st

from textlens.store import DB_ENV, Identity, Role, Store

# Who the shared store acts as until a caller says who (``as_user``): nobody, who may change nothing.
NOBODY = Identity("", Role.VIEWER, blocked="Nobody is signed in here.")


@st.cache_resource(show_spinner=False)
def _open(target: str) -> Store:
    from textlens.store import open_store

    return open_store(target or None)


def server_store() -> Store:
    """The pack database (``$TEXTLENS_DB``, else the user's data folder) as nobody: callers pick who acts
    with ``as_user`` (the Review room's ``pack_store`` for this session's user, the sign-in for its session).
    """
    return _open(os.environ.get(DB_ENV, "").strip()).as_user(NOBODY)
