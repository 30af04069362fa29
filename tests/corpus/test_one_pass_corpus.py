"""``corpus explain --method one-pass``: one-pass values for whole files, batched, resumable, equal to the head's."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from tests.cli.test_pack import cli
from tests.corpus.test_local import texts
from tests.text.test_one_pass import TEXTS
from textlens.corpus import MANIFEST, CorpusInterrupted, CorpusResultError, explanations, read_result, run_corpus
from textlens.corpus.overview import summarize_folder
from textlens.corpus.result import part_files
from textlens.text.explain import explain_many
from textlens.text.one_pass import train


@pytest.fixture(scope="module")
def head_dir(tiny_classifier, tmp_path_factory):
    """A small head trained on a few exact explanations of the tiny model, saved as a user's would be."""
    explainer = train(tiny_classifier, explain_many(tiny_classifier, TEXTS[:8]), steps=60, hidden=32, seed=0)
    return explainer.save(tmp_path_factory.mktemp("head"))


def _input(path, cells):
    pd.DataFrame({"review": cells, "label": ["joy"] * len(cells)}).to_csv(path, index=False)
    return path


def test_every_row_gets_the_heads_values_in_batches_and_bad_rows_their_reason(tmp_path, tiny_classifier, head_dir):
    from textlens.text.one_pass import load_one_pass

    cells = texts(150)
    cells[7], cells[90] = "", "\u200b"  # empty (read as missing) and only an invisible character
    source = _input(tmp_path / "in.csv", cells)
    summary = run_corpus(
        source,
        tmp_path / "out",
        text_column="review",
        classifier=tiny_classifier,
        method="one-pass",
        explainer=head_dir,
        part_rows=50,
    )
    assert (summary.rows, summary.done_now, summary.bad_now, summary.left) == (150, 150, 2, 0)
    result = read_result(tmp_path / "out")
    assert result.frame["row_id"].tolist() == list(range(150))
    assert result.frame["error"].notna().tolist() == [i in (7, 90) for i in range(150)]
    assert "empty" in result.frame["error"][7] and "no words" in result.frame["error"][90]
    stored = explanations(result.ok)
    wanted = [c for i, c in enumerate(cells) if i not in (7, 90)]
    direct = load_one_pass(head_dir).explain(tiny_classifier, wanted)
    assert [e.text for e in stored] == wanted
    for got, expected in zip(stored, direct):
        assert got.one_pass and got.settings["method"] == "one-pass"
        assert [(w.start, w.end) for w in got.words] == [(w.start, w.end) for w in expected.words]
        # Batched with other texts, padding moves float32 sums in their last digits only.
        np.testing.assert_allclose([w.values for w in got.words], [w.values for w in expected.words], rtol=1e-4)
        np.testing.assert_allclose(got.scores, expected.scores, rtol=1e-5)
        for i in range(len(got.labels)):
            assert got.base_values[i] + sum(w.values[i] for w in got.words) == pytest.approx(got.scores[i], abs=1e-5)
    manifest = json.loads((tmp_path / "out" / MANIFEST).read_text())
    assert manifest["settings"]["method"] == "one-pass" and len(manifest["settings"]["one_pass"]) == 16
    assert manifest["one_pass"]["trust"].startswith("estimated in one pass")
    assert len(part_files(tmp_path / "out")) == 3  # parts of 50 rows: batches never cross a part
    assert summarize_folder(tmp_path / "out")["settings"]["method"] == "one-pass"


def test_an_interrupted_run_resumes_and_exact_settings_cannot_resume_it(tmp_path, tiny_classifier, head_dir):
    source = _input(tmp_path / "in.csv", texts(100))
    common = dict(text_column="review", classifier=tiny_classifier, explainer=head_dir, part_rows=30)
    with pytest.raises(CorpusInterrupted) as stopped:
        run_corpus(source, tmp_path / "out", method="one-pass", stop_after=45, **common)
    assert stopped.value.summary.done_now == 45
    with pytest.raises(CorpusResultError, match="method"):
        run_corpus(source, tmp_path / "out", **common)  # exact values would not belong with these
    summary = run_corpus(source, tmp_path / "out", method="one-pass", **common)
    assert (summary.done_before, summary.done_now, summary.left) == (45, 55, 0)
    assert read_result(tmp_path / "out").frame["row_id"].tolist() == list(range(100))


def test_tokens_and_unknown_methods_are_refused(tmp_path, tiny_classifier, head_dir):
    source = _input(tmp_path / "in.csv", texts(3))
    with pytest.raises(CorpusResultError, match="per word"):
        run_corpus(
            source,
            tmp_path / "a",
            text_column="review",
            classifier=tiny_classifier,
            method="one-pass",
            explainer=head_dir,
            leaves="tokens",
        )
    with pytest.raises(CorpusResultError, match="Unknown method"):
        run_corpus(source, tmp_path / "b", text_column="review", classifier=tiny_classifier, method="fast")


def test_cli_without_an_explainer_says_how_to_train_one(capsys, tmp_path, tiny_model_dir, monkeypatch):
    monkeypatch.delenv("TEXTLENS_ONE_PASS", raising=False)
    source = _input(tmp_path / "in.csv", texts(3))
    args = ["corpus", "explain", str(source), "--text-column", "review", "--out", str(tmp_path / "out")]
    code, _, err = cli(capsys, *args, "--model", str(tiny_model_dir), "--method", "one-pass", "--quiet")
    assert code == 2 and "textlens one-pass train" in err and "Traceback" not in err


