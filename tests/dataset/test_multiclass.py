"""Six and twenty classes, and several labels at once: metrics against scikit-learn, the `;`-separated label
matcher, and cleanlab's likely label errors on six classes with the bundled emotion model.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from sklearn import metrics as sk

from tests.conftest import ROOT
from textlens.dataset import (
    NO_LABEL,
    MultiLabelMetrics,
    compute_metrics,
    compute_multi_label_metrics,
    label_issues,
    match_label_sets,
    match_labels,
)

SIX = ("sadness", "joy", "love", "anger", "fear", "surprise")
EMOTION = ROOT.parent / "shared" / "data" / "emotion" / "validation.tsv"


def six_class_run(n: int = 600, seed: int = 5):
    """Softmax probabilities of a decent six-class model, its labels (with errors) and the predictions."""
    rng = np.random.default_rng(seed)
    truth = rng.choice(6, n, p=[0.3, 0.33, 0.08, 0.14, 0.12, 0.03])
    logits = rng.normal(size=(n, 6))
    logits[np.arange(n), truth] += rng.uniform(0, 4, n)
    probs = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    return truth, probs


def test_six_class_metrics_equal_scikit_learns():
    truth, probs = six_class_run()
    predicted, confidence = probs.argmax(axis=1), probs.max(axis=1)
    m = compute_metrics(truth, predicted, confidence, SIX)
    assert m.accuracy == pytest.approx(sk.accuracy_score(truth, predicted))
    assert m.macro_f1 == pytest.approx(sk.f1_score(truth, predicted, average="macro"))
    assert m.weighted_f1 == pytest.approx(sk.f1_score(truth, predicted, average="weighted"))
    p, r, f, s = sk.precision_recall_fscore_support(truth, predicted, labels=range(6), zero_division=0)
    for field, expected in (("precision", p), ("recall", r), ("f1", f), ("support", s)):
        assert [getattr(c, field) for c in m.per_class] == pytest.approx(expected.tolist())
    assert np.array(m.confusion).tolist() == sk.confusion_matrix(truth, predicted, labels=range(6)).tolist()
    # Top-label calibration: the predicted class's probability against whether the prediction is right.
    correct = predicted == truth
    bins = np.minimum((confidence * 10).astype(int), 9)
    ece = sum(abs(correct[bins == b].mean() - confidence[bins == b].mean()) * (bins == b).mean() for b in set(bins))
    assert m.ece == pytest.approx(ece)
    table = {row["label"]: row for row in m.table()}
    wp, wr, wf, _ = sk.precision_recall_fscore_support(truth, predicted, average="weighted")
    assert (table["weighted average"]["precision"], table["weighted average"]["recall"]) == pytest.approx((wp, wr))
    assert table["weighted average"]["f1"] == pytest.approx(wf)
    mp, mr, _, _ = sk.precision_recall_fscore_support(truth, predicted, average="macro")
    assert (table["macro average"]["precision"], table["macro average"]["recall"]) == pytest.approx((mp, mr))
    back = type(m).from_dict(json.loads(json.dumps(m.to_dict())))
    assert back.weighted_f1 == pytest.approx(m.weighted_f1)


def test_the_classes_it_mixes_up():
    truth = np.array([0, 0, 0, 0, 1, 1, 2, 2, 2, 3])
    predicted = np.array([0, 1, 1, 2, 1, 0, 2, 1, 1, 3])
    m = compute_metrics(truth, predicted, np.ones(10), ("a", "b", "c", "d"))
    assert m.confused_pairs() == [("a", "b", 2), ("c", "b", 2), ("a", "c", 1), ("b", "a", 1)]
    assert m.confused_pairs(top=1) == [("a", "b", 2)]
    assert m.mistaken_for(0) == (1, 2) and m.mistaken_for(1) == (0, 1) and m.mistaken_for(3) is None


def test_twenty_classes_some_never_seen():
    rng = np.random.default_rng(2)
    labels = [f"intent_{i:02d}" for i in range(20)]
    truth = rng.integers(0, 15, 400)  # five intents never occur in the file
    predicted = np.where(rng.random(400) < 0.6, truth, rng.integers(0, 20, 400))
    m = compute_metrics(truth, predicted, rng.uniform(0.05, 1, 400), labels)
    assert m.macro_f1 == pytest.approx(sk.f1_score(truth, predicted, average="macro"))
    assert m.weighted_f1 == pytest.approx(sk.f1_score(truth, predicted, average="weighted", labels=range(20)))
    assert len(m.confusion) == 20 and all(len(row) == 20 for row in m.confusion)


# --- several labels at once ------------------------------------------------------------------------


def test_label_sets_are_matched_by_name_or_id_and_empty_cells_read_as_none():
    values = ["anger;fear", "", "Joy", "0 ; 2", "anger;nope", None, "fear;", 2]
    got, match = match_label_sets(values, ("anger", "joy", "fear"))
    assert got.tolist() == [[1, 0, 1], [0, 0, 0], [0, 1, 0], [1, 0, 1], [-1, -1, -1], [0, 0, 0], [0, 0, 1], [0, 0, 1]]
    assert match.matched == 5 and match.none == 2 and match.unmatched == {"nope": 1} and match.unmatched_rows == 1
    assert match.none_note() == "2 rows with an empty label cell read as none of the labels."
    assert "0 → anger" in match.note() and "2 → fear" in match.note()
    assert match.message().startswith("1 row has a label that is not the model's")
    # One label a cell, as a single-label file: the same matching as match_labels.
    single, _ = match_labels(["fear", "1", "x"], ("anger", "joy", "fear"))
    sets, _ = match_label_sets(["fear", "1", "x"], ("anger", "joy", "fear"))
    assert [int(np.argmax(r)) if r.min() >= 0 else NO_LABEL for r in sets] == single.tolist()


def test_multi_label_metrics_equal_an_independent_computation():
    rng = np.random.default_rng(9)
    n, k = 300, 5
    truth = (rng.random((n, k)) < 0.3).astype(int)
    probs = np.clip(truth * 0.45 + rng.random((n, k)) * 0.6, 0, 1)
    probs[3] = np.nan  # a row not predicted
    truth[7] = NO_LABEL  # a row whose labels did not match
    m = compute_multi_label_metrics(truth, probs, list("abcde"), threshold=0.5)
    keep = np.ones(n, bool)
    keep[[3, 7]] = False
    y, p = truth[keep], (probs[keep] >= 0.5).astype(int)
    tp, fp, fn = (y & p).sum(0), ((1 - y) & p).sum(0), (y & (1 - p)).sum(0)
    precision, recall = tp / (tp + fp), tp / (tp + fn)
    f1 = 2 * precision * recall / (precision + recall)
    assert m.rows == n - 2 and m.threshold == 0.5
    assert [c.f1 for c in m.per_label] == pytest.approx(f1)
    assert [c.precision for c in m.per_label] == pytest.approx(precision)
    assert [c.support for c in m.per_label] == y.sum(0).tolist()
    micro_p, micro_r = tp.sum() / (tp.sum() + fp.sum()), tp.sum() / (tp.sum() + fn.sum())
    assert m.micro_f1 == pytest.approx(2 * micro_p * micro_r / (micro_p + micro_r))
    assert m.macro_f1 == pytest.approx(f1.mean())
    assert m.subset_accuracy == pytest.approx((y == p).all(axis=1).mean())
    assert m.hamming_loss == pytest.approx((y != p).mean())
    assert MultiLabelMetrics.from_dict(json.loads(json.dumps(m.to_dict()))) == m
    assert [row["label"] for row in m.table()][-2:] == ["micro average", "macro average"]
    higher = compute_multi_label_metrics(truth, probs, list("abcde"), threshold=0.8)
    assert higher.micro_precision >= m.micro_precision and higher.micro_recall <= m.micro_recall
    assert compute_multi_label_metrics(np.full((2, 3), NO_LABEL), np.zeros((2, 3)), "xyz") is None


# --- the bundled emotion model on real tweets ------------------------------------------------------


@pytest.fixture(scope="module")
def tweets() -> pd.DataFrame:
    if not EMOTION.is_file():
        pytest.skip(f"the emotion data is not at {EMOTION} (it exists beside the repo in CI, not on users' machines)")
    return pd.read_csv(EMOTION, sep="\t").head(240)


def test_cleanlab_finds_labels_planted_wrong_in_six_emotion_classes(tweets):
    from textlens import load_classifier
    from textlens.dataset import predict_rows

    classifier = load_classifier("emotion", precision="float32")
    run = predict_rows(classifier, tweets["text"].tolist())
    truth, _ = match_labels(tweets["label"].tolist(), classifier.labels)
    right = np.flatnonzero(run.predicted == truth)
    planted = right[::20][:10]  # rows the model gets right, their labels moved to the next class
    given = truth.copy()
    given[planted] = (given[planted] + 1) % 6
    issues = label_issues(run.probs, given, classifier.labels)
    assert issues.labels == SIX and issues.scored == 240
    assert np.isin(planted, issues.ranked).mean() >= 0.9
    assert np.isin(np.array(issues.ranked[:10]), planted).mean() >= 0.7
    for row in planted:
        assert issues.suggested[row] == truth[row]


def test_two_model_versions_fixed_and_broken_per_class():
    from textlens.dataset.compare import compare_classes, flips

    rng = np.random.default_rng(11)
    truth = rng.integers(0, 6, 500)
    truth[:3] = NO_LABEL  # not paired
    predicted_a = np.where(rng.random(500) < 0.7, truth, rng.integers(0, 6, 500))
    predicted_b = np.where(rng.random(500) < 0.8, truth, rng.integers(0, 6, 500))
    table = compare_classes(truth, flips(truth, predicted_a, predicted_b), SIX)
    assert [c.label for c in table] == list(SIX)
    for i, c in enumerate(table):
        rows = truth == i
        a, b = predicted_a[rows] == i, predicted_b[rows] == i
        assert c.rows == rows.sum() and c.fixed == (~a & b).sum() and c.broken == (a & ~b).sum()
        assert c.recall_a == pytest.approx(
            sk.recall_score(truth[truth >= 0], predicted_a[truth >= 0], labels=[i], average=None)[0]
        )
        assert c.change == pytest.approx(c.recall_b - c.recall_a)
    assert sum(c.fixed for c in table) == ((predicted_a != truth) & (predicted_b == truth) & (truth >= 0)).sum()


def test_a_comparisons_json_carries_each_class():
    from textlens.dataset import RowPredictions
    from textlens.dataset.compare import compare_runs

    truth, probs_a = six_class_run(60, seed=1)
    _, probs_b = six_class_run(60, seed=2)
    frame = pd.DataFrame({"text": [f"t{i}" for i in range(60)], "label": [SIX[t] for t in truth]})
    run_a = RowPredictions(SIX, probs_a, (None,) * 60)
    run_b = RowPredictions(SIX[::-1], probs_b[:, ::-1], (None,) * 60)  # B lists the classes in another order
    data = json.loads(json.dumps(compare_runs(frame, "text", "label", run_a, run_b).to_dict()))
    assert [c["label"] for c in data["classes"]] == list(SIX)
    assert sum(c["rows"] for c in data["classes"]) == data["rows"] == 60
    assert sum(c["fixed"] for c in data["classes"]) == data["fixed"]
    assert sum(c["broken"] for c in data["classes"]) == data["broken"]
    joy = data["classes"][1]
    rows = truth == 1
    assert joy["recall_b"] == pytest.approx((probs_b[rows].argmax(axis=1) == 1).mean())


def test_a_multi_label_runs_results_table_writes_label_sets():
    from textlens.dataset import RowPredictions, results_frame

    probs = np.array([[0.9, 0.7, 0.1], [0.2, 0.1, 0.3], [np.nan] * 3, [0.6, 0.1, 0.55]])
    run = RowPredictions(("toxic", "insult", "threat"), probs, (None, None, "empty text", None), multi_label=True)
    frame = pd.DataFrame({"text": ["a", "b", "", "d"], "labels": ["insult;toxic", "", "toxic", "toxic"]})
    results, match = results_frame(frame, "text", run, "labels")
    assert [None if pd.isna(v) else v for v in results["predicted_label"]] == ["toxic;insult", "", None, "toxic;threat"]
    assert results["true_label"].tolist() == ["toxic;insult", "", "toxic", "toxic"]
    assert results["correct"].tolist()[:2] == [True, True] and pd.isna(results["correct"][2])
    assert not results["correct"][3]
    assert match.none == 1 and match.matched == 3
    lower, _ = results_frame(frame, "text", run, "labels", threshold=0.25)
    assert lower["predicted_label"].tolist()[:2] == ["toxic;insult", "threat"]
