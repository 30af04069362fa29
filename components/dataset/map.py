"""The map of the set on the Dataset page: every row a point placed by the model's own representation of it
(:mod:`textlens.dataset.embedding_map`), coloured by correct or wrong, true or predicted label, confidence or
failure cohort; hovering shows the row's text (escaped); a box or lasso selection filters the rows table by
the ids of the rows selected, kept across reruns and page switches.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from html import escape

import numpy as np
import plotly.graph_objects as go
import streamlit as st
from plotly.colors import qualitative

from components import widgets as ui
from components.charts import _layout
from components.dataset.figures import ERROR_HEX
from components.dataset.filters import NO_FILTER, RowFilter, map_filter
from components.dataset.records import Columns, Loaded, Scored
from components.safe_text import escape_md
from components.state import cohorts as cohort_state
from components.state import core as session
from textlens.dataset.cohorts import FailureCohorts
from textlens.dataset.compare import rows_phrase
from textlens.dataset.embedding_map import UMAP_FROM_ROWS, RowMap
from textlens.report.palette import NEUTRAL_GREY

KEYS = cohort_state.CohortKeys
CORRECT, TRUE, PREDICTED, CONFIDENCE, COHORT = (
    "Correct or wrong",
    "True label",
    "Predicted label",
    "Confidence",
    "Cohort",
)
CATEGORY_COLOURS = qualitative.Safe  # colour-blind safe; red and blue keep their toward/against meaning elsewhere
NONE_COLOUR = NEUTRAL_GREY
GL_FROM = 5_000  # points drawn with WebGL from this many on (SVG slows down past a few thousand)
HOVER_CHARS, HOVER_WIDTH = 300, 60  # the hover shows a text's start, wrapped
# Every point's hover goes to the browser with the figure: on big sets a shorter start keeps it a few MB.
SHORT_HOVER_FROM, SHORT_HOVER_CHARS = 10_000, 120
HEIGHT = 560
DISTANCES = (
    "Near points are rows the model represents alike (its mean-pooled last hidden state); the distances between "
    "far-apart groups and the axes mean little."
)


def colour_options(has_truth: bool, has_cohorts: bool) -> list[str]:
    """What the map can be coloured by: the label-based colourings need a true label, cohorts need cohorts."""
    return [*([CORRECT, TRUE] if has_truth else []), PREDICTED, CONFIDENCE, *([COHORT] if has_cohorts else [])]


def hover_text(
    row: int, text: object, truth: object, predicted: object, confidence: float, cohort: str, chars: int = HOVER_CHARS
) -> str:
    """A point's hover: the row, the start of its text (escaped, wrapped), its labels, confidence and cohort."""
    body = str(text) if isinstance(text, str) else ""
    short = body[:chars] + ("…" if len(body) > chars else "")
    lines = [f"<b>row {row}</b>", *(escape(line) for line in textwrap.wrap(short, HOVER_WIDTH))]
    labels = f"predicted {escape(str(predicted))}" if isinstance(predicted, str) else "not predicted"
    if isinstance(truth, str):
        labels = f"true {escape(truth)} · {labels}"
    if confidence == confidence:
        labels += f" ({confidence:.2f})"
    lines.append(labels)
    if cohort:
        lines.append(f"cohort: {escape(cohort)}")
    return "<br>".join(lines)


def _groups(
    colour: str, scored: Scored, cohorts: Sequence[str], order: Sequence[str]
) -> list[tuple[str, np.ndarray, str]]:
    """The points' groups for a colouring by category: (legend name, rows, colour), drawn in this order."""
    results = scored.results
    n = len(results)
    if colour == CORRECT:
        wrong = (scored.truth >= 0) & (scored.predicted >= 0) & (scored.truth != scored.predicted)
        right = (scored.truth >= 0) & (scored.predicted >= 0) & ~wrong
        return [("no label", ~(wrong | right), NONE_COLOUR), ("correct", right, "#7aa6c2"), ("wrong", wrong, ERROR_HEX)]
    if colour in (TRUE, PREDICTED):
        column = results["true_label" if colour == TRUE else "predicted_label"]
        values = column.where(column.map(lambda v: isinstance(v, str)), None)
        names = sorted({v for v in values if v is not None})
        groups = [
            (escape(name), (values == name).to_numpy(), CATEGORY_COLOURS[i % len(CATEGORY_COLOURS)])
            for i, name in enumerate(names)
        ]
        missing = values.isna().to_numpy()
        return ([("no label", missing, NONE_COLOUR)] if missing.any() else []) + groups
    named = np.array(cohorts, dtype=object) if n else np.zeros(0, dtype=object)
    groups = [
        (escape(name), named == name, CATEGORY_COLOURS[i % len(CATEGORY_COLOURS)]) for i, name in enumerate(order)
    ]
    return [("in no cohort", named == "", NONE_COLOUR), *groups]


