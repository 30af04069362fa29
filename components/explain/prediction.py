"""The Explain page's prediction: every class's probability, and the predicted class (a multi-label model's labels
at or above a threshold the user sets).
"""

from __future__ import annotations

import streamlit as st

from components import widgets as ui
from components.charts import probability_figure
from components.safe_text import escape_md
from components.state import explain as explain_state
from textlens import Classifier, Prediction
from textlens.text.multilabel import is_multi_label, predicted_labels

KEYS = explain_state.ExplainKeys
THRESHOLD = "explain_threshold"  # session key: a multi-label model's threshold on this page


def threshold_ui(where) -> float:
    """A multi-label model's threshold (kept for the session): a label is predicted when it reaches it."""
    return ui.threshold_ui(
        THRESHOLD,
        "Multi-label model: each label has its own probability, and every label at or above this is predicted "
        "(several, or none).",
        where,
    )


def prediction_ui(prediction: Prediction, classifier: Classifier, text: str) -> None:
    """Every class's probability (the explanation's target named), the predicted class or, for a multi-label model,
    the labels at or above the threshold, and a note when the text was cut.
    """
    st.subheader("Prediction")
    left, right = st.columns([3, 2])
    target = st.session_state.get(KEYS.TARGET)
    if is_multi_label(prediction):
        threshold = threshold_ui(right)
        chosen = predicted_labels(prediction, threshold)
        right.metric(
            "Predicted labels",
            ", ".join(chosen) or "none",
            f"{len(chosen)} of {len(prediction.labels)} at or above {threshold:g}",
            delta_color="off",
            delta_arrow="off",
        )
        right.caption(
            "A multi-label model: each label's probability is its own, so they need not add up to 100 %, and a "
            "text may have several labels or none."
        )
        figure = probability_figure(prediction, target, threshold)
    else:
        right.metric(
            "Predicted class",
            prediction.label,
            f"{prediction.score:.1%} probability",
            delta_color="off",
            delta_arrow="off",
        )
        figure = probability_figure(prediction, target)
    left.plotly_chart(figure, width="stretch", key=KEYS.PROBABILITIES_CHART)
    if prediction.truncated:
        right.warning(
            f"The model reads at most {classifier.max_length} tokens: it stopped after character "
            f"{prediction.read_until:,} of {len(text):,}. The rest did not affect the prediction."
        )


def target_help(labels: tuple[str, ...]) -> str:
    """The target picker's help, naming how many classes there are to choose from."""
    names = ", ".join(labels[:6]) + (f" and {len(labels) - 6} more" if len(labels) > 6 else "")
    return escape_md(
        f"Red words push toward this class, blue words away from it. Any of the {len(labels)} classes ({names}) "
        "can be explained, not only the predicted one."
    )
