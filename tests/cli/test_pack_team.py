"""The command line against a team database on a real PostgreSQL: set up by the owner role as the guide says,
a faked ``LOGNAME`` writes nothing, a personal token writes under its own name, and a revoked one no more."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.cli.test_pack import cli
from textlens.store import open_store


@pytest.fixture
def team(postgres_server, capsys):
    """A team database made with the guide's commands: `textlens store migrate --app-role --cli-role` as the owner."""
    roles = postgres_server.team_database()
    code, _, err = cli(
        capsys, "store", "migrate", "--db", roles.owner_url, "--app-role", roles.app, "--cli-role", roles.cli
    )
    assert code == 0 and "this is a team database" in err, err
    return roles


def test_a_faked_login_name_cannot_write_to_a_team_database(team, tmp_path):
    """The console script as anyone would run it, with LOGNAME and USER set to someone else's address."""
    env = {**os.environ, "LOGNAME": "alice@example.com", "USER": "alice@example.com", "TEXTLENS_DB": team.cli_url}
    env.pop("TEXTLENS_TOKEN", None), env.pop("TEXTLENS_TOKEN_FILE", None)
    textlens = str(Path(sys.executable).with_name("textlens"))
    done = subprocess.run(
        [textlens, "pack", "add", "Release 3", "The plot was dull.", "--author", "alice@example.com"],
        env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.startswith("error: This is a team database") and "textlens token issue" in done.stderr
    assert "TEXTLENS_TOKEN" in done.stderr and done.stderr.count("\n") == 1
    with open_store(team.owner_url) as store:
        assert store.packs() == [] and store.history() == []
    # Reading stays open to the team's command line.
    listing = subprocess.run([textlens, "pack", "list"], env=env, capture_output=True, text=True, timeout=120)
    assert listing.returncode == 0 and listing.stdout == "", listing.stderr


def test_an_issued_token_writes_as_its_user_and_a_revoked_one_not(team, capsys, monkeypatch, tiny_model_dir):
    code, token, err = cli(
        capsys, "token", "issue", "--user", "bob@example.com", "--label", "laptop", "--db", team.owner_url
    )
    token = token.strip()
    assert code == 0 and token.startswith("tlp_") and "shown only now" in err
    # Only the owner may issue: the app's and the command line's roles cannot even read the tokens.
    for url in (team.app_url, team.cli_url):
        code, _, err = cli(capsys, "token", "issue", "--user", "mallory@example.com", "--db", url)
        assert code == 2 and "permission denied for table tokens" in err, err
    code, out, _ = cli(capsys, "token", "list", "--db", team.owner_url)
    assert out.split("\t")[:4] == ["1", "bob@example.com", "reviewer", "laptop"] and token not in out

    monkeypatch.setenv("LOGNAME", "alice@example.com")
    monkeypatch.setenv("TEXTLENS_TOKEN", token)
    model = str(tiny_model_dir)
    code, out, err = cli(
        capsys, "pack", "add", "Release 3", "joy and fear", "--model", model, "--author", "alice@example.com",
        "--db", team.cli_url,
    )  # fmt: skip
    assert code == 0, err
    assert "--author is ignored; cases are signed 'bob@example.com'" in err
    code, out, _ = cli(capsys, "pack", "history", "Release 3", "--db", team.cli_url)
    assert [line.split("\t")[1] for line in out.splitlines()] == ["bob@example.com"] * 2

    code, _, err = cli(capsys, "token", "revoke", "--user", "bob@example.com", "--db", team.owner_url)
    assert code == 0 and "revoked 1 token" in err
    code, _, err = cli(capsys, "pack", "add", "Release 3", "fear", "--model", model, "--db", team.cli_url)
    assert code == 2 and "token is not valid" in err
    with open_store(team.owner_url) as store:
        assert len(store.cases(store.pack("Release 3").id)) == 1


def test_the_owner_prints_the_grants_reads_the_status_and_ends_sessions(team, capsys):
    code, out, _ = cli(capsys, "store", "migrate", "--print-sql", "--app-role", "textlens_app")
    assert code == 0 and "GRANT SELECT, INSERT ON history TO textlens_app;" in out
    assert "UPDATE" not in [line for line in out.splitlines() if "ON history" in line][-1]
    code, out, _ = cli(capsys, "store", "status", "--db", team.app_url)
    status = dict(line.split("\t") for line in out.splitlines())
    assert status["team"] == "yes" and status["connected as"] == team.app
    assert status["may rewrite the history"] == "no" and status["app role"] == team.app
    code, out, _ = cli(capsys, "store", "status", "--db", team.owner_url)
    assert "may rewrite the history\tyes" in out

    from textlens.store import Identity, Role
    from textlens.store.sessions import check_session

    with open_store(team.app_url, identity=Identity("bob@example.com", Role.VIEWER)) as app:
        check_session(app, "bob-1", "bob@example.com", signed_in_at=None)
    code, out, _ = cli(capsys, "session", "list", "--db", team.app_url)
    assert out.startswith("bob@example.com\t")
    code, _, err = cli(capsys, "session", "end", "--user", "bob@example.com", "--db", team.cli_url)
    assert code == 2 and "permission denied for table sessions" in err  # the team's command line may not
    code, _, err = cli(capsys, "session", "end", "--user", "bob@example.com", "--db", team.app_url)
    assert code == 0 and "ended 1 session of bob@example.com" in err
    assert cli(capsys, "session", "list", "--db", team.app_url)[1] == ""
