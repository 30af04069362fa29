"""``python -m textlens faithfulness``: JSON with the issue's keys; one-line errors."""

from __future__ import annotations

import json

from tests.text.test_faithfulness import ISSUE_KEYS as KEYS
from textlens.cli.main import main


def test_prints_the_numbers_as_json(tiny_model_dir, capsys):
    code = main(["faithfulness", "A fine, unremarkable film.", "--model", str(tiny_model_dir), "--target", "joy"])
    out = json.loads(capsys.readouterr().out)
    assert code == 0
    assert out["target"] == "joy" and out["words"] == 6  # A fine , unremarkable film .
    assert all(isinstance(out[key], float) for key in KEYS)
    assert out["sentence"].startswith("Removing the top 3 words")
    assert out["removal"] == "mask" and out["mask_token"] == "[MASK]"


def test_deleting_instead_of_masking(tiny_model_dir, capsys):
    code = main(["faithfulness", "A fine, unremarkable film.", "--model", str(tiny_model_dir), "--removal", "delete"])
    out = json.loads(capsys.readouterr().out)
    assert code == 0 and out["removal"] == "delete" and out["mask_token"] == ""
    assert all(isinstance(out[key], float) for key in KEYS)


def test_errors_are_one_line(tiny_model_dir, capsys):
    assert main(["faithfulness", "text", "--model", str(tiny_model_dir), "--target", "nope"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: Unknown target 'nope'") and err.count("\n") == 1
    assert main(["faithfulness", "   ", "--model", str(tiny_model_dir)]) == 2
    assert capsys.readouterr().err.startswith("error: The text is empty")
