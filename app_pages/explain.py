"""Explain page: one text, its prediction, highlighted words and bar charts."""

from __future__ import annotations

from contextlib import contextmanager, nullcontext
from html import escape

import streamlit as st

from components import pack_widgets as packs
from components import widgets as ui
from components.charts import top_words_figure
from components.examples import examples_for
from components.explain.live import continue_ui, full_rows, live_ui, start_live
from components.explain.prediction import prediction_ui, target_help
from components.explain.tabs import trust_ui, what_if_ui
from components.state import core as session
from components.state import explain as explain_state
from components.state import models
from components.trust import preview_html
from textlens import Classifier, Explanation, Prediction, TextlensError
from textlens.report.document import explanation_report, words_csv
from textlens.report.export_info import ExportInfo
from textlens.report.highlight import highlight_html, legend_html
from textlens.text.caution import cautions
from textlens.text.explain import planned_evals
from textlens.text.summary import summarize

KEYS = explain_state.ExplainKeys
TRUST = explain_state.TrustKeys
TARGET_WIDTH = 280  # pixels: a class name fits; the box need not span the page, for two classes or twenty
UNSETTLED_WARNING = 0.2  # above this share of unsettled attribution both tabs say the values are rough


def use_example(text: str) -> None:
    st.session_state[KEYS.TEXT] = text


def text_ui(model_id: str) -> str:
    """Example buttons (texts that suit the model) and the text area; returns the text on screen."""
    examples = examples_for(model_id)
    st.write("Examples:")
    for column, (name, example) in zip(st.columns(len(examples)), examples.items()):
        column.button(name, on_click=use_example, args=(example,), width="stretch", key=KEYS.EXAMPLE + name)
    st.session_state.setdefault(KEYS.TEXT, next(iter(examples.values())))
    return st.text_area("Text to analyse", key=KEYS.TEXT, height=140, persist_state="session")


def budget_ui(classifier: Classifier, text: str) -> int | str:
    """The evaluation budget, with what "auto" costs for this text."""
    with st.expander("Advanced"):
        budget = ui.budget_ui(KEYS.BUDGET)
        if text.strip():
            rows = planned_evals(classifier, text, budget)
            seconds = rows * classifier.row_seconds(text)
            st.caption(
                f"'auto' spends exactly what is needed for exact values when that fits (for this text and budget: "
                f"{rows:,} model calls, about {seconds:,.0f} s here). A smaller budget is faster but leaves "
                "part of the attribution spread over groups of words; a larger one than needed changes nothing."
            )
        st.select_slider(
            "Time limit for refining a long text (seconds)",
            options=[5, 10, 30, 60, 120, 300],
            value=explain_state.LIVE_SECONDS_DEFAULT,
            key=KEYS.LIVE_SECONDS,
            help="With 'auto', a text too long for exact word values is shown as exact phrases first and "
            "refined on screen until every word is resolved, this time is up, or you press Stop. The time "
            "counts from the first exact view, so a busy machine never ends a run before it shows one.",
        )
    return budget


def is_long(classifier: Classifier, text: str, budget: int | str) -> bool:
    """True when "auto" cannot resolve every word at once: such texts refine on screen instead."""
    return budget == "auto" and planned_evals(classifier, text, "auto") < full_rows(classifier, text)


def actions_ui() -> tuple[bool, bool]:
    """The Classify and Explain buttons: (classify clicked, explain clicked)."""
    classify_col, explain_col, _ = st.columns([1, 1, 5])
    classify_clicked = classify_col.button("Classify", width="stretch")
    explain_clicked = explain_col.button("Explain", type="primary", width="stretch")
    return classify_clicked, explain_clicked


def run_explanation(
    model_id: str, classifier: Classifier, text: str, budget: int | str, label: str, first_look: bool = False
) -> bool:
    """Explain ``text`` with progress and store the result for this input; False (message shown) on failure.

    ``first_look`` draws the instant preview while SHAP runs.
    """
    with (
        preview_ui(model_id, text, budget) if first_look else nullcontext(),
        ui.progress(label, classifier.row_seconds(text)) as draw,
    ):
        result = ui.attempt(models.explanation, model_id, text, max_evals=budget, on_progress=draw)
    if result is None:
        return False
    session.remember(KEYS.RESULT, (model_id, text), result)
    session.remember(KEYS.PREDICTION, (model_id, text), result.prediction())
    st.session_state.pop(KEYS.LIVE, None)  # this result replaces a long text's live refinement
    return True