def map_figure(
    row_map: RowMap,
    scored: Scored,
    texts: Sequence[object],
    colour: str,
    cohorts: FailureCohorts | None = None,
) -> go.Figure:
    """The map as a Plotly scatter, one point a placed row (its id in ``customdata``), coloured by ``colour``;
    ``cohorts`` colour their rows, the most errors first. The figure does not depend on the selection: a figure that
    changed under a selection would make the chart start a new one.
    """
    results = scored.results
    n = len(results)
    order = [c.description for c in cohorts.cohorts] if cohorts else []
    named = cohorts.row_cohorts(n) if cohorts else [""] * n
    placed = row_map.placed
    truth, predicted, confidence = results.get("true_label"), results["predicted_label"], scored.confidence
    chars = SHORT_HOVER_CHARS if n >= SHORT_HOVER_FROM else HOVER_CHARS
    hover = np.array(
        [
            hover_text(
                r,
                texts[r],
                truth.iloc[r] if truth is not None else None,
                predicted.iloc[r],
                confidence[r],
                named[r],
                chars,
            )
            if placed[r]
            else ""
            for r in range(n)
        ],
        dtype=object,
    )
    scatter = go.Scattergl if placed.sum() >= GL_FROM else go.Scatter
    fig = go.Figure()

    def add(rows: np.ndarray, name: str, marker: dict) -> None:
        ids = np.flatnonzero(rows & placed)
        if not len(ids):
            return
        fig.add_trace(
            scatter(
                x=row_map.x[ids],
                y=row_map.y[ids],
                mode="markers",
                name=f"{name} ({len(ids):,})",
                marker={"size": 7 if len(ids) < 2000 else 5, "opacity": 0.85, **marker},
                # A plain list: Plotly sends NumPy arrays as typed arrays, whose rows reach Python as {"0": id}.
                customdata=[int(i) for i in ids],
                hovertext=hover[ids],
                hovertemplate="%{hovertext}<extra></extra>",
                unselected={"marker": {"opacity": 0.15}},
            )
        )

    if colour == CONFIDENCE:
        ok = ~np.isnan(confidence)
        add(~ok, "not predicted", {"color": NONE_COLOUR})
        add(
            ok,
            "rows",
            {
                "color": np.nan_to_num(confidence),
                "colorscale": "Viridis",
                "cmin": float(np.nanmin(confidence, initial=0.0)),
                "cmax": 1.0,
                "colorbar": {"title": {"text": "confidence"}, "thickness": 12},
            },
        )
    else:
        for name, rows, hexcolour in _groups(colour, scored, named, order):
            add(rows, name, {"color": hexcolour})
    fig.update_xaxes(showticklabels=False, showgrid=False, zeroline=False, title=None)
    fig.update_yaxes(showticklabels=False, showgrid=False, zeroline=False, title=None)
    fig = _layout(fig, HEIGHT)
    fig.update_layout(
        showlegend=colour != CONFIDENCE,
        legend={
            "orientation": "h",
            "y": 1.02,
            "yanchor": "bottom",
            "x": 0,
            "itemclick": False,
            "itemdoubleclick": False,
        },
        dragmode="lasso",
        # The user's zoom and pan stay when the colouring or the selection changes.
        uirevision="row-map",
        hoverlabel={"align": "left"},
    )
    return fig


def picked_rows(event) -> tuple[int, ...]:
    """The row ids of the points a box or lasso selected (from each point's ``customdata``), sorted."""
    selection = (event or {}).get("selection") or {}  # Streamlit's PlotlyState is a dict with attribute access
    points = selection.get("points") or []
    out = set()
    for point in points:
        data = point.get("customdata")
        if isinstance(data, dict):  # a typed array's row, as JSON gives it
            data = list(data.values())
        if isinstance(data, (list, tuple)) and data:
            data = data[0]
        if data is not None:
            out.add(int(data))
    return tuple(sorted(out))


