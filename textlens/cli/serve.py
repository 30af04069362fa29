"""``textlens serve``: the dashboard as a team server: sign-in, roles and the pack database from the environment.

Secrets never touch the disk: the OpenID Connect settings stay in the environment (a systemd ``EnvironmentFile=``
of mode 600, or a secrets manager), and the team server's entry (``team_app.py`` beside the dashboard) hands them
to Streamlit in memory (``st.App(secrets=…)``). The launcher checks the settings and the database, then *becomes*
Streamlit (``exec``): there is no second process to outlive it, any kind of exit (``kill -9`` too) leaves nothing
behind, and the port is free again the moment it ends. See docs/deployment.md.

This module never imports Streamlit.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from collections.abc import Mapping
from importlib.util import find_spec
from pathlib import Path
from typing import Any

from textlens.errors import TextlensError

REQUIRED = {
    "TEXTLENS_PUBLIC_URL": "the address people open, e.g. https://textlens.example.com",
    "TEXTLENS_OIDC_METADATA_URL": "the provider's https://…/.well-known/openid-configuration",
    "TEXTLENS_OIDC_CLIENT_ID": "the client id registered with the identity provider",
    "TEXTLENS_OIDC_CLIENT_SECRET": "that client's secret",
    "TEXTLENS_COOKIE_SECRET": "a long random string that signs the sign-in cookie, see docs/deployment.md",
    "TEXTLENS_DB": "the PostgreSQL URL, e.g. postgresql://textlens:PASSWORD@db.internal/textlens",
}
# Comma-separated lists (or one word for the default role) -> the [textlens.roles] table.
ROLE_VARIABLES = {
    "TEXTLENS_ADMINS": "admins",
    "TEXTLENS_REVIEWERS": "reviewers",
    "TEXTLENS_VIEWERS": "viewers",
    "TEXTLENS_ROLE_CLAIM": "claim",
    "TEXTLENS_ADMIN_GROUPS": "admin_groups",
    "TEXTLENS_REVIEWER_GROUPS": "reviewer_groups",
    "TEXTLENS_VIEWER_GROUPS": "viewer_groups",
    "TEXTLENS_DEFAULT_ROLE": "default_role",
}
SINGLE = {"claim", "default_role"}
SESSION_HOURS_ENV = "TEXTLENS_SESSION_HOURS"  # how long a sign-in lasts (default 8 hours)
APP_FILE = "dashboard.py"
ENTRY_FILE = "team_app.py"  # the team server's entry: the dashboard as st.App with its settings in memory
# Where an editable install from a checkout (the README's way) keeps the dashboard: beside the package.
CHECKOUT = Path(__file__).resolve().parent.parent.parent
# Told to the Streamlit process: where the dashboard is, and that it is a team server (no sign-in: nobody in).
DASHBOARD_ENV = "TEXTLENS_DASHBOARD"
TEAM_SERVER_ENV = "TEXTLENS_TEAM_SERVER"
# Secret settings the Streamlit process drops from its environment once they are in memory.
SECRET_VARIABLES = ("TEXTLENS_OIDC_CLIENT_SECRET", "TEXTLENS_COOKIE_SECRET")
# Earlier launchers wrote the secrets to a temporary folder, which a killed launcher left behind.
STALE_SECRETS = "textlens-secrets-*"


def add_parser(subparsers) -> None:
    """Add the ``serve`` command to the main parser's subparsers."""
    cmd = subparsers.add_parser(
        "serve",
        help="run the dashboard as a team server (sign-in, roles and the pack database from the environment)",
        description="Check the TEXTLENS_* settings in the environment, open (and migrate) the pack database, then "
        "run the Streamlit dashboard with sign-in and XSRF protection on until it stops. See docs/deployment.md.",
    )
    cmd.add_argument("--port", type=int, default=8501, help="the port Streamlit listens on (default 8501)")
    cmd.add_argument(
        "--address", default="127.0.0.1", help="where Streamlit listens; the proxy reaches it here (default 127.0.0.1)"
    )
    cmd.add_argument("--max-upload-mb", type=int, default=20, help="largest upload accepted, in MB (default 20)")
    cmd.add_argument(
        "--app",
        metavar="PATH",
        help="the dashboard to serve: its dashboard.py or the folder holding it, with app_pages/, components/ and "
        ".streamlit/ (default: the checkout textlens is installed from with `pip install -e .`)",
    )


def find_dashboard(app: str | None) -> Path:
    """The dashboard's entry file: ``app`` (a file, or a folder holding dashboard.py), else the checkout's."""
    if app:
        path = Path(app).expanduser().resolve()
        if path.is_dir():
            path = path / APP_FILE
        if not path.is_file():
            raise TextlensError(f"--app {app}: no such file ({path}). Name the dashboard's {APP_FILE} or its folder.")
        return path
    path = CHECKOUT / APP_FILE
    if path.is_file():
        return path
    raise TextlensError(
        f"textlens serve needs the dashboard's files ({APP_FILE}, app_pages/, components/), which the textlens "
        "package does not ship. Install textlens from a checkout of the repository with "
        "`pip install -r requirements.txt -e .` and run `textlens serve` there, or name the checkout's "
        f"{APP_FILE} with --app PATH."
    )


