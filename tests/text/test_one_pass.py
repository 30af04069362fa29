"""One-pass word values: efficiency, training on exact explanations, agreement, saving and loading."""

from __future__ import annotations

import json

import numpy as np
import pytest

from textlens.text.explain import explain_many
from textlens.text.one_pass import (
    ALONE_WEIGHT,
    Agreement,
    OnePassError,
    agreement,
    find_one_pass,
    load_one_pass,
    make_head,
    reattach_one_pass,
    require_one_pass,
    resolve_layers,
    train,
    word_pooling,
    words_alone,
)
from textlens.types import Explanation, Span

TEXTS = [
    "a warm , funny and moving film",
    "the plot was dull and the acting worse",
    "i loved every minute of this charming story",
    "a tedious , empty mess that never ends",
    "the music is lovely but the script is weak",
    "an honest , brave and beautiful picture",
    "boring characters and a silly , slow plot",
    "one of the best films of the year",
    "nothing here works , not even the jokes",
    "a gentle comedy with real heart",
    "the worst two hours i have spent in a cinema",
    "sharp dialogue and a great cast",
]


@pytest.fixture(scope="module")
def exact(tiny_classifier):
    return explain_many(tiny_classifier, TEXTS)


@pytest.fixture(scope="module")
def trained(tiny_classifier, exact):
    return train(tiny_classifier, exact[:9], steps=300, batch_texts=8, hidden=64, seed=0)


def test_every_one_pass_explanation_is_additive_with_the_exact_base(tiny_classifier, exact, trained):
    estimated = trained.explain(tiny_classifier, TEXTS + ["one", "word salad , salad ; salad!"])
    for est in estimated:
        assert est.settings["method"] == "one-pass" and not est.converged
        for i in range(len(est.labels)):
            total = est.base_values[i] + sum(w.values[i] for w in est.words)
            assert abs(total - est.scores[i]) <= 1e-5
    for est, ref in zip(estimated, exact):
        assert [(w.start, w.end) for w in est.words] == [(w.start, w.end) for w in ref.words]
        np.testing.assert_allclose(est.base_values, ref.base_values, atol=1e-6)
        np.testing.assert_allclose(est.scores, ref.scores, atol=1e-6)


def test_training_beats_a_random_head_on_its_texts(tiny_classifier, exact, trained):
    untrained = train(tiny_classifier, exact[:9], steps=0, hidden=64, seed=1)
    assert untrained.trust() == "estimated in one pass; agreement with exact values not measured"
    fit = agreement(trained.explain(tiny_classifier, TEXTS[:9]), exact[:9])
    chance = agreement(untrained.explain(tiny_classifier, TEXTS[:9]), exact[:9])
    assert fit.median_r > chance.median_r + 0.2
    assert fit.median_r > 0.6


def test_a_long_text_is_shown_the_agreement_measured_on_long_texts(tiny_classifier, exact):
    explainer = train(tiny_classifier, exact[:9], steps=5, hidden=16)
    short = Agreement(30, 0.9, 0.8, 0.95, "dev")
    long = Agreement(10, 0.7, 0.5, 0.85, "10 long texts", min_words=20)
    explainer.agreement = (short, long)
    assert explainer.trust() == explainer.trust(19) == short.sentence()
    assert explainer.trust(20) == explainer.trust(5000) == long.sentence()
    long_text = " ".join(["a warm film"] * 10)  # 30 words, all read by the tiny model
    record, plain = explainer.explain(tiny_classifier, [long_text, TEXTS[0]])
    assert record.settings["agreement"] == long.sentence() and plain.settings["agreement"] == short.sentence()
    # Lengths are words as the band counts them, punctuation apart: 12 words here (24 with ",", "!").
    (punctuated,) = explainer.explain(tiny_classifier, [" ".join(["warm, fun!"] * 6)])
    assert len(punctuated.words) >= 20 and punctuated.settings["agreement"] == short.sentence()


def test_saved_head_loads_offline_and_gives_the_same_values(tiny_classifier, trained, tmp_path):
    trained.agreement = (Agreement(3, 0.93, 0.8, 0.9, "three texts"),)
    folder = trained.save(tmp_path / "explainer")
    loaded = load_one_pass(folder)
    a = trained.explain(tiny_classifier, TEXTS[:3])
    b = loaded.explain(tiny_classifier, TEXTS[:3])
    # The words met in training come back with the head (their outputs rounded to 7 digits in the file).
    assert set(trained.known) <= set(loaded.known) and "warm" in loaded.known
    values = [[w.values for e in records for w in e.words] for records in (a, b)]
    np.testing.assert_allclose(*values, atol=1e-6)
    (folder / "words.json").write_text('{"warm": [0.5]}', encoding="utf-8")  # one output, not one per label
    with pytest.raises(OnePassError, match="one output per label"):
        load_one_pass(folder)
    assert b[0].settings["agreement"].startswith("estimated in one pass; r = 0.930 with exact on three texts")


