"""The Dataset page's comparison with a second model (B): the picker, the paired headline, the flip table that
filters the rows, slices compared, the selected rows side by side, the words that changed and the flipped rows
sent to a review pack.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from components import pack_widgets as packs
from components import widgets as ui
from components.dataset.filters import RowFilter, flip_filter
from components.dataset.tables import (
    PERCENT,
    SIGNED4,
    SIGNED_POINTS,
    classes_compared_frame,
    slices_compared_frame,
    word_shifts_frame,
)
from components.safe_text import escape_md
from components.send_rows import with_provenance
from components.state import core as session
from components.state import dataset as dataset_state
from components.state import models
from textlens.dataset import RowPredictions, Slice
from textlens.dataset.compare import (
    BOTH_RIGHT,
    BOTH_WRONG,
    BROKEN,
    FIXED,
    FLIP_NAMES,
    Comparison,
    SliceComparison,
    align_labels,
    compare_runs,
    flip_cases,
    flip_sample,
    flipped_rows,
    word_shifts,
)
from textlens.dataset.predict import prediction_records
from textlens.dataset.slices import MIN_SLICE_ROWS
from textlens.report.compare import CompareRow, shared_scale

KEYS = dataset_state.DatasetKeys
MAX_SHIFT_ROWS = 200  # flipped rows explained by both models at most, for the words that changed


def model_b_ui(model_a: str, labels: tuple[str, ...]) -> str | None:
    """The optional second model: a toggle, then the sidebar's picker; B's id once it loaded and its labels are
    A's (by name), else None with the reason shown.
    """
    st.subheader("Second model (B)")
    on = st.toggle(
        "Compare with a second model",
        key=KEYS.COMPARE_ON,
        persist_state="session",
        help="Is model B better than the sidebar's model (A) on this set, by how much, is it beyond chance, and "
        "which rows and slices does it break?",
    )
    if not on:
        return None
    box = st.container(border=True)
    model_b = ui.model_choice_ui(
        box,
        dataset_state.ModelBKeys,
        st.session_state.get(KEYS.MODEL_B, ""),
        lambda chosen: st.session_state.__setitem__(KEYS.MODEL_B, chosen),
        label="Model B",
    )
    if not model_b:
        box.caption("Model B: the bundled model, or a folder or hub id typed above and loaded.")
        return None
    classifier = ui.second_model_ui(box, model_b)
    if classifier is None:
        return None
    if model_b == model_a:
        st.info("Model B is the sidebar's model (A): pick another model to compare.")
        return None
    if ui.attempt(align_labels, labels, classifier.labels) is None:
        return None
    return model_b


def comparison_of(
    model_a: str, model_b: str, file_hash: str, frame: pd.DataFrame, text: str, label: str | None, run_a, run_b
) -> Comparison:
    """Both models on the file (:func:`textlens.dataset.compare.compare_runs`), kept in the session per input."""
    key = (model_a, model_b, file_hash, text, label)
    found = session.recall(KEYS.COMPARISON, key)
    if found is None:
        found = compare_runs(frame, text, label, run_a, run_b)
        session.remember(KEYS.COMPARISON, key, found)
    return found


def headline_ui(comparison: Comparison, model_a: str, model_b: str) -> None:
    """Accuracy and macro-F1 of A and B, the paired difference with its interval, McNemar's p and the sentence."""
    v = comparison.paired
    if v is None:
        st.info("No row has a matched label that both models predicted, so there is nothing to compare.")
        return
    a, b, c, d, e, f = st.columns(6)
    a.metric("Accuracy A", f"{v.accuracy_a:.1%}", help=f"A: {ui.model_display(model_a)}")
    b.metric("Accuracy B", f"{v.accuracy_b:.1%}", f"{v.difference * 100:+.1f} points", help=ui.model_display(model_b))
    low, high = v.difference_ci
    c.metric(
        "B − A (points)",
        f"{v.difference * 100:+.1f}",
        f"95% CI {low * 100:+.1f} to {high * 100:+.1f}",
        delta_color="off",
        delta_arrow="off",
        help="Accuracy of B minus A on the same rows, in percentage points, with its 95% confidence interval "
        "(Agresti–Min, for paired rows). An interval containing 0 means the data do not rule out no difference.",
    )
    d.metric("Macro-F1 A", f"{v.macro_f1_a:.3f}")
    e.metric("Macro-F1 B", f"{v.macro_f1_b:.3f}", f"{v.macro_f1_b - v.macro_f1_a:+.3f}")
    f.metric(
        "McNemar's p",
        f"{v.mcnemar_p:.3g}",
        help="McNemar's exact test on the rows where exactly one model is right: the chance of a split at "
        "least this uneven if A and B were equally accurate.",
    )
    box = st.success if v.significant and v.fixed > v.broken else st.warning if v.significant else st.info
    box(escape_md(v.sentence()))
    st.caption(
        f"{v.rows:,} paired rows: a matched label and a prediction from both models. A: "
        f"{escape_md(ui.model_display(model_a))}; B: {escape_md(ui.model_display(model_b))}."
    )