def test_cli_with_the_bundled_model_and_its_shipped_explainer(capsys, tmp_path):
    source = _input(tmp_path / "in.csv", ["a warm, funny and moving film", "the plot was dull and the acting worse"])
    args = ["corpus", "explain", str(source), "--text-column", "review", "--out", str(tmp_path / "out")]
    code, stdout, err = cli(capsys, *args, "--method", "one-pass")
    assert code == 0, err
    assert json.loads(stdout)["done_now"] == 2 and "2 of 2 rows" in err
    found = explanations(read_result(tmp_path / "out").ok)
    assert [e.predicted_label for e in found] == ["POSITIVE", "NEGATIVE"]
    assert all(e.one_pass for e in found)
    summary = summarize_folder(tmp_path / "out")
    assert summary["method"] == "one-pass" and summary["agreement"].startswith("estimated in one pass; r = ")


def _as_earlier_identity(folder, fingerprint: str, head=None) -> None:
    """Rewrite a result's manifest as textlens wrote it before identity 2 (the head's digest hashed that identity)."""
    from dataclasses import replace

    manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    del manifest["model_identity"]
    manifest["model_fingerprint"] = manifest["provenance"]["model_fingerprint"] = fingerprint
    if head is not None:
        manifest["settings"]["one_pass"] = replace(head, fingerprint=fingerprint).digest()
    (folder / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")


def test_a_result_under_the_earlier_identity_resumes_here_or_after_the_one_command(
    tmp_path, tiny_classifier, tiny_model_dir, head_dir, capsys
):
    from textlens.text.one_pass import load_one_pass

    head = load_one_pass(head_dir)
    source = _input(tmp_path / "in.csv", texts(40))
    common = dict(text_column="review", classifier=tiny_classifier, explainer=head_dir, method="one-pass")
    for where, earlier in (("here", tiny_classifier.legacy_fingerprint), ("elsewhere", "0" * 64)):
        out = tmp_path / where
        with pytest.raises(CorpusInterrupted):
            run_corpus(source, out, stop_after=10, **common)
        _as_earlier_identity(out, earlier, head)
        if where == "elsewhere":  # its identity cannot be told from another model's: the user says so once
            with pytest.raises(CorpusResultError) as why:
                run_corpus(source, out, **common)
            assert f"textlens reattach {out} --model {tiny_classifier.model_id}" in str(why.value)
            code, stdout, err = cli(capsys, "reattach", str(out), "--model", str(tiny_model_dir))
            assert code == 0, err
            assert json.loads(stdout) == {
                "reattached": str(out),
                "kind": "corpus result",
                "fingerprint": tiny_classifier.fingerprint,
            }
        summary = run_corpus(source, out, **common)
        assert (summary.done_before, summary.done_now, summary.left) == (10, 30, 0)
        manifest = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
        assert manifest["model_fingerprint"] == tiny_classifier.fingerprint and manifest["model_identity"] == 2
        assert manifest["settings"]["one_pass"] == head.digest()
        assert [r["from"] for r in manifest["reattached"]] == [earlier]


def test_reattach_refuses_a_result_made_by_another_head(tmp_path, tiny_classifier, tiny_model_dir, head_dir, capsys):
    source = _input(tmp_path / "in.csv", texts(20))
    common = dict(text_column="review", classifier=tiny_classifier, explainer=head_dir, method="one-pass")
    with pytest.raises(CorpusInterrupted):
        run_corpus(source, tmp_path / "out", stop_after=5, **common)
    _as_earlier_identity(tmp_path / "out", "0" * 64)  # its head's digest is not this head's under that identity
    code, _, err = cli(capsys, "reattach", str(tmp_path / "out"), "--model", str(tiny_model_dir))
    assert code == 2 and "another one-pass explainer" in err
    assert "reattached" not in json.loads((tmp_path / "out" / MANIFEST).read_text(encoding="utf-8"))


def test_a_result_written_with_the_earlier_names_resumes(tmp_path, tiny_classifier, head_dir):
    """Earlier results said "amortized" and "amortizer" where they now say "one-pass" and "one_pass"."""
    source = _input(tmp_path / "in.csv", texts(30))
    common = dict(text_column="review", classifier=tiny_classifier, explainer=head_dir, method="one-pass")
    with pytest.raises(CorpusInterrupted):
        run_corpus(source, tmp_path / "out", stop_after=10, **common)
    path = tmp_path / "out" / MANIFEST
    manifest = json.loads(path.read_text(encoding="utf-8"))
    manifest["amortizer"] = manifest.pop("one_pass")
    for settings in (manifest["settings"], manifest["provenance"]["settings"]):
        settings["method"], settings["amortizer"] = "amortized", settings.pop("one_pass")
    path.write_text(json.dumps(manifest), encoding="utf-8")
    summary = run_corpus(source, tmp_path / "out", **{**common, "method": "amortized"})
    assert (summary.done_before, summary.done_now, summary.left) == (10, 20, 0)
    assert summarize_folder(tmp_path / "out")["agreement"].startswith("estimated in one pass")
    assert all(e.one_pass for e in explanations(read_result(tmp_path / "out").ok))
