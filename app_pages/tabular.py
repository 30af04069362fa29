"""Tabular page: a classifier over a table's numbers and choices, its probabilities, and which inputs drove them."""

from __future__ import annotations

from html import escape
from typing import Any

import pandas as pd
import streamlit as st

from components import pack_widgets as packs
from components import widgets as ui
from components.charts import probability_figure
from components.safe_text import escape_md
from components.state import tabular as tabular_state
from components.tabular import (
    MISSING,
    beeswarm_figure,
    change_html,
    export_info,
    form_state,
    level_options,
    mean_abs_figure,
    previous_explanation,
    tabular_csv,
    tabular_legend_html,
    target_guess,
    waterfall_figure,
    widget_key,
)
from textlens.tabular import PENGUINS, TabularModel
from textlens.tabular.data import MAX_CLASSES, MIN_CLASSES
from textlens.tabular.explain import VIEW_ROWS
from textlens.text.summary import summarize
from textlens.types import value_text

PENGUINS_LABEL = "Palmer Penguins (bundled)"
UPLOAD_LABEL = "Upload a table"
RADIO_LEVELS = 4  # up to this many choices show as radio buttons, more as a select box
VIEW_SECONDS_PER_ROW = 0.06  # one exact explanation of the penguins (3,200 model rows) on 2 shared cores, measured
VIEW_SECONDS_PER_MODEL_ROW = VIEW_SECONDS_PER_ROW / 3200
KEYS = tabular_state.TabularKeys


def source_ui() -> tuple[str, Any, str] | None:
    """Bundled penguins or an upload: returns (content key, source, name), or None while nothing is uploaded."""
    choice = st.radio("Data", [PENGUINS_LABEL, UPLOAD_LABEL], horizontal=True, key=KEYS.SOURCE, persist_state="session")
    if choice == PENGUINS_LABEL:
        st.caption(
            "344 penguins of three species measured on three islands of the Palmer Archipelago, Antarctica "
            "(Gorman et al. 2014, via the `palmerpenguins` package); some measurements are missing."
        )
        return PENGUINS, PENGUINS, PENGUINS
    upload = ui.upload_ui(
        "CSV, TSV or Parquet with a header row",
        ["csv", "tsv", "txt", "parquet", "pq"],
        KEYS.FILE,
        KEYS.FILE_DATA,
        KEYS.FORGET_FILE,
        help="One row per case, one column per input, and a column with the class to predict (2 to 20 classes).",
    )
    if upload is None:
        st.info("Upload a table to train a model on it, or pick the bundled penguins.")
        return None
    return upload.digest, upload.data, upload.name


def load_ui(source: tuple[str, Any, str]):
    """The table read from the source; a message and None when it cannot be read."""
    key, data, name = source
    table = ui.attempt(tabular_state.tabular_table, key, data, name)
    if table is None:
        return None
    for notice in table.notices:
        st.caption(escape_md(notice))
    return table


def target_ui(table, key: str) -> str:
    """The column to predict (species for the penguins)."""
    columns = [str(c) for c in table.frame.columns]
    default = columns.index("species") if key == PENGUINS else target_guess(table.frame)
    return st.selectbox(
        "Target column (the class to predict)",
        columns,
        index=default,
        key=KEYS.TARGET + key[:16],
        persist_state="session",
        help=f"A column with {MIN_CLASSES} to {MAX_CLASSES} classes. The other columns become the model's inputs.",
    )