CELLS = ((BOTH_RIGHT, BROKEN), (FIXED, BOTH_WRONG))  # [A right / A wrong][B right / B wrong]


def flip_table_ui(comparison: Comparison) -> RowFilter:
    """The 2×2 flip table; each cell is a button that filters the rows table (click it again to clear)."""
    v = comparison.paired
    if v is None:
        return flip_filter(comparison.codes, None)
    counts = {BOTH_RIGHT: v.both_right, FIXED: v.fixed, BROKEN: v.broken, BOTH_WRONG: v.both_wrong}
    chosen = st.session_state.get(KEYS.FLIP)
    st.markdown("**What B changes** · click a cell to show its rows in the table below")
    header = st.columns([1, 2, 2])
    header[1].markdown("**B right**")
    header[2].markdown("**B wrong**")
    for name, cells in (("A right", CELLS[0]), ("A wrong", CELLS[1])):
        line = st.columns([1, 2, 2], vertical_alignment="center")
        line[0].markdown(f"**{name}**")
        for place, code in zip(line[1:], cells):
            share = counts[code] / v.rows if v.rows else 0.0
            name = FLIP_NAMES[code]
            label = f"{name[0].upper()}{name[1:]} · {counts[code]:,} ({share:.1%})"
            if place.button(
                label,
                key=f"{KEYS.FLIP_CELL}{code}",
                type="primary" if chosen == code else "secondary",
                width="stretch",
                disabled=counts[code] == 0,
            ):
                st.session_state[KEYS.FLIP] = None if chosen == code else code
                st.rerun()
    classes_compared_ui(comparison)
    return flip_filter(comparison.codes, chosen)


def classes_compared_ui(comparison: Comparison) -> None:
    """Per true class: the rows B fixes and breaks, and each model's recall on the class."""
    frame = classes_compared_frame(comparison.classes())
    st.markdown("**What B changes, per true class**")
    st.caption(
        "Recall: the share of the class's paired rows each model gets right; fixed and broken rows are those of the "
        "cells above whose true label is this class."
    )
    st.dataframe(
        frame,
        hide_index=True,
        width="stretch",
        height=ui.grid_height(len(frame)),
        column_config={"recall A": PERCENT, "recall B": PERCENT, "change (points)": SIGNED_POINTS},
    )


def table_columns(comparison: Comparison) -> tuple[dict[str, object], dict[str, object]]:
    """Model B's columns for the rows table (B's label, its confidence, the change) and their headers."""
    extra = {
        "predicted_label_b": comparison.results["predicted_label_b"],
        "confidence_b": comparison.results["confidence_b"],
        "change": comparison.results["change"],
    }
    config = {
        "predicted_label": st.column_config.TextColumn("A predicted"),
        "confidence": st.column_config.NumberColumn("A confidence", format="%.3f"),
        "predicted_label_b": st.column_config.TextColumn("B predicted"),
        "confidence_b": st.column_config.NumberColumn("B confidence", format="%.3f"),
        "change": st.column_config.TextColumn("change"),
    }
    return extra, config


