"""``textlens serve``: its options, where it finds the dashboard, the secrets it writes, and that neither Streamlit
nor the secrets outlive the launcher. The sign-in itself, with a real provider and PostgreSQL, is
tests/e2e/test_team_server.py."""

from __future__ import annotations

import argparse
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import psutil
import pytest

from tests.conftest import ROOT
from textlens.cli import serve
from textlens.cli.main import main
from textlens.errors import TextlensError

SETTINGS = {
    "TEXTLENS_PUBLIC_URL": "https://textlens.example.com/",
    "TEXTLENS_OIDC_METADATA_URL": "https://id.example.com/.well-known/openid-configuration",
    "TEXTLENS_OIDC_CLIENT_ID": "textlens",
    "TEXTLENS_OIDC_CLIENT_SECRET": "client-secret-4711",
    "TEXTLENS_COOKIE_SECRET": "cookie-secret-0815",
    "TEXTLENS_ADMINS": "carol@example.com, dan@example.com",
    "TEXTLENS_DEFAULT_ROLE": "viewer",
}


def parse(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    serve.add_parser(parser.add_subparsers(dest="command"))
    return parser.parse_args(["serve", *argv])


def test_options_and_their_defaults_become_the_streamlit_command(tmp_path):
    args = parse()
    assert (args.port, args.address, args.max_upload_mb, args.app) == (8501, "127.0.0.1", 20, None)
    args = parse("--port", "9000", "--address", "0.0.0.0", "--max-upload-mb", "5", "--app", str(tmp_path))
    command = serve.streamlit_command(tmp_path / "dashboard.py", tmp_path / "secrets.toml", args)
    assert command[:5] == [sys.executable, "-m", "streamlit", "run", str(tmp_path / "dashboard.py")]
    flags = dict(zip(command[5::2], command[6::2]))
    assert flags == {
        "--secrets.files": str(tmp_path / "secrets.toml"),
        "--server.address": "0.0.0.0",
        "--server.port": "9000",
        "--server.headless": "true",
        "--server.enableXsrfProtection": "true",
        "--server.enableCORS": "true",
        "--server.maxUploadSize": "5",
        "--browser.gatherUsageStats": "false",
    }
    with pytest.raises(SystemExit):
        parse("--port", "eighty")


def test_the_dashboard_is_the_checkouts_or_the_one_named(tmp_path):
    assert serve.find_dashboard(None) == ROOT / "dashboard.py"  # the editable install of this checkout
    (tmp_path / "dashboard.py").write_text("", encoding="utf-8")
    assert serve.find_dashboard(str(tmp_path)) == tmp_path / "dashboard.py"
    assert serve.find_dashboard(str(tmp_path / "dashboard.py")) == tmp_path / "dashboard.py"
    with pytest.raises(TextlensError, match="no such file"):
        serve.find_dashboard(str(tmp_path / "elsewhere"))


def test_without_a_dashboard_it_refuses_and_says_how(tmp_path, monkeypatch, capsys):
    """A plain wheel has no dashboard beside the package: one line naming both ways, before any setting is read."""
    monkeypatch.setattr(serve, "CHECKOUT", tmp_path)
    for name in serve.REQUIRED:
        monkeypatch.delenv(name, raising=False)
    assert main(["serve"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("error: textlens serve needs the dashboard's files")
    assert "pip install -r requirements.txt -e ." in err and "--app PATH" in err
    assert "TEXTLENS_" not in err  # refused before the settings were looked at


def test_missing_settings_are_named_before_the_database_is_opened(monkeypatch, capsys, tmp_path):
    for name in serve.REQUIRED:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("TEXTLENS_PUBLIC_URL", "https://textlens.example.com")
    assert main(["serve"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: Set these environment variables first: TEXTLENS_OIDC_METADATA_URL")
    assert "TEXTLENS_DB (" in err and "TEXTLENS_PUBLIC_URL" not in err and err.count("\n") == 1


def test_the_secrets_file_holds_auth_and_roles(capsys):
    text = serve.secrets_toml({**SETTINGS, "TEXTLENS_DB": "x"})
    assert text.splitlines() == [
        "[auth]",
        'redirect_uri = "https://textlens.example.com/oauth2callback"',
        'cookie_secret = "cookie-secret-0815"',
        'client_id = "textlens"',
        'client_secret = "client-secret-4711"',
        'server_metadata_url = "https://id.example.com/.well-known/openid-configuration"',
        "",
        "[textlens.roles]",
        'admins = ["carol@example.com", "dan@example.com"]',
        'default_role = "viewer"',
    ]
    assert capsys.readouterr().err == ""
    no_admin = {k: v for k, v in SETTINGS.items() if k != "TEXTLENS_ADMINS"}
    serve.secrets_toml({**no_admin, "TEXTLENS_DB": "x"})
    assert "no admin is configured" in capsys.readouterr().err
    with pytest.raises(TextlensError):
        serve.secrets_toml({**SETTINGS, "TEXTLENS_DB": "x", "TEXTLENS_DEFAULT_ROLE": "emperor"})


# The launcher for real: Streamlit serving a one-line app, the packs in a SQLite file.


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _gone(pid: int, timeout: float = 30) -> bool:
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            if psutil.Process(pid).status() == psutil.STATUS_ZOMBIE:
                return True  # dead, waiting for its (new) parent to reap it
        except psutil.NoSuchProcess:
            return True
        time.sleep(0.2)
    return False


@pytest.fixture
def launcher(tmp_path):
    """A started ``textlens serve --app``; yields (launcher, Streamlit's pid, the secrets file)."""
    app = tmp_path / "app"
    app.mkdir()
    (app / "dashboard.py").write_text("import streamlit as st\n\nst.write('hello')\n", encoding="utf-8")
    port = _free_port()
    (tmp_path / "tmp").mkdir()  # the secrets folder goes here: a killed launcher's is left in pytest's folder
    env = {**os.environ, **SETTINGS, "TEXTLENS_DB": str(tmp_path / "packs.db"), "TMPDIR": str(tmp_path / "tmp")}
    log = open(tmp_path / "serve.log", "w")
    command = [sys.executable, "-m", "textlens", "serve", "--app", str(app), "--port", str(port)]
    process = subprocess.Popen(command, cwd=tmp_path, env=env, stdout=log, stderr=subprocess.STDOUT)
    streamlit = None
    try:
        deadline = time.time() + 90
        while time.time() < deadline and process.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2):
                    break
            except OSError:
                time.sleep(0.3)
        assert process.poll() is None, (tmp_path / "serve.log").read_text()
        [streamlit] = psutil.Process(process.pid).children()
        cmdline = streamlit.cmdline()
        assert cmdline[1:4] == ["-m", "streamlit", "run"] and streamlit.cwd() == str(app)
        secrets = Path(cmdline[cmdline.index("--secrets.files") + 1])
        assert secrets.parent.parent == tmp_path / "tmp"
        assert secrets.is_file() and secrets.stat().st_mode & 0o777 == 0o600
        assert secrets.parent.stat().st_mode & 0o777 == 0o700
        assert "client-secret-4711" in secrets.read_text(encoding="utf-8")
        yield process, streamlit.pid, secrets
    finally:
        for proc in (process, streamlit):
            if proc is not None:
                try:
                    proc.kill()  # only after a failure: a passing test has stopped both
                except (OSError, psutil.NoSuchProcess):
                    pass
        process.wait(30)
        log.close()


@pytest.mark.parametrize(("signum", "code"), [(signal.SIGTERM, 0), (signal.SIGHUP, 0), (signal.SIGINT, 130)])
def test_stopping_the_launcher_stops_streamlit_and_removes_the_secrets(launcher, signum, code):
    process, streamlit, secrets = launcher
    process.send_signal(signum)  # to the launcher alone, as systemd's stop does (Ctrl-C would reach both)
    assert process.wait(60) == code
    assert _gone(streamlit, timeout=5)
    assert not secrets.parent.exists()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the parent-death signal is Linux's")
def test_streamlit_dies_with_a_killed_launcher(launcher):
    process, streamlit, secrets = launcher
    process.kill()  # SIGKILL: no handler runs in the launcher
    process.wait(10)
    assert _gone(streamlit), "Streamlit outlived its launcher"


def test_when_streamlit_ends_by_itself_its_status_is_the_launchers_and_the_secrets_are_gone(tmp_path):
    """Streamlit cannot listen (the port is taken): it exits, and the launcher ends with its status, tidied up."""
    app, tmp = tmp_path / "app", tmp_path / "tmp"
    app.mkdir(), tmp.mkdir()
    (app / "dashboard.py").write_text("import streamlit as st\n", encoding="utf-8")
    env = {**os.environ, **SETTINGS, "TEXTLENS_DB": str(tmp_path / "packs.db"), "TMPDIR": str(tmp)}
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = str(taken.getsockname()[1])
        done = subprocess.run(
            [sys.executable, "-m", "textlens", "serve", "--app", str(app), "--port", port],
            cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120,
        )  # fmt: skip
    assert done.returncode not in (0, 2), done.stderr  # Streamlit's failure, not the launcher's own error
    assert "packs in" in done.stderr and f"Port {port} is not available" in done.stderr
    assert list(tmp.iterdir()) == []  # the secrets folder was made in TMPDIR and removed
