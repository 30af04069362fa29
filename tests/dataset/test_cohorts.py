"""Failure cohorts: a planted cohort is found first with its true error rate, the same inputs give the same
cohorts, the numbers agree with scipy and statsmodels computed independently, and the descriptions are exact.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy.stats import fisher_exact
from statsmodels.stats.multitest import multipletests

from textlens.dataset.cohorts import (
    CohortSettingError,
    Condition,
    broken_cohorts,
    failure_cohorts,
    nice_cut,
    row_features,
)

LABELS = ("NEGATIVE", "POSITIVE")
WORD = "festival"


def planted(n: int = 2000, seed: int = 1, accuracy: float = 0.9):
    """Texts of random words; a model right on ``accuracy`` of rows at random, independent of everything; then
    every row containing :data:`WORD` has its label flipped. Returns texts, truth, predicted, confidence and
    the planted rows' mask.
    """
    rng = np.random.default_rng(seed)
    vocabulary = [f"w{i}" for i in range(150)]
    texts, planted_mask = [], np.zeros(n, dtype=bool)
    for i in range(n):
        words = list(rng.choice(vocabulary, rng.integers(3, 20)))
        if rng.random() < 0.1:
            words.insert(int(rng.integers(0, len(words))), WORD.capitalize())  # case is ignored
            planted_mask[i] = True
        texts.append(" ".join(words))
    original = rng.integers(0, 2, n)
    predicted = np.where(rng.random(n) < accuracy, original, 1 - original)
    truth = np.where(planted_mask, 1 - original, original)
    confidence = rng.uniform(0.5, 1.0, n)
    return texts, truth, predicted, confidence, planted_mask


def test_a_planted_cohort_is_the_top_one_with_its_true_error_rate():
    texts, truth, predicted, confidence, mask = planted()
    source = np.where(np.arange(len(texts)) % 3 == 0, "web", "mail").tolist()
    found = failure_cohorts(texts, truth, predicted, confidence, LABELS, meta={"source": source})
    top = found.cohorts[0]
    assert top.conditions == (Condition("word", "text", "contains", WORD),)
    assert top.row_ids == tuple(np.flatnonzero(mask))
    wrong = truth != predicted
    assert top.rows == mask.sum() and top.errors == wrong[mask].sum()
    assert top.error_rate == pytest.approx(wrong[mask].mean())
    assert top.error_share == pytest.approx(wrong[mask].sum() / wrong.sum())
    assert found.sentence(top) == (
        f"contains '{WORD}': {mask.sum():,} rows, {wrong[mask].mean():.0%} wrong, "
        f"{wrong[mask].sum() / wrong.sum():.0%} of all errors"
    )
    # Noise (random words, the metadata, confidence) does not cut the planted cohort or the rest in two.
    assert len(found.cohorts) == 1


def test_the_same_inputs_give_the_same_cohorts():
    texts, truth, predicted, confidence, _ = planted(n=1500, seed=3, accuracy=0.8)
    # Confidence tied to correctness gives the tree more to split on than the planted word.
    confidence = np.where(truth == predicted, confidence, confidence - 0.3)
    first = failure_cohorts(texts, truth, predicted, confidence, LABELS)
    second = failure_cohorts(list(texts), truth.copy(), predicted.copy(), confidence.copy(), LABELS)
    assert len(first.cohorts) > 1
    assert first.to_dicts() == second.to_dicts()
    assert [c.row_ids for c in first.cohorts] == [c.row_ids for c in second.cohorts]


def test_numbers_agree_with_scipy_and_statsmodels():
    texts, truth, predicted, confidence, _ = planted(n=1500, seed=5, accuracy=0.8)
    confidence = np.where(truth == predicted, confidence, confidence - 0.3)
    found = failure_cohorts(texts, truth, predicted, confidence, LABELS)
    wrong = truth != predicted
    n, errors = len(truth), int(wrong.sum())
    assert (found.rows, found.errors) == (n, errors)
    raw = []
    for cohort in found.cohorts:
        inside = np.zeros(n, dtype=bool)
        inside[list(cohort.row_ids)] = True
        e = int(wrong[inside].sum())
        assert (cohort.rows, cohort.errors) == (inside.sum(), e)
        assert cohort.error_rate > errors / n  # only cohorts that err more often than the whole set
        table = [[e, inside.sum() - e], [errors - e, (~inside).sum() - (errors - e)]]
        raw.append(fisher_exact(table).pvalue)
    assert [c.p_unadjusted for c in found.cohorts] == pytest.approx(raw, rel=1e-12)
    holm = multipletests(raw, method="holm")[1]
    assert [c.p_value for c in found.cohorts] == pytest.approx(list(holm), rel=1e-12)
    # Ranked by share of errors; cohorts are leaves, so no row is in two.
    assert [c.errors for c in found.cohorts] == sorted((c.errors for c in found.cohorts), reverse=True)
    every = [r for c in found.cohorts for r in c.row_ids]
    assert len(every) == len(set(every))


def test_a_path_never_uses_both_the_true_and_the_predicted_label():
    """Together they are a confusion-matrix cell, wrong by definition: after "true label NEGATIVE" (where the model
    errs most) the predicted label would split the rows into all wrong and all right; the tree looks elsewhere.
    """
    rng = np.random.default_rng(0)
    n = 800
    truth = rng.integers(0, 2, n)
    flip = rng.random(n) < np.where(truth == 0, 0.4, 0.05)
    predicted = np.where(flip, 1 - truth, truth)
    texts = ["a film like any other"] * n
    found = failure_cohorts(texts, truth, predicted, np.full(n, 0.9), LABELS, max_depth=4)
    descriptions = [c.description for c in found.cohorts]
    assert descriptions == ["true label NEGATIVE"], descriptions
    for cohort in found.cohorts:
        assert not {"true_label", "predicted_label"} <= {c.feature for c in cohort.conditions}
        assert cohort.error_rate < 1.0


def test_descriptions_read_plainly_and_are_exact():
    # A cut with the fewest decimals between the last row on one side and the first on the other.
    assert nice_cut(14, 15) == 15 and nice_cut(0.6812, 0.7344) == 0.7 and nice_cut(0.71, 0.712) == 0.711
    rng = np.random.default_rng(2)
    n = 1000
    words = rng.integers(3, 40, n)
    texts = [" ".join(["word"] * int(k)) for k in words]
    truth = rng.integers(0, 2, n)
    short = words < 15
    predicted = np.where(short & (rng.random(n) < 0.6), 1 - truth, truth)  # wrong on short rows only
    found = failure_cohorts(texts, truth, predicted, np.full(n, 0.9), LABELS, min_rows=30)
    top = found.cohorts[0]
    assert top.description == "shorter than 15 words"
    assert top.to_dict()["conditions"] == [{"feature": "words", "operator": "<", "value": 15}]
    assert set(top.row_ids) == set(np.flatnonzero(short))
    # A two-valued column's "not web" is said as "mail"; a label's likewise.
    source = np.where(rng.random(n) < 0.5, "web", "mail")
    predicted = np.where((source == "web") & (rng.random(n) < 0.5), 1 - truth, truth)
    found = failure_cohorts(texts, truth, predicted, np.full(n, 0.9), LABELS, meta={"source": source.tolist()})
    assert found.cohorts[0].description == "source = web"
    assert set(found.cohorts[0].row_ids) == set(np.flatnonzero(source == "web"))


def test_likely_label_errors_and_metadata_are_features():
    rng = np.random.default_rng(4)
    n = 600
    truth = rng.integers(0, 2, n)
    issue = rng.random(n) < 0.1
    predicted = np.where(issue, 1 - truth, truth)
    features = row_features(["some text"] * n, truth, predicted, np.full(n, 0.8), LABELS, issue=issue)
    assert [f.name for f in features.features][-2:] == ["confidence", "likely_label_error"]
    found = failure_cohorts(["some text"] * n, truth, predicted, np.full(n, 0.8), LABELS, issue=issue)
    assert found.cohorts[0].description == "likely label error"
    assert found.cohorts[0].error_rate == 1.0


def test_rows_without_a_label_are_left_out_and_counted():
    texts, truth, predicted, confidence, _ = planted(n=600)
    truth = truth.copy()
    truth[:50] = -1
    predicted = predicted.copy()
    predicted[50:60] = -1
    found = failure_cohorts(texts, truth, predicted, confidence, LABELS)
    assert (found.rows, found.left_out) == (540, 60)
    assert all(r >= 60 for c in found.cohorts for r in c.row_ids)


def test_no_errors_no_cohorts_and_a_sentence_saying_so():
    n = 100
    truth = np.arange(n) % 2
    found = failure_cohorts(["a b c"] * n, truth, truth, np.full(n, 0.9), LABELS)
    assert found.cohorts == () and found.errors == 0
    assert found.summary().startswith("No group of at least 20 rows has a higher share of errors")


def test_bad_settings_are_refused():
    with pytest.raises(CohortSettingError, match="at least 1"):
        failure_cohorts(["a"], np.array([0]), np.array([0]), np.array([0.9]), LABELS, max_depth=0)
    with pytest.raises(CohortSettingError, match="at least 1 row"):
        failure_cohorts(["a"], np.array([0]), np.array([0]), np.array([0.9]), LABELS, min_rows=0)


def test_the_rows_b_broke_have_their_cohorts():
    texts, truth0, predicted_a, confidence, mask = planted(n=1500, accuracy=0.95)
    truth = predicted_a.copy()  # A is right everywhere
    predicted_b = np.where(mask, 1 - truth, truth)  # B breaks every row with the word
    found = broken_cohorts(texts, truth, predicted_a, predicted_b, confidence, LABELS)
    assert found.population == "rows A got right" and found.title == "Cohorts of the rows B broke"
    top = found.cohorts[0]
    assert top.description == f"contains '{WORD}'" and top.error_rate == 1.0 and top.error_share == 1.0
    assert found.sentence(top).endswith("100% broken by B, 100% of all rows B broke")


def test_of_words_that_always_come_together_the_longest_names_the_cohort():
    texts, truth, predicted, confidence, mask = planted(n=1200, seed=7)
    texts = [t.replace(WORD.capitalize(), f"at the {WORD} on") for t in texts]  # 'at' and 'on' only come with it
    found = failure_cohorts(texts, truth, predicted, confidence, LABELS)
    assert found.cohorts[0].description == f"contains '{WORD}'"
    assert found.cohorts[0].row_ids == tuple(np.flatnonzero(mask))


def test_two_bounds_of_a_number_read_as_a_range_and_weak_cohorts_say_so():
    from textlens.dataset.cohorts import Cohort, FailureCohorts, describe, readable_cut

    words = [Condition("length", "words", ">=", 15), Condition("word", "text", "contains", "but")]
    words.append(Condition("length", "words", "<", 30))
    assert describe(words) == "15 to 29 words and contains 'but'"
    confidence = [Condition("confidence", "confidence", "<", 0.9), Condition("confidence", "confidence", ">=", 0.62)]
    assert describe(confidence) == "confidence from 0.62 to below 0.9" and describe([]) == "every row"
    # A cut rounded to two decimals where both sides keep their rows; else the exact one.
    values = np.array([0.1, 0.2, 0.98374, 0.98381, 0.99])
    assert readable_cut(values, 0.983775, 1) == 0.98 and readable_cut(values, 0.983775, 3) == 0.9838
    weak = Cohort((Condition("word", "text", "contains", "so"),), 30, 4, 4 / 30, 0.1, 0.2, 0.1, tuple(range(30)))
    found = FailureCohorts((weak,), 300, 40, 0, 3, 20, 10, 14)
    assert found.sentence(weak) == "contains 'so': 30 rows, 13% wrong, 10% of all errors (could be chance: p = 0.2)"


def test_without_the_models_outputs_the_tree_splits_on_what_the_rows_say():
    texts, truth, predicted, confidence, mask = planted(n=800)
    issue = truth != predicted  # a feature that would explain every error
    features = row_features(texts, truth, predicted, confidence, LABELS, issue=issue, model_outputs=False)
    assert {f.kind for f in features.features} == {"word", "length", "true"}
    found = failure_cohorts(texts, truth, predicted, confidence, LABELS, issue=issue, model_outputs=False)
    assert found.cohorts[0].description == f"contains '{WORD}'" and not found.model_outputs
    assert failure_cohorts(texts, truth, predicted, confidence, LABELS, issue=issue).cohorts[0].description == (
        "likely label error"
    )


def test_words_a_cohort_lacks_are_said_together_last():
    from textlens.dataset.cohorts import describe

    def lacks(word: str) -> Condition:
        return Condition("word", "text", "does not contain", word)

    hated = Condition("word", "text", "contains", "hated")
    assert describe([lacks("agitated"), hated]) == "contains 'hated' and does not contain 'agitated'"
    two = "contains 'hated' and contains neither 'agitated' nor 'amazing'"
    assert describe([lacks("agitated"), lacks("amazing"), hated]) == two
    assert describe([lacks("a"), lacks("b"), lacks("c")]) == "contains none of 'a', 'b', 'c'"