def classify(model_id: str, text: str) -> Prediction:
    """The (cached) prediction of one text."""
    return models.classify(model_id, (text,))[0]


def run_actions(model_id: str, classifier: Classifier, text: str, budget: int | str, clicked: tuple[bool, bool]):
    """Classify or explain the text on a click; results are stored for this input."""
    classify_clicked, explain_clicked = clicked
    if (classify_clicked or explain_clicked) and not text.strip():
        st.warning("The text is empty: type or paste something to analyse, or pick an example above.")
    elif classify_clicked:
        prediction = ui.attempt(classify, model_id, text)
        if prediction is not None:
            session.remember(KEYS.PREDICTION, (model_id, text), prediction)
    elif explain_clicked and is_long(classifier, text, budget):
        prediction = ui.attempt(classify, model_id, text)
        if prediction is None:
            return
        session.remember(KEYS.PREDICTION, (model_id, text), prediction)
        st.session_state.pop(KEYS.LIVE, None)  # Explain starts afresh (rows already run stay cached)
        start_live(model_id, classifier, text)
        st.session_state[KEYS.TARGET] = prediction.label
    elif explain_clicked and run_explanation(model_id, classifier, text, budget, "Explaining", first_look=True):
        # A new explanation starts on its prediction.
        st.session_state[KEYS.TARGET] = session.recall(KEYS.RESULT, (model_id, text)).predicted_label


def target_ui(result: Explanation) -> str:
    """The target class picker (kept when it is one of this result's labels); returns the target."""
    labels = list(result.labels)
    if st.session_state.get(KEYS.TARGET) not in labels:
        st.session_state[KEYS.TARGET] = result.predicted_label
    return st.selectbox(
        "Target class",
        labels,
        key=KEYS.TARGET,
        help=target_help(result.labels),
        width=TARGET_WIDTH,
        persist_state="session",
    )


def refine_ui(model_id: str, classifier: Classifier, text: str, result: Explanation) -> Explanation:
    """For an approximate result, a button that doubles the budget; returns the result to show."""
    if result.converged:
        return result
    more = min(result.max_evals * 2, result.evals_needed + 2)
    if st.button(
        f"Refine: spend {more:,} model calls instead of {result.max_evals:,}",
        help="Reuses every masked copy already evaluated, so only the new ones cost time.",
    ) and run_explanation(model_id, classifier, text, more, "Refining"):
        st.rerun()  # redraw the summary, legend and this button from the refined result
    return result


def unsettled_note(result: Explanation) -> None:
    """A visible warning while most of the attribution is still on groups of words, not single words."""
    if not result.converged and result.unsettled >= UNSETTLED_WARNING and result.units:
        st.warning(
            f"{result.unsettled:.0%} of the attribution is on phrases not yet split into single words: each "
            "boxed phrase shows its exact value as a whole; its words are not measured one by one. "
            "Continue (or Refine) to split them.",
            icon=":material/blur_on:",
        )
    elif not result.converged and result.unsettled >= UNSETTLED_WARNING:
        st.warning(
            f"Rough values: {result.unsettled:.0%} of the attribution is still spread over groups of words, "
            "so single words' colours and bars are even shares of their group, not measured. Refine for more.",
            icon=":material/blur_on:",
        )


def cautions_ui(classifier: Classifier, text: str) -> None:
    """Cautions for a text the model was not built for (another language, mostly markup)."""
    for caution in cautions(text, classifier.language):
        st.warning(caution.message, icon=":material/translate:" if caution.kind == "language" else ":material/code:")