def test_another_model_and_a_broken_folder_are_refused(tiny_classifier, trained, tmp_path):
    other = load_one_pass(trained.save(tmp_path / "other"))
    other.fingerprint = "not this model"
    with pytest.raises(OnePassError, match="textlens one-pass train"):
        other.explain(tiny_classifier, TEXTS[:1])
    (tmp_path / "broken").mkdir()
    for card in ("{not json", "[1, 2]", '{"inputs": 8}'):  # not JSON, not a card, a card missing its keys
        (tmp_path / "broken" / "one_pass.json").write_text(card, encoding="utf-8")
        with pytest.raises(OnePassError, match="No one-pass explainer could be read"):
            load_one_pass(tmp_path / "broken")
        assert find_one_pass(tiny_classifier, [tmp_path / "broken"]) is None


def _record(values: list[float]) -> Explanation:
    words = tuple(Span(f"w{i}", 3 * i, 3 * i + 2, (-v, v)) for i, v in enumerate(values))
    return Explanation("t", "m", ("NEG", "POS"), (0.1, 0.9), (0.5, 0.5), words, words, "words", 0, 0, 0, 0.0)


def test_agreement_by_hand():
    exact = [_record([0.3, -0.1, 0.06, 0.0]), _record([0.2, 0.1])]
    estimated = [_record([0.2, -0.2, -0.07, 0.01]), _record([0.1, 0.2])]
    result = agreement(estimated, exact, "two texts")
    r1 = np.corrcoef([0.2, -0.2, -0.07, 0.01], [0.3, -0.1, 0.06, 0.0])[0, 1]
    assert result.texts == 2 and result.median_r == pytest.approx(np.median([r1, -1.0]))
    # Top 3 by |value|: {0, 1, 2} both on the first text; the second has two words, both in both.
    assert result.top3 == pytest.approx(1.0)
    # Words with |exact| > 0.05: 0.3, -0.1, 0.06 (first; the last flips sign) and 0.2, 0.1: 4 of 5 agree.
    assert result.sign == pytest.approx(4 / 5)


def test_a_word_averages_the_tokens_it_overlaps_and_falls_back_to_the_first():
    # Tokens: [CLS], "un" 0-2, "##fair" 2-6, "!" 6-7, [SEP], padding. Words: "unfair" 0-6, "!" 6-7, one
    # the tokenizer dropped (8-9: no token overlaps it) and so reads the first token's state.
    offsets = np.array([[0, 0], [0, 2], [2, 6], [6, 7], [0, 0], [0, 0]])
    mask = np.array([1, 1, 1, 1, 1, 0], dtype=bool)
    pool = word_pooling([(0, 6), (6, 7), (8, 9)], offsets, mask)
    assert pool.tolist() == [[0, 0.5, 0.5, 0, 0, 0], [0, 0, 0, 1, 0, 0], [1, 0, 0, 0, 0, 0]]
    assert word_pooling([], offsets, mask).shape == (0, 6)


