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


NEW_PACK = "➕ New pack…"


def add_to_pack_ui(
    record,
    target: str,
    *,
    source: str,
    classifier=None,
    context: dict | None = None,
    image: bytes | None = None,
    key: str = "add_to_pack",
):
    """The "Add to review pack" button: pick or name a pack, add a note; returns the stored case or None.

    The case keeps the record exactly as shown, its target class, provenance (model fingerprint,
    settings, versions) and this session's name; ``image`` is the PNG an image case was explained on.
    """
    from textlens.store import DuplicatePackError, StoreError, provenance_of

    with st.popover("Add to review pack", icon=":material/playlist_add:"):
        try:
            store = app_state.pack_store()
            names = [p.name for p in store.packs()]
        except StoreError as exc:
            st.error(md(exc))
            return None
        options = [*names, NEW_PACK]
        last = st.session_state.get(app_state.LAST_PACK_KEY)
        with st.form(f"{key}_form", border=False, enter_to_submit=False):
            choice = st.selectbox("Pack", options, index=options.index(last) if last in names else 0, key=f"{key}_pack")
            new_name = st.text_input(
                "New pack's name", key=f"{key}_new", placeholder="e.g. Release 3 review", help="Used with 'New pack…'"
            )
            note = st.text_area("Note (optional)", key=f"{key}_note", height=80)
            submitted = st.form_submit_button("Add case", type="primary")
        if not submitted:
            st.caption(f"Packs are stored in {md(store.location)}.")
            return None
        try:
            if choice == NEW_PACK:
                if not new_name.strip():
                    st.warning("Type a name for the new pack, or pick an existing one.")
                    return None
                pack = store.create_pack(new_name, owner=app_state.author())
            else:
                pack = store.pack(choice)
            case = store.add_case(
                pack.id,
                record,
                target,
                note=note,
                provenance=provenance_of(classifier, record) if classifier is not None else None,
                author=app_state.author(),
                source=source,
                context=context,
                image=image,
            )
        except (DuplicatePackError, StoreError) as exc:
            st.error(md(exc))
            return None
        st.session_state[app_state.LAST_PACK_KEY] = pack.name
        st.success(f"Added to **{md(pack.name)}** as case {case.position + 1}. Open it on the Review page.")
        return case
