"""The Tabular page's figures, HTML and logic: the waterfall from base value to output, the beeswarm, mean |value|
bars, legend, CSV; the target column's guess, the form's widget values for a row, and the what-if's previous
explanation (no Streamlit calls here).
"""

from __future__ import annotations

import csv
import io
from html import escape

import numpy as np
import plotly.graph_objects as go

from components.charts import _layout
from components.state.tabular import TabularKeys
from textlens.report.export_info import ExportInfo
from textlens.report.legend import legend_html
from textlens.report.palette import AGAINST, NEUTRAL_GREY, PREDICTED, TOWARD
from textlens.tabular.data import MAX_CLASSES, MIN_CLASSES
from textlens.text.summary import signed
from textlens.types import TabularExplanation, value_text

BASE_ROW, OUTPUT_ROW = "base value", "model output"
# The previous explanation behind the new one: visible, but clearly not the current one.
PREVIOUS_OPACITY = 0.28
# Feature values in the beeswarm: a sequential scale that is neither of the palette's red and blue
# (which mean toward and against), readable for colour-blind readers (cividis), light to dark.
VALUE_COLORSCALE = "Cividis"
# Classes in the mean |value| chart: Okabe-Ito colours without the red and blue of the palette.
CLASS_COLOURS = ("#6d4bd1", "#e69f00", "#009e73", "#cc79a7", "#56b4e9", "#f0e442", "#8c6d31", "#7f7f7f")


def feature_label(name: str, value) -> str:
    """``flipper_length_mm = 210`` escaped for a Plotly label (Plotly renders a subset of HTML)."""
    return escape(f"{name} = {value_text(value)}")


def waterfall_order(result: TabularExplanation, target: str | int | None) -> list[int]:
    """Feature indices from the largest |value| toward ``target`` to the smallest (ties in table order)."""
    items = result.for_label(target)
    return sorted(range(len(items)), key=lambda j: (-abs(items[j].attribution), j))


def _waterfall_trace(
    result: TabularExplanation, i: int, order: list[int], y: list[str], *, faint: bool
) -> go.Waterfall:
    items = result.for_label(i)
    values = [result.base_values[i], *[items[j].attribution for j in order], 0.0]
    hover = [f"{BASE_ROW}: {result.base_values[i]:.4f}"]
    hover += [f"{escape(items[j].display)}: {signed(items[j].attribution, 4)}" for j in order]
    hover.append(f"{OUTPUT_ROW}: {result.scores[i]:.4f}")
    text = [f"{result.base_values[i]:.3f}", *[signed(items[j].attribution, 3) for j in order]]
    text.append(f"{result.scores[i]:.3f}")
    name = "before" if faint else "now"
    return go.Waterfall(
        orientation="h",
        y=y,
        x=values,
        measure=["absolute", *["relative"] * len(order), "total"],
        base=0,
        name=name,
        opacity=PREVIOUS_OPACITY if faint else 1.0,
        increasing={"marker": {"color": TOWARD}},
        decreasing={"marker": {"color": AGAINST}},
        totals={"marker": {"color": NEUTRAL_GREY if faint else PREDICTED}},
        connector={"line": {"color": NEUTRAL_GREY, "width": 1, "dash": "dot"}, "visible": not faint},
        text=None if faint else text,
        textposition="outside",
        cliponaxis=False,
        customdata=[f"{name}: {h}" for h in hover],
        hovertemplate="%{customdata}<extra></extra>",
    )


def waterfall_figure(
    result: TabularExplanation, target: str | int | None = None, previous: TabularExplanation | None = None
) -> go.Figure:
    """From the base value (top) through each input (largest |value| first) to the model output (bottom).

    Red bars push the probability of ``target`` up, blue bars down; each row is named with its input's
    value (``flipper_length_mm = 210``). ``previous`` (an earlier explanation with the same inputs and
    classes, e.g. before a slider moved) is drawn faintly behind, on the same rows, so the change shows.
    The x axis is the probability from 0 to 1, fixed, so bars move rather than the scale.
    """
    i = result.label_index(target)
    order = waterfall_order(result, i)
    y = [BASE_ROW, *[feature_label(result.features[j].name, result.features[j].value) for j in order], OUTPUT_ROW]
    traces = []
    ends = [0.0, 1.0]
    for record, faint in ((previous, True), (result, False)):
        if record is None or record.labels != result.labels:
            continue
        by_name = {f.name: n for n, f in enumerate(record.features)}
        if set(by_name) != {f.name for f in result.features}:
            continue
        record_order = [by_name[result.features[j].name] for j in order]
        traces.append(_waterfall_trace(record, i, record_order, y, faint=faint))
        items = record.for_label(i)
        ends += list(record.base_values[i] + np.cumsum([items[j].attribution for j in record_order]))
    fig = go.Figure(traces)
    low, high = min(ends), max(ends)
    pad = 0.08 * (high - low)  # room for the text labels outside the bars
    fig.update_layout(waterfallmode="overlay")
    fig.update_yaxes(autorange="reversed", type="category", tickfont={"size": 13})
    fig.update_xaxes(
        range=[low - pad, high + pad],
        title=f"probability of {escape(result.labels[i])}",
        tickformat=".0%",
        zeroline=False,
    )
    return _layout(fig, 110 + 34 * len(y))


