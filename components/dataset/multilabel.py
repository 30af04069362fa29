"""A multi-label model on the Dataset page: the threshold its labels are predicted at, and its metrics (per-label
precision, recall and F1, micro- and macro-F1, subset accuracy and Hamming loss) in place of one-label ones.
"""

from __future__ import annotations

import streamlit as st

from components import widgets as ui
from components.dataset.tables import FLOAT3, multi_label_frame, multi_label_summary
from components.safe_text import escape_md
from textlens.dataset import MultiLabelMetrics

THRESHOLD = "dataset_threshold"  # session key of the threshold picked on this page


def multi_label_threshold_ui() -> float:
    """The threshold a multi-label model's labels are predicted at on this page (kept for the session)."""
    return ui.threshold_ui(
        THRESHOLD,
        "Each label has its own probability; a row's predicted labels are those at or above this. The rows table "
        "and the metrics below use it.",
        label="Threshold (multi-label model)",
    )


def multi_label_ui(metrics: MultiLabelMetrics | None, has_labels: bool) -> None:
    """The multi-label metrics: the headline numbers and the per-label table, or why there are none."""
    st.subheader("Several labels at once")
    st.caption(
        "A multi-label model: a row's labels are every label at or above the threshold, and a file's label cell "
        "may hold several, separated by ';' (an empty cell is none of the labels). One-label views (accuracy, the "
        "confusion matrix, calibration, likely label errors) do not apply and are not shown."
    )
    if metrics is None:
        if has_labels:
            st.info("No row has both labels that match the model's and a prediction, so there is nothing to score.")
        else:
            st.info("Pick a true-label column to see per-label precision, recall and F1.")
        return
    a, b, c, d = st.columns(4)
    a.metric("Micro-F1", f"{metrics.micro_f1:.3f}", help="Every (row, label) decision pooled.")
    b.metric("Macro-F1", f"{metrics.macro_f1:.3f}", help="The labels' F1 averaged, each label counting once.")
    c.metric(
        "Subset accuracy",
        f"{metrics.subset_accuracy:.1%}",
        help="Rows whose predicted labels are exactly the true ones.",
    )
    d.metric("Hamming loss", f"{metrics.hamming_loss:.3f}", help="The share of (row, label) decisions that are wrong.")
    st.caption(escape_md(multi_label_summary(metrics)))
    frame = multi_label_frame(metrics)
    st.dataframe(
        frame,
        hide_index=True,
        width="stretch",
        height=ui.grid_height(len(frame)),
        column_config={"precision": FLOAT3, "recall": FLOAT3, "f1": FLOAT3},
    )