def find_entry(app: Path) -> Path:
    """The team server's entry: ``team_app.py`` beside the dashboard, else the checkout's."""
    for folder in (app.parent, CHECKOUT):
        if (folder / ENTRY_FILE).is_file():
            return folder / ENTRY_FILE
    raise TextlensError(f"{app.parent} has no {ENTRY_FILE} (the team server's entry); use a checkout of textlens.")


def team_secrets(env: Mapping[str, str]) -> dict[str, Any]:
    """Streamlit's secrets for the team server: ``[auth]`` and ``[textlens]`` (roles, session lifetime) from ``env``.

    A :class:`TextlensError` names every missing variable, or what is wrong with a role or the lifetime.
    """
    from textlens.store import RoleConfig, StoreError
    from textlens.store.sessions import session_hours

    missing = [f"{k} ({why})" for k, why in REQUIRED.items() if not env.get(k, "").strip()]
    if missing:
        raise TextlensError("Set these environment variables first: " + "; ".join(missing) + ".")
    public = env["TEXTLENS_PUBLIC_URL"].strip().rstrip("/")
    auth = {
        "redirect_uri": f"{public}/oauth2callback",
        "cookie_secret": env["TEXTLENS_COOKIE_SECRET"].strip(),
        "client_id": env["TEXTLENS_OIDC_CLIENT_ID"].strip(),
        "client_secret": env["TEXTLENS_OIDC_CLIENT_SECRET"].strip(),
        "server_metadata_url": env["TEXTLENS_OIDC_METADATA_URL"].strip(),
    }
    roles: dict[str, Any] = {}
    for variable, key in ROLE_VARIABLES.items():
        raw = env.get(variable, "").strip()
        if raw:
            roles[key] = raw if key in SINGLE else [x.strip() for x in raw.split(",") if x.strip()]
    try:
        RoleConfig.from_mapping(roles)
        hours = session_hours(env.get(SESSION_HOURS_ENV, "").strip() or None)
    except StoreError as exc:
        raise TextlensError(str(exc)) from exc
    if not any(k in roles for k in ("admins", "admin_groups")):
        print("note: no admin is configured (TEXTLENS_ADMINS): nobody can delete or import.", file=sys.stderr)
    return {"auth": auth, "textlens": {"roles": roles, "session_hours": hours}}


def streamlit_command(entry: Path, args: argparse.Namespace) -> list[str]:
    """``streamlit run team_app.py`` with the team server's settings (docs/deployment.md lists each and why)."""
    return [
        sys.executable, "-m", "streamlit", "run", str(entry),
        "--server.address", args.address,
        "--server.port", str(args.port),
        "--server.headless", "true",
        "--server.enableXsrfProtection", "true",
        "--server.enableCORS", "true",
        "--server.maxUploadSize", str(args.max_upload_mb),
        "--client.showErrorDetails", "none",
        "--browser.gatherUsageStats", "false",
    ]  # fmt: skip


def remove_stale_secrets(folder: Path | None = None) -> list[Path]:
    """Remove the secrets folders earlier launchers left in the temporary directory (this user's); those removed."""
    folder = Path(tempfile.gettempdir()) if folder is None else folder
    removed = []
    for path in folder.glob(STALE_SECRETS):
        try:
            if path.is_dir() and not path.is_symlink() and path.stat().st_uid == os.getuid():
                shutil.rmtree(path)
                removed.append(path)
        except OSError:
            pass  # another user's, or gone meanwhile
    return removed


def check_database() -> str:
    """Open (and migrate) the pack database and make sure it may serve a team; where the packs are.

    On PostgreSQL the server must connect as the app role (never the tables' owner nor a superuser, which could
    rewrite the history). A SQLite file is marked as a team's database, so that the command line needs a token.
    """
    from textlens.store import StoreError, open_store
    from textlens.store.team import check_team_server_role, set_settings

    try:  # fail here, with the reason, rather than on the first visitor's page
        with open_store() as store:
            why_not = check_team_server_role(store)
            if why_not is not None:
                raise TextlensError(why_not)
            if store.backend == "sqlite":
                set_settings(store, team="on")
                print(
                    "note: SQLite keeps the packs in one file: whoever can write it can rewrite the history. "
                    "For a team, use PostgreSQL with an app role (docs/deployment.md).",
                    file=sys.stderr,
                )
            return f"packs in {store.location} ({store.backend})"
    except StoreError as exc:
        raise TextlensError(str(exc)) from exc


def serve(args: argparse.Namespace) -> None:
    """Check the settings and the database, then replace this process with Streamlit (it never returns)."""
    app = find_dashboard(args.app)
    entry = find_entry(app)
    if find_spec("streamlit") is None:
        raise TextlensError("textlens serve runs the dashboard with Streamlit, which is not installed: run "
                            "`pip install -r requirements.txt` in the checkout.")  # fmt: skip
    team_secrets(os.environ)  # the Streamlit process builds them again from the same environment
    for path in remove_stale_secrets():
        print(f"removed {path}, left by an earlier textlens serve", file=sys.stderr)
    print(check_database(), file=sys.stderr)
    env = {**os.environ, DASHBOARD_ENV: str(app), TEAM_SERVER_ENV: "1"}
    sys.stdout.flush()
    sys.stderr.flush()
    os.chdir(app.parent)  # Streamlit reads the dashboard's .streamlit/config.toml from here
    os.execve(sys.executable, streamlit_command(entry, args), env)


def run(args: argparse.Namespace) -> None:
    """Run the team server: this process becomes Streamlit, and its exit status is Streamlit's."""
    serve(args)
