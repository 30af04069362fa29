"""AppTest for the Explain page: type, classify, explain, switch target, change k, tabs and downloads."""

from __future__ import annotations

import re

import pytest
from streamlit.testing.v1 import AppTest

from tests.apptest_helpers import button, capture_downloads, download_data, html_blocks, start_app, visit_another_page
from tests.conftest import ROOT


@pytest.fixture
def app() -> AppTest:
    return start_app(ROOT / "dashboard.py")


def test_explain_flow(app):
    at = app
    at.text_area(key="explain_text").set_value("The acting was wonderful but the plot was dull.")
    button(at, "Classify").click()
    at.run()
    assert not at.exception
    assert at.metric[0].value in ("POSITIVE", "NEGATIVE")

    button(at, "Explain").click()
    at.run()
    assert not at.exception, at.exception
    target = at.selectbox(key="explain_target")
    assert target.value == at.metric[0].value  # defaults to the predicted class
    blocks = html_blocks(at)
    summary = [b for b in blocks if 'class="tl-summary"' in b]
    assert summary and f">{target.value} " in summary[0] and ("mainly from" in summary[0] or "no word" in summary[0])
    assert any('class="tl-legend"' in b and "change in the probability" in b for b in blocks)
    highlight = next(b for b in blocks if 'class="tl-highlight"' in b)
    assert highlight.count('class="tl-word"') == 10  # 9 words and the full stop

    # Switching the target re-colours from the stored explanation: values flip sign for two classes.
    other = next(label for label in target.options if label != target.value)
    target.set_value(other)
    at.run()
    assert not at.exception
    flipped = next(b for b in html_blocks(at) if 'class="tl-highlight"' in b)
    assert flipped != highlight
    assert f"toward {other}" in flipped or f"against {other}" in flipped

    at.slider(key="explain_k").set_value(3)
    at.run()
    assert not at.exception
    assert [t.label for t in at.tabs] == ["Highlighted text", "Bar chart", "Trust", "What if"]
    from components.charts import png_export_available

    downloads = at.get("download_button")
    assert len(downloads) == 4 + png_export_available()  # PNG needs a Chromium for kaleido


def test_every_download_says_what_it_is(app, monkeypatch):
    import csv
    import io
    import json

    from components.charts import png_export_available

    at = app
    seen = capture_downloads(monkeypatch)
    text = "A gorgeous, witty, seductive movie."
    at.text_area(key="explain_text").set_value(text)
    button(at, "Explain").click()
    at.run()
    assert not at.exception, at.exception
    target = at.selectbox(key="explain_target").value
    export = json.loads(download_data(seen, "Explanation (JSON)"))["export"]
    assert export["title"] == f"Why {target}?" and export["input"] == text and export["model"] == "default"
    assert export["exported"].endswith("UTC") and export["target"] == target
    rows = list(csv.DictReader(io.StringIO(download_data(seen, "Words (CSV)"))))
    assert {r["input"] for r in rows} == {text}  # the text, not "1"
    assert {r["model"] for r in rows} == {"default"} and {r["title"] for r in rows} == {f"Why {target}?"}
    assert rows[0]["exported"] == export["exported"]
    chart = download_data(seen, "Chart (HTML)")
    assert f"<title>Why {target}?</title>" in chart and f"input: {text}" in chart and "model default" in chart
    assert f"exported {export['exported']}" in chart
    report = download_data(seen, "Highlighted text (HTML)")
    assert "model <b>default</b>" in report and "seductive" in report and "exported" in report
    if png_export_available():
        from PIL import Image

        png = Image.open(io.BytesIO(download_data(seen, "Chart (PNG)")))
        assert png.text["Title"] == f"Why {target}?" and f"input: {text}" in png.text["Description"]


def test_empty_text_is_a_message_not_a_model_call(app):
    at = app
    at.text_area(key="explain_text").set_value("   ")
    button(at, "Explain").click()
    at.run()
    assert not at.exception
    assert any("empty" in w.value for w in at.warning)
    assert not html_blocks(at)


def test_example_button_fills_the_text(app):
    at = app
    button(at, "Pan").click()
    at.run()
    assert at.text_area(key="explain_text").value.startswith("A dull, tedious mess.")


def test_unknown_model_keeps_previous(app):
    at = app
    at.sidebar.radio(key="model_choice").set_value("Hub id or local folder")
    at.run()
    at.text_input(key="model_wanted").set_value("no-such-org/no-such-model")
    next(b for b in at.button if b.label == "Load model").click()
    at.run()
    assert not at.exception
    assert any("was not found" in e.value and "previous model" in e.value for e in at.sidebar.error)
    assert any("bundled model" in c.value and "runs in" in c.value for c in at.sidebar.caption)


