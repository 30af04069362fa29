"""The team server in headless Chromium: a real OpenID Connect provider, real PostgreSQL, the real launcher.

The provider is the ``oidc-provider-mock`` package from PyPI (an OpenID Connect server whose sign-in
form lets the test pick a predefined user); the server is started exactly as docs/deployment.md says,
with ``textlens serve`` and the settings in environment variables.
"""

from __future__ import annotations

import json
import re
import secrets
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.e2e.conftest import Server, free_port, screenshot
from tests.e2e.helpers import RESULT_TIMEOUT_MS, click, open_page, type_text, wait_idle
from tests.store.test_store import text_record
from textlens.store import Identity, Role, bundle_json, open_store
from textlens.store.team import setup_roles

pytestmark = pytest.mark.e2e

USERS = {
    "alice": {"sub": "alice", "email": "alice@example.com", "name": "Alice Example"},
    "bob": {"sub": "bob", "email": "bob@example.com", "name": "Bob Example"},
    "carol": {"sub": "carol", "email": "carol@example.com", "name": "Carol Example"},
}
PASSWORD = "hunter2-not-for-pages"  # in the database URL: PostgreSQL's trust login ignores it, pages must never show it
SECRET_PACK, SECRET_NOTE = "Confidential launch review", "SECRET-NOTE-4711 about the launch"
PACK, NOTE = "Team pack", "alice: 'wonderful' should not push NEGATIVE"
TEXT = "The acting was wonderful but the plot was dull."
PATHS = ["", "explain", "compare", "dataset", "image", "tabular", "review"]


