"""The explanation invariants: additivity per label, word sums, exact spans, determinism, truncation."""

from __future__ import annotations

import json

import numpy as np
import pytest

from textlens import ADDITIVITY_TOLERANCE, EmptyTextError, Explanation, explain
from textlens.text.explain import tree_evals_needed

TEXT = "The acting was wonderful but the plot was dull."


def assert_additive(result: Explanation, classifier) -> None:
    model_out = classifier.predict([result.text[: result.read_until] if result.truncated else result.text])[0]
    for i, label in enumerate(result.labels):
        total = result.base_values[i] + sum(w.values[i] for w in result.words)
        assert total == pytest.approx(model_out[i], abs=ADDITIVITY_TOLERANCE), label
        assert result.scores[i] == pytest.approx(model_out[i], abs=ADDITIVITY_TOLERANCE), label


def assert_spans_exact(result: Explanation) -> None:
    for span in result.words + result.features:
        assert result.text[span.start : span.end] == span.word


@pytest.mark.parametrize("leaves", ["words", "tokens"])
def test_additive_for_every_label_multiclass(tiny_classifier, leaves):
    result = explain(tiny_classifier, "Sunny days, unexpected joy, and quiet fears.", leaves=leaves)
    assert result.labels == ("anger", "joy", "fear")
    assert len(result.base_values) == 3
    assert result.converged
    assert_additive(result, tiny_classifier)
    assert_spans_exact(result)


@pytest.mark.parametrize("leaves", ["words", "tokens"])
def test_word_sums_equal_feature_sums(tiny_classifier, leaves):
    result = explain(tiny_classifier, "Unbelievably overwrought melodrama, honestly.", leaves=leaves, max_evals=200)
    for i in range(len(result.labels)):
        assert sum(w.values[i] for w in result.words) == pytest.approx(sum(f.values[i] for f in result.features))
    # Each word's value is the sum of the features inside it.
    for w in result.words:
        inside = [f for f in result.features if w.start <= f.start < w.end]
        assert w.values[0] == pytest.approx(sum(f.values[0] for f in inside))


def test_subword_pieces_merge_into_one_word(tiny_classifier):
    text = "Unbelievably overwrought"
    pieces = tiny_classifier.tokenizer.tokenize("unbelievably")
    assert len(pieces) > 1  # the premise: the tokenizer splits it
    result = explain(tiny_classifier, text, leaves="tokens")
    assert [w.word for w in result.words] == ["Unbelievably", "overwrought"]
    assert len(result.features) > 2
    assert_spans_exact(result)


@pytest.mark.parametrize(
    "text",
    ["  padded\ttext\nwith lines  ", "emoji 👍🏽 and 我爱电影 here", "good good bad good", "x"],
)
def test_spans_survive_odd_text(tiny_classifier, text):
    result = explain(tiny_classifier, text)
    assert_spans_exact(result)
    assert_additive(result, tiny_classifier)


def test_repeated_words_keep_their_own_positions(tiny_classifier):
    result = explain(tiny_classifier, "good good bad good")
    assert [w.start for w in result.words] == [0, 5, 10, 14]
    assert [v.index for v in result.for_label("joy")] == [0, 1, 2, 3]


def test_deterministic(tiny_classifier):
    a = explain(tiny_classifier, "first run of a sentence that is not fully expanded here", max_evals=30)
    tiny_classifier.clear_caches()
    b = explain(tiny_classifier, "first run of a sentence that is not fully expanded here", max_evals=30)
    assert not a.converged
    assert [w.values for w in a.words] == [w.values for w in b.words]


def test_truncation_is_flagged_and_explained_part_is_readable(tiny_classifier):
    text = "word " * 200  # the tiny model reads 64 positions
    result = explain(tiny_classifier, text, max_evals=50)
    assert result.truncated and result.read_until is not None
    assert 0 < result.read_until < len(text)
    assert all(w.end <= result.read_until for w in result.words)
    assert len(result.words) == 62  # 64 positions minus [CLS] and [SEP]
    assert_additive(result, tiny_classifier)


