"""The bundled emotion model: six labels in its card's order, explanations additive for every label from a
near-uniform base value, its validation accuracy, and the command line's --model emotion."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import numpy as np
import pytest

from tests.conftest import ROOT
from tests.text.test_explain import assert_additive
from textlens import explain
from textlens.text.encoder import EMOTION_MODEL_ID, bundled_adapter_dir

EMOTION_DIR = bundled_adapter_dir(EMOTION_MODEL_ID)
LABELS = ("sadness", "joy", "love", "anger", "fear", "surprise")
VALIDATION = ROOT.parent / "shared" / "data" / "emotion" / "validation.tsv"

# Written like the training tweets (lower case, no punctuation) and one as people type it.
TEXTS = [
    "i feel so alone and nobody seems to care",
    "i am so happy and excited about the trip tomorrow",
    "i feel really angry at the way they treated my mother",
    "I'm scared that something bad is going to happen tonight.",
]


@pytest.fixture(scope="module")
def emotion_classifier():
    from textlens import load_classifier

    return load_classifier(EMOTION_MODEL_ID, precision="float32")


@pytest.fixture(scope="module")
def training() -> dict:
    return json.loads((EMOTION_DIR / "training.json").read_text())


def test_six_labels_in_the_cards_order(emotion_classifier, training):
    assert emotion_classifier.labels == LABELS
    assert tuple(training["labels"]) == LABELS
    assert ", ".join(f"`{label}`" for label in LABELS) in (EMOTION_DIR / "README.md").read_text()
    assert emotion_classifier.language == "en" and "tweets" in emotion_classifier.intended_use
    assert not emotion_classifier.multi_label


def test_probabilities_sum_to_one(emotion_classifier):
    probs = emotion_classifier.predict(TEXTS)
    assert probs.shape == (len(TEXTS), 6)
    np.testing.assert_allclose(probs.sum(axis=1), 1.0, atol=1e-5)
    assert [p.label for p in emotion_classifier.classify(TEXTS[:3])] == ["sadness", "joy", "anger"]


@pytest.mark.parametrize("text", [TEXTS[0], TEXTS[3]])
def test_explanations_are_additive_for_every_label_from_a_near_uniform_base(emotion_classifier, text):
    result = explain(emotion_classifier, text)
    assert result.labels == LABELS and len(result.base_values) == 6
    assert_additive(result, emotion_classifier)
    # Every word hidden: no emotion more likely than another (1/6 each is uniform).
    assert max(result.base_values) < 0.3, result.base_values


def test_all_masked_texts_are_near_uniform(emotion_classifier):
    mask = emotion_classifier.mask_token
    probs = emotion_classifier.predict([" ".join([mask] * n) for n in (1, 5, 10, 20, 40, 66)])
    assert probs.max() < 0.35, probs.round(3)


def test_model_card_states_measured_figures(training):
    card = (EMOTION_DIR / "README.md").read_text()
    assert training["dev_accuracy"] >= 0.88
    for figure in ("dev_accuracy", "dev_macro_f1", "dev_base_max_prob_median"):
        assert f"{training[figure]:.4f}" in card, figure
    assert "research" in card and "python scripts/train_emotion_model.py" in card
    stages = [training["first_stage"], training["second_stage"]]
    assert all(stage["settings"]["seed"] and stage["train_seconds"] > 0 for stage in stages)
    assert training["train_seconds_both_stages"] == sum(stage["train_seconds"] for stage in stages)
    assert f"{training['train_seconds_both_stages']:,} s" in card


def test_adapter_is_small():
    size = sum(p.stat().st_size for p in EMOTION_DIR.iterdir())
    assert size <= 10 * 2**20


def test_validation_accuracy(emotion_classifier):
    if not VALIDATION.is_file():
        pytest.skip(f"emotion data not found at {VALIDATION} (it exists beside the repo in CI, not on users' machines)")
    rows = [line.rstrip("\n").rsplit("\t", 1) for line in VALIDATION.read_text(encoding="utf-8").splitlines()[1:201]]
    predictions = emotion_classifier.classify([text for text, _ in rows])
    accuracy = np.mean([p.label == label for p, (_, label) in zip(predictions, rows)])
    assert accuracy >= 0.85


def test_cli_predicts_with_the_emotion_model():
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    text = "i feel so alone and nobody seems to care"
    out = subprocess.run(
        [sys.executable, "-m", "textlens", "predict", "--model", "emotion", text],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=300,
    )
    assert out.returncode == 0, out.stderr
    row = json.loads(out.stdout)
    assert row["label"] == "sadness" and list(row["scores"]) == list(LABELS), row
