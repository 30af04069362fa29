"""SHAP explanations of pixels (textlens/image/explain.py): additivity, a planted signal, state kept on the model."""

from __future__ import annotations

import json

import numpy as np
import pytest

from textlens.caches import state_of
from textlens.image import ImageExplanation, explain_image, load_image_classifier, to_model_input, top_classes

# Partition values on images are exact for the masked game: only float32 model noise remains.
ADDITIVITY_TOLERANCE = 1e-4


@pytest.fixture(scope="module")
def image_classifier():
    return load_image_classifier()


def test_additivity_and_round_trip(image_classifier):
    import skimage.data

    image = to_model_input(skimage.data.chelsea())
    probabilities = image_classifier.predict(image[None])[0]
    classes = top_classes(probabilities, 2)
    result = explain_image(image_classifier, image, classes, max_evals=100)
    for k, c in enumerate(classes):
        assert result.base_values[k] + result.values[k].sum() == pytest.approx(
            probabilities[c], abs=ADDITIVITY_TOLERANCE
        )
    again = ImageExplanation.from_dict(json.loads(result.to_json()))
    assert again.classes == result.classes
    np.testing.assert_allclose(again.values[0], result.values[0], atol=1e-8)


class RedSquareModel:
    """Output depends only on how red the square at rows/cols 40-80 is."""

    model_id = "red-square"
    labels = ("red square", "no red square")

    def predict(self, images: np.ndarray) -> np.ndarray:
        images = np.asarray(images, dtype=np.float64)
        region = images[:, 40:80, 40:80, :]
        redness = (region[..., 0] - region[..., 1:].mean(axis=-1)).mean(axis=(1, 2)) / 255
        p = np.clip(redness, 0, 1)
        return np.stack([p, 1 - p], axis=1)


def test_attribution_concentrates_on_the_planted_square():
    image = np.full((128, 128, 3), 128, dtype=np.uint8)
    image[40:80, 40:80] = (255, 0, 0)
    # A blur wider than the square: hidden, it fades into the grey around it.
    result = explain_image(RedSquareModel(), image, [0], max_evals=1000, blur=64)
    magnitude = np.abs(result.values[0])
    # The partition's smallest regions here are 8 px wide: allow that much spill around the square.
    assert magnitude[32:88, 32:88].sum() / magnitude.sum() > 0.95
    assert magnitude[40:80, 40:80].sum() / magnitude.sum() > 0.75
    assert result.values[0][40:80, 40:80].sum() > 0


def test_explainer_lives_on_the_model_and_results_repeat():
    model = RedSquareModel()
    image = np.full((64, 64, 3), 128, dtype=np.uint8)
    image[20:40, 20:40] = (255, 0, 0)
    first = explain_image(model, image, [0, 1], max_evals=60, blur=8)
    assert list(state_of(model).entries) == [("image", (64, 64), 8)]
    np.random.seed(99)  # the global generator plays no part
    again = explain_image(model, image, [0, 1], max_evals=60, blur=8)
    np.testing.assert_array_equal(first.values[0], again.values[0])
    assert first.settings == {"max_evals": 60, "blur": 8, "seed": 0} and first.output_space == "probability"
