"""Decoding uploaded images: any format PIL reads, upright, RGB, memory bounded; resizing for the model."""

from __future__ import annotations

import io
import warnings

import numpy as np

from textlens.errors import InputFileError

IMAGE_SIZE = 224
# Larger images are decoded at reduced size where the format allows (JPEG) and refused otherwise,
# so one upload cannot take gigabytes of memory.
MAX_PIXELS = 40_000_000


class ImageInputError(InputFileError):
    """An upload that cannot be used as an image."""


def load_image(data: bytes) -> np.ndarray:
    """Decode an uploaded image to RGB uint8 (H, W, 3), upright (EXIF), any mode, memory bounded."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    if not data:
        raise ImageInputError("The file is empty.")
    try:
        with warnings.catch_warnings():
            # Size is checked right below (and big JPEGs decoded at reduced scale): no warning needed.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
        width, height = image.size
        if width * height > MAX_PIXELS:
            if image.format == "JPEG":
                image.draft("RGB", (IMAGE_SIZE * 4, IMAGE_SIZE * 4))  # decode at 1/2..1/8 scale
            else:
                raise ImageInputError(
                    f"The image is {width:,}×{height:,} pixels; at most {MAX_PIXELS:,} pixels are accepted "
                    "(JPEGs of any size are read at reduced scale). Please downscale it."
                )
        image.load()
        image = ImageOps.exif_transpose(image)
        if image.mode in ("RGBA", "LA", "P"):
            image = image.convert("RGBA")
            background = Image.new("RGBA", image.size, (255, 255, 255, 255))
            image = Image.alpha_composite(background, image)
        image = image.convert("RGB")
    except UnidentifiedImageError as exc:
        raise ImageInputError("This file is not an image textlens can read (PNG, JPEG, WebP, GIF, BMP, TIFF).") from exc
    except Image.DecompressionBombError as exc:
        raise ImageInputError("The image is too large to decode safely; please downscale it.") from exc
    except OSError as exc:
        raise ImageInputError(f"The image could not be decoded ({exc}); the file may be truncated or damaged.") from exc
    if min(image.size) < 1:
        raise ImageInputError("The image has no pixels.")
    return np.asarray(image, dtype=np.uint8)


def to_model_input(image: np.ndarray, size: int = IMAGE_SIZE) -> np.ndarray:
    """Resize (bicubic) to ``size``×``size`` RGB uint8, the input the classifier and the explainer share."""
    from PIL import Image

    resized = Image.fromarray(image).resize((size, size), Image.Resampling.BICUBIC)
    return np.asarray(resized, dtype=np.uint8)
