"""Image page: an ImageNet classifier's top classes and the pixels that pushed each one."""

from __future__ import annotations

import hashlib
from html import escape

import numpy as np
import streamlit as st

from components import pack_widgets as packs
from components import widgets as ui
from components.charts import probability_figure
from components.safe_text import escape_md
from components.state import core as session
from components.state import image as image_state
from textlens import ImageExplanation, ImagePrediction
from textlens.image import DEFAULT_IMAGE_EVALS, IMAGE_MODEL_ID, load_image, to_model_input
from textlens.report.export_info import ExportInfo
from textlens.report.image_overlay import captioned_png, image_legend_html, npz, overlay, png
from textlens.text.summary import summarize

SAMPLES = {"Cat": "chelsea", "Coffee": "coffee", "Astronaut": "astronaut", "Rocket": "rocket"}
SECONDS_PER_IMAGE = 0.03  # EfficientNet-Lite0 forward per masked image on 2 cores, measured
TOP_K = 5
KEYS = image_state.ImageKeys
IMAGE_TYPES = ["png", "jpg", "jpeg", "webp", "gif", "bmp", "tif", "tiff"]


def sidebar_ui() -> None:
    """The sidebar says which model this page uses (the text model picker does not apply here)."""
    st.sidebar.header("Model")
    st.sidebar.caption(
        f"This page uses its own model: **{IMAGE_MODEL_ID}**, 1,000 classes. Red pixels push toward the chosen "
        "class, blue pixels away from it; values are SHAP attributions in probability."
    )


def image_ui() -> tuple[str, np.ndarray] | None:
    """A sample or an upload (decoded to RGB) and its name; None while there is none or it cannot be read (says why)."""
    source = st.radio("Image", [*SAMPLES, "Upload"], horizontal=True, key=KEYS.SOURCE, persist_state="session")
    if source != "Upload":
        return f"sample image: {source}", image_state.sample_image(SAMPLES[source])
    upload = ui.upload_ui("PNG, JPEG or WebP", IMAGE_TYPES, KEYS.FILE, KEYS.FILE_DATA, KEYS.FORGET_FILE)
    if upload is None:
        return None
    image = ui.attempt(load_image, upload.data)
    return None if image is None else (upload.name, image)


def budget_ui() -> int:
    """The evaluation budget, with what it costs here."""
    with st.expander("Advanced"):
        max_evals = ui.budget_ui(KEYS.BUDGET, auto=False, default=DEFAULT_IMAGE_EVALS)
        st.caption(
            f"Each evaluation runs one partly blurred copy through the model (about {SECONDS_PER_IMAGE * 1000:.0f} "
            f"ms here): {max_evals} take about {max_evals * SECONDS_PER_IMAGE:.0f} s. More evaluations split the "
            "image into finer regions."
        )
    return max_evals


def prediction_ui(image: np.ndarray, prediction: ImagePrediction) -> None:
    """The image as uploaded beside its top classes."""
    left, right = st.columns([2, 3])
    left.image(image, caption=f"{image.shape[1]}×{image.shape[0]} pixels", width="stretch")
    right.subheader(f"Top {len(prediction.classes)} classes")
    right.plotly_chart(probability_figure(prediction), width="stretch", key=KEYS.PROBABILITIES_CHART)


def class_ui(prediction: ImagePrediction) -> tuple[int, float]:
    """Which explained class to show and the overlay's opacity: (index among the top classes, opacity)."""
    names = [f"{label} ({score:.1%})" for label, score in zip(prediction.labels, prediction.scores)]
    left, right = st.columns([3, 2])
    chosen = left.selectbox("Class to explain", names, index=0, key=KEYS.CLASS, persist_state="session")
    opacity = right.slider("Overlay opacity", 0.0, 1.0, 0.7, 0.05, key=KEYS.OPACITY, persist_state="session")
    return names.index(chosen), opacity


def explanation_ui(model_input: np.ndarray, result: ImageExplanation, k: int, opacity: float, name: str) -> None:
    """The summary sentence and legend, the model's view beside the overlay, and downloads saying what they are."""
    label = result.labels[k]
    st.html(f'<div class="tl-summary" style="font-weight: 600;">{escape(summarize(result, k))}</div>')
    st.html(image_legend_html(result, k))
    tinted = overlay(model_input, result.values[k], opacity)
    original, overlaid = st.columns(2)
    original.image(model_input, caption="What the model sees (224×224)", width="stretch")
    overlaid.image(tinted, caption=f"Attributions toward {escape_md(label)}", width="stretch")
    info = ExportInfo.of(result, k, subject=name, title=f"Why {label}?")
    downloads = st.container(horizontal=True)
    downloads.download_button(
        "Overlay (PNG)", lambda: captioned_png(tinted, info), "overlay.png", "image/png", on_click="ignore"
    )
    downloads.download_button(
        "Attributions (.npz)",
        lambda: npz(result, info),
        "attributions.npz",
        "application/octet-stream",
        on_click="ignore",
    )


def render() -> None:
    """The Image page."""
    sidebar_ui()
    st.title("Why did the model see that?")
    st.caption("Pick a sample or upload an image: see the top-5 classes and which regions pushed each one.")
    picked = image_ui()
    max_evals = budget_ui()
    if picked is None:
        return
    name, image = picked
    model_input = to_model_input(image)
    prediction = image_state.image_prediction(model_input, TOP_K)
    prediction_ui(image, prediction)

    input_key = (hashlib.sha256(model_input.tobytes()).hexdigest(), prediction.classes, max_evals)
    if st.button("Explain", type="primary"):
        with ui.progress("Explaining the image", SECONDS_PER_IMAGE) as draw:
            result = ui.attempt(image_state.image_explanation, model_input, list(prediction.classes), max_evals, draw)
        if result is not None:
            session.remember(KEYS.RESULT, input_key, result)
    result = session.recall(KEYS.RESULT, input_key)
    if result is None:
        st.info("Click **Explain** to see which regions pushed each of the top classes.")
        return
    k, opacity = class_ui(prediction)
    explanation_ui(model_input, result, k, opacity, name)
    classifier = image_state.load_image_model()
    packs.add_to_pack_ui(
        result, result.labels[k], source="image", classifier=classifier, image=png(model_input), key=KEYS.ADD_TO_PACK
    )


render()
