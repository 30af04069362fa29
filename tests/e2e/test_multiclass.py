"""Six classes and twenty in real headless Chromium: the bundled emotion model explains a tweet toward sadness and
toward anger and reads a labelled set (a 6×6 confusion matrix); a 20-label model folder's Explain and Dataset pages
(the docs' screenshots of "Your own model"). Each view shot in light and dark.
"""

from __future__ import annotations

import csv
import re

import pandas as pd
import pytest

from tests.conftest import ROOT, make_tiny_model
from tests.e2e.conftest import screenshot
from tests.e2e.helpers import (
    RESULT_TIMEOUT_MS,
    choose,
    click,
    each_theme,
    go_to,
    open_page,
    type_text,
    upload_and_predict,
    wait_idle,
)

pytestmark = pytest.mark.e2e

EMOTION = ROOT.parent / "shared" / "data" / "emotion" / "validation.tsv"
ALONE = "i feel so alone and nobody seems to care"
INTENTS = tuple(f"intent_{i:02d}" for i in range(20))


def pick_model(page, model: str) -> None:
    """Pick the bundled emotion model, or type a folder, in the sidebar; wait until it is active."""
    side = page.locator("[data-testid='stSidebar']")
    if model == "emotion":
        side.get_by_text("Bundled: emotion (6 classes)").click()
        active = "bundled emotion model"
    else:
        side.get_by_text("Hub id or local folder").click()
        wait_idle(page)
        side.get_by_role("textbox", name="Hub id or folder").fill(model)
        side.get_by_role("button", name="Load model").click()
        active = model
    side.get_by_text(re.compile(rf"^Active: {re.escape(active)} ·")).wait_for(timeout=RESULT_TIMEOUT_MS)
    wait_idle(page)


def matrix_counts(page) -> list[int]:
    """The confusion matrix's cell counts as drawn (blank cells left out)."""
    cells = page.locator(".js-plotly-plot").first.locator(".annotation-text")
    texts = []
    for i in range(cells.count()):
        lines = cells.nth(i).locator("tspan.line")  # a count over its share; a small cell has the count alone
        texts.append((lines.first if lines.count() else cells.nth(i)).text_content())
    return [int(t.replace(",", "")) for t in texts]


def test_emotion_toward_sadness_and_anger_then_a_labelled_set(server, new_page, tmp_path):
    if not EMOTION.is_file():
        pytest.skip(f"the emotion data is not at {EMOTION} (it exists beside the repo in CI, not on users' machines)")
    path = tmp_path / "tweets.csv"
    pd.read_csv(EMOTION, sep="\t").head(60).to_csv(path, index=False)
    since = len(server.log())
    page = new_page(height=1800)
    open_page(page, server.url)
    pick_model(page, "emotion")
    type_text(page, ALONE)
    click(page, "Explain")
    page.wait_for_selector(".tl-summary", timeout=RESULT_TIMEOUT_MS)
    wait_idle(page)
    assert page.locator(".tl-summary").inner_text().startswith("sadness ")
    screenshot(page, "emotion-explain-sadness-light")
    choose(page, "Target class", "anger")
    page.wait_for_selector(".tl-word[title*='toward anger'], .tl-word[title*='against anger']")
    wait_idle(page)
    assert page.locator(".tl-summary").inner_text().startswith("anger ")
    assert "pushes toward anger" in page.locator(".tl-legend").inner_text()
    for theme in each_theme(page):
        screenshot(page, f"emotion-explain-anger-{theme}")

    go_to(page, "Dataset")
    upload_and_predict(page, path, 60)
    counts = matrix_counts(page)
    assert len(counts) == 36 and sum(counts) == 60  # six classes: every cell drawn with its count
    assert page.get_by_text("most often predicted as").count() >= 1
    for theme in each_theme(page):
        screenshot(page, f"emotion-dataset-{theme}")
    assert not server.app_errors(since) and not page.dialogs


@pytest.fixture(scope="module")
def twenty(tmp_path_factory):
    """A random 20-label model folder, and 60 texts labelled mostly with what it predicts (so the matrix has a
    diagonal and errors off it, as a trained model's would).
    """
    from textlens import load_classifier

    folder = make_tiny_model(tmp_path_factory.mktemp("intents"), labels=INTENTS, seed=3, spread=0.5)
    texts = [
        f"please help me with request number {i} about my {w}" for i, w in enumerate(["card", "bill", "trip"] * 20)
    ]
    predicted = load_classifier(str(folder)).predict(texts).argmax(axis=1)
    path = tmp_path_factory.mktemp("intent_file") / "intents.csv"
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["text", "intent"])
        for i, (text, p) in enumerate(zip(texts, predicted)):
            writer.writerow([text, INTENTS[(p + i) % 20] if i % 4 == 0 else INTENTS[p]])
    return folder, path


def test_a_twenty_label_model_on_the_explain_and_dataset_pages(server, new_page, twenty):
    folder, path = twenty
    since = len(server.log())
    page = new_page(height=2000)
    open_page(page, server.url)
    pick_model(page, str(folder))
    type_text(page, "please help me with my card")
    click(page, "Explain")
    page.wait_for_selector(".tl-summary", timeout=RESULT_TIMEOUT_MS)
    wait_idle(page)
    bars = page.locator(".js-plotly-plot").first.locator(".ytick")
    assert bars.count() == 20  # the probability bars list every class
    for theme in each_theme(page):
        screenshot(page, f"twenty-explain-{theme}")
    go_to(page, "Dataset")
    upload_and_predict(page, path, 60)
    assert sum(matrix_counts(page)) == 60
    for theme in each_theme(page):
        screenshot(page, f"twenty-dataset-{theme}")
    assert not server.app_errors(since) and not page.dialogs
