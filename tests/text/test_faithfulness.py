"""Faithfulness metrics on a hand-made model with known outputs; masking as shap's Text masker; baselines."""

from __future__ import annotations

import json
import re

import numpy as np
import pytest

from textlens.text.faithfulness import (
    Faithfulness,
    area,
    curve_points,
    faithfulness,
    masked_text,
    random_orders,
    rationale_sizes,
)
from textlens.text.words import WordSegmenter, word_spans
from textlens.types import Explanation, Span

WEIGHTS = {"great": 0.4, "good": 0.2, "film": 0.1}


class WordModel:
    """P(POS) = 0.1 + the weights of the words present; P(NEG) = 1 - P(POS).

    Words are read as a WordPiece tokenizer reads them: the mask token is a piece of its own even
    when glued to the next word, as shap's masker leaves it ("[MASK]good").
    """

    labels = ("NEG", "POS")
    model_id = "word-model"
    precision = "float32"

    def __init__(self, mask_token: str | None = "[MASK]") -> None:
        self.mask_token = mask_token
        self.seen: list[list[str]] = []

    def predict(self, texts):
        self.seen.append(list(texts))
        pos = np.array([0.1 + sum(WEIGHTS.get(w, 0.0) for w in re.findall(r"\[MASK\]|\w+", t)) for t in texts])
        return np.stack([1 - pos, pos], axis=1)

    def classify(self, texts):
        from textlens.types import Prediction

        return [
            Prediction(t, self.model_id, self.labels, tuple(float(v) for v in p))
            for t, p in zip(texts, self.predict(texts))
        ]


def explanation_of(text: str, values: list[float]) -> Explanation:
    """An explanation of ``text`` with the given values toward POS (and their negatives toward NEG)."""
    spans = word_spans(text)
    words = tuple(Span(text[a:b], a, b, (-v, v)) for (a, b), v in zip(spans, values))
    pos = 0.1 + sum(WEIGHTS.get(w.word, 0.0) for w in words)
    base = pos - sum(values)
    return Explanation(
        text, "word-model", WordModel.labels, (1 - pos, pos), (1 - base, base), words, words, "words", 10, 10, 10, 0.0
    )


TEXT = "great good film ok"
ISSUE_KEYS = (  # what issue 17 asks the CLI to print
    "comprehensiveness",
    "sufficiency",
    "random_comprehensiveness",
    "random_sufficiency",
    "loo_comprehensiveness",
    "deletion_auc",
    "insertion_auc",
)


def test_metric_definitions_on_a_known_model():
    model = WordModel()
    result = faithfulness(model, explanation_of(TEXT, [0.4, 0.2, 0.1, 0.0]), "POS")
    assert result.ks == (1, 1, 1, 1, 2)  # max(1, round(p * 4)) for 1, 5, 10, 20, 50 %
    assert result.full_score == pytest.approx(0.8) and result.empty_score == pytest.approx(0.1)
    e = result.explanation
    assert e.order == (0, 1, 2, 3)
    # comprehensiveness: removing "great" loses 0.4, removing "great good" 0.6; mean over the 5 sizes
    assert e.comprehensiveness_at == pytest.approx((0.4, 0.4, 0.4, 0.4, 0.6))
    assert e.comprehensiveness == pytest.approx(2.2 / 5)
    # sufficiency: "great" alone gives 0.5 (0.8 - 0.5), "great good" 0.7 (0.8 - 0.7)
    assert e.sufficiency_at == pytest.approx((0.3, 0.3, 0.3, 0.3, 0.1))
    assert e.sufficiency == pytest.approx(1.3 / 5)
    assert result.curve_ks == (0, 1, 2, 3, 4)
    assert e.deletion == pytest.approx((0.8, 0.4, 0.2, 0.1, 0.1))
    assert e.insertion == pytest.approx((0.1, 0.5, 0.7, 0.8, 0.8))
    assert e.deletion_auc == pytest.approx(0.25 * (0.6 + 0.3 + 0.15 + 0.1))
    assert e.insertion_auc == pytest.approx(0.25 * (0.3 + 0.6 + 0.75 + 0.8))
    # leave-one-out recovers the weights exactly on an additive model, so it ranks the same
    assert result.loo_values == pytest.approx((0.4, 0.2, 0.1, 0.0))
    assert result.loo.comprehensiveness == pytest.approx(e.comprehensiveness)
    # the rows are masked as shap's masker masks: each removed word becomes " [MASK]" (no collapsing
    # with a mask token), and a kept word keeps only its own text and the space after it
    rows = {r for batch in model.seen for r in batch}
    assert {"[MASK]good film ok", "[MASK] [MASK]film ok", "great [MASK] [MASK] [MASK]"} <= rows
    assert len(model.seen) == 2  # two batched calls: leave-one-out rows, then every curve