def mean_abs_figure(view, top: int | None = None) -> go.Figure:
    """Mean |Shapley value| per input, stacked by class: what drives the model over the whole table."""
    mean = view.mean_abs
    order = sorted(range(len(view.features)), key=lambda j: -mean[j].sum())[:top]
    fig = go.Figure(
        [
            go.Bar(
                x=[mean[j, k] for j in order],
                y=[escape(view.features[j]) for j in order],
                orientation="h",
                name=escape(label),
                marker_color=CLASS_COLOURS[k % len(CLASS_COLOURS)],
                hovertemplate=f"%{{y}} · {escape(label)}: %{{x:.4f}}<extra></extra>",
            )
            for k, label in enumerate(view.labels)
        ]
    )
    fig.update_layout(barmode="stack")
    fig.update_yaxes(autorange="reversed", type="category")
    fig.update_xaxes(title="mean |change in probability| over the rows, stacked by class")
    fig = _layout(fig, 120 + 30 * len(order))
    fig.update_layout(showlegend=True, legend={"orientation": "h", "y": -0.25, "title": {"text": "class"}})
    return fig


def beeswarm_figure(view, target: str | int) -> go.Figure:
    """Each row a dot per input: x its value toward ``target``, colour the input's value (low dark blue, high yellow).

    Inputs are ordered by mean |value| for ``target``; a missing value is a hollow grey dot; the
    hover shows the row, the input's value and the exact attribution.
    """
    k = target if isinstance(target, int) else view.labels.index(target)
    mean = view.mean_abs[:, k]
    order = sorted(range(len(view.features)), key=lambda j: -mean[j])
    rng = np.random.default_rng(0)  # the same jitter on every draw
    xs, ys, colours, hovers, missing_x, missing_y, missing_hover = [], [], [], [], [], [], []
    for position, j in enumerate(order):
        values = view.values[:, j, k]
        jitter = _swarm_offsets(values, rng)
        for n, value in enumerate(values):
            shown = escape(f"{view.features[j]} = {value_text(view.inputs[n][j])}")
            hover = f"row {view.rows[n]} · {shown}: {signed(float(value), 4)}"
            if np.isnan(view.colour[n, j]):
                missing_x.append(value), missing_y.append(position + jitter[n]), missing_hover.append(hover)
            else:
                xs.append(value), ys.append(position + jitter[n]), colours.append(view.colour[n, j])
                hovers.append(hover)
    fig = go.Figure(
        [
            go.Scattergl(
                x=xs,
                y=ys,
                mode="markers",
                marker={
                    "color": colours,
                    "colorscale": VALUE_COLORSCALE,
                    "cmin": 0,
                    "cmax": 1,
                    "size": 7,
                    "opacity": 0.85,
                    "colorbar": {
                        "title": {"text": "input value"},
                        "tickvals": [0, 1],
                        "ticktext": ["low / first level", "high / last level"],
                        "thickness": 12,
                    },
                },
                customdata=hovers,
                hovertemplate="%{customdata}<extra></extra>",
                name="value",
            ),
            go.Scattergl(
                x=missing_x,
                y=missing_y,
                mode="markers",
                marker={"color": "rgba(0,0,0,0)", "line": {"color": NEUTRAL_GREY, "width": 1.5}, "size": 7},
                customdata=missing_hover,
                hovertemplate="%{customdata}<extra></extra>",
                name="missing",
            ),
        ]
    )
    fig.update_yaxes(
        tickvals=list(range(len(order))),
        ticktext=[escape(view.features[j]) for j in order],
        autorange="reversed",
        zeroline=False,
    )
    fig.add_vline(x=0, line={"color": NEUTRAL_GREY, "width": 1})
    fig.update_xaxes(title=f"change in probability of {escape(view.labels[k])}")
    return _layout(fig, 120 + 50 * len(order))


def _swarm_offsets(values: np.ndarray, rng: np.random.Generator, width: float = 0.35) -> np.ndarray:
    """Vertical offsets that spread dots with similar values: more dots in a bin, a wider spread."""
    span = float(np.ptp(values)) or 1.0
    bins = np.floor((values - values.min()) / span * 40).astype(int)
    offsets = np.zeros(len(values))
    for b in np.unique(bins):
        members = np.flatnonzero(bins == b)
        spread = min(width, 0.04 * len(members))
        offsets[members] = rng.uniform(-spread, spread, len(members))
    return offsets