def model_ui(table, key: str, target: str) -> TabularModel | None:
    """Train (once per table and target) and show the model's accuracy and the columns left out."""
    with st.spinner("Training the classifier and cross-validating it (a few seconds, once per table)…"):
        model = ui.attempt(tabular_state.tabular_model, key, target, table)
    if model is None:
        return None
    cols = st.columns(4)
    cols[0].metric(
        "Cross-validated accuracy",
        f"{model.cv_accuracy:.1%}",
        help=f"Mean accuracy on held-out rows over {model.cv_folds} stratified folds (seed 0).",
    )
    cols[1].metric("Training rows", f"{model.rows:,}")
    cols[2].metric("Classes", len(model.labels))
    cols[3].metric("Inputs", len(model.features))
    st.caption(
        "Model: scikit-learn HistGradientBoostingClassifier (native categorical inputs, missing values allowed, "
        f"seed 0) predicting **{escape_md(model.target)}** from: "
        + ", ".join(escape_md(f.name) for f in model.features)
        + "."
    )
    if model.schema.left_out:
        with st.expander(f"Columns left out ({len(model.schema.left_out)})"):
            for name, reason in model.schema.left_out:
                st.markdown(f"- **{escape_md(name)}**: {escape_md(reason)}")
    return model


def row_picker_ui(model: TabularModel) -> None:
    """Start from a real row: select a row of the table to copy its values into the form."""
    with st.expander("Start from a real row", expanded=False):
        st.caption("Select a row (the box at its left) to copy its values into the form below.")
        shown = model.frame[[*model.schema.names, model.target]]
        selection = st.dataframe(
            shown,
            on_select="rerun",
            selection_mode="single-row",
            key=KEYS.ROWS + model.fingerprint[:12],
            height=260,
        )
    rows = selection.selection.rows if selection is not None else []
    applied = st.session_state.get(KEYS.ROW)
    if rows and applied != (model.fingerprint, rows[0]):
        st.session_state[KEYS.ROW] = (model.fingerprint, rows[0])
        st.session_state.update(form_state(model, model.row_values(rows[0])))
        row_target = model.frame[model.target].iloc[rows[0]]
        shown_value = escape_md(value_text(_plain(row_target)))
        st.toast(f"Row {rows[0]} copied into the form ({escape_md(model.target)} = {shown_value}).")


def _plain(value):
    return None if pd.isna(value) else value


def _sync(source: str, dest: str, low: float | None = None, high: float | None = None) -> None:
    value = st.session_state[source]
    if low is not None:
        value = min(max(value, low), high)
    st.session_state[dest] = value


def numeric_ui(model: TabularModel, j: int, container) -> float | None:
    """A slider over the observed range with an exact number box beside it, and "missing" where the data has it."""
    feature = model.features[j]
    slider_key, number_key = widget_key(model, j, "slider"), widget_key(model, j, "number")
    fmt = f"%.{feature.decimals}f"
    missing = False
    with container:
        head, box = st.columns([3, 1.3], vertical_alignment="center")
        head.markdown(f"**{escape_md(feature.name)}**")
        if feature.has_missing:
            missing = box.checkbox("missing", key=widget_key(model, j, "missing"))
        left, right = st.columns([3, 1.3], vertical_alignment="bottom")
        # Widget labels are plain text: they are what a screen reader says (the heading above is the Markdown).
        left.slider(
            f"{feature.name} (slider)",
            min_value=feature.low,
            max_value=feature.high,
            step=feature.step,
            format=fmt,
            key=slider_key,
            on_change=_sync,
            args=(slider_key, number_key),
            disabled=missing,
            label_visibility="collapsed",
        )
        value = right.number_input(
            f"{feature.name} exactly",
            step=feature.step,
            format=fmt,
            key=number_key,
            on_change=_sync,
            args=(number_key, slider_key, feature.low, feature.high),
            disabled=missing,
            label_visibility="collapsed",
        )
    return None if missing else round(float(value), 6)


def categorical_ui(model: TabularModel, j: int, container) -> str | None:
    """Radio buttons for a few levels, a select box for more; "— missing —" where the data has missing values."""
    feature = model.features[j]
    options = level_options(feature)
    key = widget_key(model, j, "choice")
    with container:
        # The name as a Markdown heading, escaped; the widget's own label is the plain name (what a screen
        # reader says), collapsed under the heading.
        st.markdown(f"**{escape_md(feature.name)}**")
        if len(options) <= RADIO_LEVELS + 1:
            # Radio options render Markdown: escaped so a level shows exactly as in the data.
            index = st.radio(
                feature.name,
                range(len(options)),
                format_func=lambda i: escape_md(options[i]),
                horizontal=True,
                key=key,
                label_visibility="collapsed",
            )
        else:  # select boxes show options as plain text
            index = st.selectbox(
                feature.name,
                range(len(options)),
                format_func=options.__getitem__,
                key=key,
                label_visibility="collapsed",
            )
    return None if options[index] == MISSING else options[index]


