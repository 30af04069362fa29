"""The result records: one protocol, round trips through JSON by kind, one argmax, old dicts still load."""

from __future__ import annotations

import json
from dataclasses import replace

import numpy as np
import pytest

from tests.factories import make_explanation
from textlens.errors import UnknownLabelError
from textlens.types import (
    RECORD_CLASSES,
    Explanation,
    ImageExplanation,
    ImagePrediction,
    Prediction,
    Record,
    argmax,
    record_from_dict,
    record_from_json,
)


def explanation() -> Explanation:
    return replace(make_explanation("good film", [0.3, 0.05], base=0.4), settings={"seed": 0})


def image_explanation() -> ImageExplanation:
    values = (np.arange(4.0).reshape(2, 2) / 100, -np.ones((2, 2)) / 100)
    return ImageExplanation(
        model_id="img",
        classes=(281, 285),
        labels=("tabby", "Egyptian cat"),
        scores=(0.6, 0.2),
        base_values=(0.54, 0.24),
        values=values,
        max_evals=100,
        masker="blur(16,16)",
        settings={"blur": 16},
    )


RECORDS = [
    explanation(),
    Prediction("good film", "m", ("NEGATIVE", "POSITIVE"), (0.25, 0.75), True, 4),
    image_explanation(),
    ImagePrediction("img", (281, 285), ("tabby", "Egyptian cat"), (0.6, 0.2)),
]


@pytest.mark.parametrize("record", RECORDS, ids=lambda r: r.kind)
def test_every_record_follows_the_protocol_and_round_trips(record):
    assert isinstance(record, Record)
    data = json.loads(record.to_json())
    assert data["kind"] == record.kind
    again = record_from_dict(data)
    assert type(again) is type(record)
    assert again.labels == record.labels and again.scores == record.scores
    assert again.base_values == record.base_values
    assert again.output_space == "probability"
    assert again.predicted_label == record.labels[int(np.argmax(record.scores))]
    assert again.label_index(None) == record.labels.index(record.predicted_label)
    assert record_from_json(record.to_json()).to_dict().keys() == data.keys()


def test_round_trip_keeps_everything():
    e = explanation()
    assert Explanation.from_json(e.to_json()) == e
    p = RECORDS[1]
    assert record_from_dict(p.to_dict()) == p
    img = record_from_dict(json.loads(image_explanation().to_json()))
    np.testing.assert_allclose(img.values[0], image_explanation().values[0])
    assert img.settings == {"blur": 16}


def test_kinds_are_unique_and_registered():
    assert set(RECORD_CLASSES) == {
        "text",
        "text-prediction",
        "image",
        "image-prediction",
        "tabular",
        "tabular-prediction",
    }
    for kind, cls in RECORD_CLASSES.items():
        assert cls.kind == kind


def test_old_dicts_without_kind_load_as_text_explanations():
    data = explanation().to_dict()
    del data["kind"]
    assert Explanation.from_dict(data) == explanation()
    assert record_from_dict(data) == explanation()


def test_wrong_or_unknown_kind_is_refused():
    with pytest.raises(ValueError, match="cannot be read"):
        Explanation.from_dict(RECORDS[1].to_dict())
    with pytest.raises(ValueError, match="Unknown record kind"):
        record_from_dict({"kind": "audio"})


def test_one_argmax_ties_go_to_the_first_label():
    assert argmax((0.5, 0.5)) == 0
    p = Prediction("t", "m", ("a", "b", "c"), (0.2, 0.4, 0.4))
    assert p.label == p.predicted_label == "b" and p.score == 0.4
    assert ImagePrediction("img", (1, 2), ("x", "y"), (0.1, 0.3)).predicted_label == "y"


def test_labels_by_name_or_index():
    e = explanation()
    assert e.label_index("POSITIVE") == 1 and e.label_index(0) == 0
    with pytest.raises(UnknownLabelError, match="POSITIVE"):
        e.label_index("neutral")
    with pytest.raises(UnknownLabelError):
        e.label_index(2)


def test_prediction_cli_shape():
    assert RECORDS[1].cli_dict() == {
        "text": "good film",
        "label": "POSITIVE",
        "scores": {"NEGATIVE": 0.25, "POSITIVE": 0.75},
        "truncated": True,
        "read_until": 4,
    }
