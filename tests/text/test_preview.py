"""The instant leave-one-out preview and what-if edits checked against the real model."""

from __future__ import annotations

import pytest

from tests.text.test_faithfulness import TEXT, WordModel, explanation_of
from textlens import EmptyTextError, TextlensError, explain
from textlens.text.preview import edit_text, is_preview, preview, what_if
from textlens.text.words import word_spans


def test_preview_is_leave_one_out_and_marked():
    result = preview(WordModel(), TEXT)
    assert is_preview(result)
    assert result.settings["method"] == "preview"
    assert [w.value for w in result.for_label("POS")] == pytest.approx([0.4, 0.2, 0.1, 0.0])
    assert result.scores == pytest.approx((0.2, 0.8))
    # base + sum = scores, so every component that draws an Explanation can draw it
    assert result.base_values[1] + sum(w.value for w in result.for_label("POS")) == pytest.approx(0.8)
    assert not is_preview(explanation_of(TEXT, [0.4, 0.2, 0.1, 0.0]))


def test_preview_on_a_real_model_is_one_batch(tiny_classifier):
    text = "The acting was wonderful but the plot was dull."
    calls = []
    real_predict = tiny_classifier.predict

    class Counting:
        labels, mask_token, model_id = tiny_classifier.labels, tiny_classifier.mask_token, "tiny"

        def predict(self, texts):
            calls.append(len(texts))
            return real_predict(texts)

        def read_until(self, t):
            return tiny_classifier.read_until(t)

    result = preview(Counting(), text)
    assert calls == [len(word_spans(text)) + 1]
    assert [w.word for w in result.words] == [text[a:b] for a, b in word_spans(text)]
    assert not is_preview(explain(tiny_classifier, text))
    with pytest.raises(EmptyTextError):
        preview(tiny_classifier, "   ")


@pytest.mark.parametrize(
    ("text", "edits", "expected"),
    [
        ("The acting was wonderful but dull.", {3: ""}, "The acting was but dull."),
        ("The acting was wonderful but dull.", {0: ""}, "acting was wonderful but dull."),
        ("The acting was wonderful but dull.", {5: ""}, "The acting was wonderful but."),
        ("The acting was wonderful but dull.", {3: "awful", 5: "fine"}, "The acting was awful but fine."),
        ("a  b", {0: ""}, "b"),
    ],
)
def test_edit_text(text, edits, expected):
    assert edit_text(text, word_spans(text), edits) == expected


def test_what_if_probability_equals_classify_on_the_edited_text(tiny_classifier):
    text = "The acting was wonderful but the plot was dull."
    expl = explain(tiny_classifier, text)
    target = expl.labels[1]
    change = what_if(tiny_classifier, expl, [3, 8], target)
    assert change.edited_text == "The acting was but the plot was."
    assert change.words == ("wonderful", "dull")
    again = tiny_classifier.classify([change.edited_text])[0]
    assert change.new_score == again.scores[again.label_index(target)]
    assert change.new_scores == again.scores
    values = expl.for_label(target)
    assert change.predicted_change == pytest.approx(-(values[3].value + values[8].value))
    assert change.real_change == pytest.approx(change.new_score - expl.scores[1])
    predicted = min(1.0, max(0.0, expl.scores[1] + change.predicted_change))
    assert change.gap == pytest.approx(change.new_score - predicted)
    replaced = what_if(tiny_classifier, expl, [3], target, replacement=" awful ")
    assert replaced.edited_text == "The acting was awful but the plot was dull."
    assert replaced.new_score == tiny_classifier.classify([replaced.edited_text])[0].scores[1]
    assert type(change).from_dict(change.to_dict()) == change


def test_what_if_refuses_empty_edits(tiny_classifier):
    expl = explain(tiny_classifier, "Fine film")
    with pytest.raises(TextlensError):
        what_if(tiny_classifier, expl, [])
    with pytest.raises(EmptyTextError):
        what_if(tiny_classifier, expl, [0, 1])


def test_what_if_on_the_hand_made_model():
    expl = explanation_of(TEXT, [0.4, 0.2, 0.1, 0.0])
    change = what_if(WordModel(), expl, [0], "POS")
    assert change.edited_text == "good film ok"
    assert change.new_score == pytest.approx(0.4)
    assert change.predicted_change == pytest.approx(-0.4) and change.gap == pytest.approx(0.0)
