"""The team server's wiring (``team_app.py``): its settings in memory, ``/_stcore/metrics`` closed, errors kept in."""

from __future__ import annotations

import logging
import os
import secrets
from pathlib import Path
from typing import Any

import streamlit as st

from components.safe_text import escape_md
from textlens.cli.serve import DASHBOARD_ENV, SECRET_VARIABLES, team_secrets
from textlens.store import PermissionDeniedError

LOG = logging.getLogger("textlens.team_server")
# Streamlit's own routes no visitor needs: the metrics name every cache and how much it holds.
CLOSED_PATHS = ("/_stcore/metrics",)


def dashboard() -> str:
    """The dashboard to serve: the one ``textlens serve`` names, else ``dashboard.py`` beside this checkout."""
    return os.environ.get(DASHBOARD_ENV) or str(Path(__file__).resolve().parent.parent / "dashboard.py")


def secrets_from_env() -> dict[str, Any]:
    """The ``[auth]`` and ``[textlens]`` settings from the environment, held in memory only.

    The client secret and the cookie secret leave this process's environment once read: nothing the pages
    run (nor a child process) finds them there.
    """
    found = team_secrets(os.environ)
    for name in SECRET_VARIABLES:
        os.environ.pop(name, None)
    return found


class CloseRoutes:
    """ASGI middleware: ``/_stcore/metrics`` (under any base path) answers 404 to everyone."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] == "http" and scope["path"].rstrip("/").endswith(CLOSED_PATHS):
            from starlette.responses import PlainTextResponse

            await PlainTextResponse("Not Found", status_code=404)(scope, receive, send)
            return
        await self.app(scope, receive, send)


def middleware() -> list:
    """The middleware ``st.App`` runs before Streamlit's own."""
    from starlette.middleware import Middleware

    return [Middleware(CloseRoutes)]


def show_error(exc: Exception) -> bool:
    """Streamlit's ``on_script_error``: a short message and an error id on the page, the traceback in the log.

    A refusal the store explains (a :class:`PermissionDeniedError`) keeps its message, which names a role,
    never a path; anything else is only "something went wrong" with the id an admin finds in the server log.
    Returns True: Streamlit shows nothing more.
    """
    error_id = secrets.token_hex(4)
    LOG.error("error %s: %s", error_id, type(exc).__name__, exc_info=exc)
    if isinstance(exc, PermissionDeniedError):
        st.error(f"Not done: {escape_md(str(exc))} (error id {error_id})", icon=":material/block:")
    else:
        st.error(
            f"Something went wrong on the server. An admin finds the details in the server's log under error id "
            f"**{error_id}**.",
            icon=":material/error:",
        )
    return True