def _wait_http(url: str, process: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{url}: the process exited early")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.3)
    raise TimeoutError(f"{url} did not answer in {timeout} s")


@pytest.fixture(scope="module")
def provider(tmp_path_factory):
    """An OpenID Connect provider on 127.0.0.1 that knows alice and bob (their email and name claims)."""
    port = free_port()
    log = open(tmp_path_factory.mktemp("oidc") / "oidc.log", "w")
    args = [sys.executable, "-m", "oidc_provider_mock", "--host", "127.0.0.1", "--port", str(port)]
    for claims in USERS.values():
        args += ["--user-claims", json.dumps(claims)]
    process = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_http(url + "/.well-known/openid-configuration", process)
        yield url
    finally:
        process.terminate()
        process.wait(10)
        log.close()


class TeamServer:
    """``textlens serve`` with its settings in the environment; can be restarted on the same port."""

    def __init__(self, provider: str, db_url: str, log_dir) -> None:
        self.port, self.db_url, self.log = free_port(), db_url, log_dir / "team.log"
        self.env = {
            "TEXTLENS_PUBLIC_URL": f"http://127.0.0.1:{self.port}",
            "TEXTLENS_OIDC_METADATA_URL": provider + "/.well-known/openid-configuration",
            "TEXTLENS_OIDC_CLIENT_ID": "textlens",
            "TEXTLENS_OIDC_CLIENT_SECRET": secrets.token_urlsafe(16),
            "TEXTLENS_COOKIE_SECRET": secrets.token_urlsafe(48),
            "TEXTLENS_DB": db_url,
            "TEXTLENS_REVIEWERS": "alice@example.com",
            "TEXTLENS_ADMINS": "carol@example.com",
            "TEXTLENS_DEFAULT_ROLE": "viewer",
        }
        self.server: Server | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        # The console script installed beside this interpreter, as docs/deployment.md starts it.
        command = [str(Path(sys.executable).with_name("textlens")), "serve", "--port", str(self.port)]
        self.server = Server(self.port, self.log, command=command, env=self.env)
        self.server.wait_ready()

    def stop(self) -> None:
        if self.server is not None:
            self.server.stop()
            self.server = None


@pytest.fixture(scope="module")
def team(provider, postgres_server, tmp_path_factory):
    """The team server on a database set up as the guide says: the owner migrates and grants, the app role serves."""
    roles = postgres_server.team_database()
    with open_store(roles.owner_url) as owner:
        setup_roles(owner, roles.app, roles.cli)
    db_url = roles.app_url.replace(f"{roles.app}@", f"{roles.app}:{PASSWORD}@")
    with open_store(db_url, identity=Identity("carol@example.com", Role.ADMIN)) as store:
        pack = store.create_pack(SECRET_PACK, "numbers nobody outside may see")
        store.add_case(pack.id, text_record(), "POSITIVE", note=SECRET_NOTE)
    srv = TeamServer(provider, db_url, tmp_path_factory.mktemp("team"))
    srv.start()
    try:
        yield srv
    finally:
        srv.stop()


def sign_in(page, url: str, user: str) -> None:
    """Open the server, press Sign in, pick ``user`` on the provider's form, and come back signed in."""
    page.goto(url)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("button", name=user, exact=True).click()  # the provider's predefined-user button
    page.get_by_text(f"Signed in as {USERS[user]['name']}").wait_for(timeout=RESULT_TIMEOUT_MS)
    wait_idle(page)


def open_team_pack(page, url: str) -> None:
    page.goto(url + "/review")
    page.get_by_role("heading", name="Review packs").wait_for(timeout=RESULT_TIMEOUT_MS)
    page.get_by_role("combobox", name="Open pack").click()
    page.get_by_role("option", name=f"{PACK} (1 cases · alice@example.com)", exact=True).click()
    page.get_by_role("heading", name=PACK).wait_for(timeout=RESULT_TIMEOUT_MS)
    wait_idle(page)


def test_an_anonymous_visitor_sees_only_the_sign_in_screen(team, new_page):
    page = new_page("light", height=900)
    for path in PATHS:
        page.goto(f"{team.url}/{path}")
        page.get_by_role("button", name="Sign in").wait_for(timeout=RESULT_TIMEOUT_MS)
        wait_idle(page)
        html = page.content()
        for secret in (SECRET_PACK, SECRET_NOTE, "packs.db", "postgresql", PASSWORD):
            assert secret not in html, (path, secret)
        main = page.locator("[data-testid='stMain']").inner_text()
        assert "Sign in with your company account" in main and "Explain" not in main, path
        # No page links, no model picker, no upload box: nothing but the sign-in screen.
        assert page.locator("[data-testid='stSidebarNav']").count() == 0
        assert page.get_by_text("Classifier").count() == 0 and page.locator("input[type=file]").count() == 0
    screenshot(page, "team-sign-in-light")

    # A forged sign-in cookie (claiming alice, signed with a guessed secret) is not a sign-in.
    from streamlit.web.server.starlette.starlette_app_utils import create_signed_value

    forged = create_signed_value("guessed", "_streamlit_user", json.dumps({**USERS["alice"], "is_logged_in": True}))
    page.context.add_cookies([{"name": "_streamlit_user", "value": forged.decode(), "url": team.url}])
    page.goto(team.url + "/review")
    page.get_by_role("button", name="Sign in").wait_for(timeout=RESULT_TIMEOUT_MS)
    wait_idle(page)
    assert SECRET_PACK not in page.content() and page.get_by_text("Signed in as").count() == 0

    # Streamlit's metrics (every cache's name and size) are closed to everyone.
    with pytest.raises(urllib.error.HTTPError) as closed:
        urllib.request.urlopen(team.url + "/_stcore/metrics", timeout=10)
    assert closed.value.code == 404


def test_alice_writes_bob_reads_and_names_hold_across_a_restart(team, new_page):
    alice = new_page("light", height=1600)
    sign_in(alice, team.url, "alice")
    open_page(alice, team.url)
    type_text(alice, TEXT)
    click(alice, "Explain")
    alice.locator(".tl-highlight .tl-word", has_text="acting").first.wait_for(timeout=RESULT_TIMEOUT_MS)
    wait_idle(alice)
    alice.get_by_role("button", name="Add to review pack").click()
    alice.get_by_role("combobox", name="Pack").click()
    alice.get_by_role("option", name="+ New pack…", exact=True).click()
    alice.get_by_role("textbox", name="New pack's name").fill(PACK)
    alice.get_by_role("textbox", name="Note (optional)").fill(NOTE)
    # A reviewer's pop-over names who the case is added as, and no server path.
    assert alice.get_by_text("Added as alice@example.com").count() == 1
    assert alice.get_by_text("Packs are stored in").count() == 0
    click(alice, "Add case")
    alice.get_by_text("as case 1.").wait_for(timeout=RESULT_TIMEOUT_MS)
    alice.keyboard.press("Escape")
    wait_idle(alice)

    with open_store(team.db_url) as store:
        pack = store.pack(PACK)
        (case,) = store.cases(pack.id)
        assert (pack.owner, case.author, case.note) == ("alice@example.com", "alice@example.com", NOTE)
        assert [(c.action, c.actor) for c in store.history(pack_id=pack.id)] == [
            ("create pack", "alice@example.com"),
            ("add case", "alice@example.com"),
        ]

    open_team_pack(alice, team.url)
    assert alice.get_by_role("textbox", name="Your name").count() == 0  # no typed author with sign-in on
    assert alice.get_by_text("Packs are stored in").count() == 0  # server paths are for admins
    alice.get_by_role("combobox", name="Verdict").click()
    alice.get_by_role("option", name="Right for the wrong reasons", exact=True).click()
    click(alice, "Save")
    wait_idle(alice)
    screenshot(alice, "team-alice-review-light")

    team.stop()  # the history is in PostgreSQL, not in the server: it survives a restart
    team.start()

    bob = new_page("dark", height=1600)
    sign_in(bob, team.url, "bob")
    open_team_pack(bob, team.url)
    note = bob.get_by_role("textbox", name="Note", exact=True)
    assert note.input_value() == NOTE and note.is_disabled()
    assert bob.get_by_role("button", name="Save", exact=True).is_disabled()
    refusal = bob.get_by_text("bob@example.com is a viewer here: to change notes")
    assert refusal.count() == 1 and "need the reviewer role" in refusal.inner_text()
    assert bob.get_by_text("Pack history (1 change)").count() == 1  # created by alice
    bob.get_by_text("History (2 changes)").click()
    history = bob.locator("[data-testid='stExpander']").last.inner_text()
    assert "alice@example.com added the case" in history
    assert "alice@example.com changed verdict (No verdict yet → Right for the wrong reasons)" in history
    assert bob.get_by_text("Packs are stored in").count() == 0 and PASSWORD not in bob.content()
    screenshot(bob, "team-bob-viewer-dark")

    # Add to review pack on Explain is there but disabled for a viewer, its hover saying why (the store
    # refuses the write itself too: tests/store/test_access.py).
    open_page(bob, team.url)
    type_text(bob, TEXT)
    click(bob, "Explain")
    bob.locator(".tl-highlight .tl-word", has_text="acting").first.wait_for(timeout=RESULT_TIMEOUT_MS)
    wait_idle(bob)
    add = bob.get_by_role("button", name="Add to review pack")
    assert add.count() == 1 and add.is_disabled()
    add.hover(force=True)
    bob.get_by_text("bob@example.com is a viewer here: to add cases you need the reviewer role").wait_for(
        timeout=RESULT_TIMEOUT_MS
    )
    screenshot(bob, "team-bob-refused-dark")
    with open_store(team.db_url) as store:
        (case,) = store.cases(store.pack(PACK).id)
        assert case.note == NOTE and case.verdict == "right-wrong"
        assert [c.actor for c in store.history(pack_id=case.pack_id)] == ["alice@example.com"] * 3


def test_an_admin_imports_and_the_bundle_cannot_name_the_author(team, new_page, tmp_path):
    with open_store(team.db_url) as store:
        bundle = json.loads(bundle_json(store, store.pack(SECRET_PACK).id))
    bundle["pack"].update(name="From elsewhere", owner="mallory@example.com")
    for case in bundle["cases"]:
        case["author"] = "mallory@example.com"  # a forged author in the uploaded request
    path = tmp_path / "forged.json"
    path.write_text(json.dumps(bundle), encoding="utf-8")

    carol = new_page("light", height=1400)
    sign_in(carol, team.url, "carol")
    carol.goto(team.url + "/review")
    carol.get_by_role("heading", name="Review packs").wait_for(timeout=RESULT_TIMEOUT_MS)
    wait_idle(carol)
    # An admin sees where the packs are, without the database password; nobody sees the password.
    role = team.db_url.split("//")[1].split(":")[0]  # the app's role, never the password
    carol.get_by_text(f"Packs are stored in postgresql+psycopg://{role}:***@127.0.0.1").wait_for(
        timeout=RESULT_TIMEOUT_MS
    )
    assert PASSWORD not in carol.content()
    carol.get_by_text("Import a pack (JSON bundle)").click()
    carol.locator("input[type=file]").set_input_files(str(path))
    carol.get_by_role("button", name="Import", exact=True).wait_for(timeout=RESULT_TIMEOUT_MS)
    wait_idle(carol)
    click(carol, "Import")
    carol.get_by_role("heading", name="From elsewhere").wait_for(timeout=RESULT_TIMEOUT_MS)
    wait_idle(carol)
    screenshot(carol, "team-carol-imported-light")
    with open_store(team.db_url) as store:
        pack = store.pack("From elsewhere")
        (case,) = store.cases(pack.id)
        assert (pack.owner, case.author) == ("carol@example.com", "carol@example.com")
        assert case.context["bundle_author"] == "mallory@example.com" and case.note == SECRET_NOTE
        assert [(c.action, c.actor) for c in store.history(pack_id=pack.id)] == [
            ("add case", "carol@example.com"),
            ("import pack", "carol@example.com"),
        ]


class Forger:
    """A page's websocket, seen and spoken on as a hostile browser would: the widgets the server sends, and
    crafted messages (a BackMsg re-running the page with one widget's value forged) sent in the page's name."""

    def __init__(self, page) -> None:
        self.widgets: dict[str, object] = {}  # label -> the widget's proto (id, disabled, ...)
        self.state = None  # the page's last ClientState, to forge from
        self.server = None
        page.route_web_socket(re.compile(r".*/_stcore/stream"), self._route)

    def _route(self, ws) -> None:
        from streamlit.proto.BackMsg_pb2 import BackMsg
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        server = self.server = ws.connect_to_server()

        def from_page(message) -> None:
            if isinstance(message, bytes):
                back = BackMsg.FromString(message)
                if back.WhichOneof("type") == "rerun_script":
                    self.state = back.rerun_script
            server.send(message)

        def from_server(message) -> None:
            if isinstance(message, bytes):
                forward = ForwardMsg.FromString(message)
                if forward.WhichOneof("type") == "delta" and forward.delta.WhichOneof("type") == "new_element":
                    element = forward.delta.new_element
                    widget = getattr(element, element.WhichOneof("type"))
                    if hasattr(widget, "label") and hasattr(widget, "id"):
                        self.widgets[widget.label] = widget
            ws.send(message)

        ws.on_message(from_page)
        server.on_message(from_server)

    def send(self, label: str, **value) -> None:
        """Re-run the page as if the widget ``label`` had ``value`` (e.g. ``trigger_value=True``: a click)."""
        from streamlit.proto.BackMsg_pb2 import BackMsg

        back = BackMsg()
        back.rerun_script.CopyFrom(self.state)
        forged = back.rerun_script.widget_states.widgets.add()
        forged.id = self.widgets[label].id
        for field, v in value.items():
            setattr(forged, field, v)
        self.server.send(back.SerializeToString())


def test_sign_out_ends_the_session_in_every_tab_and_for_every_copy_of_its_cookie(team, new_page, browser):
    with open_store(team.db_url, identity=Identity("alice@example.com", Role.REVIEWER)) as store:
        pack = store.create_pack("Sign-out pack")
        store.add_case(pack.id, text_record(), "POSITIVE", note="before")
    first = new_page("light", height=1200)
    sign_in(first, team.url, "alice")
    second = first.context.new_page()  # a second tab of the same browser
    second.goto(team.url + "/review")
    second.get_by_role("combobox", name="Open pack").click()
    second.get_by_role("option", name="Sign-out pack (1 cases · alice@example.com)", exact=True).click()
    second.get_by_role("heading", name="Sign-out pack").wait_for(timeout=RESULT_TIMEOUT_MS)
    wait_idle(second)
    second.get_by_role("textbox", name="Note", exact=True).fill("written after sign-out")
    cookies = first.context.cookies()  # what someone copies from this browser before it signs out

    first.get_by_role("button", name="Sign out").click()
    # Streamlit may pass through the provider's own sign-out page (the mock asks to confirm), then comes back.
    provider_page, back = first.get_by_role("button", name="End session"), first.get_by_role("button", name="Sign in")
    provider_page.or_(back).first.wait_for(timeout=RESULT_TIMEOUT_MS)
    if provider_page.count():
        provider_page.click()
    back.wait_for(timeout=RESULT_TIMEOUT_MS)
    # The other tab follows at its next click: its Save writes nothing, and it is asked to sign in again.
    click(second, "Save")
    second.get_by_text("This session has ended: you signed out.").wait_for(timeout=RESULT_TIMEOUT_MS)
    wait_idle(second)  # the run that drew the message has also cleared the sidebar (stale until it ends)
    assert second.get_by_text("Signed in as").count() == 0
    with open_store(team.db_url) as store:
        (case,) = store.cases(store.pack("Sign-out pack").id)
        assert case.note == "before" and [c.action for c in store.history(pack_id=case.pack_id)][-1] == "add case"

    thief = browser.new_context()
    try:
        thief.add_cookies(cookies)
        page = thief.new_page()
        page.goto(team.url + "/review")
        page.get_by_text("This session has ended: you signed out.").wait_for(timeout=RESULT_TIMEOUT_MS)
        wait_idle(page)
        assert page.get_by_text("Signed in as").count() == 0 and SECRET_PACK not in page.content()
        screenshot(page, "team-copied-cookie-refused-light")
    finally:
        thief.close()


def test_a_viewer_forcing_refused_actions_sees_no_path_and_an_admin_ends_their_sessions(team, new_page):
    bob = new_page("dark", height=1400)
    forger = Forger(bob)
    sign_in(bob, team.url, "bob")
    bob.goto(team.url + "/review")
    bob.get_by_role("combobox", name="Open pack").click()
    bob.get_by_role("option", name=f"{SECRET_PACK} (1 cases · carol@example.com)", exact=True).click()
    bob.get_by_role("heading", name=SECRET_PACK).wait_for(timeout=RESULT_TIMEOUT_MS)
    wait_idle(bob)
    # Clicks on buttons a viewer is shown disabled, crafted on the websocket: nothing is deleted or removed.
    for label in ("Delete for good", "Remove case 1 from the pack"):
        assert forger.widgets[label].disabled
        forger.send(label, trigger_value=True)
        wait_idle(bob)
    # A value no browser would send: a short message and an error id, the traceback only in the server's log.
    forger.send("Open pack", double_value=0.5)
    message = bob.get_by_text("Something went wrong on the server")
    message.wait_for(timeout=RESULT_TIMEOUT_MS)
    error_id = re.search(r"error id (\w+)", message.inner_text()).group(1)
    html = bob.content()
    for internal in ("Traceback", "/work", "site-packages", ".py", "postgresql", PASSWORD, "TypeError"):
        assert internal not in html, internal
    assert f"error {error_id}: TypeError" in team.server.log()
    screenshot(bob, "team-bob-forced-error-dark")
    with open_store(team.db_url) as store:
        assert len(store.cases(store.pack(SECRET_PACK).id)) == 1
        assert "delete pack" not in {c.action for c in store.history()}

    carol = new_page("light", height=1200)
    sign_in(carol, team.url, "carol")
    carol.goto(team.url + "/review")  # the admin's sessions are in every page's sidebar; this one loads no model
    carol.get_by_role("heading", name="Review packs").wait_for(timeout=RESULT_TIMEOUT_MS)
    wait_idle(carol)
    carol.get_by_text("Signed-in sessions").click()
    carol.get_by_text(re.compile(r"bob@example\.com · \d sessions? · last seen")).wait_for(timeout=RESULT_TIMEOUT_MS)
    users = carol.get_by_role("combobox", name="User")
    users.click()
    users.fill("bob@example.com")  # the selectbox filters as one types; Enter picks the match
    users.press("Enter")
    # The button names the user the server has picked: a click before the pick arrived ended alice's session.
    end = carol.get_by_role("button", name="End every session of bob@example.com", exact=True)
    end.wait_for(timeout=RESULT_TIMEOUT_MS)
    wait_idle(carol)
    end.click()
    carol.get_by_text(re.compile(r"Ended \d sessions? of bob@example\.com\.")).wait_for(timeout=RESULT_TIMEOUT_MS)
    screenshot(carol, "team-carol-ended-sessions-light")
    bob.get_by_role("link", name="Explain").click()  # bob's next click
    bob.get_by_text("This session has ended: an admin ended it.").wait_for(timeout=RESULT_TIMEOUT_MS)
    assert bob.get_by_text("Signed in as").count() == 0 and SECRET_NOTE not in bob.content()
