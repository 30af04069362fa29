"""``python -m textlens pack …``: add, list, show, export and import; errors are one line on stderr."""

from __future__ import annotations

import json

import pytest

from tests.cli.test_main import run_cli
from textlens.cli.main import main
from textlens.store import cli_identity, open_store

EVIL = "<script>alert(1)</script> '; DROP TABLE packs; --"


@pytest.fixture
def db(tmp_path) -> str:
    return str(tmp_path / "packs.db")


def cli(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_add_list_show_export_import(capsys, db, tmp_path, tiny_model_dir):
    model = str(tiny_model_dir)
    code, out, err = cli(
        capsys, "pack", "add", EVIL, "joy and fear", "--note", EVIL, "--verdict", "wrong", "--tag", "x",
        "--target", "fear", "--model", model, "--author", "ana", "--db", db,
    )  # fmt: skip
    assert code == 0, err
    assert json.loads(out) == {"pack": EVIL, "case": 1, "target": "fear"}
    assert "created the pack" in err
    me = cli_identity().name  # a forged --author is ignored: the case carries the login name, and says so
    assert "--author is ignored" in err and repr(me) in err
    assert cli(capsys, "pack", "add", EVIL, "quiet fear", "--model", model, "--db", db)[0] == 0
    code, out, _ = cli(capsys, "pack", "list", "--db", db)
    assert code == 0 and out.startswith(EVIL) and "2 cases" in out
    assert cli(capsys, "pack", "list", "--tag", "nope", "--db", db)[1] == ""
    code, out, _ = cli(capsys, "pack", "show", EVIL, "--db", db)
    assert "[Wrong] #x" in out and "joy and fear" in out and f"note: {EVIL}" in out
    with open_store(db) as store:
        (first, second) = store.cases(store.pack(EVIL).id)
        assert first.provenance["model_fingerprint"] and first.author == me != "ana" and first.source == "cli"
        assert second.target == second.result().predicted_label
    code, out, _ = cli(capsys, "pack", "history", EVIL, "--db", db)
    lines = [line.split("\t") for line in out.splitlines()]
    assert code == 0 and [line[1:] for line in lines] == [
        [me, "pack", "created the pack"],
        [me, "case 1", "added the case"],
        [me, "case 2", "added the case"],
    ]
    html_path, json_path = tmp_path / "r.html", tmp_path / "r.json"
    assert cli(capsys, "pack", "export", EVIL, "--format", "html", "--out", str(html_path), "--db", db)[0] == 0
    html = html_path.read_text(encoding="utf-8")
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert cli(capsys, "pack", "export", EVIL, "--format", "json", "--out", str(json_path), "--db", db)[0] == 0
    other = str(tmp_path / "other.db")
    code, out, _ = cli(capsys, "pack", "import", str(json_path), "--db", other)
    assert code == 0 and json.loads(out) == {"pack": EVIL, "cases": 2}
    code, _, err = cli(capsys, "pack", "import", str(json_path), "--db", other)
    assert code == 2 and err.startswith("error: A pack named") and err.count("\n") == 1
    assert cli(capsys, "pack", "import", str(json_path), "--name", "copy", "--db", other)[0] == 0


def test_errors_are_one_line(capsys, db, tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "textlens-pack", "format_version": 1, "pack": {}, "cases": []}', encoding="utf-8")
    for args in (
        ("pack", "show", "missing", "--db", db),
        ("pack", "import", str(bad), "--db", db),
        ("pack", "import", str(tmp_path / "nowhere.json"), "--db", db),
        ("pack", "export", "missing", "--format", "json", "--out", str(tmp_path / "x.json"), "--db", db),
        ("pack", "list", "--db", "mysql://u@h/d"),
    ):
        code, out, err = cli(capsys, *args)
        assert code == 2 and out == "" and err.startswith("error: ") and err.count("\n") == 1, (args, err)
    with open_store(db) as store:
        assert store.packs() == []


def test_pack_command_runs_as_a_module(tmp_path):
    out = run_cli("pack", "list", "--db", str(tmp_path / "p.db"))
    assert out.returncode == 0 and out.stdout == "" and out.stderr == ""
