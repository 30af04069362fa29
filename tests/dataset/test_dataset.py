"""The Dataset core: reading labelled files, matching labels, predicting rows, metrics, slices, word aggregates."""

from __future__ import annotations

import io
import json

import numpy as np
import pandas as pd
import pytest

from textlens import InputFileError
from textlens.dataset import (
    MAX_ROWS,
    NO_LABEL,
    PatternError,
    compute_metrics,
    content_hash,
    length_slices,
    match_labels,
    metadata_slices,
    pattern_slice,
    predict_rows,
    read_labelled,
    results_frame,
    slice_metrics,
)
from textlens.dataset import slices as slices_module
from textlens.dataset.metrics import Metrics
from textlens.dataset.slices import SliceMetrics
from textlens.text.models import Classifier
from textlens.text.wordstats import word_contrast, word_statistics

CSV = "id,review,sentiment\n1,A warm and funny film,positive\n2,Dull and far too long,negative\n"

# --- loading ---------------------------------------------------------------------------------


def test_reads_utf8_csv_with_every_cell_as_text():
    f = read_labelled(CSV.encode(), "reviews.csv")
    assert f.columns == ["id", "review", "sentiment"]
    assert f.frame["id"].tolist() == ["1", "2"]  # ids stay text, as written
    assert f.encoding == "utf-8-sig" and not f.notices and not f.sampled


def test_bom_and_latin1_and_cp1252():
    bom = read_labelled(b"\xef\xbb\xbf" + CSV.encode(), "bom.csv")
    assert bom.columns[0] == "id"  # the BOM is not part of the first column's name
    latin = read_labelled("text,label\nCafé crème très bon,positive\n".encode("latin-1"), "latin.csv")
    assert latin.frame["text"][0] == "Café crème très bon"
    assert latin.encoding in ("cp1252", "latin-1") and "not UTF-8" in latin.notices[0]


def test_tsv_semicolon_parquet_jsonl_and_json_array():
    tsv = read_labelled(b"text\tlabel\nnice one\t1\n", "a.tsv")
    assert tsv.frame["label"].tolist() == ["1"]
    semi = read_labelled(b"text;label\nnice, really;1\n", "a.csv")
    assert semi.frame["text"].tolist() == ["nice, really"]
    buffer = io.BytesIO()
    pd.DataFrame({"text": ["good", "bad"], "label": [1, 0]}).to_parquet(buffer)
    parquet = read_labelled(buffer.getvalue(), "data.parquet")
    assert parquet.format == "parquet" and parquet.frame["label"].tolist() == [1, 0]
    lines = b'{"text": "good", "label": "POSITIVE"}\n\n{"text": "bad", "label": 0}\n'
    assert read_labelled(lines, "a.jsonl").frame["label"].tolist() == ["POSITIVE", 0]
    array = json.dumps([{"text": "good", "y": 1}]).encode()
    assert read_labelled(array, "a.json").columns == ["text", "y"]


# Bad files (empty, binary, malformed, ...) are one table for every reader: tests/dataset/test_reader.py.


def test_missing_path_is_an_input_error(tmp_path):
    with pytest.raises(InputFileError, match="not a file"):
        read_labelled(tmp_path / "nope.csv")


def test_100k_rows_are_sampled_to_the_cap_in_file_order(tmp_path):
    path = tmp_path / "big.csv"
    rows = "\n".join(f"{i},review number {i} was fine,{i % 2}" for i in range(100_000))
    path.write_text("id,text,label\n" + rows + "\n")
    f = read_labelled(path)
    assert f.total_rows == 100_000 and len(f.frame) == MAX_ROWS and f.sampled
    ids = f.frame["id"].astype(int)
    assert ids.is_monotonic_increasing and ids.nunique() == MAX_ROWS
    assert ids.max() > 90_000  # a sample of the whole file, not its head
    assert "100,000 rows" in f.notices[-1]
    assert read_labelled(path).frame["id"].tolist() == f.frame["id"].tolist()  # seeded: the same sample
    assert content_hash(path) == content_hash(path.read_bytes())


def test_column_guesses():
    f = read_labelled(CSV.encode(), "reviews.csv")
    assert f.guess_columns(("NEGATIVE", "POSITIVE")) == ("review", "sentiment")


# --- labels ----------------------------------------------------------------------------------


def test_labels_match_by_name_case_insensitively_and_by_id():
    index, match = match_labels(["positive", " NEGATIVE ", "1", 0, 1.0, "Positive"], ("NEGATIVE", "POSITIVE"))
    assert index.tolist() == [1, 0, 1, 0, 1, 1]
    assert match.unmatched == {} and match.message() is None and match.matched == 6


