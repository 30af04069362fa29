"""Explain page: one text, its prediction, highlighted words and bar charts."""

from __future__ import annotations

from html import escape

import streamlit as st

import app_state
import ui
from components.charts import figure_png, png_export_available, probability_figure, top_words_figure
from components.highlight import highlight_html, legend_html
from components.report import explanation_report, words_csv
from components.safe_text import md
from textlens import TextlensError
from textlens.explain import planned_evals
from textlens.summary import summarize

EXAMPLES = {
    "Mixed review": "The acting was wonderful but the plot was dull.",
    "Rave": "I loved this film: a warm, funny and beautifully shot story that stays with you for days.",
    "Pan": "A dull, tedious mess. Two hours I will never get back, and the ending makes no sense.",
    "Lukewarm": "Not bad at all, though the second half drags and the jokes are hit and miss.",
}
BUDGETS = ["auto", 100, 200, 500, 1000, 2000, 4000]
TEXT_KEY, PRED_KEY, RESULT_KEY, TARGET_KEY = "explain_text", "explain_prediction", "explain_result", "explain_target"


def use_example(text: str) -> None:
    st.session_state[TEXT_KEY] = text


def current(key: str, model_id: str, text: str):
    """A stored prediction or explanation, only if it belongs to the text and model on screen."""
    item = st.session_state.get(key)
    return item if item is not None and item.text == text and item.model_id == model_id else None


model_id = ui.model_picker()
classifier = app_state.load_model(model_id)

st.title("Why did the model decide that?")
st.caption("Type or paste a text, classify it, then explain which words pushed the prediction and how much.")

st.write("Examples:")
for column, (name, example) in zip(st.columns(len(EXAMPLES)), EXAMPLES.items()):
    column.button(name, on_click=use_example, args=(example,), width="stretch", key=f"example_{name}")

st.session_state.setdefault(TEXT_KEY, EXAMPLES["Mixed review"])
text = st.text_area("Text to analyse", key=TEXT_KEY, height=140)

with st.expander("Advanced"):
    budget = st.select_slider(
        "Evaluation budget (max_evals)",
        options=BUDGETS,
        value="auto",
        key="explain_budget",
        help="How many masked copies of the text SHAP may run through the model.",
    )
    if text.strip():
        rows = planned_evals(classifier, text, budget)
        st.caption(
            f"'auto' spends exactly what is needed for exact values (for this text: {rows:,} model calls, "
            f"about {rows * classifier.seconds_per_row:.1f} s here). A smaller budget is faster but leaves "
            "part of the attribution spread over groups of words; a larger one than needed changes nothing."
        )

classify_col, explain_col, _ = st.columns([1, 1, 5])
classify_clicked = classify_col.button("Classify", width="stretch")
explain_clicked = explain_col.button("Explain", type="primary", width="stretch")

if (classify_clicked or explain_clicked) and not text.strip():
    st.warning("The text is empty: type or paste something to analyse, or pick an example above.")
elif classify_clicked:
    try:
        st.session_state[PRED_KEY] = app_state.classify(model_id, (text,))[0]
    except TextlensError as exc:
        st.error(md(exc))
elif explain_clicked:
    bar, draw = ui.progress_drawer("Explaining", classifier.seconds_per_row)
    try:
        result = app_state.explanation(model_id, text, max_evals=budget, on_progress=draw)
    except TextlensError as exc:
        st.error(md(exc))
    else:
        st.session_state[RESULT_KEY] = result
        st.session_state[PRED_KEY] = result.prediction()
        st.session_state[TARGET_KEY] = result.predicted_label  # a new explanation starts on its prediction
    bar.empty()

prediction = current(PRED_KEY, model_id, text)
result = current(RESULT_KEY, model_id, text)

if prediction is not None:
    st.subheader("Prediction")
    left, right = st.columns([3, 2])
    left.plotly_chart(probability_figure(prediction), width="stretch", key="prob_chart")
    right.metric("Predicted class", prediction.label, f"{prediction.score:.1%} probability", delta_color="off")
    if prediction.truncated:
        right.warning(
            f"The model reads at most {classifier.max_length} tokens: it stopped after character "
            f"{prediction.read_until:,} of {len(text):,}. The rest did not affect the prediction."
        )

if result is not None:
    st.subheader("Explanation")
    labels = list(result.labels)
    if st.session_state.get(TARGET_KEY) not in labels:
        st.session_state[TARGET_KEY] = result.predicted_label
    target = st.selectbox(
        "Target class", labels, key=TARGET_KEY, help="Red words push toward this class, blue words away from it."
    )
    st.html(f'<div class="tl-summary" style="font-weight: 600;">{escape(summarize(result, target))}</div>')
    if not result.converged:
        more = min(result.max_evals * 2, result.evals_needed + 2)
        if st.button(
            f"Refine: spend {more:,} model calls instead of {result.max_evals:,}",
            help="Reuses every masked copy already evaluated, so only the new ones cost time.",
        ):
            bar, draw = ui.progress_drawer("Refining", classifier.seconds_per_row)
            try:
                result = app_state.explanation(model_id, text, max_evals=more, on_progress=draw)
            except TextlensError as exc:
                st.error(md(exc))
            st.session_state[RESULT_KEY] = result
            bar.empty()
    text_tab, chart_tab = st.tabs(["Highlighted text", "Bar chart"])
    with text_tab:
        st.html(legend_html(result, target))
        st.html(highlight_html(result, target))
    with chart_tab:
        k = st.slider("Words for and against (k)", 1, 30, 10, key="explain_k")
        figure = top_words_figure(result, target, k)
        st.plotly_chart(figure, width="stretch", key="words_chart")
    st.write("Download")
    downloads = st.container(horizontal=True)  # buttons at their natural width, evenly spaced
    downloads.download_button(
        "Explanation (JSON)", result.to_json(), "explanation.json", "application/json", on_click="ignore"
    )
    downloads.download_button("Words (CSV)", words_csv([result]), "explanation.csv", "text/csv", on_click="ignore")
    downloads.download_button(
        "Highlighted text (HTML)",
        explanation_report(result, target),
        "explanation.html",
        "text/html",
        on_click="ignore",
    )
    downloads.download_button(
        "Chart (HTML)",
        lambda: figure.to_html(include_plotlyjs=True, full_html=True),
        "chart.html",
        "text/html",
        on_click="ignore",
    )
    if png_export_available():
        downloads.download_button(
            "Chart (PNG)", lambda: figure_png(figure), "chart.png", "image/png", on_click="ignore"
        )
elif prediction is not None:
    st.info("Click **Explain** to see which words drove this prediction.")