def slices_compared_ui(comparison: Comparison, slices: list[Slice]) -> list[SliceComparison]:
    """Every slice with A's and B's accuracy, the change, its discordant rows and a verdict; small ones say so."""
    table = comparison.slices(slices)
    st.markdown("**Slices compared: A against B**")
    st.caption(
        f"Biggest loss first; slices with fewer than {MIN_SLICE_ROWS} paired rows last, with no change shown "
        "(too few rows to say anything). *Significant*: McNemar's exact test within the slice, Holm-corrected "
        "for testing every slice."
    )
    frame = slices_compared_frame(table)
    st.dataframe(
        frame,
        hide_index=True,
        width="stretch",
        height=ui.grid_height(max(len(frame), 1), most=400),
        key=KEYS.COMPARE_SLICES,
        column_config={
            "accuracy A": PERCENT,
            "accuracy B": PERCENT,
            "change (points)": SIGNED_POINTS,
            "p (Holm)": st.column_config.NumberColumn(format="%.3g"),
        },
    )
    return table


def flips_sent(chosen: int | None) -> tuple[int, ...]:
    """The flips "send the flipped rows" sends: the picked cell's when it is fixed or broken by B, else both."""
    return (chosen,) if chosen in (FIXED, BROKEN) else (FIXED, BROKEN)


def truth_of(comparison: Comparison, row: int) -> str | None:
    """The row's true label as matched to the models' labels, or None."""
    t = comparison.truth[row]
    return comparison.b.labels[t] if t >= 0 else None


def explain_both(model_a: str, model_b: str, texts: list[str], what: str):
    """A's and B's explanations of ``texts`` (cached), with one progress bar in two stages; None on error."""
    seconds_a, seconds_b = models.load_model(model_a).seconds_per_row, models.load_model(model_b).seconds_per_row
    with ui.progress(f"Explaining {what} with A", seconds_a) as drawer:
        found_a = ui.attempt(models.explanations, model_a, texts, on_progress=drawer)
        if found_a is None:
            return None
        found_b = ui.attempt(
            models.explanations, model_b, texts, on_progress=drawer.stage(f"Explaining {what} with B", seconds_b)
        )
    return None if found_b is None else (found_a, found_b)


def side_by_side_ui(model_a: str, model_b: str, comparison: Comparison, texts: list, row_ids: list[int]) -> None:
    """The selected rows explained by both models on one colour scale (the Compare page's two-model view)."""
    picked = [r for r in row_ids if comparison.results["error"].iloc[r] == ""]
    if not picked:
        st.info("The selected rows could not be predicted, so there is nothing to explain.")
        return
    found = explain_both(model_a, model_b, [texts[r] for r in picked], "the selected rows")
    if found is None:
        return
    for row, a, b in zip(picked, *found):
        truth = truth_of(comparison, row)
        target = truth or a.predicted_label
        change = comparison.results["change"].iloc[row]
        with st.container(border=True):
            st.markdown(f"**Row {row}** · {escape_md(change or 'no matched label')} · toward {escape_md(target)}")
            compared = CompareRow(f"row {row}", a, b, truth)
            scale = shared_scale([a, b], target)
            ui.two_model_view(compared, target, scale, ui.model_display(model_a), ui.model_display(model_b))
    st.caption(
        "Each row's A and B share one colour scale, toward the row's true label (else A's prediction): red "
        "pushes toward it, blue away. Below each pair, the words whose attribution changed sign or moved most."
    )


