"""The Tabular page's session keys and caches: tables, their models, explanations and the dataset view."""

from __future__ import annotations

import time
from collections.abc import Callable

import streamlit as st

from components.state import core as session


# The Tabular page: tables, their models (by data hash + target), explanations and the whole-dataset view.
class TabularKeys:
    """Session keys of the Tabular page."""

    SOURCE = "tabular_source"  # "penguins" or "upload"
    FILE = "tabular_upload"
    FILE_DATA = "tabular_file_data"  # the last upload (widgets.KeptFile), kept across pages
    FORGET_FILE = "tabular_forget_file"
    TARGET = "tabular_target_"  # + the table's content key[:16]: a new table gets a fresh guess
    INPUT = "tabular_"  # + model fingerprint[:12] + "_{input index}_{part}": the form's widgets
    FORM = "tabular_form"  # model fingerprint -> the form's values, kept when the page is left
    ROWS = "tabular_rows_"  # + model fingerprint[:12]: the "Start from a real row" table
    MODE = "tabular_mode"  # None, "classify" or "explain": what the page keeps computing as inputs move
    SHOWN = "tabular_shown"  # the explanation on screen
    PREVIOUS = "tabular_previous"  # the one before the last change of inputs (drawn faintly)
    CLASS = "tabular_class"  # the class explained
    ROW = "tabular_row_applied"  # (model, row) last copied from the table into the form
    VIEW = "tabular_view_on"  # models whose whole-dataset view this session asked for
    VIEW_BUTTON = "tabular_view_button"
    PROBABILITIES_CHART = "tabular_probs"
    WATERFALL_CHART = "tabular_waterfall"
    MEAN_ABS_CHART = "tabular_mean_abs"
    SWARM_CLASS = "tabular_swarm_class"
    BEESWARM_CHART = "tabular_beeswarm"
    ADD_TO_PACK = "tab_pack"


TABULAR_MODELS = 6


@st.cache_resource(max_entries=TABULAR_MODELS, show_spinner=False)
def tabular_table(key: str, _source, name: str):
    """A table read once per process, keyed by its content hash (``"penguins"`` for the bundled one)."""
    from textlens.tabular import load_table

    return load_table(_source, name)


@st.cache_resource(max_entries=TABULAR_MODELS, show_spinner=False)
def tabular_model(key: str, target: str, _table):
    """The classifier for (table content hash, target), trained and cross-validated once per process."""
    from textlens.tabular import train

    return train(_table, target)


@st.cache_data(max_entries=session.CACHE_ENTRIES, show_spinner=False)
def tabular_explanation(fingerprint: str, values: tuple[tuple[str, object], ...], _model):
    """One row's explanation, cached by model fingerprint and input values (a slider back where it was is instant)."""
    from textlens.tabular import explain_values

    return explain_values(_model, dict(values))


@st.cache_data(max_entries=session.CACHE_ENTRIES, show_spinner=False)
def tabular_prediction(fingerprint: str, values: tuple[tuple[str, object], ...], _model):
    """One row's class probabilities, cached like :func:`tabular_explanation`."""
    from textlens.tabular import predict_values

    return predict_values(_model, dict(values))


@st.cache_resource(max_entries=TABULAR_MODELS, show_spinner=False)
def _tabular_view(fingerprint: str, _model, _progress=None):
    from textlens.tabular import dataset_view

    return dataset_view(_model, progress=_progress)


def tabular_view(model, on_progress: Callable[[session.Progress], None] | None = None):
    """The whole-dataset view of ``model``, computed once per process in a worker with progress."""
    state = session.Progress(started=time.perf_counter())
    return session.run_in_worker(
        lambda: _tabular_view(model.fingerprint, model, _progress=state.report), on_progress, state
    )