def draw_ui(model_id: str, loaded: Loaded, columns: Columns, view_key: tuple) -> RowMap | None:
    """The map of the rows predicted: kept in the session with the predictions, else cached, else made on a click
    with progress (the rows' representations, then the projection).
    """
    run_key = (model_id, loaded.file_hash, columns.text)
    done = session.recall(KEYS.MAP, run_key)
    if done is not None:
        return done
    texts = loaded.labelled.frame[columns.text].tolist()
    start = st.empty()
    with start.container():
        how = "UMAP" if len(texts) >= UMAP_FROM_ROWS else "PCA (fewer than a few hundred rows)"
        st.caption(
            f"Each row placed by the model's own representation of it, projected to 2-D with {how}. It runs the "
            f"model over the {rows_phrase(len(texts))} once more."
        )
        clicked = st.button(f"Draw the map of {rows_phrase(len(texts))}", key=KEYS.DRAW)
    if not clicked:
        return None
    start.empty()
    bar = st.progress(0.0, text="Reading every row with the model…")

    def draw(state: session.Progress) -> None:
        if state.total and state.done >= state.total:
            bar.progress(1.0, text="Placing the rows on the map…")
            return
        eta = state.measured_eta()
        left = "estimating time left…" if eta is None else f"about {eta:.0f} s left"
        bar.progress(state.fraction(), text=f"Reading the rows: {state.done:,} of {state.total:,}, {left}")

    try:
        row_map = ui.attempt(cohort_state.row_map, model_id, loaded.file_hash, columns.text, texts, draw)
    finally:
        bar.empty()
    if row_map is not None:
        session.remember(KEYS.MAP, run_key, row_map)
    return row_map


def map_ui(
    model_id: str, loaded: Loaded, columns: Columns, scored: Scored, cohorts: FailureCohorts | None, view_key: tuple
) -> RowFilter:
    """The "Map of the set" section: the map (drawn on a click, then kept), its colouring, and the rows selected
    on it with the box or the lasso as the rows table's filter (kept across page switches).
    """
    st.subheader("Map of the set")
    row_map = draw_ui(model_id, loaded, columns, view_key)
    if row_map is None:
        return NO_FILTER
    has_truth = scored.metrics is not None
    options = colour_options(has_truth, bool(cohorts and cohorts.cohorts))
    left, right = st.columns([3, 1])
    colour = left.radio("Colour by", options, horizontal=True, key=KEYS.COLOUR, persist_state="session")
    colour = colour if colour in options else options[0]
    generation = st.session_state.setdefault(KEYS.CHART_GEN, 0)
    chart_key = f"{KEYS.CHART}{generation}"
    n = len(scored.results)
    # Streamlit makes a chart whose figure changed a new widget with no selection: a new colouring (or new
    # cohorts) must not clear the rows selected, any more than a page switch does.
    drawn = (view_key, colour, tuple(c.key for c in cohorts.cohorts) if cohorts else ())
    fresh = session.widget_is_new(chart_key) or st.session_state.get(KEYS.DRAWN) != drawn
    st.session_state[KEYS.DRAWN] = drawn
    # Drawing 10,000 points' hovers takes about a second: the figure is kept for what it shows.
    figure = session.recall(KEYS.FIGURE, drawn)
    if figure is None:
        figure = map_figure(row_map, scored, scored.results[columns.text].tolist(), colour, cohorts)
        session.remember(KEYS.FIGURE, drawn, figure)
    unplaced = int((~row_map.placed).sum())
    note = f" {rows_phrase(unplaced)} that could not be read are not placed." if unplaced else ""
    st.caption(
        f"{rows_phrase(int(row_map.placed.sum()))} placed with {row_map.method}. {DISTANCES} Drag a box or a lasso "
        f"(the chart's toolbar switches between them) to filter the rows table to the rows inside.{note}"
    )
    event = st.plotly_chart(
        figure,
        key=chart_key,
        on_select="rerun",
        selection_mode=("box", "lasso"),
        width="stretch",
        config={"displaylogo": False, "modeBarButtonsToRemove": ["toImage"]},
    )
    picked = session.kept_selection(KEYS.PICKED, view_key, picked_rows(event), fresh)
    if picked and right.button("Clear map selection", key=KEYS.UNPICK):
        st.session_state[KEYS.CHART_GEN] = generation + 1
        st.session_state.pop(KEYS.PICKED, None)
        st.rerun()
    if picked:
        right.caption(escape_md(f"{rows_phrase(len(picked))} selected on the map."))
    return map_filter(picked, n)
