"""The Explain page's Trust tab (do the top words really move the model?) and What-if tab (edit words, see why)."""

from __future__ import annotations

from html import escape

import streamlit as st

from components import widgets as ui
from components.safe_text import escape_md
from components.state import core as session
from components.state import explain as explain_state
from components.state import models
from components.trust import curves_figure, numbers_html, sentence_html, what_if_html
from textlens.report.compare import CompareRow, all_explanations, row_header_html, shared_scale
from textlens.report.highlight import highlight_html, legend_html
from textlens.text.summary import signed
from textlens.text.words import is_wordlike

TRUST = explain_state.TrustKeys


def trust_ui(model_id: str, result, target: str, is_open: bool) -> None:
    """The Trust tab: do the top words really move the model? Measured when the tab is opened."""
    if not is_open:
        return
    with st.spinner("Removing the top words, random words and each word alone…"):
        measured = ui.attempt(explain_state.faithfulness_of, model_id, result, target)
    if measured is None:
        return
    st.html(sentence_html(measured))
    if target != result.predicted_label and measured.full_score < 0.05:
        st.caption(
            f"{escape_md(target)} is already near 0 here, so removing words can hardly lower it: choose "
            f"{escape_md(result.predicted_label)} as the target to test the words behind the prediction."
        )
    st.plotly_chart(curves_figure(measured), width="stretch", key=TRUST.CURVES)
    st.html(numbers_html(measured))
    st.caption(
        "Comprehensiveness: how much the probability drops when the explanation's top words are removed; "
        "sufficiency: how much it drops when only they are kept. The same numbers for a random word order "
        "and for leave-one-out (each word's own effect) show what good looks like for this text."
    )


def _word_option(result, target: str):
    words = result.for_label(target)
    return lambda i: f"{words[i].word} · #{i + 1} ({signed(words[i].value)})"


def what_if_ui(model_id: str, classifier, result, target: str, budget) -> None:
    """The What-if tab: remove or replace words, see the real new probability beside the predicted one."""
    owner = (model_id, result.text)  # a new text starts with nothing chosen (its words are other words)
    if st.session_state.get(TRUST.OWNER) != owner:
        st.session_state[TRUST.OWNER] = owner
        st.session_state.pop(TRUST.WORDS, None)
    words = result.for_label(target)
    options = [w.index for w in words if is_wordlike(w.word)] or [w.index for w in words]
    chosen = st.multiselect(
        "Words to edit",
        options,
        key=TRUST.WORDS,
        format_func=_word_option(result, target),
        placeholder="Pick words, e.g. the strongest ones from the highlight",
        help="Listed with their position and value toward the target class.",
    )
    mode, replacement = st.columns([1, 2]), None
    action = mode[0].radio("Edit", ["Remove", "Replace with"], horizontal=True, key=TRUST.MODE)
    if action == "Replace with":
        replacement = mode[1].text_input("Replacement", value="", key=TRUST.REPLACEMENT, max_chars=200)
    if not chosen:
        st.info("Choose one or more words to see what the model does without them.")
        return
    if replacement is not None and not replacement.strip():
        st.info("Type the replacement word, or switch to **Remove**.")
        return
    change = ui.attempt(explain_state.what_if_of, model_id, result, tuple(chosen), target, replacement)
    if change is None:
        return
    st.html(what_if_html(change))
    st.caption("Edited text:")
    st.html(f'<div class="tl-edited" style="white-space: pre-wrap;">{escape(change.edited_text)}</div>')
    edited = session.recall(TRUST.EDITED, (model_id, change.edited_text))
    if edited is None and st.button("Explain the edited text", key=TRUST.EXPLAIN_EDITED):
        with ui.progress("Explaining the edited text", classifier.row_seconds(change.edited_text)) as draw:
            edited = ui.attempt(models.explanation, model_id, change.edited_text, max_evals=budget, on_progress=draw)
        session.remember(TRUST.EDITED, (model_id, change.edited_text), edited)
    if edited is not None:
        side_by_side_ui(result, edited, target)


def side_by_side_ui(original, edited, target: str) -> None:
    """The original and the edited text, on one colour scale, with the Compare page's row headers."""
    rows = [CompareRow("Original", original), CompareRow("Edited", edited)]
    scale = shared_scale(all_explanations(rows), target)
    st.html(legend_html(original, target, scale=scale, totals=False))
    for column, row in zip(st.columns(2), rows):
        column.html(row_header_html(row, row.a, target) + highlight_html(row.a, target, scale=scale))
