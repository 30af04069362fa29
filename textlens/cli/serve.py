"""``textlens serve``: the dashboard as a team server: sign-in, roles and the pack database from the environment.

Secrets never touch the repository: the OpenID Connect settings are read from the environment and written to a
private file (mode 600, in a fresh temporary folder) that Streamlit reads with ``--secrets.files``. The folder is
removed whenever the launcher ends: Streamlit stopping, Ctrl-C, SIGTERM (systemd's stop) or SIGHUP. On Linux
Streamlit is also told to stop when the launcher dies any other way (even ``kill -9``), so no server outlives it.
See docs/deployment.md for the variables and the reverse proxy in front.

Streamlit runs as a child process (``python -m streamlit run dashboard.py``); this module never imports it.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from collections.abc import Mapping
from importlib.util import find_spec
from pathlib import Path

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
APP_FILE = "dashboard.py"
# Where an editable install from a checkout (the README's way) keeps the dashboard: beside the package.
CHECKOUT = Path(__file__).resolve().parent.parent.parent
# Signals that stop the server cleanly (Streamlit first, then the secrets folder).
STOP_SIGNALS = (signal.SIGTERM, signal.SIGHUP)
PR_SET_PDEATHSIG = 1  # linux/prctl.h
STOP_WAIT_SECONDS = 20  # how long Streamlit may take to stop before it is killed


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


def _toml(value) -> str:
    # JSON strings and lists of strings are valid TOML basic strings and arrays.
    return json.dumps(value, ensure_ascii=False)


def secrets_toml(env: Mapping[str, str]) -> str:
    """The secrets file for Streamlit: ``[auth]`` from the environment and ``[textlens.roles]``."""
    from textlens.store import RoleConfig, StoreError

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
    roles: dict[str, object] = {}
    for variable, key in ROLE_VARIABLES.items():
        raw = env.get(variable, "").strip()
        if raw:
            roles[key] = raw if key in SINGLE else [x.strip() for x in raw.split(",") if x.strip()]
    try:
        RoleConfig.from_mapping(roles)
    except StoreError as exc:
        raise TextlensError(str(exc)) from exc
    if not any(k in roles for k in ("admins", "admin_groups")):
        print("note: no admin is configured (TEXTLENS_ADMINS): nobody can delete or import.", file=sys.stderr)
    lines = ["[auth]", *(f"{k} = {_toml(v)}" for k, v in auth.items()), "", "[textlens.roles]"]
    lines += [f"{k} = {_toml(v)}" for k, v in roles.items()]
    return "\n".join(lines) + "\n"


def streamlit_command(app: Path, secrets: Path, args: argparse.Namespace) -> list[str]:
    """``streamlit run`` with the team server's settings (docs/deployment.md lists each and why)."""
    return [
        sys.executable, "-m", "streamlit", "run", str(app),
        "--secrets.files", str(secrets),
        "--server.address", args.address,
        "--server.port", str(args.port),
        "--server.headless", "true",
        "--server.enableXsrfProtection", "true",
        "--server.enableCORS", "true",
        "--server.maxUploadSize", str(args.max_upload_mb),
        "--browser.gatherUsageStats", "false",
    ]  # fmt: skip


def _die_with_parent(parent: int):
    """For ``preexec_fn``: on Linux the child gets SIGTERM when the launcher dies, however it dies."""
    if not sys.platform.startswith("linux"):
        return None
    import ctypes

    prctl = ctypes.CDLL(None, use_errno=True).prctl  # looked up here: the child only calls it

    def arm() -> None:
        prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
        if os.getppid() != parent:  # the launcher died before the line above: stop now
            os.kill(os.getpid(), signal.SIGTERM)

    return arm


class _Stopped(Exception):
    """SIGTERM or SIGHUP reached the launcher."""


def _stopped(signum, frame) -> None:
    raise _Stopped


def _stop(child: subprocess.Popen) -> int:
    """Ask Streamlit to stop, kill it if it does not within STOP_WAIT_SECONDS; its exit code."""
    for s in STOP_SIGNALS:
        signal.signal(s, signal.SIG_IGN)  # already stopping
    child.terminate()
    try:
        return child.wait(STOP_WAIT_SECONDS)
    except subprocess.TimeoutExpired:
        child.kill()
        return child.wait()


def serve(args: argparse.Namespace) -> int:
    """Check the settings, open (and migrate) the database, then run Streamlit until it stops; an exit code."""
    app = find_dashboard(args.app)
    if find_spec("streamlit") is None:
        raise TextlensError("textlens serve runs the dashboard with Streamlit, which is not installed: run "
                            "`pip install -r requirements.txt` in the checkout.")  # fmt: skip
    text = secrets_toml(os.environ)  # Streamlit inherits the same environment (TEXTLENS_DB, TEXTLENS_DATA_DIR)
    from textlens.store import StoreError, open_store, resolve_url
    from textlens.store.db import describe

    try:  # fail here, with the reason, rather than on the first visitor's page
        with open_store() as store:
            print(f"packs in {describe(resolve_url())} ({store.backend})", file=sys.stderr)
    except StoreError as exc:
        raise TextlensError(str(exc)) from exc
    previous: dict = {}
    folder: Path | None = None
    child: subprocess.Popen | None = None
    try:  # from here on, every way out removes the secrets folder
        previous = {s: signal.signal(s, _stopped) for s in STOP_SIGNALS}
        folder = Path(tempfile.mkdtemp(prefix="textlens-secrets-"))  # mode 700
        path = folder / "secrets.toml"
        with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w", encoding="utf-8") as f:
            f.write(text)
        child = subprocess.Popen(
            streamlit_command(app, path, args), cwd=app.parent, preexec_fn=_die_with_parent(os.getpid())
        )
        code = child.wait()
        return 128 - code if code < 0 else code  # killed by a signal: the shell's 128 + its number
    except _Stopped:
        if child is not None:
            _stop(child)
        return 0  # a service stopped on request stopped cleanly
    except BaseException:  # Ctrl-C (the CLI reports it: status 130) or a failure: Streamlit stops too
        if child is not None:
            _stop(child)
        raise
    finally:
        if folder is not None:
            shutil.rmtree(folder, ignore_errors=True)
        for s, handler in previous.items():
            signal.signal(s, handler)


def run(args: argparse.Namespace) -> None:
    """Run the team server until Streamlit stops; Streamlit's failure status becomes the command's."""
    code = serve(args)
    if code:
        raise SystemExit(code)
