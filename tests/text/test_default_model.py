"""The bundled model reads ordinary review text from other domains, and starts its explanations from neutral."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from textlens.text.encoder import DEFAULT_ADAPTER_DIR

# Hand-written reviews outside film (products, restaurants, hotels, apps, books), with capitals,
# contractions and punctuation as people type them: SST-2 has none of these conventions.
REVIEWS = [
    ("The battery lasts two full days and the screen is gorgeous. Best phone I've owned.", "POSITIVE"),
    ("Stopped working after a week and support never answered my emails.", "NEGATIVE"),
    ("Friendly staff, spotless room, and the breakfast was fantastic!", "POSITIVE"),
    ("The room smelled of smoke and the wifi didn't work at all.", "NEGATIVE"),
    ("Our waiter was rude and the pasta arrived cold. Won't be back.", "NEGATIVE"),
    ("Delicious food, generous portions, and a lovely view of the harbour.", "POSITIVE"),
    ("This app crashes every time I open it. Total waste of money.", "NEGATIVE"),
    ("Simple, fast and does exactly what it promises. Highly recommended!", "POSITIVE"),
    ("I couldn't put this book down; the characters feel completely real.", "POSITIVE"),
    ("Dull, repetitive and about two hundred pages too long.", "NEGATIVE"),
    ("The headphones are comfortable and the sound is crisp and clear.", "POSITIVE"),
    ("Cheap plastic, broke on the first day. Don't buy it.", "NEGATIVE"),
    ("It isn't perfect, but it's a joy to use every single day.", "POSITIVE"),
    ("Honestly the worst customer service I have ever experienced.", "NEGATIVE"),
    ("A warm, funny and surprisingly moving show. We loved every episode.", "POSITIVE"),
    ("The instructions were confusing and half the parts were missing.", "NEGATIVE"),
]


def test_reads_other_review_domains(default_classifier):
    predictions = default_classifier.classify([text for text, _ in REVIEWS])
    wrong = [(text, p.label) for (text, truth), p in zip(REVIEWS, predictions) if p.label != truth]
    assert len(wrong) <= 1, wrong


def test_model_card_states_measured_accuracy():
    card = (DEFAULT_ADAPTER_DIR / "README.md").read_text()
    training = json.loads((DEFAULT_ADAPTER_DIR / "training.json").read_text())
    assert training["dev_accuracy"] >= 0.88
    assert f"{training['dev_accuracy']:.4f}" in card
    assert "python scripts/evaluate_model.py --data ../shared/data/sst2/dev.tsv" in card


def test_adapter_is_small():
    size = sum(p.stat().st_size for p in DEFAULT_ADAPTER_DIR.iterdir())
    assert size <= 10 * 2**20


def test_dev_accuracy_matches_card(default_classifier, sst2_dev: Path):
    from textlens.text.sst2 import read_sst2

    texts, labels = read_sst2(sst2_dev)
    predictions = default_classifier.classify(texts)
    accuracy = sum(p.label == ("NEGATIVE", "POSITIVE")[y] for p, y in zip(predictions, labels)) / len(texts)
    assert accuracy >= 0.88
    training = json.loads((DEFAULT_ADAPTER_DIR / "training.json").read_text())
    assert accuracy == pytest.approx(training["dev_accuracy"], abs=0.002)


# Sentences like SST-2 dev's (short film-review sentences of either sign, and a neutral one).
DEV_LIKE = [
    "It's a charming and often affecting journey.",
    "Unflinchingly bleak and desperate.",
    "The acting was wonderful but the plot was dull.",
    "A dull, tedious mess.",
    "The film runs a little over two hours and was shot in Prague.",
    "It was fine, I guess, though the middle section dragged on for far too long.",
]


def _hidden(classifier, text: str) -> str:
    """``text`` with all its words hidden by the explainer's own masker."""
    from textlens.text.explain import _masker
    from textlens.text.words import word_spans

    masker = _masker(classifier, "words")
    return str(masker(np.zeros(len(word_spans(text)), dtype=bool), text)[0][0])


def test_base_value_is_near_neutral(default_classifier):
    # Masked text is in distribution (issue 20): with every word hidden the model has no sentiment.
    pos = default_classifier.labels.index("POSITIVE")
    probs = default_classifier.predict([_hidden(default_classifier, t) for t in DEV_LIKE])[:, pos]
    assert np.all((probs >= 0.35) & (probs <= 0.65)), probs


def test_long_review_base_value_is_near_neutral(default_classifier):
    # A review of a few hundred words hidden word by word is neutral too, not only SST-2's short sentences.
    from textlens.text.sst2 import as_review

    pos = default_classifier.labels.index("POSITIVE")
    reviews = [as_review(DEV_LIKE * k) for k in (2, 4, 7)]  # 104, 208 and 364 words
    probs = default_classifier.predict([_hidden(default_classifier, t) for t in reviews])[:, pos]
    assert np.all((probs >= 0.35) & (probs <= 0.65)), probs


@pytest.mark.parametrize("n", [1, 2, 4, 10, 25, 50, 100, 200, 300, 400])
def test_fully_masked_input_is_neutral(default_classifier, n):
    pos = default_classifier.labels.index("POSITIVE")
    p = default_classifier.predict([" ".join([default_classifier.mask_token] * n)])[0, pos]
    assert 0.4 <= p <= 0.6


def test_rave_review_credit_goes_to_its_words(default_classifier):
    from textlens import explain

    exp = explain(default_classifier, "I loved this film, it was wonderful.")
    pos = exp.label_index("POSITIVE")
    assert exp.predicted_label == "POSITIVE"
    assert 0.35 <= exp.base_values[pos] <= 0.65
    values = {w.word: w.value for w in exp.for_label("POSITIVE")}
    # "loved" and "wonderful" carry most of the way from the neutral start to the output.
    assert values["loved"] + values["wonderful"] > 0.5 * (exp.scores[pos] - exp.base_values[pos])
    assert values["loved"] > 0 and values["wonderful"] > 0