def form_ui(model: TabularModel) -> dict[str, Any]:
    """The inputs, built from the data; returns feature name -> value (None for missing)."""
    first_key = widget_key(model, 0, "choice" if not model.features[0].numeric else "number")
    if first_key not in st.session_state:
        # Streamlit forgets a form's widgets when the page is left: the values kept below come back;
        # a new model starts from the table's first row.
        kept = st.session_state.get(KEYS.FORM, {}).get(model.fingerprint)
        st.session_state.update(form_state(model, kept if kept is not None else model.row_values(0)))
    row_picker_ui(model)
    values: dict[str, Any] = {}
    columns = st.columns(2, gap="large")
    for j, feature in enumerate(model.features):
        container = columns[j % 2].container(border=True)
        if feature.numeric:
            values[feature.name] = numeric_ui(model, j, container)
        else:
            values[feature.name] = categorical_ui(model, j, container)
    st.session_state.setdefault(KEYS.FORM, {})[model.fingerprint] = values
    return values


def actions_ui() -> str | None:
    """Classify / Explain buttons; returns the page's mode (kept while the inputs change: that is the what-if)."""
    left, right, _ = st.columns([1, 1, 5])
    if left.button("Classify", width="stretch"):
        st.session_state[KEYS.MODE] = "classify"
    if right.button("Explain", type="primary", width="stretch"):
        st.session_state[KEYS.MODE] = "explain"
        st.session_state.pop(KEYS.CLASS, None)  # a new explanation starts on its prediction
        st.session_state.pop(KEYS.PREVIOUS, None)
    return st.session_state.get(KEYS.MODE)


def results_ui(model: TabularModel, values: dict[str, Any], mode: str | None, table_name: str) -> None:
    """What the page's mode asks for: the explanation (followed as the inputs change), or the prediction alone."""
    if mode == "explain":
        explanation_ui(model, values, table_name)
    elif mode == "classify":
        prediction_ui(tabular_state.tabular_prediction(model.fingerprint, tuple(values.items()), model))
        st.info("Click **Explain** to see which inputs drove this prediction.")


def prediction_ui(prediction) -> None:
    """The probability of every class: the same chart as the text pages."""
    st.subheader("Prediction")
    left, right = st.columns([3, 2])
    left.plotly_chart(probability_figure(prediction), width="stretch", key=KEYS.PROBABILITIES_CHART)
    right.metric(
        f"Predicted {prediction.target}",
        prediction.predicted_label,
        f"{max(prediction.scores):.1%} probability",
        delta_color="off",
    )


def explanation_ui(model: TabularModel, values: dict[str, Any], table_name: str):
    """Explain the current inputs (re-explained on every change), with the previous explanation faintly behind."""
    result = tabular_state.tabular_explanation(model.fingerprint, tuple(values.items()), model)
    shown, previous = st.session_state.get(KEYS.SHOWN), st.session_state.get(KEYS.PREVIOUS)
    st.session_state[KEYS.PREVIOUS] = previous = previous_explanation(shown, result, previous)
    st.session_state[KEYS.SHOWN] = result
    prediction_ui(result.prediction())

    st.subheader("Explanation")
    labels = list(result.labels)
    if st.session_state.get(KEYS.CLASS) not in labels:
        st.session_state[KEYS.CLASS] = result.predicted_label
    target = st.selectbox(
        "Class to explain",
        labels,
        key=KEYS.CLASS,
        help="Red bars push the probability of this class up, blue bars push it down.",
    )
    st.html(f'<div class="tl-summary" style="font-weight: 600;">{escape(summarize(result, target))}</div>')
    note = change_html(result, previous, target)
    if note:
        st.html(note)
    figure = waterfall_figure(result, target, previous)
    st.plotly_chart(figure, width="stretch", key=KEYS.WATERFALL_CHART)
    st.html(tabular_legend_html(result, target))
    downloads_ui(model, result, target, figure, table_name)
    return result, target


