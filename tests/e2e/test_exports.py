"""Downloaded figures, opened in Chromium as a user would: every label lies inside the picture."""

from __future__ import annotations

import pytest

from components.charts import export_figure, figure_html, heatmap_figure, probability_figure, top_words_figure
from tests.e2e.conftest import SHOTS
from textlens.report.export_info import ExportInfo
from textlens.types import Explanation, Span

TEXT = (
    "Not bad at all, though the second half drags and the jokes are hit and miss; "
    "unquestionably overlong, incomprehensibly edited, yet charming."
)


def lukewarm() -> Explanation:
    import textlens.text.words as tw

    spans = tw.word_spans(TEXT)
    values = [((-1) ** i) * (0.02 + 0.5 / (i + 1)) for i in range(len(spans))]
    words = tuple(Span(TEXT[a:b], a, b, (-v, v)) for (a, b), v in zip(spans, values))
    pos = 0.5 + sum(values)
    return Explanation(
        TEXT,
        "default",
        ("NEGATIVE", "POSITIVE"),
        (1 - pos, pos),
        (0.5, 0.5),
        words,
        words,
        "words",
        10,
        10,
        10,
        0.0,
        settings={"precision": "float32"},
    )


def figures():
    e = lukewarm()
    info = ExportInfo.of(e, "POSITIVE")
    yield "words", export_figure(top_words_figure(e, "POSITIVE", 10), info, "Why POSITIVE?")
    yield "probabilities", export_figure(probability_figure(e.prediction()), info, "Probabilities")
    yield "heatmap", export_figure(heatmap_figure([e, e], "POSITIVE", ["first input", "second input"]), info, "Words")


BOXES = """() => {
  const svg = document.querySelector('.main-svg').getBoundingClientRect();
  return {svg: [svg.left, svg.top, svg.right, svg.bottom],
          texts: [...document.querySelectorAll('.main-svg text')]
            .filter(t => t.textContent.trim())
            .map(t => { const r = t.getBoundingClientRect();
                        return [t.textContent, r.left, r.top, r.right, r.bottom]; })};
}"""


@pytest.mark.e2e
@pytest.mark.parametrize("name", ["words", "probabilities", "heatmap"])
def test_downloaded_chart_shows_every_label_and_says_what_it_is(browser, name):
    fig = dict(figures())[name]
    page = browser.new_page(viewport={"width": 1000, "height": 900})
    try:
        page.set_content(figure_html(fig), wait_until="load")
        page.wait_for_selector(".main-svg text", timeout=30_000)
        boxes = page.evaluate(BOXES)
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"export-{name}.png"), full_page=True)
    finally:
        page.close()
    left, top, right, bottom = boxes["svg"]
    texts = boxes["texts"]
    assert any("model default" in t[0] and "textlens" in t[0] for t in texts), "the caption says what it is"
    for text, x0, y0, x1, y1 in texts:
        assert x0 >= left - 0.5 and x1 <= right + 0.5, f"{text!r} is cut off horizontally"
        assert y0 >= top - 0.5 and y1 <= bottom + 0.5, f"{text!r} is cut off vertically"
    # Tick labels must not sit under the axis title either.
    ticks = [t for t in texts if t[0].startswith(("+", "−", "-", "0"))]
    titles = [t for t in texts if t[0].startswith("change in probability")]
    for _, _, _, _, tick_bottom in ticks:
        for _, _, title_top, _, _ in titles:
            assert tick_bottom <= title_top + 1
