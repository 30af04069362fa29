"""The Dataset page's rows table: what its filters leave (with a note and the buttons that clear them), the
table itself with its selection kept by row id, and every row it shows sent to a review pack in one step.
"""

from __future__ import annotations

import streamlit as st

from components import pack_widgets as packs
from components import widgets as ui
from components.dataset.filters import CUT_COLUMN, ISSUE_COLUMN, ISSUE_MODES, Filtered
from components.dataset.records import Columns, Loaded, Scored, Shown
from components.dataset.tables import FLOAT3
from components.safe_text import escape_md
from components.selection import cleared_note, keep_selection
from components.send_rows import RowsToSend, shown_cases
from components.state import dataset as dataset_state
from components.state import models
from textlens.dataset import RowPredictions
from textlens.dataset.compare import rows_phrase
from textlens.dataset.cuts import Cuts

KEYS = dataset_state.DatasetKeys
SEND_MAX = 1000  # rows the table shows sent to a review pack in one step, at most


def issues_mode_ui(place) -> str:
    """Likely label errors in the rows table: included, set aside or alone (``place``: the column it sits in)."""
    return place.radio(
        "Likely label errors",
        list(ISSUE_MODES),
        horizontal=True,
        key=KEYS.LABEL_ISSUES_FILTER,
        persist_state="session",
        help="Set aside the rows whose label is probably wrong to see the model's own errors.",
    )


def filter_note_ui(filtered: Filtered, cell_on: bool, flip_on: bool) -> None:
    """What the filters leave, in words, with a button clearing the confusion-matrix cell or the flip-table cell."""
    if not filtered.names:
        return
    note, clear = st.columns([5, 1])
    note.caption(escape_md(f"Filtered to {', '.join(filtered.names)}: {rows_phrase(len(filtered.view))}."))
    if cell_on and clear.button("Clear cell filter", key=KEYS.CLEAR_CELL):
        st.session_state[KEYS.CONFUSION_GEN] += 1
        st.session_state.pop(KEYS.CELL_KEPT, None)
        st.rerun()
    if flip_on and clear.button("Clear flip filter", key=KEYS.FLIP_CLEAR):
        st.session_state[KEYS.FLIP] = None
        st.rerun()


def rows_table_ui(
    filtered: Filtered,
    total: int,
    shown: list[str],
    text: str,
    view_key: tuple,
    cuts: Cuts | None = None,
    config: dict | None = None,
) -> list[int]:
    """The rows left by the filters, columns ``shown``; returns the selected row ids, kept across a filter, a
    sort or a page switch (a selected row the view lost is unselected, with a note).
    """
    view = filtered.view
    st.caption(f"{len(view):,} of {rows_phrase(total)}. Click a header to sort; select rows to explain them.")
    chosen = keep_selection(KEYS.TABLE, KEYS.ROWS_KEPT, view_key, filtered.row_ids)
    if chosen.dropped:
        st.info(escape_md(cleared_note(chosen.dropped)), icon=":material/deselect:")
    st.dataframe(
        view[shown],
        hide_index=True,
        width="stretch",
        height=ui.grid_height(max(len(view), 1)),
        on_select="rerun",
        selection_mode="multi-row",
        key=KEYS.TABLE,
        column_config={
            "row_id": st.column_config.NumberColumn("row", width="small"),
            text: st.column_config.TextColumn(text, width="large"),
            "confidence": FLOAT3,
            ISSUE_COLUMN: st.column_config.CheckboxColumn("likely label error"),
            CUT_COLUMN: st.column_config.TextColumn("model read", help=cuts.help() if cuts else None),
            **(config or {}),
        },
    )
    return list(chosen.ids)


def send_rows_ui(
    model_id: str,
    loaded: Loaded,
    scored: Scored,
    run: RowPredictions,
    columns: Columns,
    shown: Shown,
    second=None,
    *,
    key: str = KEYS.ROWS_SEND,
    what: str = "shown",
    first: int | None = None,
    order: str = "in the table's order",
):
    """Every row the table shows (all errors of a filter, a confusion cell, a slice…) into a review pack in one
    step, each with its explanation (made on send) and the filter noted; with model B (``second``: its id and
    the comparison), A's and B's case of each row with both predictions and the change. :data:`SEND_MAX` at most.

    ``key`` names the form and ``what`` the rows in its title ("Send the 143 rows {what} to a review pack"), for
    another set of rows sent the same way (a failure cohort's). With ``first``, the form asks how many rows to
    send (``first`` by default; exact explanations of hundreds of rows take long), taken in ``shown.rows``' order,
    which ``order`` names.
    """
    rows = shown.rows[:SEND_MAX]
    title = f"Send the {rows_phrase(len(rows))} {what} to a review pack"
    if first is not None:
        title = f"Send rows {what} ({len(shown.rows):,}) to a review pack"
    with st.expander(title, icon=":material/playlist_add:"):
        if first is not None:
            most = len(rows)
            n = st.number_input(
                f"Rows to send, {order}", 1, most, min(first, most), key=f"{key}_n", persist_state="session"
            )
            rows = rows[: int(n)]
        if len(shown.rows) > SEND_MAX:
            st.caption(f"There are {len(shown.rows):,} rows; the first {SEND_MAX:,} in their order are sent.")
        each = "A's and B's explanation of each row, with both predictions and the change" if second else "explanations"
        st.caption(
            escape_md(f"Sent as {each}, noting why ({shown.filters or 'all rows'}), the row and its true label. ")
            + "Explained when you send: one-pass values where the model has its explainer (seconds), else exact ones "
            "(about a minute for a few dozen rows)."
        )
        truths = scored.results["true_label"].tolist() if "true_label" in scored.results else [None] * len(run.probs)
        truths = [t if isinstance(t, str) else None for t in truths]
        texts = scored.results[columns.text].tolist()
        to_send = RowsToSend(rows, texts, truths, shown.filters or "all rows", loaded.file_hash)
        cases = shown_cases(to_send, model_id, run, loaded.stored, second)
        packs.send_to_pack_ui(
            cases,
            source="dataset",
            classifier=None if loaded.stored else models.load_model(model_id),
            key=key,
            what="cases" if second else "row" if len(cases) == 1 else "rows",
        )