def downloads_ui(model: TabularModel, result, target: str, figure, table_name: str) -> None:
    """JSON, CSV, the chart as HTML/PNG (each saying what it shows), and "Add to review pack"."""
    info = export_info(result, target, table_name)
    ui.download_row(result, info, "Inputs (CSV)", tabular_csv(result, info), figure, prefix="tabular_")
    packs.add_to_pack_ui(result, target, source="tabular", classifier=model, key=KEYS.ADD_TO_PACK)


def dataset_view_ui(model: TabularModel) -> None:
    """Mean |value| per input and class, and a beeswarm of every row: computed once per model, on request."""
    st.subheader("Whole dataset")
    asked = st.session_state.setdefault(KEYS.VIEW, set())
    if model.fingerprint not in asked:
        offer = st.empty()  # the offer disappears once accepted
        with offer.container():
            rows = min(len(model.frame), VIEW_ROWS)
            st.caption(
                f"Explains {rows:,} rows of the table the same way (about {rows * VIEW_SECONDS_PER_ROW:.0f} s, "
                "once per server) to show which inputs drive the model overall."
            )
            clicked = st.button("Show the whole-dataset view", key=KEYS.VIEW_BUTTON)
        if not clicked:
            return
        offer.empty()
        asked.add(model.fingerprint)
    with ui.progress("Explaining the table's rows", VIEW_SECONDS_PER_MODEL_ROW) as draw:
        view = tabular_state.tabular_view(model, draw)
    st.caption(
        f"{len(view.rows):,} rows"
        + (f" (a random sample of {len(model.frame):,}, seed 0)" if len(view.rows) < len(model.frame) else "")
        + f", each against the same background ({escape_md(view.background)})."
    )
    bars, swarm = st.tabs(["Mean |value| by class", "Beeswarm"])
    with bars:
        st.plotly_chart(mean_abs_figure(view), width="stretch", key=KEYS.MEAN_ABS_CHART)
    with swarm:
        label = st.selectbox("Class", list(view.labels), key=KEYS.SWARM_CLASS)
        st.plotly_chart(beeswarm_figure(view, label), width="stretch", key=KEYS.BEESWARM_CHART)
        st.caption(
            "Each dot is one row: how far that input moved the probability of the class (x) and the input's "
            "value (colour: dark blue = low or the first level, yellow = high or the last level; hollow grey = "
            "missing). Hover a dot for its row and exact value."
        )


def sidebar_ui() -> None:
    """The sidebar: what model this page uses and what the colours mean."""
    st.sidebar.header("Model")
    st.sidebar.caption(
        "This page trains its own model on the table: a gradient-boosted tree classifier. Red bars push the "
        "chosen class up, blue bars push it down; values are exact Shapley values in probability."
    )


def render() -> None:
    """The page: data and target, model, form, prediction, explanation with what-if, whole-dataset view."""
    sidebar_ui()
    st.title("Why did the model decide that? Tables")
    st.caption(
        "Pick the bundled penguins or upload a table, set the inputs with sliders and choices, and see which "
        "of them drove the prediction. Move a slider after explaining: the chart follows at once."
    )
    source = source_ui()
    if source is None:
        return
    table = load_ui(source)
    if table is None:
        return
    target = target_ui(table, source[0])
    model = model_ui(table, source[0], target)
    if model is None:
        return
    st.subheader("Inputs")
    values = form_ui(model)
    ui.attempt(results_ui, model, values, actions_ui(), source[2])
    st.divider()
    dataset_view_ui(model)


render()
