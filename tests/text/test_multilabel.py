"""Multi-class and multi-label models: per-label sigmoid probabilities, labels above a threshold, additivity per
label, and the CLI's predicted labels (tiny random model folders built here).
"""

from __future__ import annotations

import json

import numpy as np
import pytest
import torch

from tests.conftest import make_tiny_model
from textlens import explain, load_classifier
from textlens.text.multilabel import (
    MULTI_LABEL,
    check_threshold,
    indicator,
    is_multi_label,
    labels_above,
    predicted_labels,
)

SIX = ("sadness", "joy", "love", "anger", "fear", "surprise")
TOXIC = ("toxic", "insult", "threat", "obscene", "identity")
TEXTS = ["i feel so alone and nobody seems to care", "you are a stupid idiot", "what a lovely day", "ok"]


@pytest.fixture(scope="module")
def six_dir(tmp_path_factory):
    return make_tiny_model(tmp_path_factory.mktemp("six"), labels=SIX, seed=6, spread=0.5)


@pytest.fixture(scope="module")
def multi_dir(tmp_path_factory):
    return make_tiny_model(tmp_path_factory.mktemp("multi"), labels=TOXIC, seed=7, problem_type=MULTI_LABEL, spread=0.5)


@pytest.fixture(scope="module")
def multi(multi_dir):
    return load_classifier(str(multi_dir), precision="float32")


def raw_logits(classifier, texts) -> np.ndarray:
    """The model's logits computed here, outside Classifier.predict."""
    enc = classifier.tokenizer(
        texts, padding=True, truncation=True, max_length=classifier.max_length, return_tensors="pt"
    )
    with torch.inference_mode():
        return classifier.model(**enc).logits.double().numpy()


def test_a_multi_label_model_gives_each_label_its_own_sigmoid(multi):
    assert multi.multi_label and multi.labels == TOXIC
    probs = multi.predict(TEXTS)
    expected = 1 / (1 + np.exp(-raw_logits(multi, TEXTS)))
    np.testing.assert_allclose(probs, expected, atol=1e-5)
    sums = probs.sum(axis=1)
    assert not np.allclose(sums, 1.0, atol=0.05), sums  # five sigmoids, not a softmax
    assert ((probs > 0) & (probs < 1)).all()


def test_predicted_labels_are_those_above_the_threshold(multi):
    predictions = multi.classify(TEXTS)
    for prediction, row in zip(predictions, multi.predict(TEXTS)):
        assert is_multi_label(prediction) and prediction.settings["threshold"] == 0.5
        above = predicted_labels(prediction)
        assert set(above) == {label for label, p in zip(TOXIC, row) if p >= 0.5}
        assert list(above) == sorted(above, key=lambda label: -row[TOXIC.index(label)])
        assert set(predicted_labels(prediction, 0.01)) == set(TOXIC)  # a settable threshold
        assert predicted_labels(prediction, 0.99) == ()  # several labels, or none
    np.testing.assert_array_equal(indicator(multi.predict(TEXTS), 0.5), multi.predict(TEXTS) >= 0.5)


def test_threshold_rules():
    assert labels_above(("a", "b", "c"), (0.7, 0.2, 0.9), 0.5) == ("c", "a")
    assert labels_above(("a", "b"), (0.5, 0.49), 0.5) == ("a",)  # reaching the threshold is enough
    for bad in (0, 1, -0.1, 1.5, float("nan")):
        with pytest.raises(ValueError, match="strictly between 0 and 1"):
            check_threshold(bad)


def test_a_single_label_record_has_one_predicted_label(six_dir):
    six = load_classifier(str(six_dir), precision="float32")
    prediction = six.classify(TEXTS[:1])[0]
    assert not six.multi_label and not is_multi_label(prediction) and prediction.settings == {}
    assert predicted_labels(prediction) == (prediction.label,)
    assert abs(sum(prediction.scores) - 1) < 1e-6


@pytest.mark.parametrize("which", ["six", "multi"])
def test_explanations_are_additive_for_every_label(which, six_dir, multi_dir):
    classifier = load_classifier(str(six_dir if which == "six" else multi_dir), precision="float32")
    labels = SIX if which == "six" else TOXIC
    for text in TEXTS[:2]:
        result = explain(classifier, text)
        assert result.converged and result.labels == labels
        assert is_multi_label(result) == (which == "multi")
        assert is_multi_label(result.prediction()) == (which == "multi")  # what the Explain page shows keeps it
        np.testing.assert_allclose(result.scores, classifier.predict([text])[0], atol=1e-5)
        for i, label in enumerate(labels):
            total = result.base_values[i] + sum(w.value for w in result.for_label(label))
            assert abs(total - result.scores[i]) < 1e-5, (label, total, result.scores[i])
        spread = max(abs(w.values[i]) for w in result.words for i in range(len(labels)))
        assert spread > 1e-3  # the values are not all zero: additivity is not trivially met


def test_cli_prints_a_multi_label_models_labels_and_threshold(capsys, multi_dir, multi):
    from textlens.cli.main import main

    assert main(["predict", "--model", str(multi_dir), "--threshold", "0.3", *TEXTS[:2]]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    for line, row in zip(lines, multi.predict(TEXTS[:2])):
        assert line["threshold"] == 0.3
        assert set(line["labels"]) == {label for label, p in zip(TOXIC, row) if p >= 0.3}
        assert abs(sum(line["scores"].values()) - 1) > 0.05
    assert main(["explain", "--model", str(multi_dir), TEXTS[0], "--target", "threat"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["target"] == "threat" and out["threshold"] == 0.5 and "labels" in out
    assert main(["predict", "--model", str(multi_dir), "--threshold", "2", "x"]) != 0
    assert "strictly between 0 and 1" in capsys.readouterr().err


def test_cli_keeps_a_single_label_models_output(capsys, six_dir):
    from textlens.cli.main import main

    assert main(["predict", "--model", str(six_dir), TEXTS[0]]) == 0
    line = json.loads(capsys.readouterr().out)
    assert set(line) == {"text", "label", "scores"} and set(line["scores"]) == set(SIX)


def test_a_regression_or_one_output_model_is_refused_with_the_fix(tmp_path):
    from textlens.errors import ModelLoadError

    one = make_tiny_model(tmp_path / "one", labels=("score",), seed=1)
    with pytest.raises(ModelLoadError, match="one output, not class probabilities.*problem_type"):
        load_classifier(str(one))
    regression = make_tiny_model(tmp_path / "reg", labels=("a", "b"), seed=1, problem_type="regression")
    with pytest.raises(ModelLoadError, match="a regression head"):
        load_classifier(str(regression))
    toxic = make_tiny_model(tmp_path / "toxic", labels=("toxic",), seed=1, problem_type=MULTI_LABEL)
    assert load_classifier(str(toxic)).multi_label  # one sigmoid: a yes/no label, fine


def test_label_names_default_to_label_i(tmp_path):
    import json as jsonlib

    folder = make_tiny_model(tmp_path / "plain", labels=("a", "b", "c"), seed=1)
    config = jsonlib.loads((folder / "config.json").read_text())
    del config["id2label"], config["label2id"]
    config["num_labels"] = 3  # a config that gives the number of labels but no names
    (folder / "config.json").write_text(jsonlib.dumps(config))
    classifier = load_classifier(str(folder))
    assert classifier.labels == ("LABEL_0", "LABEL_1", "LABEL_2")