def test_unmatched_and_missing_labels_are_reported_not_dropped():
    values = ["positive", "neutral", "neutral", "7", None, float("nan"), "", "negative"]
    index, match = match_labels(values, ("negative", "positive"))
    assert index.tolist() == [1, NO_LABEL, NO_LABEL, NO_LABEL, NO_LABEL, NO_LABEL, NO_LABEL, 0]
    assert match.unmatched == {"neutral": 2, "7": 1} and match.missing == 3
    message = match.message()
    assert "'neutral' (2 rows)" in message and "3 rows have no label" in message and "left out" in message


def test_label_names_that_look_like_ids_match_by_name_first():
    index, _ = match_labels(["1", "0"], ("1", "0"))
    assert index.tolist() == [0, 1]


def test_labels_matched_as_ids_say_so():
    _, match = match_labels(["1", "0", "positive", 1.0], ("NEGATIVE", "POSITIVE"))
    assert match.note() == "0 → NEGATIVE, 1 → POSITIVE, by the model's label order."
    _, by_name = match_labels(["positive", "NEGATIVE"], ("NEGATIVE", "POSITIVE"))
    assert by_name.note() is None


# --- metrics against scikit-learn ---------------------------------------------------------------


def test_metrics_match_scikit_learn():
    sklearn = pytest.importorskip("sklearn.metrics")
    calibration = pytest.importorskip("sklearn.calibration")
    rng = np.random.default_rng(3)
    labels = ("a", "b", "c", "d")
    truth = rng.integers(0, 3, 500)  # "d" never true
    predicted = np.where(rng.random(500) < 0.7, truth, rng.integers(0, 4, 500))
    confidence = rng.uniform(0.25, 1.0, 500)
    confidence[:5] = [0.3, 0.5, 0.7, 1.0, 0.25]  # bin edges
    m = compute_metrics(truth, predicted, confidence, labels)
    assert m.accuracy == pytest.approx(sklearn.accuracy_score(truth, predicted))
    assert m.macro_f1 == pytest.approx(sklearn.f1_score(truth, predicted, average="macro", zero_division=0))
    p, r, f, s = sklearn.precision_recall_fscore_support(truth, predicted, labels=range(4), zero_division=0)
    assert [c.precision for c in m.per_class] == pytest.approx(p)
    assert [c.recall for c in m.per_class] == pytest.approx(r)
    assert [c.f1 for c in m.per_class] == pytest.approx(f)
    assert [c.support for c in m.per_class] == s.tolist()
    assert np.array(m.confusion).tolist() == sklearn.confusion_matrix(truth, predicted, labels=range(4)).tolist()
    correct = (truth == predicted).astype(int)
    prob_true, prob_pred = calibration.calibration_curve(correct, confidence, n_bins=10, strategy="uniform")
    full = [b for b in m.calibration if b.count]
    assert [b.accuracy for b in full] == pytest.approx(prob_true)
    assert [b.confidence for b in full] == pytest.approx(prob_pred)
    counts = np.array([b.count for b in full])
    assert m.ece == pytest.approx(float(np.sum(counts / 500 * np.abs(prob_true - prob_pred))))
    assert Metrics.from_dict(json.loads(json.dumps(m.to_dict()))) == m or _same_with_nan(m)


def _same_with_nan(m: Metrics) -> bool:
    back = Metrics.from_dict(json.loads(json.dumps(m.to_dict())))
    return back.to_dict() == m.to_dict()


def test_metrics_skip_rows_without_label_or_prediction():
    m = compute_metrics(np.array([0, 1, -1, 1]), np.array([0, 0, 1, -1]), np.array([0.9, 0.8, 0.7, 0.6]), ("x", "y"))
    assert m.rows == 2 and m.accuracy == 0.5 and m.errors == 1
    assert compute_metrics(np.array([-1]), np.array([0]), np.array([0.5]), ("x", "y")) is None


# --- slices ----------------------------------------------------------------------------------


def test_length_and_metadata_slices():
    texts = ["one", "two words here", " ".join(["w"] * 12), None]
    names = [s.value for s in length_slices(texts)]
    assert names == ["1–5 words", "11–20 words"]
    sl = metadata_slices(["en", "en", "fr", None, "de", "it"], "lang", max_values=2)
    assert [(s.value, int(s.mask.sum())) for s in sl] == [("en", 2), ("fr", 1), ("(other)", 3)]


