"""The rows selected in the Dataset table, explained in place (or by both models side by side), each with
"Open in Explain" and "Add to review pack"; and the explanations of any rows, stored or computed.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from components import pack_widgets as packs
from components import widgets as ui
from components.dataset import compare
from components.dataset.records import Columns, Scored
from components.dataset.report import ExplainedRow, explained_row_html
from components.safe_text import escape_md
from components.state import dataset as dataset_state
from components.state import explain as explain_state
from components.state import models
from textlens import Explanation
from textlens.corpus import StoredRun
from textlens.dataset.compare import Comparison

KEYS = dataset_state.DatasetKeys
MAX_EXPLAINED = 5  # selected rows explained in place


def row_truth(results: pd.DataFrame, row_id: int) -> str | None:
    """The row's true label as the file gives it, or None (no label column, or no label in this row)."""
    truth = results["true_label"].iloc[row_id] if "true_label" in results else None
    return None if pd.isna(truth) else str(truth) if truth is not None else None


def explained_ui(
    model_id: str,
    scored: Scored,
    columns: Columns,
    row_ids: list[int],
    stored: StoredRun | None,
    second: tuple[str, Comparison] | None = None,
) -> list[ExplainedRow]:
    """The selected rows explained in place (toward each row's predicted label), each with "Open in Explain";
    with a second model (``second``: its id and the comparison), by both models side by side.
    """
    if not row_ids:
        st.caption("Select rows in the table to see why the model decided as it did.")
        return []
    if len(row_ids) > MAX_EXPLAINED:
        st.info(f"{len(row_ids)} rows selected; the first {MAX_EXPLAINED} are explained.")
    if second is not None:
        texts = scored.results[columns.text].tolist()
        compare.side_by_side_ui(model_id, second[0], second[1], texts, row_ids[:MAX_EXPLAINED])
        return []
    results = scored.results
    picked = [r for r in row_ids[:MAX_EXPLAINED] if results["error"].iloc[r] == ""]
    if not picked:
        st.info("The selected rows could not be predicted, so there is nothing to explain.")
        return []
    explanations = explain_rows(model_id, [results[columns.text].iloc[r] for r in picked], picked, stored)
    if explanations is None:
        return []
    out = []
    for row_id, e in zip(picked, explanations):
        if e is None:
            st.caption(f"Row {row_id} has no stored explanation in this result.")
            continue
        row = ExplainedRow(row_id, e, row_truth(results, row_id))
        out.append(row)
        with st.container(border=True):
            st.html(explained_row_html(row, e.predicted_label))
            actions = st.container(horizontal=True)
            if actions.button("Open in Explain", key=f"{KEYS.OPEN}{row_id}"):
                st.session_state[explain_state.ExplainKeys.TEXT] = e.text
                st.switch_page("app_pages/explain.py")
            with actions:
                packs.add_to_pack_ui(
                    e,
                    e.predicted_label,
                    source="dataset",
                    classifier=None if stored else models.load_model(model_id),
                    row=row_id,
                    truth=row.truth,
                    key=f"{KEYS.PACK}{row_id}",
                )
    st.caption(
        "Each row is coloured toward its own predicted label (red pushes toward it, blue away), on its own "
        "scale; hover a word for its exact value. Open in Explain for the full legend, chart and downloads."
    )
    return out


def explain_rows(
    model_id: str, texts: list[str], positions: list[int], stored: StoredRun | None, label: str = "the selected rows"
) -> list[Explanation | None] | None:
    """Explanations of rows: a corpus result's stored ones, else computed (cached) with progress; None on error."""
    if stored:
        with st.spinner(f"Reading the stored explanations of {escape_md(label)}…"):
            return dataset_state.stored_explanations(stored, tuple(positions))
    classifier = models.load_model(model_id)
    with ui.progress(f"Explaining {label}", classifier.seconds_per_row) as draw:
        return ui.attempt(models.explanations, model_id, texts, on_progress=draw)
