"""AppTest for the Explain page with many classes and several labels at once: the bundled emotion model explained
toward sadness and toward anger (summary, legend, probability bars, Trust and What if speak of the chosen class),
and a multi-label model folder's labels above a threshold the user sets.
"""

from __future__ import annotations

import json

import pytest
from streamlit.testing.v1 import AppTest

from components.state import explain as explain_state
from components.state import models
from tests.apptest_helpers import TIMEOUT, button, html_blocks, start_app
from tests.conftest import ROOT, make_tiny_model
from textlens.text.multilabel import MULTI_LABEL

ALONE = "i feel so alone and nobody seems to care"
SIX = ["sadness", "joy", "love", "anger", "fear", "surprise"]
TOXIC = ("toxic", "insult", "threat", "obscene")


def bars(at) -> list[str]:
    """The probability chart's bar names, top first."""
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    return spec["data"][0]["y"]


def test_emotion_explained_toward_sadness_then_anger():
    at = start_app(ROOT / "dashboard.py")
    at.sidebar.radio(key="model_choice").set_value(models.EMOTION_MODEL_LABEL).run()
    assert not at.exception, at.exception
    assert "Alone" in [b.label for b in at.button]  # examples that suit the model: tweets, not movie reviews
    at.text_area(key="explain_text").set_value(ALONE)
    button(at, "Explain").click()
    at.run()
    assert not at.exception, at.exception
    target = at.selectbox(key="explain_target")
    assert target.options == SIX and target.value == "sadness"
    assert [m.value for m in at.metric] == ["sadness"]
    assert len(bars(at)) == 6 and bars(at)[0] == "▶ sadness"
    summary = next(b for b in html_blocks(at) if "tl-summary" in b)
    assert summary.split(">")[1].startswith("sadness ") and "alone" in summary

    target.set_value("anger")
    at.run()
    assert not at.exception, at.exception
    blocks = html_blocks(at)
    summary = next(b for b in blocks if "tl-summary" in b)
    assert summary.split(">")[1].startswith("anger 0.00")
    legend = next(b for b in blocks if "tl-legend" in b)
    assert "pushes toward <b>anger</b>" in legend and "pushes away from <b>anger</b>" in legend
    assert "anger · target" in bars(at)  # the probability bars name the class explained

    at.session_state[explain_state.TrustKeys.TAB] = "Trust"
    at.run()
    assert not at.exception, at.exception
    sentence = next(b for b in html_blocks(at) if "tl-trust-sentence" in b)
    assert " anger " in sentence
    assert any("anger is already near 0" in c.value for c in at.caption)

    at.session_state[explain_state.TrustKeys.TAB] = "What if"
    at.run()
    at.multiselect(key=explain_state.TrustKeys.WORDS).set_value([3])  # "alone"
    at.run()
    assert not at.exception, at.exception
    card = next(b for b in html_blocks(at) if "tl-what-if" in b)
    assert "P(anger) before" in card and "“alone” removed" in card


@pytest.fixture(scope="module")
def multi_dir(tmp_path_factory):
    return make_tiny_model(tmp_path_factory.mktemp("toxic"), labels=TOXIC, seed=4, problem_type=MULTI_LABEL, spread=0.5)


def test_a_multi_label_model_shows_its_labels_above_the_threshold(multi_dir):
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=TIMEOUT)
    at.session_state[models.MODEL_KEY] = str(multi_dir)  # as if loaded in the sidebar before
    at.run()
    at.text_area(key="explain_text").set_value("you are a stupid idiot and i hate you")
    button(at, "Classify").click()
    at.run()
    assert not at.exception, at.exception
    probs = dict(zip(TOXIC, models.load_model(str(multi_dir)).predict(["you are a stupid idiot and i hate you"])[0]))
    assert abs(sum(probs.values()) - 1) > 0.05  # four sigmoids, not a softmax
    expected = sorted((label for label, p in probs.items() if p >= 0.5), key=lambda label: -probs[label])
    (metric,) = at.metric
    assert metric.label == "Predicted labels" and metric.value == (", ".join(expected) or "none")
    assert sum(name.startswith("▶ ") for name in bars(at)) == len(expected)
    assert any(
        shape["type"] == "line" for shape in json.loads(at.get("plotly_chart")[0].proto.spec)["layout"]["shapes"]
    )

    at.number_input(key="explain_threshold").set_value(0.01).run()
    assert not at.exception, at.exception
    low = sorted((label for label, p in probs.items() if p >= 0.01), key=lambda label: -probs[label])
    assert len(low) > len(expected) and at.metric[0].value == ", ".join(low)
    assert sum(name.startswith("▶ ") for name in bars(at)) == len(low)

    button(at, "Explain").click()
    at.run()
    assert not at.exception, at.exception
    assert at.selectbox(key="explain_target").options == list(TOXIC)
