"""Image page: an ImageNet classifier's top classes and the pixels that pushed each one."""

from __future__ import annotations

import hashlib
from html import escape as escape_html

import numpy as np
import streamlit as st

import app_state
import ui
from components.charts import probability_figure
from components.highlight import swatch
from components.image_overlay import npy, overlay, png
from components.palette import AGAINST, TOWARD
from components.safe_text import md
from textlens import ImagePrediction, TextlensError
from textlens.image import DEFAULT_IMAGE_EVALS, IMAGE_MODEL_ID, load_image, to_model_input, top_classes

SAMPLES = {"Cat": "chelsea", "Coffee": "coffee", "Astronaut": "astronaut", "Rocket": "rocket"}
RESULT_KEY = "image_result"
SECONDS_PER_IMAGE = 0.03  # EfficientNet-Lite0 forward per masked image on 2 cores, measured


@st.cache_data(show_spinner=False)
def sample_image(name: str) -> np.ndarray:
    import skimage.data

    return getattr(skimage.data, name)()


st.sidebar.header("Model")
st.sidebar.caption(
    f"This page uses its own model: **{IMAGE_MODEL_ID}**, 1,000 classes. Red pixels push toward the chosen "
    "class, blue pixels away from it; values are SHAP attributions in probability."
)
st.title("Why did the model see that?")
st.caption("Pick a sample or upload an image: see the top-5 classes and which regions pushed each one.")

source = st.radio("Image", [*SAMPLES, "Upload"], horizontal=True, key="image_source")
image = None
if source == "Upload":
    upload = st.file_uploader("PNG, JPEG or WebP", type=["png", "jpg", "jpeg", "webp", "gif", "bmp", "tif", "tiff"])
    if upload is not None:
        try:
            image = load_image(upload.getvalue())
        except TextlensError as exc:
            st.error(md(exc))
else:
    image = sample_image(SAMPLES[source])

with st.expander("Advanced"):
    max_evals = st.select_slider(
        "Evaluation budget (max_evals)",
        options=[100, 200, 300, 500, 1000, 2000],
        value=DEFAULT_IMAGE_EVALS,
        key="image_budget",
    )
    st.caption(
        f"Each evaluation runs one partly blurred copy through the model (about {SECONDS_PER_IMAGE * 1000:.0f} ms "
        f"here): {max_evals} take about {max_evals * SECONDS_PER_IMAGE:.0f} s. More evaluations split the "
        "image into finer regions."
    )

if image is not None:
    classifier = app_state.load_image_model()
    model_input = to_model_input(image)
    probabilities = classifier.predict(model_input[None])[0]
    top = top_classes(probabilities, 5)
    prediction = ImagePrediction(
        IMAGE_MODEL_ID,
        tuple(top),
        tuple(classifier.labels[i] for i in top),
        tuple(float(probabilities[i]) for i in top),
    )
    left, right = st.columns([2, 3])
    left.image(image, caption=f"{image.shape[1]}×{image.shape[0]} pixels", width="stretch")
    right.subheader("Top 5 classes")
    right.plotly_chart(probability_figure(prediction), width="stretch", key="image_probs")

    key = (hashlib.sha256(model_input.tobytes()).hexdigest(), tuple(top), max_evals)
    if st.button("Explain", type="primary"):
        bar, draw = ui.progress_drawer("Explaining the image", SECONDS_PER_IMAGE)
        try:
            st.session_state[RESULT_KEY] = (key, app_state.image_explanation(model_input, top, max_evals, draw))
        except TextlensError as exc:
            st.error(md(exc))
        bar.empty()
    stored = st.session_state.get(RESULT_KEY)
    if stored and stored[0] == key:
        result = stored[1]
        names = [f"{classifier.labels[c]} ({probabilities[c]:.1%})" for c in result.classes]
        left, right = st.columns([3, 2])
        chosen = left.selectbox("Class to explain", names, index=0, key="image_class")
        k = names.index(chosen)
        opacity = right.slider("Overlay opacity", 0.0, 1.0, 0.7, 0.05, key="image_opacity")
        values = result.values[k]
        scale = float(np.abs(values).max())
        label = md(result.labels[k])
        st.html(
            f'<div class="tl-legend" style="font-size: 0.85rem; line-height: 1.7;">'
            f"<div>{swatch(TOWARD)}pushes toward <b>{escape_html(result.labels[k])}</b> &nbsp; "
            f"{swatch(AGAINST)}pushes away from it</div>"
            f"<div>Values: change in the probability of the class · full colour at ±{scale:.3g} per pixel</div>"
            f"<div>Base value (image fully blurred) <b>{result.base_values[k]:.3f}</b> + sum of pixel values "
            f"<b>{values.sum():+.3f}</b> = model output <b>{result.scores[k]:.3f}</b></div></div>"
        )
        tinted = overlay(model_input, values, opacity)
        original, overlaid = st.columns(2)
        original.image(model_input, caption="What the model sees (224×224)", width="stretch")
        overlaid.image(tinted, caption=f"Attributions toward {label}", width="stretch")
        downloads = st.container(horizontal=True)
        downloads.download_button("Overlay (PNG)", png(tinted), "overlay.png", "image/png", on_click="ignore")
        downloads.download_button(
            "Attributions (.npy)",
            npy(np.stack(result.values)),
            "attributions.npy",
            "application/octet-stream",
            on_click="ignore",
        )
    else:
        st.info("Click **Explain** to see which regions pushed each of the top classes.")