def explanation_ui(result: Explanation, target: str, model_id: str, classifier: Classifier, budget: int | str):
    """The highlighted text with its legend, the bar chart, Trust and What if; returns the chart's figure."""
    text_tab, chart_tab, trust_tab, what_if_tab = st.tabs(
        ["Highlighted text", "Bar chart", "Trust", "What if"], key=TRUST.TAB, on_change="rerun"
    )
    with trust_tab:
        trust_ui(model_id, result, target, trust_tab.open)
    with what_if_tab:
        what_if_ui(model_id, classifier, result, target, budget)
    with text_tab:
        unsettled_note(result)
        st.html(legend_html(result, target))
        st.html(highlight_html(result, target))
        estimate_agreement_ui(model_id, result)
    with chart_tab:
        unsettled_note(result)
        k = st.slider("Words for and against (k)", 1, 30, 10, key=KEYS.K, persist_state="session")
        figure = top_words_figure(result, target, k)
        st.plotly_chart(figure, width="stretch", key=KEYS.WORDS_CHART)
    return figure


def estimate_agreement_ui(model_id: str, result: Explanation) -> None:
    """Under an exact explanation: how far the one-pass estimate shown first agreed with it."""
    agreed = explain_state.estimate_agreement(model_id, result)
    if agreed is not None:
        st.caption(
            f"The one-pass estimate shown first agreed with these exact values at r = {agreed.median_r:.2f} "
            f"(top-3 words {agreed.top3:.0%}, signs of clear values {agreed.sign:.0%})."
        )


@contextmanager
def preview_ui(model_id: str, text: str, budget: int | str):
    """Draw the instant leave-one-out preview for the block (SHAP running), removed when it ends.

    Skipped when the explanation is already cached (it appears at once). The preview is only
    drawn, never stored as the explanation nor offered for download.
    """
    slot = st.empty()
    try:
        if not models.is_explained(model_id, text, budget):
            try:
                first_look = explain_state.preview(model_id, text)
            except TextlensError:
                first_look = None  # the explanation reports the same problem
            if first_look is not None:
                with slot.container():
                    st.subheader("Explanation")
                    st.html(preview_html(first_look))
        yield
    finally:
        slot.empty()


def downloads_ui(result: Explanation, target: str, figure) -> None:
    """The explanation as JSON, CSV and HTML, and the chart as HTML (and PNG where possible)."""
    report = ui.Download("Highlighted text (HTML)", explanation_report(result, target), "explanation.html", "text/html")
    info = ExportInfo.of(result, target, title=f"Why {target}?")
    ui.download_row(result, info, "Words (CSV)", words_csv([result], info=info), figure, more=[report])


def render() -> None:
    """The Explain page."""
    model_id = ui.model_picker()
    classifier = models.load_model(model_id)
    st.title("Why did the model decide that?")
    st.caption("Type or paste a text, classify it, then explain which words pushed the prediction and how much.")

    text = text_ui(model_id)
    budget = budget_ui(classifier, text)
    run_actions(model_id, classifier, text, budget, actions_ui())

    result = session.recall(KEYS.RESULT, (model_id, text))
    if result is None and text.strip():
        result = models.finished_explanation(model_id, text, budget)  # finished after the user left the page
        if result is not None:
            session.remember(KEYS.RESULT, (model_id, text), result)
            session.remember(KEYS.PREDICTION, (model_id, text), result.prediction())
    prediction = session.recall(KEYS.PREDICTION, (model_id, text))
    if prediction is not None:
        prediction_ui(prediction, classifier, text)
        cautions_ui(classifier, text)
    live = explain_state.live_run(model_id, text)
    if live is not None and live.running:
        st.subheader("Explanation")
        live_ui(live)
        return  # the full result (tabs, downloads) is drawn once the run ends
    if live is not None and live.latest is not None:
        session.remember(KEYS.RESULT, (model_id, text), live.latest)
    result = session.recall(KEYS.RESULT, (model_id, text))
    if result is not None:
        st.subheader("Explanation")
        target = target_ui(result)
        st.html(f'<div class="tl-summary" style="font-weight: 600;">{escape(summarize(result, target))}</div>')
        if live is None:
            refine_ui(model_id, classifier, text, result)
        else:
            continue_ui(model_id, classifier, text, live)
        figure = explanation_ui(result, target, model_id, classifier, budget)
        downloads_ui(result, target, figure)
        packs.add_to_pack_ui(result, target, source="explain", classifier=classifier, key=KEYS.ADD_TO_PACK)
    elif prediction is not None:
        st.info("Click **Explain** to see which words drove this prediction.")


render()
