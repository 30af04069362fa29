"""Image attributions drawn on the shared palette: red toward the class, blue against, alpha by |value|."""

from __future__ import annotations

import io
import json

import numpy as np

from textlens.report.export_info import ExportInfo, png_with_info
from textlens.report.legend import legend_html
from textlens.report.palette import AGAINST_RGB, TOWARD_RGB
from textlens.types import ImageExplanation

# The picture under the colours is grey, lifted toward white by this share: an image's own reds and blues
# would otherwise read as attributions, and on a light grey both palette colours stand out.
GREY_LIFT = 0.35
# Regions whose pixels reach this share of the strongest |value| are outlined in their colour, so the
# strongest evidence stays visible at any opacity and on any picture.
OUTLINE_SHARE = 0.5
OUTLINE_PX = 2


def grey_base(image: np.ndarray) -> np.ndarray:
    """``image`` (H, W, 3 uint8) as a light grey picture (luminance, lifted toward white), float RGB."""
    luminance = image.astype(np.float64) @ np.array([0.299, 0.587, 0.114])
    lifted = luminance * (1 - GREY_LIFT) + 255 * GREY_LIFT
    return np.repeat(lifted[..., None], 3, axis=2)


def outline(mask: np.ndarray, width: int = OUTLINE_PX) -> np.ndarray:
    """The pixels of ``mask`` within ``width`` pixels of its edge (of the region or of the image)."""
    inner = mask.copy()
    for _ in range(width):
        padded = np.pad(inner, 1, constant_values=False)
        inner = inner & padded[:-2, 1:-1] & padded[2:, 1:-1] & padded[1:-1, :-2] & padded[1:-1, 2:]
    return mask & ~inner


def overlay(image: np.ndarray, values: np.ndarray, opacity: float = 0.7, scale: float | None = None) -> np.ndarray:
    """``image`` in grey, each pixel tinted by its value (intensity ∝ |value| / scale), the strongest regions outlined.

    Red toward the class, blue against (the shared palette). The grey base keeps a picture's own red
    and blue from reading as attributions; outlines mark where |value| reaches :data:`OUTLINE_SHARE`
    of the scale.
    """
    values = np.asarray(values, dtype=np.float64)
    if scale is None:
        scale = float(np.abs(values).max())
    strength = np.zeros_like(values) if scale <= 0 else np.clip(np.abs(values) / scale, 0, 1)
    # Proportional, with no floor (unlike the text highlights): a picture's many weak regions would
    # otherwise tint all of it and hide the few that matter.
    alpha = (opacity * strength)[..., None]
    colour = np.where(values[..., None] >= 0, np.array(TOWARD_RGB), np.array(AGAINST_RGB))
    out = grey_base(image) * (1 - alpha) + colour * alpha
    if scale > 0:
        for sign, rgb in ((1, TOWARD_RGB), (-1, AGAINST_RGB)):
            out[outline(sign * values >= OUTLINE_SHARE * scale)] = rgb
    return np.clip(out, 0, 255).astype(np.uint8)


def png(image: np.ndarray) -> bytes:
    """PNG bytes of an RGB uint8 array."""
    from PIL import Image

    buffer = io.BytesIO()
    Image.fromarray(image).save(buffer, format="PNG")
    return buffer.getvalue()


def npz(result: ImageExplanation, info: ExportInfo) -> bytes:
    """``.npz`` bytes of an explanation: ``values`` (classes × H × W), ``labels``, ``classes``, ``scores``,
    ``base_values``, and ``export`` (the JSON of what the file is). Reads with ``np.load`` as is, no pickle.
    """
    buffer = io.BytesIO()
    np.savez_compressed(
        buffer,
        values=np.stack(result.values),
        labels=np.array(result.labels),
        classes=np.array(result.classes),
        scores=np.array(result.scores),
        base_values=np.array(result.base_values),
        export=np.array(json.dumps(info.as_dict(), ensure_ascii=False)),
    )
    return buffer.getvalue()


CAPTION_SCALE = 3  # the 224-pixel overlay is enlarged for a slide (nearest neighbour: the regions stay crisp)


def captioned_png(image: np.ndarray, info: ExportInfo) -> bytes:
    """The overlay for download: enlarged, a band under it with the title and what it shows (input, model,
    date), and the same facts in the PNG's text chunks.
    """
    from PIL import Image, ImageDraw, ImageFont

    picture = Image.fromarray(image).resize(
        (image.shape[1] * CAPTION_SCALE, image.shape[0] * CAPTION_SCALE), Image.Resampling.NEAREST
    )
    title_font, font = ImageFont.load_default(22), ImageFont.load_default(15)
    lines = [(info.heading, title_font), *((line, font) for line in _wrap(info.plain_lines(), font, picture.width))]
    band = 16 + sum(f.size + 8 for _, f in lines)
    page = Image.new("RGB", (picture.width, picture.height + band), "white")
    page.paste(picture, (0, 0))
    draw, y = ImageDraw.Draw(page), picture.height + 10
    for text, f in lines:
        draw.text((12, y), text, fill=(31, 36, 48), font=f)
        y += f.size + 8
    buffer = io.BytesIO()
    page.save(buffer, format="PNG")
    return png_with_info(buffer.getvalue(), info)


def _wrap(lines: list[str], font, width: int) -> list[str]:
    """``lines`` broken at spaces so each fits ``width`` pixels (less a margin) in ``font``."""
    out = []
    for line in lines:
        current = ""
        for word in line.split(" "):
            trial = f"{current} {word}".strip()
            if current and font.getlength(trial) > width - 24:
                out.append(current)
                current = word
            else:
                current = trial
        out.append(current)
    return out


def image_legend_html(result: ImageExplanation, target: str | int | None = None) -> str:
    """The legend of one explained class: colour key, what colour strength and outlines mean, and
    base value (image blurred) + pixels = output.
    """
    k = result.label_index(target)
    values = result.values[k]
    return legend_html(
        result,
        k,
        scale=None,  # one pixel's value is tiny and means little alone; the summary gives the regions' sums
        attributed=float(values.sum()),
        feature="pixel",
        hidden="image fully blurred",
        notes=(
            "Colour strength is relative to this image's strongest pixel; outlined: the regions where "
            f"pixels reach {OUTLINE_SHARE:.0%} of it. The picture is shown in grey so its own reds and "
            "blues are not mistaken for attributions.",
        ),
    )
