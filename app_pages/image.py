"""Image page: an ImageNet classifier's top classes and the pixels that pushed each one."""

from __future__ import annotations

import hashlib

import numpy as np
import streamlit as st

from components import widgets as ui
from components.charts import probability_figure
from components.safe_text import escape_md
from components.state import core as session
from components.state import image as image_state
from textlens import ImageExplanation, ImagePrediction
from textlens.image import DEFAULT_IMAGE_EVALS, IMAGE_MODEL_ID, load_image, to_model_input
from textlens.report.image_overlay import image_legend_html, npy, overlay, png

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


def image_ui() -> np.ndarray | None:
    """A sample or an upload, decoded to RGB; None while there is none (or it cannot be read, with why)."""
    source = st.radio("Image", [*SAMPLES, "Upload"], horizontal=True, key=KEYS.SOURCE, persist_state="session")
    if source != "Upload":
        return image_state.sample_image(SAMPLES[source])
    upload = ui.upload_ui("PNG, JPEG or WebP", IMAGE_TYPES, KEYS.FILE, KEYS.FILE_DATA, KEYS.FORGET_FILE)
    if upload is None:
        return None
    return ui.attempt(load_image, upload.data)


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


def explanation_ui(model_input: np.ndarray, result: ImageExplanation, k: int, opacity: float) -> None:
    """Legend, the model's view beside the overlay, and downloads."""
    st.html(image_legend_html(result, k))
    tinted = overlay(model_input, result.values[k], opacity)
    original, overlaid = st.columns(2)
    original.image(model_input, caption="What the model sees (224×224)", width="stretch")
    overlaid.image(tinted, caption=f"Attributions toward {escape_md(result.labels[k])}", width="stretch")
    downloads = st.container(horizontal=True)
    downloads.download_button("Overlay (PNG)", png(tinted), "overlay.png", "image/png", on_click="ignore")
    downloads.download_button(
        "Attributions (.npy)",
        npy(np.stack(result.values)),
        "attributions.npy",
        "application/octet-stream",
        on_click="ignore",
    )


def render() -> None:
    """The Image page."""
    sidebar_ui()
    st.title("Why did the model see that?")
    st.caption("Pick a sample or upload an image: see the top-5 classes and which regions pushed each one.")
    image = image_ui()
    max_evals = budget_ui()
    if image is None:
        return
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
    explanation_ui(model_input, result, k, opacity)
    classifier = image_state.load_image_model()
    ui.add_to_pack_ui(
        result, result.labels[k], source="image", classifier=classifier, image=png(model_input), key=KEYS.ADD_TO_PACK
    )


render()
