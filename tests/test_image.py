"""The image classifier and its explanations: real model on a real photo, additivity, a planted signal, bad files."""

from __future__ import annotations

import io

import numpy as np
import pytest

from textlens.image import (
    ImageExplanation,
    ImageInputError,
    explain_image,
    load_image,
    load_image_classifier,
    to_model_input,
    top_classes,
)

# Partition values on images are exact for the masked game: only float32 model noise remains.
ADDITIVITY_TOLERANCE = 1e-4


@pytest.fixture(scope="module")
def image_classifier():
    return load_image_classifier()


def encode(array: np.ndarray, fmt: str = "PNG", **kwargs) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.fromarray(array).save(buffer, format=fmt, **kwargs)
    return buffer.getvalue()


def test_chelsea_is_a_cat(image_classifier):
    import skimage.data

    probabilities = image_classifier.predict(to_model_input(skimage.data.chelsea())[None])[0]
    best = top_classes(probabilities, 1)[0]
    assert "cat" in image_classifier.labels[best].lower()
    assert len(image_classifier.labels) == 1000


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
    again = ImageExplanation.from_dict(__import__("json").loads(result.to_json()))
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


def test_odd_modes_and_orientation():
    from PIL import Image

    grey = encode(np.full((30, 40), 200, dtype=np.uint8))
    assert load_image(grey).shape == (30, 40, 3)
    rgba = np.zeros((10, 10, 4), dtype=np.uint8)
    assert load_image(encode(rgba)).shape == (10, 10, 3)
    cmyk = Image.new("CMYK", (12, 8), (0, 255, 0, 0))
    buffer = io.BytesIO()
    cmyk.save(buffer, format="JPEG")
    assert load_image(buffer.getvalue()).shape == (8, 12, 3)
    # EXIF orientation 6 (rotate 90°): a 20×10 stored image shows as 10×20.
    exif = Image.Exif()
    exif[0x0112] = 6
    buffer = io.BytesIO()
    Image.new("RGB", (20, 10)).save(buffer, format="JPEG", exif=exif)
    assert load_image(buffer.getvalue()).shape == (20, 10, 3)
    assert to_model_input(load_image(encode(np.zeros((1, 1, 3), dtype=np.uint8)))).shape == (224, 224, 3)


def test_bad_files_have_clear_messages():
    jpeg = encode(np.random.default_rng(0).integers(0, 255, (200, 200, 3), dtype=np.uint8), "JPEG")
    with pytest.raises(ImageInputError, match="truncated or damaged"):
        load_image(jpeg[: len(jpeg) // 2])
    with pytest.raises(ImageInputError, match="not an image"):
        load_image(b"name,label\nnot,an image\n")
    with pytest.raises(ImageInputError, match="empty"):
        load_image(b"")


def test_huge_images_are_bounded():
    from PIL import Image

    big_png = io.BytesIO()
    Image.new("L", (12000, 12000)).save(big_png, format="PNG")
    with pytest.raises(ImageInputError, match="downscale"):
        load_image(big_png.getvalue())
    big_jpeg = io.BytesIO()
    Image.new("RGB", (12000, 12000), (10, 200, 10)).save(big_jpeg, format="JPEG", quality=50)
    decoded = load_image(big_jpeg.getvalue())
    assert decoded.shape[0] <= 12000 // 8 * 2 and decoded.shape[2] == 3
