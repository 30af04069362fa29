"""Likely label errors on the Dataset page: how many, the noise rate, metrics with them set aside, the ranked
table with reviewers' verdicts read back, the top ones sent to a review pack, and the corrected labels.
"""

from __future__ import annotations

import streamlit as st

from components import pack_widgets as packs
from components import widgets as ui
from components.dataset.downloads import file_stem
from components.dataset.records import Columns, Loaded, Scored
from components.dataset.tables import FLOAT3
from components.safe_text import escape_md
from components.state import dataset as dataset_state
from components.state import models
from textlens.dataset import LabelIssues, RowPredictions, compute_metrics
from textlens.dataset.compare import rows_phrase
from textlens.dataset.label_issues import CAVEAT, MEANING, set_aside_note

KEYS = dataset_state.DatasetKeys
SEND_ROWS = 20  # likely label errors sent to a review pack by default


def label_issues_ui(
    model_id: str, loaded: Loaded, scored: Scored, run: RowPredictions, columns: Columns
) -> LabelIssues:
    """Likely label errors: the count and noise rate, metrics with them set aside, the ranked table, sending
    the top ones to a review pack with the verdict "Label error" preset, and the corrected-labels CSV.
    """
    issues = dataset_state.label_issues(run.probs, scored.truth, run.labels)
    texts = scored.results[columns.text].tolist()
    title = f"Likely label errors: {issues.count:,} of {rows_phrase(issues.scored, 'labelled')}"
    # Its open state is kept in the session (a rerun, e.g. sending to a pack, leaves it open), and its
    # contents run only while it is open.
    section = st.expander(title, icon=":material/label_off:", key=KEYS.LABEL_ISSUES_OPEN, on_change="rerun")
    if not section.open:
        return issues
    with section:
        st.markdown(escape_md(issues.summary()))
        st.caption(f"{MEANING} {CAVEAT}")
        for note in issues.notes:
            st.caption(f"cleanlab: {escape_md(note)}")
        aside = compute_metrics(issues.excluded_truth(scored.truth), scored.predicted, scored.confidence, run.labels)
        st.metric("Estimated label noise", f"{issues.noise_rate:.1%}" if issues.scored else "–")
        if aside is not None and scored.metrics is not None:
            st.caption(escape_md(set_aside_note(aside.accuracy, aside.macro_f1, aside.rows, scored.metrics.accuracy)))
        if not issues.count:
            return issues
        file_key = loaded.file_hash
        st.markdown(
            "**Send the likeliest to a review pack** — each as a case with the verdict *Label error* "
            "preset, for a reviewer to confirm or change."
        )
        n = int(
            st.number_input(
                "Rows to send, most likely first",
                1,
                issues.count,
                min(SEND_ROWS, issues.count),
                key=f"{KEYS.LABEL_ISSUES_SEND}_n",
            )
        )
        cases = issues.review_cases(texts, run.probs, model_id, n, file_key)
        pack = packs.send_to_pack_ui(
            cases,
            source="dataset",
            classifier=None if loaded.stored else models.load_model(model_id),
            key=KEYS.LABEL_ISSUES_SEND,
            what="likely label errors",
        )
        verdicts = ui.attempt(dataset_state.reviewed_verdicts, pack, file_key) if pack else None
        table = issues.frame(texts, verdicts or {})
        where = f"pack {escape_md(pack)}" if pack else "the pack picked above"
        st.caption(
            f"Most likely first. Reviewer verdicts come from {where} "
            "once a reviewer has edited the case; the corrected label is the suggested one where the verdict is "
            "*Label error*, else the label as given."
        )
        st.dataframe(
            table,
            hide_index=True,
            width="stretch",
            height=ui.grid_height(len(table)),
            key=KEYS.LABEL_ISSUES,
            column_config={
                "row": st.column_config.NumberColumn("row", width="small"),
                "text": st.column_config.TextColumn(columns.text, width="large"),
                "probability": FLOAT3,
                "quality": FLOAT3,
            },
        )
        stem = file_stem(loaded.labelled.name)
        st.download_button(
            "Corrected labels (CSV)",
            lambda: table.to_csv(index=False),
            f"{stem}-corrected-labels.csv",
            "text/csv",
            on_click="ignore",
        )
    return issues