def words_changed_ui(model_a: str, model_b: str, comparison: Comparison, texts: list, file_hash: str) -> None:
    """Over a bounded sample of flipped rows explained by both models: the words whose mean attribution toward
    the true label moved most.
    """
    flipped = flipped_rows(comparison.codes)
    st.subheader("Which words changed")
    if not len(flipped):
        st.caption("No row flipped between A and B.")
        return
    available = min(len(flipped), MAX_SHIFT_ROWS)
    with st.spinner("Measuring how long an explanation takes here…"):
        sample = [texts[i] for i in flipped[:50]]
        per_minute = min(
            dataset_state.explain_sample_size(model_a, file_hash, "compare-a", sample),
            dataset_state.explain_sample_size(model_b, file_hash, "compare-b", sample),
        )
    default = max(1, min(available, per_minute // 2))  # two explanations a row
    left, right = st.columns([1, 3])
    n = int(
        left.number_input("Flipped rows to explain", 1, available, default, key=KEYS.SHIFT_N, persist_state="session")
    )
    right.caption(
        f"{len(flipped):,} rows flipped (fixed or broken by B). Each is explained by both models: about a minute "
        f"for {default:,} rows here; a seeded random sample when fewer are asked for. Values are toward each "
        "row's true label, so a positive shift means B leans on the word more to get the row right."
    )
    rows = flip_sample(comparison.codes, n)
    sample_key = (model_a, model_b, file_hash, tuple(rows))
    if st.button(f"Explain {len(rows):,} flipped rows with A and B", key=KEYS.SHIFT_RUN):
        found = explain_both(model_a, model_b, [texts[r] for r in rows], f"{len(rows):,} flipped rows")
        if found is not None:
            session.remember(KEYS.SHIFTS, sample_key, (rows, *found))
    explained = session.recall(KEYS.SHIFTS, sample_key)
    if explained is None:
        return
    rows, found_a, found_b = explained
    truths = [truth_of(comparison, r) for r in rows]
    shifts = word_shifts(list(zip(found_a, found_b, truths)), min_count=2 if len(rows) >= 10 else 1, top=40)
    if not shifts:
        st.caption("No word occurs in enough of the explained rows to compare.")
    else:
        st.dataframe(
            word_shifts_frame(shifts),
            hide_index=True,
            width="stretch",
            height=ui.grid_height(len(shifts)),
            column_config={"mean A": SIGNED4, "mean B": SIGNED4, "shift B − A": SIGNED4},
        )
        st.caption(
            f"Over {len(rows):,} flipped rows explained by both models; words whose sign flipped first, then the "
            "biggest moves. An estimate from a sample: a word in few rows can move by chance."
        )


def send_flips_ui(
    model_a: str, model_b: str, comparison: Comparison, texts: list, run_a: RowPredictions, file_hash: str
) -> None:
    """The flipped rows (the picked cell's, or all B fixed or broke) into a review pack in one step: each row
    as A's and B's prediction, tagged "fixed by B" / "broken by B" and "model A" / "model B", each with its
    own model's provenance.
    """
    which = flips_sent(st.session_state.get(KEYS.FLIP))
    rows = [int(r) for r in flipped_rows(comparison.codes, which)]
    what = " or ".join(FLIP_NAMES[w] for w in which)
    with st.expander(f"Send the {len(rows):,} rows {what} to a review pack", icon=":material/playlist_add:"):
        if not rows:
            st.caption("No such rows.")
            return
        st.caption(
            "Two cases a row, A's and B's prediction, each shown for the row's true label and tagged with the change "
            "and the model, so the pack reads as a release review. Pick a cell above to send only its rows."
        )
        truths = [truth_of(comparison, r) for r in rows]
        records_a = prediction_records(texts, run_a, model_a, rows)
        records_b = prediction_records(texts, comparison.b, model_b, rows)
        names = (ui.model_display(model_a), ui.model_display(model_b))
        cases = flip_cases(rows, comparison.codes, truths, records_a, records_b, names, file_hash)
        with_provenance(cases, {"A": models.load_model(model_a), "B": models.load_model(model_b)})
        packs.send_to_pack_ui(cases, source="dataset", key=KEYS.FLIP_SEND, what="cases")


def comparison_downloads(comparison: Comparison, slices: list[SliceComparison]) -> list[ui.Download]:
    """The rows with both models (CSV) and the slices compared (CSV), for the page's download row."""
    return [
        ui.Download(
            "Both models' predictions (CSV)",
            lambda: comparison.results.to_csv(index=False),
            "predictions-a-vs-b.csv",
            "text/csv",
        ),
        ui.Download(
            "Slices compared (CSV)",
            lambda: pd.DataFrame([s.to_dict() for s in slices]).to_csv(index=False),
            "slices-a-vs-b.csv",
            "text/csv",
        ),
    ]