def method_note(result: TabularExplanation) -> str:
    """How exact the values are, in words."""
    m = len(result.features)
    if result.method == "exact":
        return f"exact Shapley values (all {2**m:,} combinations of the {m} inputs)"
    permutations = result.settings.get("permutations")
    return (
        f"estimated from {permutations} random orders of the {m} inputs (exact needs 2^{m} combinations); "
        "still additive"
    )


def tabular_legend_html(result: TabularExplanation, target: str | int | None = None) -> str:
    """The shared legend for a table row: class, units, base value + inputs = output, background, exactness."""
    return legend_html(
        result,
        target,
        scale=None,
        feature="input",
        hidden="mean over the background",
        notes=(f"Background: {result.background}", f"Values are {method_note(result)}"),
    )


def change_html(result: TabularExplanation, previous: TabularExplanation | None, target: str | int | None) -> str:
    """A one-line what-if note: which inputs changed and how the probability of ``target`` moved."""
    if previous is None or previous.labels != result.labels:
        return ""
    i = result.label_index(target)
    before, now = previous.inputs(), result.inputs()
    changed = [n for n in now if before.get(n, object()) != now[n]]
    if not changed:
        return ""
    what = ", ".join(f"{n} {value_text(before.get(n))} → {value_text(now[n])}" for n in changed)
    delta = result.scores[i] - previous.scores[i]
    return (
        f'<div class="tl-whatif" style="font-size: 0.9rem;">What-if: {escape(what)}: probability of '
        f"<b>{escape(result.labels[i])}</b> {previous.scores[i]:.3f} → <b>{result.scores[i]:.3f}</b> "
        f"({signed(delta, 3)}); the faint bars are the explanation before the change.</div>"
    )


def tabular_csv(result: TabularExplanation, info: ExportInfo | None = None) -> str:
    """CSV with one row per input: its value and its attribution toward every class, then base values and outputs."""
    out = io.StringIO()
    writer = csv.writer(out)
    extra = info.columns() if info is not None else {}
    labels = result.labels
    writer.writerow(["feature", "value", *[f"value_{lab}" for lab in labels], *extra])
    for f in result.features:
        value = "" if f.value is None else f.value
        writer.writerow([f.name, value, *[f"{v:.10g}" for v in f.values], *extra.values()])
    writer.writerow(["(base value)", "", *[f"{b:.10g}" for b in result.base_values], *extra.values()])
    writer.writerow(["(model output)", "", *[f"{s:.10g}" for s in result.scores], *extra.values()])
    return out.getvalue()


def export_info(result: TabularExplanation, target: str | int | None, table_name: str) -> ExportInfo:
    """The facts a tabular download states about itself: the row's inputs as the subject."""
    subject = f"{table_name}: " + ", ".join(f"{f.name} = {value_text(f.value)}" for f in result.features)
    label = result.labels[result.label_index(target)]
    return ExportInfo.of(result, target, subject=subject, title=f"Why {label}? ({table_name})")


# --- the page's form and what-if -----------------------------------------------------------------

MISSING = "— missing —"  # the choice a categorical input offers where the data has missing values


def target_guess(frame) -> int:
    """The last column with 2 to 20 values: where a label usually sits (else the last column)."""
    for index in range(frame.shape[1] - 1, -1, -1):
        if MIN_CLASSES <= frame.iloc[:, index].nunique() <= MAX_CLASSES:
            return index
    return frame.shape[1] - 1


def level_options(feature) -> list[str]:
    """A categorical input's choices: its levels, and :data:`MISSING` where the data has missing values."""
    return [*feature.levels, *([MISSING] if feature.has_missing else [])]


def widget_key(model, j: int, part: str) -> str:
    """The session key of input ``j``'s widget ``part`` ("number", "slider", "missing", "choice") for ``model``."""
    return f"{TabularKeys.INPUT}{model.fingerprint[:12]}_{j}_{part}"


def form_state(model, values: dict) -> dict[str, object]:
    """The form's widget values that show a row's ``values`` (None: missing): numbers in the box and on the
    slider (clipped to its range), "missing" ticked or not, a choice's index. A missing number leaves the box
    and slider as they were.
    """
    state: dict[str, object] = {}
    for j, feature in enumerate(model.features):
        value = values.get(feature.name)
        if feature.numeric:
            if feature.has_missing:
                state[widget_key(model, j, "missing")] = value is None
            if value is not None:
                state[widget_key(model, j, "number")] = float(value)
                state[widget_key(model, j, "slider")] = min(max(float(value), feature.low), feature.high)
        else:
            state[widget_key(model, j, "choice")] = level_options(feature).index(MISSING if value is None else value)
    return state


def previous_explanation(
    shown: TabularExplanation | None, result: TabularExplanation, previous: TabularExplanation | None
) -> TabularExplanation | None:
    """The explanation to draw faintly behind ``result``: the one on screen before (``shown``) when only the
    inputs changed; ``previous`` kept while they did not; none after a new model or classes.
    """
    if shown is None or shown.model_id != result.model_id or shown.labels != result.labels:
        return None
    return shown if shown.inputs() != result.inputs() else previous
