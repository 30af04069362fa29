"""The chart downloads say what they show: a title, the input, the model and the date, in HTML and PNG."""

from __future__ import annotations

import re

from components.charts import export_figure, figure_html, top_words_figure
from tests.factories import make_explanation
from textlens.report.export_info import ExportInfo


def test_chart_html_has_a_title_and_a_caption_with_input_model_and_date():
    e = make_explanation(
        "<b>gorgeous</b> but long", [0.0, 0.0, 0.0, 0.4, 0.0, 0.0, 0.0, 0.0, 0.0, -0.2], model="my-model"
    )
    info = ExportInfo.of(e, "POSITIVE", title="Why <POSITIVE>?")
    page = figure_html(export_figure(top_words_figure(e, "POSITIVE"), info, info.heading), info.heading)
    assert "<title>Why &lt;POSITIVE&gt;?</title>" in page
    shown = page.replace("\\u002f", "/")  # the figure's JSON escapes "/"
    assert "input: &lt;b&gt;gorgeous&lt;/b&gt; but long" in shown  # escaped for Plotly's HTML-ish labels
    assert "model my-model" in page and f"exported {info.created}" in page
    assert not re.findall(r"<(?:script|link|img)[^>]+(?:src|href)=", page)  # no file fetched: plotly.js inlined
