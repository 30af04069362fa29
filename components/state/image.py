"""The Image page's session keys and caches: the image model, its predictions and explanations."""

from __future__ import annotations

import time

import streamlit as st

from components.state import core as session


class ImageKeys:
    """Session keys of the Image page."""

    SOURCE = "image_source"
    FILE = "image_file"
    FILE_DATA = "image_file_data"  # the last upload (widgets.KeptFile), kept across pages
    FORGET_FILE = "image_forget_file"
    BUDGET = "image_budget"
    RESULT = "image_result"  # (input key, ImageExplanation)
    CLASS = "image_class"
    OPACITY = "image_opacity"
    PROBABILITIES_CHART = "image_probs"
    ADD_TO_PACK = "add_to_pack"


@st.cache_resource(show_spinner=False)
def load_image_model():
    """The bundled ImageNet classifier, loaded once per process."""
    from textlens.image import load_image_classifier

    return load_image_classifier()


@st.cache_data(max_entries=8, show_spinner=False)
def sample_image(name: str):
    """One of scikit-image's sample images (``chelsea``, ``coffee``, ...) as RGB uint8."""
    import skimage.data

    return getattr(skimage.data, name)()


@st.cache_data(max_entries=64, show_spinner=False)
def _image_prediction(image_bytes: bytes, shape: tuple[int, ...], k: int):
    import numpy as np

    from textlens.image import predict_top

    return predict_top(load_image_model(), np.frombuffer(image_bytes, dtype=np.uint8).reshape(shape), k)


def image_prediction(image, k: int = 5):
    """The ``k`` most probable classes of a model-sized image (an :class:`ImagePrediction`), cached."""
    return _image_prediction(image.tobytes(), image.shape, k)


@st.cache_data(max_entries=64, show_spinner=False)
def _image_explanation(
    image_bytes: bytes, shape: tuple[int, ...], classes: tuple[int, ...], max_evals: int, _progress=None
):
    import numpy as np

    from textlens.image import explain_image

    image = np.frombuffer(image_bytes, dtype=np.uint8).reshape(shape)
    return explain_image(load_image_model(), image, list(classes), max_evals=max_evals, progress=_progress)


def image_explanation(image, classes: list[int], max_evals: int, on_progress=None):
    """The cached explanation of a model-sized image for ``classes``, computed with progress."""
    state = session.Progress(waiting=load_image_model().lock.locked(), started=time.perf_counter())
    return session.run_in_worker(
        lambda: _image_explanation(image.tobytes(), image.shape, tuple(classes), max_evals, _progress=state.report),
        on_progress,
        state,
    )
