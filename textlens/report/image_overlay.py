"""Image attributions drawn on the shared palette: red toward the class, blue against, alpha by |value|."""

from __future__ import annotations

import io

import numpy as np

from textlens.report.legend import legend_html
from textlens.report.palette import AGAINST_RGB, TOWARD_RGB
from textlens.types import ImageExplanation


def overlay(image: np.ndarray, values: np.ndarray, opacity: float = 0.7, scale: float | None = None) -> np.ndarray:
    """``image`` (H, W, 3 uint8) with each pixel tinted by its value; intensity ∝ |value| / scale."""
    values = np.asarray(values, dtype=np.float64)
    if scale is None:
        scale = float(np.abs(values).max())
    strength = np.zeros_like(values) if scale <= 0 else np.clip(np.abs(values) / scale, 0, 1)
    alpha = (opacity * strength)[..., None]
    colour = np.where(values[..., None] >= 0, np.array(TOWARD_RGB), np.array(AGAINST_RGB))
    out = image.astype(np.float64) * (1 - alpha) + colour * alpha
    return np.clip(out, 0, 255).astype(np.uint8)


def png(image: np.ndarray) -> bytes:
    """PNG bytes of an RGB uint8 array."""
    from PIL import Image

    buffer = io.BytesIO()
    Image.fromarray(image).save(buffer, format="PNG")
    return buffer.getvalue()


def npy(values: np.ndarray) -> bytes:
    """``.npy`` bytes of an array (for download)."""
    buffer = io.BytesIO()
    np.save(buffer, np.asarray(values))
    return buffer.getvalue()


def image_legend_html(result: ImageExplanation, target: str | int | None = None) -> str:
    """The legend of one explained class: colour key, scale, base value (image blurred) + pixels = output."""
    k = result.label_index(target)
    values = result.values[k]
    return legend_html(
        result,
        k,
        scale=float(np.abs(values).max()),
        attributed=float(values.sum()),
        feature="pixel",
        hidden="image fully blurred",
        floor=False,  # the overlay tints every pixel in proportion, with no cut-off below a floor
    )
