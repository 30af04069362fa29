"""AppTest for the Image page: a sample's top-5 classes, an explanation, class switch, downloads, bad upload."""

from __future__ import annotations

import pytest

from tests.apptest_helpers import button, capture_downloads, download_data, html_blocks, start_app
from tests.conftest import ROOT

PAGE = "app_pages/image.py"


@pytest.fixture
def app():
    return start_app(ROOT / "dashboard.py", PAGE)


def test_cat_sample_explained(app):
    at = app
    assert at.radio(key="image_source").value == "Cat"
    assert len(at.get("plotly_chart")) == 1
    at.select_slider(key="image_budget").set_value(100)
    at.run()
    button(at, "Explain").click()
    at.run()
    assert not at.exception, at.exception
    choice = at.selectbox(key="image_class")
    assert "cat" in choice.value.lower()
    legend = next(b for b in html_blocks(at) if 'class="tl-legend"' in b)
    assert "Base value" in legend and "model output" in legend
    # The model-sized original and the overlay for the chosen class, side by side.
    captions = image_captions(at)
    assert "What the model sees (224×224)" in captions
    assert f"Attributions toward {class_name(choice.value)}" in captions
    choice.set_value(choice.options[1])
    at.run()
    assert not at.exception
    assert f"Attributions toward {class_name(choice.options[1])}" in image_captions(at)
    assert len(at.get("download_button")) == 2


def test_summary_sentence_and_downloads_that_say_what_they_are(app, monkeypatch):
    import io
    import json

    import numpy as np
    from PIL import Image

    at = app
    seen = capture_downloads(monkeypatch)
    at.select_slider(key="image_budget").set_value(100)
    at.run()
    button(at, "Explain").click()
    at.run()
    assert not at.exception, at.exception
    label = class_name(at.selectbox(key="image_class").value)
    summary = next(b for b in html_blocks(at) if 'class="tl-summary"' in b)
    assert f"with the image fully blurred the model gives {label}" in summary and "the regions add" in summary
    assert "mainly from the " in summary  # a region by name, with how much it pushed
    legend = next(b for b in html_blocks(at) if 'class="tl-legend"' in b)
    assert "full colour at" not in legend and "outlined" in legend
    png = Image.open(io.BytesIO(download_data(seen, "Overlay (PNG)")))
    assert png.text["Title"] == f"Why {label}?" and "input: sample image: Cat" in png.text["Description"]
    assert "model efficientnet" in png.text["Description"].lower()
    arrays = np.load(io.BytesIO(download_data(seen, "Attributions (.npz)")), allow_pickle=False)
    export = json.loads(str(arrays["export"]))
    assert export["title"] == f"Why {label}?" and export["input"] == "sample image: Cat"
    assert arrays["values"].shape[1:] == (224, 224) and label in list(arrays["labels"])


def test_non_image_upload_is_a_message(app):
    at = app
    at.radio(key="image_source").set_value("Upload")
    at.run()
    at.file_uploader[0].set_value(("photo.png", b"this is not a png", "image/png"))
    at.run()
    assert not at.exception
    assert any("not an image" in e.value for e in at.error)


def image_captions(at) -> list[str]:
    """The captions of every st.image on the page."""
    return [img.caption for element in at.get("image") for img in element.proto.imgs]


def class_name(option: str) -> str:
    """'Egyptian cat (76.3%)' -> 'Egyptian cat'."""
    return option.rsplit(" (", 1)[0]


def test_choices_and_explanation_survive_a_visit_to_another_page(app):
    from tests.apptest_helpers import visit_another_page

    at = app
    at.radio(key="image_source").set_value(at.radio(key="image_source").options[1])
    at.select_slider(key="image_budget").set_value(100)
    at.run()
    button(at, "Explain").click()
    at.run()
    assert not at.exception, at.exception
    source, legends = at.radio(key="image_source").value, [b for b in html_blocks(at) if 'class="tl-legend"' in b]
    assert legends
    visit_another_page(at, PAGE)
    assert at.radio(key="image_source").value == source
    assert at.select_slider(key="image_budget").value == 100
    assert [b for b in html_blocks(at) if 'class="tl-legend"' in b] == legends
