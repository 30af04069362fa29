"""The command line prints the specified JSON, and one clear error line (no traceback) on bad input."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from tests.conftest import ROOT


def run_cli(*args: str, timeout: int = 300) -> subprocess.CompletedProcess:
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    return subprocess.run(
        [sys.executable, "-m", "textlens", *args], capture_output=True, text=True, cwd=ROOT, env=env, timeout=timeout
    )


def test_predict_texts_and_file(tmp_path, tiny_model_dir):
    path = tmp_path / "texts.txt"
    path.write_text("first text\n\nsecond text\n", encoding="utf-8")
    out = run_cli("predict", "hello there", "--file", str(path), "--model", str(tiny_model_dir))
    assert out.returncode == 0, out.stderr
    rows = [json.loads(line) for line in out.stdout.splitlines()]
    assert [r["text"] for r in rows] == ["hello there", "first text", "second text"]
    for row in rows:
        assert set(row) >= {"text", "label", "scores"}
        assert row["label"] == max(row["scores"], key=row["scores"].get)
        assert sum(row["scores"].values()) == pytest.approx(1.0)


@pytest.mark.parametrize("precision", ["float32", "bfloat16"])
def test_explain_json_shape(tiny_model_dir, precision):
    out = run_cli(
        "explain",
        "Sunny joy, quiet fear",
        "--target",
        "fear",
        "--max-evals",
        "100",
        "--model",
        str(tiny_model_dir),
        "--precision",
        precision,
    )
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert set(data) >= {"model", "text", "target", "base_value", "scores", "words", "converged"}
    assert data["target"] == "fear" and data["precision"] == precision
    assert [w["word"] for w in data["words"]] == ["Sunny", "joy", ",", "quiet", "fear"]
    total = data["base_value"] + sum(w["value"] for w in data["words"])
    assert total == pytest.approx(data["scores"]["fear"], abs=1e-4)


def test_default_model_predicts(tmp_path):
    out = run_cli("predict", "I loved this film, it was wonderful.")
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["label"] == "POSITIVE"


@pytest.mark.parametrize(
    "args,message",
    [
        (("predict", "hi", "--model", "no-such-org/no-such-model"), "was not found"),
        (("predict", "hi", "--model", "./no/such/folder"), "not a folder"),
        (("predict", "--file", "EMPTY"), "no texts"),
        (("predict", "--file", "/no/such/file.txt"), "No such file"),
        (("explain", "hi there", "--target", "NOPE"), "Unknown target"),
        (("explain", "   "), "empty"),
    ],
)
def test_errors_are_one_clear_line(tmp_path, args, message):
    empty = tmp_path / "empty.txt"
    empty.write_text("\n\n", encoding="utf-8")
    args = tuple(str(empty) if a == "EMPTY" else a for a in args)
    out = run_cli(*args)
    assert out.returncode != 0
    assert "Traceback" not in out.stderr
    lines = [line for line in out.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: ")
    assert message in lines[0]
