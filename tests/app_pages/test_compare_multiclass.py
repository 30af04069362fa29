"""AppTest for the Compare page with six classes: the bundled emotion model against a second six-label model, side by
side for one chosen class on one shared colour scale.
"""

from __future__ import annotations

import re

import pytest
from streamlit.testing.v1 import AppTest

from components.examples import FEELINGS
from components.state import models
from tests.apptest_helpers import TIMEOUT, html_blocks
from tests.conftest import ROOT, make_tiny_model
from textlens.report.highlight import scale_for

SIX = ("sadness", "joy", "love", "anger", "fear", "surprise")


@pytest.fixture(scope="module")
def model_b(tmp_path_factory):
    return make_tiny_model(tmp_path_factory.mktemp("emotion_b"), labels=SIX, seed=8, spread=0.5)


def test_two_emotion_models_side_by_side_for_one_class_on_one_scale(model_b):
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=TIMEOUT)
    at.session_state[models.MODEL_KEY] = "emotion"
    at.run()
    at.switch_page("app_pages/compare.py")
    at.run()
    texts = at.text_area(key="compare_texts").value.splitlines()
    assert texts == list(FEELINGS.values())[:3]  # inputs that suit the model
    at.radio(key="compare_mode").set_value("Two models, same inputs").run()
    at.text_input(key="compare_model_b").set_value(str(model_b)).run()
    next(b for b in at.button if b.label == "Compare 3 inputs").click()
    at.run()
    assert not at.exception, at.exception
    rows = at.session_state["compare_result"][1]
    predicted = [r.a.predicted_label for r in rows]
    target = at.selectbox(key="compare_target")
    assert target.options == list(SIX)
    assert target.value == max(SIX, key=predicted.count)  # the class model A predicts most here

    target.set_value("anger").run()
    assert not at.exception, at.exception
    blocks = html_blocks(at)
    heads = [b for b in blocks if "tl-row-head" in b]
    assert len(heads) == 6 and all("P(anger) = " in h for h in heads)  # three rows, A and B each
    legend = next(b for b in blocks if "tl-legend" in b)
    scale = max(scale_for(e, "anger") for r in rows for e in (r.a, r.b))
    shown = float(re.search(r"full colour at ±([0-9.e-]+)", legend).group(1))
    assert shown == pytest.approx(scale, rel=0.01)  # one scale for both models and every row
    assert "pushes toward <b>anger</b>" in legend
    changes = [m.value for m in at.markdown if m.value.startswith("Change in P(anger)")]
    assert len(changes) == 3