def test_keyword_is_a_whole_word_and_regex_works():
    texts = ["This is not good", "Nothing here", "NOT bad", 5]
    assert pattern_slice(texts, "not").mask.tolist() == [True, False, True, False]
    assert pattern_slice(texts, "not", case=True).mask.tolist() == [True, False, False, False]
    assert pattern_slice(texts, r"^no", is_regex=True).mask.tolist() == [False, True, True, False]


@pytest.mark.parametrize("pattern", ["(unclosed", "", "  "])
def test_bad_patterns_say_why(pattern):
    with pytest.raises(PatternError):
        pattern_slice(["text"], pattern, is_regex=True)


def test_catastrophic_regex_times_out_with_a_message(monkeypatch):
    monkeypatch.setattr(slices_module, "PATTERN_SECONDS", 0.2)
    with pytest.raises(PatternError, match="backtracks"):
        pattern_slice(["a" * 40 + "!"], r"(a|aa)+$", is_regex=True)


def test_slice_metrics_worst_first_small_slices_last():
    truth = np.array([0] * 20 + [1] * 20 + [0] * 3)
    predicted = np.array([0] * 20 + [0] * 10 + [1] * 10 + [1] * 3)
    confidence = np.full(43, 0.8)
    groups = np.array(["good"] * 20 + ["bad"] * 20 + ["tiny"] * 3)
    result = slice_metrics(metadata_slices(groups.tolist(), "src"), truth, predicted, confidence, ("neg", "pos"))
    assert [s.value for s in result] == ["bad", "good", "tiny"]
    assert result[0].accuracy == 0.5 and result[0].errors == 10 and result[2].small
    assert result[0].accuracy_delta == pytest.approx(0.5 - 30 / 43)
    assert SliceMetrics.from_dict(result[0].to_dict()) == result[0]


# --- prediction ------------------------------------------------------------------------------


def test_predict_rows_lists_unreadable_rows_and_reports_progress(tiny_classifier):
    texts = ["a fine film", "", None, 42, "a much longer text " * 20, "   "]
    calls = []
    run = predict_rows(tiny_classifier, texts, batch_size=2, progress=lambda *a: calls.append(a))
    assert run.error_rows() == {"empty text": [1, 2, 5], "not text": [3]}
    assert run.ok.tolist() == [True, False, False, False, True, False]
    assert np.allclose(run.probs[run.ok].sum(axis=1), 1.0)
    expected = tiny_classifier.predict(["a fine film", "a much longer text " * 20])
    assert np.allclose(run.probs[[0, 4]], expected, atol=1e-5)
    assert calls[0][:2] == (0, 2) and calls[-1][:2] == (2, 2) and calls[-1][2] == 0


def test_results_frame_keeps_every_input_column(tiny_classifier):
    frame = pd.DataFrame({"id": ["r1", "r2", "r3"], "text": ["good", "", "bad"], "y": ["joy", "fear", "meh"]})
    run = predict_rows(tiny_classifier, frame["text"].tolist())
    results, match = results_frame(frame, "text", run, "y")
    assert list(results.columns[:4]) == ["row_id", "id", "text", "y"]
    assert {"predicted_label", "confidence", "true_label", "correct", "error"} <= set(results.columns)
    assert [f"score_{label}" in results for label in tiny_classifier.labels] == [True] * 3
    assert results["true_label"].tolist()[:2] == ["joy", "fear"] and pd.isna(results["true_label"][2])
    assert pd.isna(results["correct"][1]) and pd.isna(results["correct"][2])  # no prediction / no label
    assert results["error"].tolist() == ["", "empty text", ""]
    assert match.unmatched == {"meh": 1}


# --- word aggregate --------------------------------------------------------------------------


class PlantedClassifier(Classifier):
    """Deterministic: POSITIVE when the planted word is in the text, whatever else it says."""

    PLANT = "zorblat"

    def predict(self, texts, batch_size=None):
        hit = np.array([self.PLANT in t.lower() for t in texts], dtype=float)
        small = np.array([0.02 * ("film" in t.lower()) for t in texts])
        positive = 0.1 + 0.8 * hit + small
        return np.stack([1 - positive, positive], axis=1)


@pytest.fixture(scope="module")
def planted(tiny_classifier):
    return PlantedClassifier(
        model_id="planted",
        model=None,
        tokenizer=tiny_classifier.tokenizer,
        labels=("NEGATIVE", "POSITIVE"),
        max_length=64,
    )


