"""AppTest for the sidebar's model picker: the bundled emotion model is offered beside the sentiment model."""

from __future__ import annotations

from tests.apptest_helpers import start_app
from tests.conftest import ROOT

EMOTION = "Bundled: emotion (6 classes)"


def test_the_picker_offers_the_bundled_emotion_model():
    at = start_app(ROOT / "dashboard.py")
    picker = at.sidebar.radio(key="model_choice")
    assert EMOTION in picker.options and picker.value.startswith("Bundled sentiment")
    picker.set_value(EMOTION).run()
    assert not at.exception, at.exception
    captions = [c.value for c in at.sidebar.caption]
    assert any("bundled emotion model" in c and "6 labels" in c for c in captions), captions
    assert any(c.startswith("Built for:") and "tweets" in c for c in captions), captions
    at.sidebar.radio(key="model_choice").set_value("Bundled sentiment model (MiniLM-L6 + LoRA, SST-2)").run()
    assert not at.exception, at.exception
    assert any("bundled model" in c.value and "2 labels" in c.value for c in at.sidebar.caption)
