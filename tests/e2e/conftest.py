"""End-to-end fixtures: a real `streamlit run dashboard.py` on 127.0.0.1 and headless Debian Chromium."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import ROOT

CHROMIUM = Path("/usr/bin/chromium")
SHOTS = ROOT / "artifacts" / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    # This machine's network is closed: background fetches would only fail, many at a time.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


# Streamlit's server racing a closing tab (see Server.app_errors); the app's own code is not in it.
SERVER_NOISE = ('Cannot call "send" once a close message has been sent',)


def error_blocks(log: str) -> list[str]:
    """The log's tracebacks (a chained one as one block, through its last line) and other lines saying Error."""
    chained = ("During handling of the above exception", "The above exception was the direct cause")
    lines = log.splitlines()

    def inside(line: str) -> bool:
        return line[:1].isspace() or "Traceback" in line or line.startswith(chained)

    def next_text(j: int) -> int:
        while j < len(lines) and not lines[j].strip():
            j += 1
        return j

    blocks: list[str] = []
    i = 0
    while i < len(lines):
        if "Traceback" not in lines[i]:
            if "Error" in lines[i]:
                blocks.append(lines[i])
            i += 1
            continue
        j = i + 1
        while j < len(lines):
            if inside(lines[j]):
                j += 1
                continue
            k = next_text(j + 1 if lines[j].strip() else j)
            # Blank lines, or the exception's own line, continue the block when a chained traceback follows.
            if k < len(lines) and (lines[k].startswith(chained) or (not lines[j].strip() and inside(lines[k]))):
                j = k
                continue
            break
        blocks.append("\n".join(lines[i : j + 1]).rstrip())
        i = j + 1
    return blocks


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """A Streamlit server process and its log."""

    def __init__(
        self, port: int, log_path: Path, command: list[str] | None = None, env: dict[str, str] | None = None
    ) -> None:
        """``streamlit run dashboard.py`` on ``port``, or ``command`` (e.g. the team server) with ``env``."""
        self.url = f"http://127.0.0.1:{port}"
        self.log_path = log_path
        self._log = open(log_path, "a")
        env = {**os.environ, "HF_HUB_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false", **(env or {})}
        self.process = subprocess.Popen(
            command
            or [
                sys.executable,
                "-m",
                "streamlit",
                "run",
                "dashboard.py",
                "--server.port",
                str(port),
                "--server.address",
                "127.0.0.1",
                "--server.headless",
                "true",
            ],
            cwd=ROOT,
            env=env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )

    def wait_ready(self, timeout: float = 120) -> None:
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"streamlit exited early:\n{self.log()}")
            try:
                with urllib.request.urlopen(self.url + "/_stcore/health", timeout=2) as response:
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.5)
        raise TimeoutError(f"streamlit did not start in {timeout} s:\n{self.log()}")

    def log(self) -> str:
        self._log.flush()
        return self.log_path.read_text(errors="replace")

    def app_errors(self, since: int = 0) -> list[str]:
        """Tracebacks and error lines the app logged after character ``since`` of the log.

        Leaves out Streamlit's own websocket race when a browser tab closes (starlette's "Cannot call
        "send" once a close message has been sent", raised inside Streamlit's server after the session
        is gone): it is not the app's, and it comes and goes with the order tabs close in.
        """
        return [block for block in error_blocks(self.log()[since:]) if not any(n in block for n in SERVER_NOISE)]

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(20)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self._log.close()


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    srv = Server(free_port(), tmp_path_factory.mktemp("server") / "streamlit.log")
    try:
        srv.wait_ready()
        yield srv
    finally:
        srv.stop()


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.skip("Debian chromium is not installed (.ci/run installs it: apt-get install -y chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """A failed end-to-end test reports what its pages showed and the server's last log lines.

    CI keeps only the printed output, so a failure on a slower machine must explain itself there.
    """
    report = yield
    if report.when == "call" and report.failed:
        make = item.funcargs.get("new_page")
        for i, context in enumerate(getattr(make, "contexts", [])):
            for j, page in enumerate(context.pages):
                report.sections.append((f"page {i}.{j} ({page.url})", page_diagnostics(page, item.name)))
        srv = item.funcargs.get("server")
        if srv is not None:
            report.sections.append(("streamlit log (last 60 lines)", "\n".join(srv.log().splitlines()[-60:])))
    return report


def page_diagnostics(page, test_name: str) -> str:
    """The page's visible text (abridged) and a screenshot's path, never raising."""
    try:
        name = "failed-" + "".join(c if c.isalnum() else "-" for c in test_name)
        shot = screenshot(page, name)
        text = page.locator("[data-testid='stMain']").inner_text(timeout=5_000)
        return f"screenshot: {shot}\n{text[:4000]}"
    except Exception as exc:  # a closed or hung page must not hide the test's own failure
        return f"(no diagnostics: {exc})"


@pytest.fixture
def new_page(browser):
    """Open pages in fresh contexts (separate Streamlit sessions); closes them after the test."""
    contexts = []

    def make(theme: str = "light", width: int = 1400, height: int = 2200):
        context = browser.new_context(viewport={"width": width, "height": height}, color_scheme=theme)
        contexts.append(context)
        page = context.new_page()
        page.dialogs = []
        page.on("dialog", lambda d: (page.dialogs.append(d.message), d.dismiss()))
        return page

    make.contexts = contexts  # for the failure report
    yield make
    for c in contexts:
        c.close()


def screenshot(page, name: str) -> Path:
    """Save a screenshot to the gitignored artifacts folder."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{name}.png"
    page.screenshot(path=str(path))
    return path
