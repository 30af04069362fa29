"""Two models on one labelled set: flips, McNemar's exact test, the paired interval, slices and word shifts."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy.stats import binomtest
from sklearn.metrics import f1_score

from tests.factories import make_explanation
from textlens.dataset import RowPredictions, Slice
from textlens.dataset.compare import (
    BOTH_RIGHT,
    BOTH_WRONG,
    BROKEN,
    FIXED,
    NOT_PAIRED,
    LabelSetError,
    PairedComparison,
    aligned,
    compare,
    compare_slices,
    compared_frame,
    flipped_rows,
    flips,
    mcnemar_p,
    paired_difference_ci,
    word_shifts,
)


def table_rows(both_right: int, fixed: int, broken: int, both_wrong: int):
    """Truth and two models' predictions (two labels) with exactly these flip-table counts."""
    cells = [(1, 1, 1)] * both_right + [(1, 0, 1)] * fixed + [(1, 1, 0)] * broken + [(1, 0, 0)] * both_wrong
    truth, a, b = (np.array(x, dtype=np.int64) for x in zip(*cells))
    return truth, a, b


def test_hand_computed_case():
    # 1,000 rows: both right 812, B fixes 41, breaks 17, both wrong 130.
    truth, a, b = table_rows(812, 41, 17, 130)
    v = compare(truth, a, b, ("NEGATIVE", "POSITIVE"))
    assert (v.both_right, v.fixed, v.broken, v.both_wrong, v.rows) == (812, 41, 17, 130, 1000)
    assert v.accuracy_a == pytest.approx(0.829) and v.accuracy_b == pytest.approx(0.853)
    assert v.difference == pytest.approx(0.024)
    # Exact McNemar: 2 * P(X <= 17) for X ~ Binomial(58, 1/2), summed by hand.
    expected_p = 2 * sum(math.comb(58, k) for k in range(18)) / 2**58
    assert v.mcnemar_p == pytest.approx(expected_p, rel=1e-9) and v.mcnemar_p == pytest.approx(0.00223, abs=1e-5)
    # Agresti–Min: cells + 0.5, n + 2: d = 24/1002, se = sqrt((59 - 24**2/1002)) / 1002, z = 1.959964.
    d, se = 24 / 1002, math.sqrt(59 - 24**2 / 1002) / 1002
    assert v.difference_ci == pytest.approx((d - 1.959964 * se, d + 1.959964 * se), abs=1e-6)
    assert v.difference_ci == pytest.approx((0.00900, 0.03890), abs=1e-5)
    assert v.significant
    sentence = "B fixes 41 rows and breaks 17; a difference this large would arise by chance in 0.2 %"
    assert v.sentence().startswith(sentence)
    assert "B is better, beyond chance" in v.sentence()
    assert "A 82.9% → B 85.3%" in v.headline() and "+2.4 points" in v.headline()
    assert PairedComparison.from_dict(v.to_dict()) == v


def test_no_disagreement_and_no_rows():
    truth, a, b = table_rows(5, 0, 0, 3)
    v = compare(truth, a, b, ("n", "p"))
    assert v.mcnemar_p == 1.0 and v.difference == 0 and "agree on all 8" in v.sentence()
    low, high = v.difference_ci
    assert low < 0 < high  # Agresti–Min never collapses to a point
    assert compare(np.array([-1, -1]), np.array([0, 1]), np.array([0, 1]), ("n", "p")) is None


def test_unpaired_rows_are_left_out_of_both_models():
    truth = np.array([0, 1, -1, 1, 0])
    a = np.array([0, 1, 0, -1, 1])
    b = np.array([0, 0, 1, 1, -1])
    assert flips(truth, a, b).tolist() == [BOTH_RIGHT, BROKEN, NOT_PAIRED, NOT_PAIRED, NOT_PAIRED]
    v = compare(truth, a, b, ("n", "p"))
    assert v.rows == 2 and v.accuracy_a == 1.0 and v.accuracy_b == 0.5


