"""``corpus explain --method amortized``: one-pass values for whole files, batched, resumable, equal to the head's."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from tests.cli.test_pack import cli
from tests.corpus.test_local import texts
from tests.text.test_amortized import TEXTS
from textlens.corpus import MANIFEST, CorpusInterrupted, CorpusResultError, explanations, read_result, run_corpus
from textlens.corpus.overview import summarize_folder
from textlens.corpus.result import part_files
from textlens.text.amortized import train
from textlens.text.explain import explain_many


@pytest.fixture(scope="module")
def head_dir(tiny_classifier, tmp_path_factory):
    """A small head trained on a few exact explanations of the tiny model, saved as a user's would be."""
    amortizer = train(tiny_classifier, explain_many(tiny_classifier, TEXTS[:8]), steps=60, hidden=32, seed=0)
    return amortizer.save(tmp_path_factory.mktemp("head"))


def _input(path, cells):
    pd.DataFrame({"review": cells, "label": ["joy"] * len(cells)}).to_csv(path, index=False)
    return path


def test_every_row_gets_the_heads_values_in_batches_and_bad_rows_their_reason(tmp_path, tiny_classifier, head_dir):
    from textlens.text.amortized import load_amortizer

    cells = texts(150)
    cells[7], cells[90] = "", "\u200b"  # empty (read as missing) and only an invisible character
    source = _input(tmp_path / "in.csv", cells)
    summary = run_corpus(
        source,
        tmp_path / "out",
        text_column="review",
        classifier=tiny_classifier,
        method="amortized",
        amortizer=head_dir,
        part_rows=50,
    )
    assert (summary.rows, summary.done_now, summary.bad_now, summary.left) == (150, 150, 2, 0)
    result = read_result(tmp_path / "out")
    assert result.frame["row_id"].tolist() == list(range(150))
    assert result.frame["error"].notna().tolist() == [i in (7, 90) for i in range(150)]
    assert "empty" in result.frame["error"][7] and "no words" in result.frame["error"][90]
    stored = explanations(result.ok)
    wanted = [c for i, c in enumerate(cells) if i not in (7, 90)]
    direct = load_amortizer(head_dir).explain(tiny_classifier, wanted)
    assert [e.text for e in stored] == wanted
    for got, expected in zip(stored, direct):
        assert got.amortized and got.settings["method"] == "amortized"
        assert [(w.start, w.end) for w in got.words] == [(w.start, w.end) for w in expected.words]
        # Batched with other texts, padding moves float32 sums in their last digits only.
        np.testing.assert_allclose([w.values for w in got.words], [w.values for w in expected.words], rtol=1e-4)
        np.testing.assert_allclose(got.scores, expected.scores, rtol=1e-5)
        for i in range(len(got.labels)):
            assert got.base_values[i] + sum(w.values[i] for w in got.words) == pytest.approx(got.scores[i], abs=1e-5)
    manifest = json.loads((tmp_path / "out" / MANIFEST).read_text())
    assert manifest["settings"]["method"] == "amortized" and len(manifest["settings"]["amortizer"]) == 16
    assert manifest["amortizer"]["trust"].startswith("estimated in one pass")
    assert len(part_files(tmp_path / "out")) == 3  # parts of 50 rows: batches never cross a part
    assert summarize_folder(tmp_path / "out")["settings"]["method"] == "amortized"


def test_an_interrupted_run_resumes_and_exact_settings_cannot_resume_it(tmp_path, tiny_classifier, head_dir):
    source = _input(tmp_path / "in.csv", texts(100))
    common = dict(text_column="review", classifier=tiny_classifier, amortizer=head_dir, part_rows=30)
    with pytest.raises(CorpusInterrupted) as stopped:
        run_corpus(source, tmp_path / "out", method="amortized", stop_after=45, **common)
    assert stopped.value.summary.done_now == 45
    with pytest.raises(CorpusResultError, match="method"):
        run_corpus(source, tmp_path / "out", **common)  # exact values would not belong with these
    summary = run_corpus(source, tmp_path / "out", method="amortized", **common)
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
            method="amortized",
            amortizer=head_dir,
            leaves="tokens",
        )
    with pytest.raises(CorpusResultError, match="Unknown method"):
        run_corpus(source, tmp_path / "b", text_column="review", classifier=tiny_classifier, method="fast")


def test_cli_without_an_explainer_says_how_to_train_one(capsys, tmp_path, tiny_model_dir, monkeypatch):
    monkeypatch.delenv("TEXTLENS_AMORTIZERS", raising=False)
    source = _input(tmp_path / "in.csv", texts(3))
    args = ["corpus", "explain", str(source), "--text-column", "review", "--out", str(tmp_path / "out")]
    code, _, err = cli(capsys, *args, "--model", str(tiny_model_dir), "--method", "amortized", "--quiet")
    assert code == 2 and "textlens amortize train" in err and "Traceback" not in err


def test_cli_with_the_bundled_model_and_its_shipped_explainer(capsys, tmp_path):
    source = _input(tmp_path / "in.csv", ["a warm, funny and moving film", "the plot was dull and the acting worse"])
    args = ["corpus", "explain", str(source), "--text-column", "review", "--out", str(tmp_path / "out")]
    code, stdout, err = cli(capsys, *args, "--method", "amortized")
    assert code == 0, err
    assert json.loads(stdout)["done_now"] == 2 and "2 of 2 rows" in err
    found = explanations(read_result(tmp_path / "out").ok)
    assert [e.predicted_label for e in found] == ["POSITIVE", "NEGATIVE"]
    assert all(e.amortized for e in found)
    summary = summarize_folder(tmp_path / "out")
    assert summary["method"] == "amortized" and summary["agreement"].startswith("estimated in one pass; r = ")
