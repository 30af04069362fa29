"""Start textlens as a team server: sign-in, roles and the pack database from the environment, XSRF on.

    python scripts/team_server.py [--port 8501] [--address 127.0.0.1] [--max-upload-mb 20]

Secrets never touch the repository: the OpenID Connect settings are read from the environment and
written to a private file (mode 600, in a fresh temporary folder removed on exit) that Streamlit reads
with ``--secrets.files``. See docs/deployment.md for the variables and the reverse proxy in front.
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
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from textlens.store import RoleConfig, StoreError, open_store, resolve_url  # noqa: E402
from textlens.store.db import describe  # noqa: E402

REQUIRED = {
    "TEXTLENS_PUBLIC_URL": "the address people open, e.g. https://textlens.example.com",
    "TEXTLENS_OIDC_METADATA_URL": "the provider's https://…/.well-known/openid-configuration",
    "TEXTLENS_OIDC_CLIENT_ID": "the client id registered with the identity provider",
    "TEXTLENS_OIDC_CLIENT_SECRET": "that client's secret",
    "TEXTLENS_COOKIE_SECRET": "a long random string that signs the sign-in cookie (see docs/deployment.md)",
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


def _toml(value) -> str:
    # JSON strings and lists of strings are valid TOML basic strings and arrays.
    return json.dumps(value, ensure_ascii=False)


def secrets_toml(env: dict[str, str]) -> str:
    """The secrets file for Streamlit: ``[auth]`` from the environment and ``[textlens.roles]``."""
    missing = [f"  {k}: {why}" for k, why in REQUIRED.items() if not env.get(k, "").strip()]
    if missing:
        raise SystemExit("team_server: set these environment variables first:\n" + "\n".join(missing))
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
        raise SystemExit(f"team_server: {exc}") from exc
    if not any(k in roles for k in ("admins", "admin_groups")):
        print(
            "team_server: note: no admin is configured (TEXTLENS_ADMINS): nobody can delete or import.", file=sys.stderr
        )
    lines = ["[auth]", *(f"{k} = {_toml(v)}" for k, v in auth.items()), "", "[textlens.roles]"]
    lines += [f"{k} = {_toml(v)}" for k, v in roles.items()]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Check the settings, open (and migrate) the database, then run Streamlit until it stops."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8501)
    parser.add_argument("--address", default="127.0.0.1", help="where Streamlit listens; the proxy reaches it here")
    parser.add_argument("--max-upload-mb", type=int, default=20, help="largest upload accepted, in MB")
    args = parser.parse_args(argv)
    text = secrets_toml(dict(os.environ))
    try:  # fail here, with the reason, rather than on the first visitor's page
        with open_store() as store:
            print(f"team_server: packs in {describe(resolve_url())} ({store.backend})", file=sys.stderr)
    except StoreError as exc:
        raise SystemExit(f"team_server: {exc}") from exc
    folder = Path(tempfile.mkdtemp(prefix="textlens-secrets-"))
    try:
        path = folder / "secrets.toml"
        path.touch(mode=0o600)
        path.write_text(text, encoding="utf-8")
        command = [
            sys.executable, "-m", "streamlit", "run", str(ROOT / "dashboard.py"),
            "--secrets.files", str(path),
            "--server.address", args.address,
            "--server.port", str(args.port),
            "--server.headless", "true",
            "--server.enableXsrfProtection", "true",
            "--server.enableCORS", "true",
            "--server.maxUploadSize", str(args.max_upload_mb),
            "--browser.gatherUsageStats", "false",
        ]  # fmt: skip
        child = subprocess.Popen(command, cwd=ROOT)
        # Stopping this script (Ctrl-C, systemd's SIGTERM) stops Streamlit, then removes the secrets.
        signal.signal(signal.SIGTERM, lambda *_: child.terminate())
        try:
            return child.wait()
        except KeyboardInterrupt:
            child.terminate()
            return child.wait()
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