def test_the_head_reads_every_layer_and_the_first_token(tiny_classifier):
    n = tiny_classifier.model.config.num_hidden_layers
    assert resolve_layers(tiny_classifier) == tuple(range(n + 1))
    assert resolve_layers(tiny_classifier, (-1, "middle")) == (-1, (n + 1) // 2)
    head = make_head(3 * 32, 3, 16)
    assert head[1].in_features == 96 and head[-1].out_features == 3


def test_a_words_output_by_itself_feeds_the_head_and_is_predicted_once(tiny_classifier, trained, monkeypatch):
    known: dict = {}
    features = words_alone(tiny_classifier, ["warm", "dull", "warm"], known)
    probs = tiny_classifier.predict(["warm", "dull", ""])
    by_hand = ALONE_WEIGHT * np.hstack([probs[:2] - probs[2], np.log(probs[:2] / (1 - probs[:2])) / 10])
    np.testing.assert_allclose(features, by_hand[[0, 1, 0]], atol=1e-5)
    asked = []
    predict = tiny_classifier.predict
    monkeypatch.setattr(tiny_classifier, "predict", lambda texts: asked.append(list(texts)) or predict(texts))
    words_alone(tiny_classifier, ["warm", "moving", "moving"], known)
    assert asked == [["moving"]]  # "warm" and the empty text are remembered
    assert words_alone(tiny_classifier, [], known).shape == (0, 2 * len(tiny_classifier.labels))
    layers, labels = len(trained.layers), len(tiny_classifier.labels)
    assert trained.alone and trained.head[1].in_features == (layers + 1) * 32 + 2 * labels


def test_a_head_saved_before_words_alone_still_loads_and_explains(tiny_classifier, exact, tmp_path):
    import json

    plain = train(tiny_classifier, exact[:9], steps=5, hidden=16, alone=False)
    folder = plain.save(tmp_path / "plain")
    card = json.loads((folder / "one_pass.json").read_text(encoding="utf-8"))
    del card["alone"]  # cards written before the word-alone inputs existed
    (folder / "one_pass.json").write_text(json.dumps(card), encoding="utf-8")
    loaded = load_one_pass(folder)
    assert not loaded.alone
    a, b = plain.explain(tiny_classifier, TEXTS[:2]), loaded.explain(tiny_classifier, TEXTS[:2])
    assert [w.values for e in a for w in e.words] == [w.values for e in b for w in e.words]


def test_the_bundled_models_explainer_loads_offline_and_keeps_efficiency():
    from textlens import load_classifier
    from textlens.text.one_pass import BUNDLED

    classifier = load_classifier("default")
    explainer = find_one_pass(classifier)
    assert explainer is not None and explainer.training["texts"] > 500
    assert explainer.alone and "wonderful" in explainer.known and len(explainer.known) > 10_000  # SST-2 train's words
    dev, other, long = explainer.agreement
    assert dev.data.startswith("SST-2 dev") and other.data.startswith("other_domain_reviews.tsv")
    assert "long texts" in long.data and long.min_words == 150  # the figure a 150-word text is shown
    assert explainer.trust(12) == dev.sentence() and explainer.trust(300) == long.sentence()
    assert (BUNDLED / "one_pass.json").is_file()
    texts = ["A warm, funny and moving film.", "The plot was dull and the acting was worse.", "Great!"]
    for est in explainer.explain(classifier, texts):
        total = est.base_values[1] + sum(w.values[1] for w in est.words)
        assert abs(total - est.scores[1]) <= 1e-5
    # The words that carry a clear review are found: "dull" pushes toward NEGATIVE, "moving" toward POSITIVE.
    warm, dull, _ = explainer.explain(classifier, texts)
    assert max(warm.for_label("POSITIVE"), key=lambda w: w.value).word in {"warm", "funny", "moving"}
    assert max(dull.for_label("NEGATIVE"), key=lambda w: w.value).word in {"dull", "worse"}


def _as_earlier_identity(folder, fingerprint: str) -> None:
    """Rewrite a saved card as textlens wrote it before identity 2: no "identity", another fingerprint."""
    card = json.loads((folder / "one_pass.json").read_text(encoding="utf-8"))
    card.pop("identity")
    card["fingerprint"] = fingerprint
    (folder / "one_pass.json").write_text(json.dumps(card), encoding="utf-8")


def test_a_head_saved_under_the_earlier_identity_works_here_or_says_the_one_command(
    tiny_classifier, trained, tmp_path, monkeypatch
):
    here = trained.save(tmp_path / "here")
    _as_earlier_identity(here, tiny_classifier.legacy_fingerprint)  # trained in this very folder, before
    assert find_one_pass(tiny_classifier, [here]) is not None
    require_one_pass(tiny_classifier, here)  # and the check passes

    elsewhere = trained.save(tmp_path / "elsewhere")
    _as_earlier_identity(elsewhere, "0" * 64)  # trained on another machine: its path was in the identity
    monkeypatch.setenv("TEXTLENS_ONE_PASS", str(elsewhere))
    assert find_one_pass(tiny_classifier) is None
    command = f"textlens reattach {elsewhere} --model {tiny_classifier.model_id}"
    for refused in (lambda: require_one_pass(tiny_classifier), lambda: require_one_pass(tiny_classifier, elsewhere)):
        with pytest.raises(OnePassError) as why:
            refused()
        assert command in str(why.value)
    card = reattach_one_pass(elsewhere, tiny_classifier)
    assert card["identity"] == 2 and card["reattached"] == [{"fingerprint": "0" * 64, "identity": 1}]
    assert json.loads((elsewhere / "one_pass.json").read_text(encoding="utf-8")) == card
    found = require_one_pass(tiny_classifier)
    assert found.source == str(elsewhere)
    np.testing.assert_allclose(
        [w.values for w in found.explain(tiny_classifier, TEXTS[:1])[0].words],
        [w.values for w in trained.explain(tiny_classifier, TEXTS[:1])[0].words],
        atol=1e-6,
    )