def test_removal_by_deletion_leaves_no_mask_and_is_recorded():
    model = WordModel()
    explanation = explanation_of(TEXT, [0.4, 0.2, 0.1, 0.0])
    result = faithfulness(model, explanation, "POS", removal="delete")
    rows = {r for batch in model.seen for r in batch}
    assert not any("[MASK]" in r for r in rows)
    assert {"good film ok", "film ok", "great", "great good", ""} <= rows
    # this model gives a mask no weight, so deleting and masking agree on every number
    masked = faithfulness(WordModel(), explanation, "POS")
    assert result.explanation == masked.explanation and result.random == masked.random
    assert result.settings["removal"] == "delete" and masked.settings["removal"] == "mask"
    assert result.mask_token == "" and Faithfulness.from_json(result.to_json()) == result
    with pytest.raises(ValueError, match="removal"):
        faithfulness(model, explanation, "POS", removal="blank")


def test_random_baseline_is_the_mean_of_seeded_orders():
    model = WordModel()
    expl = explanation_of(TEXT, [0.4, 0.2, 0.1, 0.0])
    weights = [0.4, 0.2, 0.1, 0.0]
    result = faithfulness(model, expl, "POS", n_random=4, seed=7)
    assert result.seeds == (7, 8, 9, 10)
    expected = np.mean([(4 * weights[o[0]] + weights[o[0]] + weights[o[1]]) / 5 for o in random_orders(4, 7, 4)])
    assert result.random.comprehensiveness == pytest.approx(expected)
    again = faithfulness(model, expl, "POS", n_random=4, seed=7)
    assert again.random == result.random
    assert random_orders(10, 3) == random_orders(10, 3) != random_orders(10, 4)
    assert all(sorted(o) == list(range(10)) for o in random_orders(10, 3))


def test_a_bad_explanation_scores_below_random_and_the_sentence_says_so():
    result = faithfulness(WordModel(), explanation_of(TEXT, [0.0, 0.1, 0.2, 0.4]), "POS")  # backwards
    assert result.explanation.order == (3, 2, 1, 0)
    assert result.explanation.comprehensiveness < result.random.comprehensiveness
    assert result.explanation.comprehensiveness < result.loo.comprehensiveness
    assert result.sentence().startswith('Removing the top 3 words ("ok", "film", "good") drops POS from 0.80 to 0.50;')


def test_record_round_trips_through_json():
    result = faithfulness(WordModel(), explanation_of(TEXT, [0.4, 0.2, 0.1, 0.0]), "POS")
    assert Faithfulness.from_json(result.to_json()) == result
    summary = result.summary_dict()
    for key in ISSUE_KEYS:
        assert isinstance(summary[key], float)
    json.dumps(summary)


def test_without_a_mask_token_runs_of_removed_words_collapse_into_one_ellipsis():
    model = WordModel(mask_token=None)
    faithfulness(model, explanation_of(TEXT, [0.4, 0.2, 0.1, 0.0]), "POS")
    rows = {r for batch in model.seen for r in batch}
    assert "...film ok" in rows and "great ..." in rows


@pytest.mark.parametrize("mask_token", ["[MASK]", None, "<mask>"])
def test_masked_rows_equal_shaps_text_masker(mask_token):
    import shap

    masker = shap.maskers.Text(WordSegmenter(mask_token))
    rng = np.random.default_rng(0)
    for text in [
        "The acting was wonderful, but the plot was dull.",
        "  Leading space;\ttabs\nand new lines — “quotes” don't matter!  ",
        "一部很好的电影 with emoji 👍🏽 ok",
    ]:
        spans = word_spans(text)
        for _ in range(60):
            keep = rng.random(len(spans)) < 0.5
            assert masked_text(text, spans, keep, mask_token) == masker(keep, text)[0][0]


def test_sizes_curves_and_areas():
    assert rationale_sizes(1) == (1, 1, 1, 1, 1)
    assert rationale_sizes(10) == (1, 1, 1, 2, 5)
    assert rationale_sizes(30) == (1, 2, 3, 6, 15)  # 1.5 rounds half up to 2
    assert curve_points(5) == (0, 1, 2, 3, 4, 5)
    points = curve_points(200, (3,))
    assert points[0] == 0 and points[-1] == 200 and 3 in points and len(points) == 52
    assert area([0, 1, 2], [1.0, 1.0, 1.0], 2) == pytest.approx(1.0)


def test_one_word_text():
    result = faithfulness(WordModel(), explanation_of("great", [0.4]), "POS")
    assert result.ks == (1,) * 5
    assert result.explanation.comprehensiveness == pytest.approx(0.4)
    assert "top 1 word " in result.sentence()


def test_on_a_real_model_with_token_leaves(tiny_classifier):
    from textlens import explain

    for leaves in ("words", "tokens"):
        expl = explain(tiny_classifier, "A fine, unremarkable film.", leaves=leaves)
        result = faithfulness(tiny_classifier, expl)
        # the full row is the text as the explainer scored it: its probability is the explanation's
        assert result.full_score == pytest.approx(expl.scores[expl.label_index(None)], abs=1e-4)
        assert len(result.explanation.deletion) == len(result.curve_ks) == result.n_words + 1
