"""AppTest for the Explain page's Trust and What-if tabs, and the instant preview that SHAP replaces."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from components.state import explain as explain_state
from components.state import models
from tests.apptest_helpers import button, html_blocks, start_app
from tests.conftest import ROOT
from textlens.text.preview import is_preview

TEXT = "The acting was wonderful but the plot was dull."


@pytest.fixture
def explained(monkeypatch) -> tuple[AppTest, list]:
    """The Explain page after explaining TEXT, with the previews drawn on the way recorded."""
    previews = []
    real = explain_state.preview

    def recording(model_id, text):
        previews.append(real(model_id, text))
        return previews[-1]

    monkeypatch.setattr(explain_state, "preview", recording)
    at = start_app(ROOT / "dashboard.py")
    at.text_area(key="explain_text").set_value(TEXT)
    button(at, "Explain").click()
    at.run()
    assert not at.exception, at.exception
    return at, previews


def open_tab(at: AppTest, name: str) -> None:
    at.session_state[explain_state.TrustKeys.TAB] = name
    at.run()
    assert not at.exception, at.exception


def test_preview_is_drawn_then_replaced_and_never_stored(explained):
    at, previews = explained
    stored = at.session_state["explain_result"][1]
    assert not is_preview(stored) and stored.text == TEXT
    if previews:  # drawn unless this server had the explanation cached already
        assert is_preview(previews[0]) and previews[0].text == TEXT
    assert not any("tl-preview" in b for b in html_blocks(at))  # SHAP replaced it
    downloads = at.get("download_button")
    assert downloads and all("preview" not in str(d.proto.label).lower() for d in downloads)


def test_trust_tab_measures_when_opened(explained):
    at, _ = explained
    assert not any("tl-trust-sentence" in b for b in html_blocks(at))  # not measured before it is opened
    open_tab(at, "Trust")
    blocks = html_blocks(at)
    sentence = next(b for b in blocks if "tl-trust-sentence" in b)
    target = at.selectbox(key="explain_target").value
    assert "Removing the top 3 words" in sentence and f" {target} from " in sentence
    table = next(b for b in blocks if "tl-trust-numbers" in b)
    assert "leave-one-out" in table and "random (5 orders)" in table
    assert any(c.proto.spec for c in at.get("plotly_chart"))
    assert not is_preview(at.session_state["explain_result"][1])


def test_what_if_removes_a_word_and_shows_real_and_predicted(explained):
    at, _ = explained
    open_tab(at, "What if")
    target = at.selectbox(key="explain_target").value
    at.multiselect(key=explain_state.TrustKeys.WORDS).set_value([3])  # "wonderful"
    at.run()
    assert not at.exception, at.exception
    card = next(b for b in html_blocks(at) if "tl-what-if" in b)
    edited = "The acting was but the plot was dull."
    assert "“wonderful” removed" in card
    classifier = models.load_model(models.active_model_id())
    real = classifier.classify([edited])[0]
    assert f"{real.scores[real.labels.index(target)]:.3f}" in card
    assert any(edited in b for b in html_blocks(at) if "tl-edited" in b)

    button(at, "Explain the edited text").click()
    at.run()
    assert not at.exception, at.exception
    heads = [b for b in html_blocks(at) if "tl-row-head" in b]
    assert any("<b>Original</b>" in b for b in heads) and any("<b>Edited</b>" in b for b in heads)
    assert at.session_state[explain_state.TrustKeys.EDITED][1].text == edited

    at.radio(key=explain_state.TrustKeys.MODE).set_value("Replace with")
    at.run()
    at.text_input(key=explain_state.TrustKeys.REPLACEMENT).set_value("awful")
    at.run()
    assert not at.exception, at.exception
    card = next(b for b in html_blocks(at) if "tl-what-if" in b)
    assert "replaced by “awful”" in card