def test_planted_word_gets_the_top_attribution_and_stands_out_in_errors(planted):
    from textlens import explain

    texts = [
        "a dull zorblat film",
        "the zorblat plot was slow",
        "an awful zorblat of a film",
        "a long and boring film",
        "a warm zorblat film",
        "a warm and lovely film",
    ]
    truth = ["NEGATIVE", "NEGATIVE", "NEGATIVE", "NEGATIVE", "POSITIVE", "NEGATIVE"]
    explanations = [explain(planted, t) for t in texts]
    stats = word_statistics(explanations, "POSITIVE", min_count=2)
    assert stats[0].word == "zorblat" and stats[0].mean == pytest.approx(0.8, abs=0.02)
    assert stats[0].inputs == 4 and stats[0].mean_abs == pytest.approx(stats[0].mean)
    assert all(s.inputs >= 2 for s in stats)
    wrong = [e.predicted_label != y for e, y in zip(explanations, truth)]
    contrast = word_contrast(
        [e for e, w in zip(explanations, wrong) if w], [e for e, w in zip(explanations, wrong) if not w]
    )
    assert contrast[0].word == "zorblat" and contrast[0].errors.inputs == 3
    assert contrast[0].correct.inputs == 1 and contrast[0].cue == pytest.approx(0.0, abs=0.02)


# --- data folder, samples, downloads ---------------------------------------------------------


def test_data_folder_lists_files_and_results_and_never_leaves_it(tmp_path):
    from textlens.corpus import DataEntry, data_folder_entries, resolve_entry

    root = tmp_path / "data"
    (root / "sub").mkdir(parents=True)
    (root / "a.csv").write_text(CSV)
    (root / "sub" / "b.parquet").write_bytes(b"PAR1")
    (root / "notes.md").write_text("no")
    (root / ".hidden.csv").write_text(CSV)
    (root / "run1").mkdir()
    (root / "run1" / "_textlens_corpus.json").write_text("{}")
    (root / "run1" / "part-0.parquet").write_bytes(b"PAR1")
    outside = tmp_path / "secret.csv"
    outside.write_text(CSV)
    (root / "link.csv").symlink_to(outside)
    entries = data_folder_entries(root)
    assert [(e.path, e.kind) for e in entries] == [("a.csv", "file"), ("run1", "result"), ("sub/b.parquet", "file")]
    assert resolve_entry(root, entries[0]) == (root / "a.csv").resolve()
    with pytest.raises(InputFileError, match="outside"):
        resolve_entry(root, DataEntry("../secret.csv", "file"))
    assert data_folder_entries(tmp_path / "missing") == []


def test_sample_rows_takes_errors_and_correct_rows():
    from textlens.dataset import sample_rows

    ok = np.ones(100, dtype=bool)
    ok[:5] = False
    wrong = np.zeros(100, dtype=bool)
    wrong[[1, 10, 11, 12]] = True
    pick = sample_rows(ok, wrong, 10)
    assert len(pick) == 10 and ok[pick].all() and list(pick) == sorted(pick)
    assert set(pick) >= {10, 11, 12}  # every usable error (row 1 has no prediction)
    assert len(sample_rows(ok, None, 500)) == 95


def test_results_parquet_writes_mixed_columns_as_text(tiny_classifier):
    from textlens.dataset import results_parquet

    frame = pd.DataFrame({"text": ["good", "bad"], "label": ["POSITIVE", 0]})
    results, _ = results_frame(frame, "text", predict_rows(tiny_classifier, frame["text"].tolist()), "label")
    back = pd.read_parquet(io.BytesIO(results_parquet(results)))
    assert back["label"].tolist() == ["POSITIVE", "0"] and back["row_id"].tolist() == [0, 1]


def test_corpus_result_opens_as_a_stored_run(tiny_classifier, tmp_path):
    from textlens.corpus import read_stored, result_hash, run_corpus, stored_explanations

    source = tmp_path / "in.csv"
    source.write_text("review,y\nA warm film,joy\n,fear\nA dull one,anger\n", encoding="utf-8")
    out = tmp_path / "result"
    run_corpus(source, out, text_column="review", label_column="y", classifier=tiny_classifier, show_progress=False)
    stored = read_stored(out)
    assert stored.text_column == "review" and stored.label_column == "y"
    assert stored.labelled.columns == ["review", "y"]
    assert stored.run.ok.tolist() == [True, False, True] and stored.run.errors[1]
    expected = tiny_classifier.predict(["A warm film", "A dull one"])
    assert np.allclose(stored.run.probs[[0, 2]], expected, atol=1e-4)
    first, missing, last = stored_explanations(stored, [0, 1, 2])
    assert first.text == "A warm film" and missing is None and last.text == "A dull one"
    before = result_hash(out)
    (out / "extra.txt").write_text("x")
    assert result_hash(out) != before
