"""The bundled image classifier (textlens/image/model.py): a real photo, its top classes as a record."""

from __future__ import annotations

import numpy as np
import pytest

from textlens.image import ImagePrediction, load_image_classifier, predict_top, to_model_input, top_classes


@pytest.fixture(scope="module")
def image_classifier():
    return load_image_classifier()


def test_chelsea_is_a_cat(image_classifier):
    import skimage.data

    probabilities = image_classifier.predict(to_model_input(skimage.data.chelsea())[None])[0]
    best = top_classes(probabilities, 1)[0]
    assert "cat" in image_classifier.labels[best].lower()
    assert len(image_classifier.labels) == 1000


def test_top_classes_and_prediction_record(image_classifier):
    import skimage.data

    assert top_classes(np.array([0.1, 0.5, 0.2, 0.2]), 3) == [1, 2, 3]
    prediction = predict_top(image_classifier, to_model_input(skimage.data.chelsea()), 5)
    assert isinstance(prediction, ImagePrediction) and len(prediction.classes) == 5
    assert list(prediction.scores) == sorted(prediction.scores, reverse=True)
    assert prediction.labels == tuple(image_classifier.labels[c] for c in prediction.classes)
    assert prediction.predicted_label == prediction.labels[0]
