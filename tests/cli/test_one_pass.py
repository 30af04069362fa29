"""``textlens one-pass train`` and ``textlens explain --method one-pass`` on a tiny model, end to end."""

from __future__ import annotations

import json

import pytest

from tests.cli.test_pack import cli
from tests.text.test_one_pass import TEXTS
from textlens.corpus.result import MANIFEST


def test_train_then_explain_in_one_pass_with_the_agreement(capsys, tmp_path, tiny_model_dir, monkeypatch):
    data = tmp_path / "texts.csv"
    data.write_text("text\n" + "\n".join(f'"{t}"' for t in TEXTS * 2) + "\n", encoding="utf-8")
    out = tmp_path / "explainer"
    model = str(tiny_model_dir)
    args = ["one-pass", "train", "--data", str(data), "--text-column", "text", "--out", str(out), "--model", model]
    code, stdout, err = cli(capsys, *args, "--steps", "50", "--held-out", "0.3")
    assert code == 0, err
    report = json.loads(stdout)
    assert report["training"]["texts"] + report["agreement"]["texts"] <= 2 * len(TEXTS)
    assert report["agreement"]["texts"] >= 2 and "held-out texts" in report["agreement"]["data"]
    assert "steps" in err and "estimated in one pass; r = " in err
    assert (out / "exact" / MANIFEST).is_file() and (out / "head.pt").is_file()
    # Run again: the exact explanations are all there already, nothing is explained twice.
    code, _, err = cli(capsys, *args, "--steps", "10", "--held-out", "0.3")
    assert code == 0 and "(0 this run)" in err
    # The explainer is found through TEXTLENS_ONE_PASS, or given by its folder.
    monkeypatch.setenv("TEXTLENS_ONE_PASS", str(out))
    code, stdout, err = cli(capsys, "explain", TEXTS[0], "--model", model, "--method", "one-pass")
    assert code == 0, err
    result = json.loads(stdout)
    assert result["method"] == "one-pass"
    total = result["base_value"] + sum(w["value"] for w in result["words"])
    assert total == pytest.approx(result["scores"][result["target"]], abs=1e-5)
    assert [w["word"] for w in result["words"]] == TEXTS[0].split()


def test_explain_one_pass_without_an_explainer_says_how_to_train_one(capsys, tiny_model_dir, monkeypatch):
    monkeypatch.delenv("TEXTLENS_ONE_PASS", raising=False)
    code, _, err = cli(capsys, "explain", "a fine film", "--model", str(tiny_model_dir), "--method", "one-pass")
    assert code == 2 and "textlens one-pass train" in err and "Traceback" not in err


def test_reattach_gives_a_head_this_models_identity_or_refuses_with_a_reason(tiny_model_dir, tmp_path, capsys):
    from tests.text.test_one_pass import _as_earlier_identity
    from textlens import load_classifier
    from textlens.text.explain import explain_many
    from textlens.text.one_pass import require_one_pass, train

    classifier = load_classifier(str(tiny_model_dir))
    folder = train(classifier, explain_many(classifier, TEXTS[:4]), steps=20, hidden=16).save(tmp_path / "head")
    _as_earlier_identity(folder, "0" * 64)
    code, _, err = cli(capsys, "reattach", str(folder))  # the bundled model: two labels, not three
    assert code == 2 and "trained for another model" in err and "Traceback" not in err
    assert "reattached" not in json.loads((folder / "one_pass.json").read_text(encoding="utf-8"))
    code, _, err = cli(capsys, "reattach", str(tmp_path), "--model", str(tiny_model_dir))
    assert code == 2 and "neither a one-pass explainer" in err
    code, out, err = cli(capsys, "reattach", str(folder), "--model", str(tiny_model_dir))
    assert code == 0, err
    assert json.loads(out) == {
        "reattached": str(folder),
        "kind": "one-pass explainer",
        "fingerprint": classifier.fingerprint,
    }
    assert require_one_pass(classifier, folder).identity == 2


def test_the_earlier_names_still_work(capsys, tmp_path, tiny_model_dir, monkeypatch):
    """A head saved by earlier textlens (amortizer.json, found through TEXTLENS_AMORTIZERS), `amortize train` and
    `--method amortized --amortizer DIR` keep working under the one name the docs and pages now use, one-pass."""
    data = tmp_path / "texts.csv"
    data.write_text("text\n" + "\n".join(f'"{t}"' for t in TEXTS) + "\n", encoding="utf-8")
    out, model = tmp_path / "head", str(tiny_model_dir)
    args = ["amortize", "train", "--data", str(data), "--text-column", "text", "--out", str(out), "--model", model]
    code, _, err = cli(capsys, *args, "--steps", "10", "--held-out", "0.3")
    assert code == 0, err
    (out / "one_pass.json").rename(out / "amortizer.json")  # the card's earlier name
    monkeypatch.delenv("TEXTLENS_ONE_PASS", raising=False)
    monkeypatch.setenv("TEXTLENS_AMORTIZERS", str(out))
    for extra in ([], ["--amortizer", str(out)]):
        code, stdout, err = cli(capsys, "explain", TEXTS[0], "--model", model, "--method", "amortized", *extra)
        assert code == 0, err
        assert json.loads(stdout)["method"] == "one-pass"