def test_against_statsmodels_scipy_and_sklearn_on_random_data():
    from statsmodels.stats.contingency_tables import mcnemar

    rng = np.random.default_rng(7)
    for n, k in ((60, 2), (400, 3), (2000, 5)):
        truth = rng.integers(-1, k, n)  # some rows without a label
        a = np.where(rng.random(n) < 0.7, truth, rng.integers(0, k, n))
        b = np.where(rng.random(n) < 0.75, truth, rng.integers(0, k, n))
        a[rng.random(n) < 0.02] = -1  # a few rows a model could not predict
        labels = tuple(f"c{i}" for i in range(k))
        v = compare(truth, a, b, labels)
        paired = (truth >= 0) & (a >= 0) & (b >= 0)
        t, pa, pb = truth[paired], a[paired], b[paired]
        crosstab = pd.crosstab(pa == t, pb == t).reindex(index=[True, False], columns=[True, False], fill_value=0)
        assert [[v.both_right, v.broken], [v.fixed, v.both_wrong]] == crosstab.to_numpy().tolist()
        assert v.accuracy_a == pytest.approx((pa == t).mean()) and v.accuracy_b == pytest.approx((pb == t).mean())
        assert v.macro_f1_a == pytest.approx(f1_score(t, pa, average="macro", zero_division=0))
        assert v.macro_f1_b == pytest.approx(f1_score(t, pb, average="macro", zero_division=0))
        assert v.mcnemar_p == pytest.approx(mcnemar(crosstab.to_numpy(), exact=True).pvalue)
        assert v.mcnemar_p == pytest.approx(binomtest(v.broken, v.fixed + v.broken, 0.5).pvalue)
        low, high = v.difference_ci
        assert low < v.difference < high


def test_interval_covers_the_true_difference_about_95_percent_of_the_time():
    # Paired sets of 150 rows drawn from a known 2x2 table: true difference = P(fixed) - P(broken) = 0.03.
    rng = np.random.default_rng(0)
    probs = [0.72, 0.08, 0.05, 0.15]  # both right, fixed, broken, both wrong
    sets = rng.multinomial(150, probs, size=4000)
    covered = [low <= 0.03 <= high for low, high in (paired_difference_ci(f, b, 150) for _, f, b, _ in sets)]
    assert 0.93 <= np.mean(covered) <= 0.97
    assert paired_difference_ci(3, 0, 0) != paired_difference_ci(3, 0, 0)  # NaN without rows


def test_mcnemar_exact_small_counts():
    assert mcnemar_p(0, 0) == 1.0
    assert mcnemar_p(6, 0) == pytest.approx(2 / 2**6)
    assert mcnemar_p(1, 1) == 1.0


def test_labels_are_aligned_by_name_and_different_sets_refused():
    run_b = RowPredictions(("positive", "negative"), np.array([[0.9, 0.1], [0.2, 0.8]]), (None, None))
    out = aligned(run_b, ("NEGATIVE", "POSITIVE"))
    assert out.labels == ("NEGATIVE", "POSITIVE")
    assert out.probs.tolist() == [[0.1, 0.9], [0.8, 0.2]] and out.predicted.tolist() == [1, 0]
    with pytest.raises(LabelSetError, match=r"only in A: fear; only in B: sad"):
        aligned(RowPredictions(("anger", "joy", "sad"), np.zeros((1, 3)), (None,)), ("anger", "joy", "fear"))
    with pytest.raises(LabelSetError, match="only in B: neutral"):
        three = RowPredictions(("NEGATIVE", "POSITIVE", "neutral"), np.zeros((1, 3)), (None,))
        aligned(three, ("NEGATIVE", "POSITIVE"))
    with pytest.raises(LabelSetError):  # "1" must not match B's label at index 1 between two models
        aligned(RowPredictions(("0", "1"), np.zeros((1, 2)), (None,)), ("x", "1"))


