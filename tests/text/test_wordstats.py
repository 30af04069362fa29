"""Statistics over many explanations (textlens/wordstats.py): words across a set, contrasts, model changes."""

from __future__ import annotations

import pytest

from tests.factories import make_explanation as make
from textlens.text.wordstats import (
    default_target,
    shared_labels,
    word_changes,
    word_contrast,
    word_statistics,
    word_values,
)


def test_word_statistics_mean_and_counts():
    rows = [make("great great film", [0.2, 0.2, 0.0]), make("Great ending", [0.1, 0.0])]
    stats = {s.word.lower(): s for s in word_statistics(rows, "POSITIVE")}
    assert stats["great"].inputs == 2 and stats["great"].occurrences == 3
    assert stats["great"].mean == pytest.approx((0.4 + 0.1) / 2)


def test_label_matching():
    assert shared_labels(["NEG", "POS"], ["POS", "NEG"]) == (["NEG", "POS"], None)
    common, message = shared_labels(["NEG", "POS"], ["a", "b", "POS"])
    assert common == ["POS"] and "differ" in message
    assert default_target(["NEGATIVE", "POSITIVE"]) == "POSITIVE"
    assert default_target(["x", "y", "z"]) == "x"


def test_word_values_fold_case_sum_repeats_and_skip_punctuation():
    e = make("Good, good film", [0.2, 0.5, 0.1, -0.3])
    assert word_values(e, "POSITIVE") == pytest.approx({"good": 0.3, "film": -0.3})
    assert word_values(e, "NEGATIVE") == pytest.approx({"good": -0.3, "film": 0.3})


def test_word_statistics_min_count_and_order():
    rows = [make("dull plot", [-0.5, 0.1]), make("dull cast", [-0.3, 0.05]), make("fine", [0.9])]
    stats = word_statistics(rows, "POSITIVE", min_count=2)
    assert [s.word for s in stats] == ["dull"]
    assert [s.word for s in word_statistics(rows, "POSITIVE")][:2] == ["fine", "dull"]  # by |mean|


def test_word_contrast_separates_spurious_cues_from_signal():
    errors = [make("actor dull", [0.4, -0.1]), make("actor plot", [0.5, 0.0])]
    correct = [make("actor fine", [0.0, 0.3])]
    (contrast,) = word_contrast(errors, correct, "POSITIVE")
    assert contrast.word == "actor" and contrast.errors.inputs == 2
    assert contrast.cue == pytest.approx(0.45)  # pushes the mistakes, not the right decisions


def test_word_changes_strongest_moves_first():
    a = make("plot was fine", [0.2, 0.0, 0.3])
    b = make("plot was fine", [-0.1, 0.05, 0.31])
    changes = word_changes(a, b, "POSITIVE")
    assert [c.word for c in changes][0] == "plot" and changes[0].sign_flip


def test_default_target_for_many_classes_is_the_class_predicted_most():
    labels = ["sadness", "joy", "love", "anger"]
    assert default_target(labels, ["joy", "anger", "joy", "sadness"]) == "joy"
    assert default_target(labels, ["anger", "love"]) == "love"  # a tie goes to the first in label order
    assert default_target(labels) == "sadness" and default_target(labels, ["unknown"]) == "sadness"
    assert default_target(["NEGATIVE", "POSITIVE"], ["NEGATIVE"] * 5) == "POSITIVE"  # two classes: the positive one