def test_json_round_trip(tiny_classifier):
    result = explain(tiny_classifier, "A <b>bold</b> claim & more")
    again = Explanation.from_json(json.loads(json.dumps(result.to_json())))
    assert again == result
    assert json.loads(result.to_json())["converged"] is True


def test_unsettled_budget_is_reported(tiny_classifier):
    text = "a fairly long sentence with many words so that a tiny budget cannot expand the tree"
    result = explain(tiny_classifier, text, max_evals=20)
    assert not result.converged
    assert 0 < result.unsettled <= 1
    assert result.evals <= 24
    assert_additive(result, tiny_classifier)


def test_empty_text_is_refused(tiny_classifier):
    with pytest.raises(EmptyTextError):
        explain(tiny_classifier, "  \n\t ")


def test_tree_evals_needed_matches_balanced_tree():
    # 4 leaves, balanced: root (1 visit) + two children (2 visits each) -> 2*1 + 2*2 + 2*2 = 10
    z = np.array([[0, 1, 1, 2], [2, 3, 1, 2], [4, 5, 2, 4]], dtype=float)
    assert tree_evals_needed(z) == 10


def test_bundled_model_reads_sentiment(default_classifier):
    pos, neg = default_classifier.classify(["I loved this film, it was wonderful.", "A dull, tedious mess."])
    assert pos.label == "POSITIVE" and pos.score > 0.9
    assert neg.label == "NEGATIVE" and neg.score > 0.9
    result = explain(default_classifier, "I loved this film, it was wonderful.")
    values = {v.word: v.value for v in result.for_label("POSITIVE")}
    assert values["loved"] > 0 and values["wonderful"] > 0
    assert result.converged
    assert_additive(result, default_classifier)


def test_bundled_model_long_text_truncated(default_classifier):
    text = "The film was fine. " * 200
    result = explain(default_classifier, text, max_evals=60)
    assert result.truncated and result.read_until < len(text)
    assert_additive(result, default_classifier)


def test_explain_many_equals_one_by_one(tiny_classifier):
    from textlens import explain_many

    texts = [f"sentence {i}: quiet joy and loud anger, number {i}" for i in range(6)] + ["one", "a b c d e f g h"]
    single = [explain(tiny_classifier, t) for t in texts]
    tiny_classifier.clear_caches()
    seen = []
    many = explain_many(tiny_classifier, texts, progress=lambda *a: seen.append(a))
    assert [m.text for m in many] == texts
    for a, b in zip(single, many):
        np.testing.assert_allclose([w.values for w in a.words], [w.values for w in b.words], atol=1e-6)
        assert b.converged
    assert seen[-1][0] == len(texts) and seen[-1][2] == seen[-1][3]


def test_bfloat16_explains_the_same_model(default_classifier):
    """bfloat16 forward passes keep the labels and explanations of float32 ones, and stay additive."""
    from textlens import load_classifier

    models = {p: load_classifier("default", precision=p) for p in ("float32", "bfloat16")}
    texts = [
        "I loved this film, it was wonderful.",
        "A dull, tedious mess.",
        "Not bad at all, though the ending drags and the jokes fall flat.",
        "The plot is thin but the actors are great fun to watch.",
    ]
    probs = {p: c.predict(texts) for p, c in models.items()}
    assert (probs["float32"].argmax(axis=1) == probs["bfloat16"].argmax(axis=1)).all()
    assert np.abs(probs["float32"] - probs["bfloat16"]).max() < 0.02
    results = {p: explain(c, texts[2]) for p, c in models.items()}
    for precision, result in results.items():
        assert result.settings["precision"] == precision
        assert result.converged
        assert_additive(result, models[precision])
    values = [np.array([w.values[1] for w in results[p].words]) for p in ("float32", "bfloat16")]
    assert np.corrcoef(*values)[0, 1] > 0.99
    # The explanation's output is the probability classify() shows for the text, one word or many.
    for text in (texts[2], "Wonderful!"):
        shown = models["bfloat16"].classify([text])[0].scores
        assert explain(models["bfloat16"], text).scores == pytest.approx(shown, abs=1e-7)
