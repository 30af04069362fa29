"""``textlens serve``: its options, where it finds the dashboard, the settings it hands Streamlit (in memory, never
a file), and that however it ends no server is left listening and nothing secret is left on disk. The sign-in
itself, with a real provider and PostgreSQL, is tests/e2e/test_team_server.py."""

from __future__ import annotations

import argparse
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
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
    command = serve.streamlit_command(tmp_path / "team_app.py", args)
    assert command[:5] == [sys.executable, "-m", "streamlit", "run", str(tmp_path / "team_app.py")]
    flags = dict(zip(command[5::2], command[6::2]))
    assert flags == {
        "--server.address": "0.0.0.0",
        "--server.port": "9000",
        "--server.headless": "true",
        "--server.enableXsrfProtection": "true",
        "--server.enableCORS": "true",
        "--server.maxUploadSize": "5",
        "--client.showErrorDetails": "none",
        "--browser.gatherUsageStats": "false",
    }
    assert not any("secrets" in part for part in command)  # no secrets file: they stay in memory
    with pytest.raises(SystemExit):
        parse("--port", "eighty")


def test_the_dashboard_is_the_checkouts_or_the_one_named(tmp_path):
    assert serve.find_dashboard(None) == ROOT / "dashboard.py"  # the editable install of this checkout
    assert serve.find_entry(ROOT / "dashboard.py") == ROOT / "team_app.py"
    assert serve.find_entry(tmp_path / "dashboard.py") == ROOT / "team_app.py"  # a dashboard without its own
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


def test_the_settings_become_auth_roles_and_the_session_lifetime(capsys):
    found = serve.team_secrets({**SETTINGS, "TEXTLENS_DB": "x"})
    assert found == {
        "auth": {
            "redirect_uri": "https://textlens.example.com/oauth2callback",
            "cookie_secret": "cookie-secret-0815",
            "client_id": "textlens",
            "client_secret": "client-secret-4711",
            "server_metadata_url": "https://id.example.com/.well-known/openid-configuration",
        },
        "textlens": {
            "roles": {"admins": ["carol@example.com", "dan@example.com"], "default_role": "viewer"},
            "session_hours": 8.0,
        },
    }
    assert capsys.readouterr().err == ""
    hours = serve.team_secrets({**SETTINGS, "TEXTLENS_DB": "x", "TEXTLENS_SESSION_HOURS": "0.5"})
    assert hours["textlens"]["session_hours"] == 0.5
    no_admin = {k: v for k, v in SETTINGS.items() if k != "TEXTLENS_ADMINS"}
    serve.team_secrets({**no_admin, "TEXTLENS_DB": "x"})
    assert "no admin is configured" in capsys.readouterr().err
    for bad, message in (("TEXTLENS_DEFAULT_ROLE", "emperor"), ("TEXTLENS_SESSION_HOURS", "forever")):
        with pytest.raises(TextlensError, match="default_role|session lifetime"):
            serve.team_secrets({**SETTINGS, "TEXTLENS_DB": "x", bad: message})


def test_secrets_folders_earlier_launchers_left_behind_are_removed(tmp_path):
    left = tmp_path / "textlens-secrets-abc123"
    left.mkdir()
    (left / "secrets.toml").write_text("client_secret = 'x'", encoding="utf-8")
    other = tmp_path / "unrelated"
    other.mkdir()
    assert serve.remove_stale_secrets(tmp_path) == [left]
    assert not left.exists() and other.exists()


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


def _listening(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


def _files_holding(folder: Path, secret: str) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file() and secret in p.read_text(encoding="utf-8", errors="replace")]


