"""The image overlay stays readable on a picture with its own red and blue; its legend, summary and downloads."""

from __future__ import annotations

import io
import json

import numpy as np
import pytest
from PIL import Image

from textlens.report.export_info import ExportInfo
from textlens.report.image_overlay import captioned_png, image_legend_html, npz, overlay
from textlens.report.palette import AGAINST_RGB, TOWARD_RGB
from textlens.text.summary import image_regions, summarize
from textlens.types import ImageExplanation

SIZE = 60


def red_and_blue_picture() -> np.ndarray:
    """Left half pure red, right half pure blue: the palette's own colours in the picture."""
    image = np.zeros((SIZE, SIZE, 3), np.uint8)
    image[:, : SIZE // 2] = (220, 20, 30)
    image[:, SIZE // 2 :] = (30, 60, 200)
    return image


def values() -> np.ndarray:
    """A strong block toward the class in the blue half's middle, a weaker one against it top left."""
    v = np.zeros((SIZE, SIZE))
    v[20:40, 35:55] = 1e-4
    v[0:15, 0:15] = -3e-5
    return v


def result() -> ImageExplanation:
    v = values()
    return ImageExplanation("img-model", (285,), ("Egyptian cat",), (0.7,), (0.7 - v.sum(),), (v,), 100, "blur")


def is_grey(pixel) -> bool:
    return int(max(pixel)) - int(min(pixel)) <= 1


def test_the_picture_is_grey_under_the_colours_so_its_own_red_and_blue_read_as_nothing():
    out = overlay(red_and_blue_picture(), values(), opacity=0.7)
    assert is_grey(out[50, 5]) and is_grey(out[50, 50])  # no attribution: grey, whatever the picture's colour
    inside = out[30, 45]  # toward the class, on the picture's blue: red now
    assert inside[0] > inside[2] + 40
    against = out[7, 7]  # against the class, on the picture's red: blue now
    assert against[2] > against[0] + 10


def test_the_strongest_regions_are_outlined_in_their_colour():
    out = overlay(red_and_blue_picture(), values(), opacity=0.0)  # even with no tint at all
    assert tuple(out[20, 45]) == TOWARD_RGB and tuple(out[39, 45]) == TOWARD_RGB  # the block's edge
    assert tuple(out[30, 45]) != TOWARD_RGB  # its inside is not painted over
    assert is_grey(out[30, 45])
    weak = overlay(red_and_blue_picture(), values(), opacity=0.0)[0, 7]
    assert tuple(weak) != AGAINST_RGB  # under half the strongest |value|: not outlined


def test_summary_names_regions_and_how_much_they_pushed():
    assert sum(v for _, v in image_regions(values())) == pytest.approx(values().sum())
    line = summarize(result(), 0)
    assert line.startswith("Egyptian cat 0.70: with the image fully blurred the model gives Egyptian cat")
    assert "the regions add +0.03, mainly from the right (+0.03) and the centre (+0.01)" in line
    assert line.endswith("against: the top left (-0.01)")


def test_legend_says_what_colour_means_without_a_per_pixel_number():
    legend = image_legend_html(result(), 0)
    assert "e-05" not in legend and "full colour at" not in legend
    assert "relative to this image&#x27;s strongest pixel" in legend and "outlined" in legend
    assert "Base value (image fully blurred)" in legend


def test_downloads_say_what_they_are():
    info = ExportInfo.of(result(), 0, subject="holiday.jpg", title="Why Egyptian cat?")
    png = Image.open(io.BytesIO(captioned_png(overlay(red_and_blue_picture(), values()), info)))
    assert png.text["Title"] == "Why Egyptian cat?" and "input: holiday.jpg" in png.text["Description"]
    assert png.width == 3 * SIZE and png.height > 3 * SIZE  # enlarged, with the caption band below
    band = np.asarray(png.convert("RGB"))[3 * SIZE :]
    assert (band < 100).any()  # dark text in the white band
    arrays = np.load(io.BytesIO(npz(result(), info)), allow_pickle=False)
    assert arrays["values"].shape == (1, SIZE, SIZE) and list(arrays["labels"]) == ["Egyptian cat"]
    export = json.loads(str(arrays["export"]))
    assert export["title"] == "Why Egyptian cat?" and export["input"] == "holiday.jpg"
    assert export["model"] == "img-model" and export["exported"] == info.created