def test_slices_compared_with_small_slices_honest():
    truth, a, b = table_rows(60, 2, 20, 8)  # 90 rows: B breaks 20, fixes 2
    codes = flips(truth, a, b)
    broken_rows = codes == BROKEN
    many = Slice("source", "web", broken_rows | (codes == FIXED) | (np.arange(90) < 30))
    tiny = Slice("source", "mail", np.arange(90) >= 85)  # 5 rows, all both wrong: no claim
    table = compare_slices([tiny, many], codes)
    assert [s.value for s in table] == ["web", "mail"]  # the small slice last whatever its change
    web, mail = table
    assert web.labelled == int(many.mask.sum()) == 52 and web.broken == 20 and web.fixed == 2
    assert isinstance(web.accuracy_a, float) and web.to_dict()["accuracy_b"] == pytest.approx(32 / 52)
    assert web.significant and web.verdict() == "B worse" and web.p_adjusted >= web.p_value
    assert web.change == pytest.approx(web.accuracy_b - web.accuracy_a) and web.change < 0
    assert mail.small and not mail.significant and mail.verdict().startswith("too few rows")
    assert math.isnan(mail.p_adjusted) and mail.to_dict()["p_adjusted"] is None


def test_holm_adjustment_matches_statsmodels():
    from statsmodels.stats.multitest import multipletests

    rng = np.random.default_rng(3)
    truth = rng.integers(0, 2, 600)
    a = np.where(rng.random(600) < 0.8, truth, 1 - truth)
    b = np.where(rng.random(600) < 0.85, truth, 1 - truth)
    codes = flips(truth, a, b)
    slices = [Slice("group", str(g), rng.random(600) < 0.3) for g in range(6)]
    table = compare_slices(slices, codes)
    raw = [s.p_value for s in table]
    assert [s.p_adjusted for s in table] == pytest.approx(list(multipletests(raw, method="holm")[1]))


def test_compared_frame_has_both_models_and_the_change():
    frame = pd.DataFrame({"text": ["a", "b", "c"], "y": ["POSITIVE", "NEGATIVE", "POSITIVE"]})
    from textlens.dataset import results_frame

    run_a = RowPredictions(("NEGATIVE", "POSITIVE"), np.array([[0.2, 0.8], [0.3, 0.7], [0.6, 0.4]]), (None,) * 3)
    run_b = RowPredictions(("NEGATIVE", "POSITIVE"), np.array([[0.9, 0.1], [0.8, 0.2], [0.1, 0.9]]), (None,) * 3)
    results, _ = results_frame(frame, "text", run_a, "y")
    truth = np.array([1, 0, 1])
    out = compared_frame(results, run_b, truth, run_a.predicted)
    assert out["change"].tolist() == ["broken by B", "fixed by B", "fixed by B"]
    assert out["predicted_label_a"].tolist() == ["POSITIVE", "POSITIVE", "NEGATIVE"]
    assert out["predicted_label_b"].tolist() == ["NEGATIVE", "NEGATIVE", "POSITIVE"]
    assert out["correct_b"].tolist() == [False, True, True]
    assert out["score_POSITIVE_b"].tolist() == [0.1, 0.2, 0.9] and list(out.columns)[-1] == "error"
    assert flipped_rows(flips(truth, run_a.predicted, run_b.predicted)).tolist() == [0, 1, 2]
    assert flipped_rows(flips(truth, run_a.predicted, run_b.predicted), (FIXED,)).tolist() == [1, 2]
    assert BOTH_WRONG not in flips(truth, run_a.predicted, run_b.predicted)


