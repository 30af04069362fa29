"""Failure cohorts on the Dataset page: the groups of rows where the model's errors concentrate, found for the
user (:mod:`textlens.dataset.cohorts`), read as sentences and a table whose selected cohort filters the rows
table and goes to a review pack in one step; with a second model, the cohorts of the rows B broke.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import streamlit as st

from components import widgets as ui
from components.dataset.filters import NO_FILTER, RowFilter, cohort_filter, wrong_rows
from components.dataset.records import Columns, Loaded, Scored, Shown
from components.dataset.rows import send_rows_ui
from components.dataset.tables import PERCENT
from components.safe_text import escape_md
from components.selection import cleared_note, keep_selection
from components.state import cohorts as cohort_state
from textlens.dataset import LabelIssues, RowPredictions
from textlens.dataset.cohorts import MAX_DEPTH, MIN_ROWS, Cohort, FailureCohorts
from textlens.dataset.compare import Comparison
from textlens.report.cohorts import READING, cohort_rows

KEYS = cohort_state.CohortKeys
A_ERRORS, B_BROKE = "The model's errors", "Rows B broke"
TOP = 3  # cohorts read out as sentences above the table
SEND_FIRST = 20  # a cohort's rows sent to a review pack by default (each explained on send)
DEEPEST = 6  # the tree's depth the page offers, at most: deeper paths are not read at a glance


@dataclass(frozen=True, eq=False)
class CohortView:
    """What the section passes on: the cohorts shown, every cohort set found (for the report), the cohort picked
    in the table and the rows table's filter for it.
    """

    shown: FailureCohorts | None
    found: tuple[FailureCohorts, ...]
    picked: Cohort | None
    filter: RowFilter = NO_FILTER


NO_COHORTS = CohortView(None, (), None)


def cohorts_frame(found: FailureCohorts) -> pd.DataFrame:
    """The cohorts table: one row per cohort, most errors first (the report's columns)."""
    columns = ["cohort", "rows", "errors", "error rate", "share of errors", "p (Holm)"]
    return pd.DataFrame(cohort_rows(found), columns=columns)


def top_sentences(found: FailureCohorts, n: int = TOP) -> list[str]:
    """The ``n`` cohorts with the most errors, each as its plain sentence."""
    return [found.sentence(c) for c in found.cohorts[:n]]


def errors_first(cohort: Cohort, scored: Scored) -> list[int]:
    """A cohort's rows in the order they are sent to a pack: its errors first, each group most confident first."""
    wrong = wrong_rows(scored.truth, scored.predicted)
    return sorted(cohort.row_ids, key=lambda r: (not wrong[r], -np.nan_to_num(scored.confidence[r]), r))


def settings_ui(place) -> tuple[int, int, bool]:
    """The tree's depth, the fewest rows a cohort may have and whether it may split on the model's outputs
    (``place``: the three columns they sit in).
    """
    outputs_place, left, right = place
    outputs = outputs_place.toggle(
        "Split on the model's outputs too",
        value=True,
        key=KEYS.OUTPUTS,
        persist_state="session",
        help="The predicted label, the confidence and likely label errors. Errors gather where the model is "
        "unsure, so with these many cohorts are confidence bands; without them the cohorts say which kinds of "
        "input fail (words, length, metadata, true label).",
    )
    depth = left.number_input(
        "Conditions per cohort, at most",
        1,
        DEEPEST,
        MAX_DEPTH,
        key=KEYS.DEPTH,
        persist_state="session",
        help="The tree's depth: each level adds one condition to a cohort's description.",
    )
    rows = right.number_input(
        "Rows per cohort, at least",
        1,
        100_000,
        MIN_ROWS,
        step=5,
        key=KEYS.MIN_ROWS,
        persist_state="session",
        help="Smaller cohorts are more often chance; larger ones hide narrow failures.",
    )
    return int(depth), int(rows), bool(outputs)


def found_cohorts(
    loaded: Loaded,
    scored: Scored,
    columns: Columns,
    issues: LabelIssues | None,
    comparison: Comparison | None,
    settings: tuple[int, int, bool],
) -> tuple[FailureCohorts | None, FailureCohorts | None]:
    """The model's failure cohorts and, with a second model, the cohorts of the rows B broke (cached)."""
    frame = loaded.labelled.frame
    texts = frame[columns.text].tolist()
    meta = {c: frame[c].tolist() for c in columns.meta}
    labels = tuple(scored.metrics.labels) if scored.metrics else ()
    common = (loaded.file_hash, columns.text, tuple(columns.meta), labels)
    issue = issues.issue if issues is not None else None
    own = ui.attempt(
        cohort_state.failure_cohorts,
        *common,
        scored.truth,
        scored.predicted,
        scored.confidence,
        issue,
        *settings,
        texts,
        meta,
    )
    if comparison is None:
        return own, None
    broke = ui.attempt(
        cohort_state.broken_cohorts,
        *common,
        comparison.truth,
        comparison.predicted_a,
        comparison.predicted_b,
        comparison.b.confidence,
        *settings,
        texts,
        meta,
    )
    return own, broke


def table_ui(found: FailureCohorts, input_key: tuple) -> Cohort | None:
    """The cohorts as a table; the selected one (kept by its identity across reruns and page switches)."""
    chosen = keep_selection(KEYS.TABLE, KEYS.KEPT, input_key, [c.key for c in found.cohorts])
    if chosen.dropped:
        note = cleared_note(chosen.dropped, lambda key: f"cohort “{key}”")
        st.info(escape_md(note), icon=":material/deselect:")
    st.dataframe(
        cohorts_frame(found),
        hide_index=True,
        width="stretch",
        height=ui.grid_height(len(found.cohorts), most=330),
        on_select="rerun",
        selection_mode="single-row",
        key=KEYS.TABLE,
        column_config={
            "cohort": st.column_config.TextColumn("cohort", width="large"),
            "error rate": PERCENT,
            "share of errors": PERCENT,
            "p (Holm)": st.column_config.NumberColumn(format="%.2g"),
        },
    )
    return found.by_key(chosen.ids[0]) if chosen.ids else None


def cohorts_ui(
    model_id: str,
    loaded: Loaded,
    scored: Scored,
    run: RowPredictions,
    columns: Columns,
    issues: LabelIssues | None,
    view_key: tuple,
    second: tuple[str, Comparison] | None = None,
) -> CohortView:
    """The "Failure cohorts" section: what was found, the top cohorts as sentences, the table (a selected cohort
    filters the rows table) and the selected cohort sent to a review pack; with a second model (``second``: its
    id and the comparison), a choice between the model's errors and the rows B broke.
    """
    st.subheader("Failure cohorts")
    st.caption(
        "Where the model's errors concentrate, found for you: groups of rows a shallow decision tree separates by "
        "the words they contain, their length, metadata, labels, confidence and likely label errors. A cohort is "
        "where errors gather, not their cause."
    )
    comparison = second[1] if second else None
    which_place, *place = st.columns([2, 1, 1])
    which = A_ERRORS
    if comparison is not None:
        which = which_place.radio(
            "Cohorts of", [A_ERRORS, B_BROKE], horizontal=True, key=KEYS.OF, persist_state="session"
        )
    settings = settings_ui((which_place, *place))
    own, broke = found_cohorts(loaded, scored, columns, issues, comparison, settings)
    shown = broke if which == B_BROKE else own
    found = tuple(f for f in (own, broke) if f is not None)
    if shown is None:  # the tree could not be grown (its message is shown)
        return CohortView(None, found, None)
    st.markdown(f"**{escape_md(shown.summary())}**")
    if shown.cohorts:
        st.markdown("\n".join(f"{i}. {escape_md(s)}" for i, s in enumerate(top_sentences(shown), 1)))
    st.caption(f"Select a cohort to filter the rows table; colour the map by cohort to see where they lie. {READING}")
    if not shown.cohorts:
        return CohortView(shown, found, None)
    picked = table_ui(shown, (view_key, which))
    view = CohortView(shown, found, picked, cohort_filter(picked, len(scored.results)))
    if picked is not None:
        rows = Shown([], errors_first(picked, scored), f"cohort {picked.description}")
        # With a second model the rows go as A's and B's cases, as every other send of this page does.
        send_rows_ui(
            model_id,
            loaded,
            scored,
            run,
            columns,
            rows,
            second,
            key=KEYS.SEND,
            what="of this cohort",
            first=SEND_FIRST,
            order="its errors first, the most confident first",
        )
    return view