class Launched:
    """``textlens serve --app`` started in ``tmp_path`` (TMPDIR inside it), and its log."""

    def __init__(self, tmp_path: Path, port: int) -> None:
        self.app, self.tmp, self.port = tmp_path / "app", tmp_path / "tmp", port
        env = {**os.environ, **SETTINGS, "TEXTLENS_DB": str(tmp_path / "packs.db"), "TMPDIR": str(self.tmp)}
        self.log_path = tmp_path / f"serve-{time.monotonic_ns()}.log"
        self._log = open(self.log_path, "w")
        command = [sys.executable, "-m", "textlens", "serve", "--app", str(self.app), "--port", str(port)]
        self.process = subprocess.Popen(command, cwd=tmp_path, env=env, stdout=self._log, stderr=subprocess.STDOUT)
        deadline = time.time() + 90
        while time.time() < deadline and self.process.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2):
                    return
            except OSError:
                time.sleep(0.3)
        raise AssertionError(self.log())

    def log(self) -> str:
        self._log.flush()
        return self.log_path.read_text(encoding="utf-8")

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()  # only after a failure: a passing test has stopped it
        self.process.wait(30)
        self._log.close()


@pytest.fixture
def launcher(tmp_path):
    """A started ``textlens serve`` of a one-line app; TMPDIR holds a secrets folder an earlier launcher left."""
    app = tmp_path / "app"
    app.mkdir()
    (app / "dashboard.py").write_text("import streamlit as st\n\nst.write('hello')\n", encoding="utf-8")
    (tmp_path / "tmp" / "textlens-secrets-old").mkdir(parents=True)
    (tmp_path / "tmp" / "textlens-secrets-old" / "secrets.toml").write_text("client-secret-4711", encoding="utf-8")
    launched = Launched(tmp_path, _free_port())
    try:
        yield launched
    finally:
        launched.close()


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP, signal.SIGINT])
def test_stopping_the_server_frees_its_port_and_leaves_nothing(launcher, signum, tmp_path):
    launcher.process.send_signal(signum)  # as systemd's stop (SIGTERM), a closed terminal or Ctrl-C
    launcher.process.wait(60)
    assert not _listening(launcher.port)
    assert list(launcher.tmp.iterdir()) == [] and _files_holding(tmp_path, "client-secret-4711") == []


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="checks Linux's process table")
def test_kill_9_leaves_no_listening_server_and_no_secrets_and_a_restart_finds_the_port_free(launcher, tmp_path):
    # The launcher became Streamlit (exec): one process, reading the secrets from its memory, no file.
    process = psutil.Process(launcher.process.pid)
    cmdline = process.cmdline()
    assert cmdline[1:5] == ["-m", "streamlit", "run", str(ROOT / "team_app.py")] and process.cwd() == str(launcher.app)
    assert process.children() == [] and not any("secrets" in part for part in cmdline)
    assert f"removed {launcher.tmp / 'textlens-secrets-old'}, left by an earlier textlens serve" in launcher.log()
    assert list(launcher.tmp.iterdir()) == [] and _files_holding(tmp_path, "client-secret-4711") == []
    with urllib.request.urlopen(f"http://127.0.0.1:{launcher.port}/", timeout=10) as page:
        assert page.status == 200
    with pytest.raises(urllib.error.HTTPError) as closed:  # Streamlit's metrics are closed to everyone
        urllib.request.urlopen(f"http://127.0.0.1:{launcher.port}/_stcore/metrics", timeout=10)
    assert closed.value.code == 404

    launcher.process.kill()  # SIGKILL: nothing runs on the way out
    launcher.process.wait(10)
    assert _gone(process.pid, timeout=5) and not _listening(launcher.port)
    assert [p for p in psutil.process_iter(["cmdline"]) if str(launcher.port) in (p.info["cmdline"] or [])] == []
    assert list(launcher.tmp.iterdir()) == [] and _files_holding(tmp_path, "client-secret-4711") == []
    again = Launched(tmp_path, launcher.port)  # the same port, at once
    try:
        again.process.send_signal(signal.SIGTERM)
        again.process.wait(60)
    finally:
        again.close()


def test_when_streamlit_cannot_listen_the_command_fails_with_its_reason(tmp_path):
    """The port is taken: Streamlit (which the launcher became) exits with its own failure, nothing left behind."""
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
    assert list(tmp.iterdir()) == [] and _files_holding(tmp_path, "client-secret-4711") == []