def test_word_shifts_toward_each_rows_true_label():
    a1 = make_explanation("not bad at all", [0.3, -0.2, 0.0, 0.0])
    b1 = make_explanation("not bad at all", [-0.1, 0.2, 0.0, 0.0])
    a2 = make_explanation("not good", [0.05, 0.1])
    b2 = make_explanation("not good", [-0.2, 0.1])
    # Row 1's truth is POSITIVE, row 2's NEGATIVE (values toward NEGATIVE are the negation).
    shifts = word_shifts([(a1, b1, "POSITIVE"), (a2, b2, "NEGATIVE")], min_count=2)
    assert [s.word for s in shifts] == ["not"]
    (word,) = shifts
    assert word.mean_a == pytest.approx((0.3 - 0.05) / 2) and word.mean_b == pytest.approx((-0.1 + 0.2) / 2)
    assert word.rows == 2 and word.shift == pytest.approx(0.05 - 0.125)
    one = word_shifts([(a1, b1, "POSITIVE")], min_count=1)
    assert one[0].word in ("not", "bad") and one[0].sign_flip  # sign flips first
    assert len(word_shifts([(a1, b1, "POSITIVE")], min_count=1, top=1)) == 1


def test_flip_sample_and_cases():
    from textlens.dataset.compare import flip_cases, flip_sample

    truth, a, b = table_rows(5, 4, 3, 2)
    codes = flips(truth, a, b)
    assert flip_sample(codes, 100) == list(range(5, 12))
    some = flip_sample(codes, 3)
    assert len(some) == 3 and some == sorted(some) and set(some) <= set(range(5, 12))
    assert flip_sample(codes, 3) == some  # seeded
    ea = make_explanation("good", [0.3])
    eb = make_explanation("good", [-0.3])
    cases = flip_cases([5, 9], codes, ["POSITIVE"] * 2, [ea, ea], [eb, eb], ("bundled", "v2"), "f1")
    assert len(cases) == 4 and [c["tags"] for c in cases[:2]] == [("fixed by B", "model A"), ("fixed by B", "model B")]
    assert cases[2]["tags"][0] == "broken by B" and cases[3]["record"] is eb and cases[0]["target"] == "POSITIVE"
    assert cases[1]["context"] == {
        "row": 5,
        "truth": "POSITIVE",
        "change": "fixed by B",
        "model": "B",
        "predicted_a": ea.predicted_label,
        "predicted_b": eb.predicted_label,
        "file": "f1",
    }
    # Each case carries both predictions, the change and why it was sent.
    note = cases[1]["note"]
    assert f"model B (v2) {eb.predicted_label}" in note and f"Model A (bundled) predicted {ea.predicted_label}" in note
    assert note.startswith("Row 5: fixed by B.") and note.endswith("This case is model B's.")
    why = flip_cases([5], codes, [None], [ea], [eb], ("bundled", "v2"), why="all errors")
    assert why[0]["note"].startswith("Row 5 (all errors): fixed by B.") and "no matched true label" in why[0]["note"]
    assert why[0]["target"] == ea.predicted_label and "truth" not in why[0]["context"]


def test_row_cases_skip_unpredicted_rows_and_note_the_filter():
    from textlens.dataset import row_cases

    run = RowPredictions(("NEGATIVE", "POSITIVE"), np.array([[0.2, 0.8], [np.nan, np.nan], [0.9, 0.1]]), (None,) * 3)
    cases = row_cases(["good", "", "bad"], run, "m", [0, 1, 2], ["POSITIVE", None, None], "all errors", "f")
    assert [c["context"]["row"] for c in cases] == [0, 2]
    assert cases[0]["note"] == "Row 0 (all errors). True label POSITIVE." and cases[0]["context"]["truth"] == "POSITIVE"
    assert "truth" not in cases[1]["context"] and cases[1]["record"].scores == (0.9, 0.1)
    assert cases[1]["record"].kind == "text-prediction" and cases[1]["context"]["file"] == "f"
    # A row's explanation, where there is one, is sent instead of its prediction.
    explained = make_explanation("bad", [0.3])
    cases = row_cases(["good", "", "bad"], run, "m", [0, 2], [None, None], "all rows", "f", {2: explained})
    assert cases[0]["record"].kind == "text-prediction" and cases[1]["record"] is explained