def test_refine_spends_more_budget_on_a_partial_explanation(app):
    at = app
    at.text_area(key="explain_text").set_value(
        "A long and winding review: the acting was wonderful, the music lovely, but the plot was dull and slow."
    )
    at.select_slider(key="explain_budget").set_value(100)
    at.run()
    button(at, "Explain").click()
    at.run()
    assert not at.exception, at.exception
    legend = next(b for b in html_blocks(at) if 'class="tl-legend"' in b)
    assert "approximate" in legend
    resolved, calls = legend_counts(legend)
    assert calls <= 100
    refine = next(b for b in at.button if b.label.startswith("Refine"))
    assert refine.label == "Refine: spend 200 model calls instead of 100"
    refine.click()
    at.run()
    assert not at.exception, at.exception
    # The legend describes the refined result: more model calls (within the new budget), more words resolved.
    legend = next(b for b in html_blocks(at) if 'class="tl-legend"' in b)
    resolved_after, calls_after = legend_counts(legend)
    assert calls < calls_after <= 200
    assert resolved_after > resolved
    # The button follows the refined result: it now offers the next budget up (it did not before).
    assert [b.label for b in at.button if b.label.startswith("Refine")] == [
        "Refine: spend 400 model calls instead of 200"
    ]


def legend_counts(legend: str) -> tuple[int, int]:
    """(words resolved, model calls) as the legend of a partial explanation states them."""
    text = re.sub(r"<[^>]+>", " ", legend)
    resolved = re.search(r"(\d+) of \d+ words resolved", text)
    calls = re.search(r"\((\d+) model calls", text)
    assert resolved and calls, text
    return int(resolved.group(1)), int(calls.group(1))


@pytest.mark.parametrize("page", [None, "app_pages/compare.py"])
def test_a_model_that_cannot_load_gives_a_message_not_a_traceback(monkeypatch, page):
    from components.state import models

    monkeypatch.setenv("TEXTLENS_PRECISION", "fp16")  # an operator's typo: no model can load
    models.load_model.clear()
    try:
        at = start_app(ROOT / "dashboard.py", page)  # no exception on the way
        assert any("cannot be loaded" in e.value and "TEXTLENS" in e.value for e in at.error)
        assert at.sidebar.radio(key="model_choice") is not None  # the picker stays usable
    finally:
        monkeypatch.delenv("TEXTLENS_PRECISION")
        models.load_model.clear()


def test_text_and_result_survive_a_visit_to_another_page(app):
    at = app
    text = "Ein Film? Nein: the acting was wonderful but the plot was dull."
    at.text_area(key="explain_text").set_value(text)
    button(at, "Explain").click()
    at.run()
    assert not at.exception, at.exception
    visit_another_page(at, "app_pages/explain.py", "app_pages/image.py")
    assert at.text_area(key="explain_text").value == text
    assert any('class="tl-highlight"' in b for b in html_blocks(at)), "the explanation is shown again"


def test_a_german_review_gets_a_caution(app):
    at = app
    at.text_area(key="explain_text").set_value(
        "Der Film war langweilig und viel zu lang. Die Schauspieler waren schlecht, ich habe mich geärgert."
    )
    button(at, "Classify").click()
    at.run()
    assert not at.exception, at.exception
    assert any("German" in w.value and "English" in w.value for w in at.warning)


def test_the_one_pass_estimate_comes_first_and_its_agreement_is_shown():
    """With the bundled model's one-pass explainer, the instant preview is its estimate, and under the exact
    explanation the page says how far the two agreed: the core's figure for this text."""
    from components.trust import preview_html
    from textlens import explain, load_classifier
    from textlens.text.one_pass import agreement, find_one_pass

    text = "The acting was wonderful but the plot was dull."
    at = start_app(ROOT / "dashboard.py")
    at.text_area(key="explain_text").set_value(text)
    button(at, "Explain").click().run()
    assert not at.exception, at.exception
    classifier = load_classifier("default")
    explainer = find_one_pass(classifier)
    estimate = explainer.explain(classifier, [text])
    expected = agreement(estimate, [explain(classifier, text)])
    caption = next(c.value for c in at.caption if c.value.startswith("The one-pass estimate shown first"))
    assert f"r = {expected.median_r:.2f}" in caption and f"top-3 words {expected.top3:.0%}" in caption
    preview = preview_html(estimate[0])
    trust = explainer.agreement[0]
    assert "estimated in one pass" in preview and f"r = {trust.median_r:.3f} with exact on SST-2 dev" in preview
