"""Decoding uploads (textlens/image/decode.py): any mode, upright, memory bounded, clear messages for bad files."""

from __future__ import annotations

import io

import numpy as np
import pytest

from textlens.image import ImageInputError, load_image, to_model_input


def encode(array: np.ndarray, fmt: str = "PNG", **kwargs) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.fromarray(array).save(buffer, format=fmt, **kwargs)
    return buffer.getvalue()


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
