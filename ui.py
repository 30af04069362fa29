"""Streamlit pieces shared by the pages: the model picker, progress drawing, and error display."""

from __future__ import annotations

import streamlit as st

import app_state
from components.safe_text import md
from textlens import DEFAULT_MODEL_ID, ModelLoadError, TextlensError

PRECISION_NOTES = {
    "float32": "float32",
    "bfloat16": "bfloat16 (native on this CPU: about 2× faster than float32)",
}


def model_picker() -> str:
    """Sidebar: the bundled model or a hub id / local folder. Returns the active model id.

    A model that fails to load shows its message and leaves the previous model active.
    """
    st.sidebar.header("Model")
    active = app_state.active_model_id()
    choice = st.sidebar.radio(
        "Classifier",
        [app_state.DEFAULT_MODEL_LABEL, "Hub id or local folder"],
        index=0 if active == DEFAULT_MODEL_ID else 1,
        key="model_choice",
    )
    if choice == app_state.DEFAULT_MODEL_LABEL:
        if active != DEFAULT_MODEL_ID and load_model_into_session(DEFAULT_MODEL_ID):
            active = DEFAULT_MODEL_ID
    else:
        with st.sidebar.form("model_form", border=False):
            wanted = st.text_input(
                "Hub id or folder",
                key="model_wanted",
                value="" if active == DEFAULT_MODEL_ID else active,
                placeholder="e.g. distilbert-base-uncased-finetuned-sst-2-english or /path/to/model",
                help="A Hugging Face text-classification model. Without network, only local folders and "
                "models already in the local cache load. Models that need their own code are refused.",
            )
            submitted = st.form_submit_button("Load model")
        if submitted and wanted.strip() and wanted.strip() != active and load_model_into_session(wanted.strip()):
            active = wanted.strip()
    try:
        with st.spinner("Loading the model (a few seconds, once per server)…"):
            classifier = app_state.load_model(active)
        st.sidebar.caption(
            f"Active: **{'bundled model' if active == DEFAULT_MODEL_ID else md(active)}** · "
            f"{len(classifier.labels)} labels · reads up to {classifier.max_length} tokens · "
            f"runs in {PRECISION_NOTES[classifier.precision]}"
        )
    except TextlensError as exc:  # the active model vanished (its folder was deleted) or cannot load here
        st.error(f"The model cannot be loaded, so this page has nothing to show. {md(exc)}")
        st.stop()
    st.sidebar.divider()
    st.sidebar.caption(
        "Red words push the prediction toward the target class, blue words away from it. "
        "Values are SHAP attributions: changes in the model's probability."
    )
    return app_state.active_model_id()


def load_model_into_session(model_id: str) -> bool:
    """Load ``model_id`` with a spinner; on success make it active, otherwise show why and keep the old one."""
    try:
        with st.sidebar, st.spinner(f"Loading {md(model_id)}…"):
            app_state.load_model(model_id)
    except ModelLoadError as exc:
        st.sidebar.error(f"{md(exc)}\n\nStill using the previous model.")
        return False
    app_state.set_active_model(model_id)
    return True


def progress_drawer(label: str, seconds_per_row: float):
    """A progress bar and a callback that redraws it from an :class:`app_state.Progress`."""
    bar = st.progress(0.0, text=label)
    return bar, progress_callback(bar, label, seconds_per_row)


def progress_callback(bar, label: str, seconds_per_row: float):
    """A callback that draws an :class:`app_state.Progress` on ``bar`` (texts done, model calls, time left).

    ``seconds_per_row`` (the model's measured speed) gives the time estimate before the first batch ends.
    """

    def draw(state: app_state.Progress) -> None:
        overall = state.fraction()
        if state.items > 1:
            label_now = f"{label} ({state.item} of {state.items} done)"
        else:
            label_now = label
        if state.waiting:
            bar.progress(overall, text=f"{label_now} — waiting: another explanation is running on this server…")
            return
        eta = state.eta_seconds(seconds_per_row)
        bar.progress(
            overall, text=f"{label_now} — {state.done:,} of {state.total:,} model calls, about {eta:.0f} s left"
        )

    return draw
