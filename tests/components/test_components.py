"""Components: escaped HTML with the right colours, tooltips, legend and whitespace; figures; comparisons."""

from __future__ import annotations

import re

import pytest

from components.charts import heatmap_figure, probability_figure, top_words_figure, words_by_texts
from tests.factories import make_explanation as make
from textlens.report.compare import CompareRow, changes_html, comparison_report, shared_scale
from textlens.report.document import explanation_report, words_csv
from textlens.report.highlight import highlight_html, legend_html
from textlens.report.palette import AGAINST_RGB, TOWARD_RGB
from textlens.text.wordstats import word_changes
from textlens.types import Explanation


def word_styles(html: str) -> list[tuple[str, str, str]]:
    return re.findall(r'<span class="tl-word"[^>]*style="([^"]*)"[^>]*title="([^"]*)">([^<]*)</span>', html)


def test_highlight_colours_sign_and_intensity():
    e = make("great but slow", [0.4, -0.1, -0.2])
    styles = word_styles(highlight_html(e, "POSITIVE"))
    (g_style, g_tip, g_word), (_, _, b_word), (s_style, _, s_word) = styles
    assert (g_word, b_word, s_word) == ("great", "but", "slow")
    assert f"rgba({TOWARD_RGB[0]}, {TOWARD_RGB[1]}, {TOWARD_RGB[2]}, 0.85)" in g_style  # max |value| -> full
    assert f"rgba({AGAINST_RGB[0]}, {AGAINST_RGB[1]}, {AGAINST_RGB[2]}, 0.55)" in s_style  # half of max
    assert "+0.4000" in g_tip and "toward POSITIVE" in g_tip
    # Target NEGATIVE flips every colour.
    flipped = word_styles(highlight_html(e, "NEGATIVE"))
    assert f"rgba({AGAINST_RGB[0]}" in flipped[0][0]


def test_highlight_escapes_and_keeps_whitespace():
    text = "<script>alert(1)</script>\n\n  ok\t&amp;"
    import textlens.text.words as tw

    e = make(text, [0.01] * len(tw.word_spans(text)))
    html = highlight_html(e, "POSITIVE")
    assert "<script" not in html and "</script" not in html
    assert html.count(">&lt;</span>") == 2 and html.count(">&gt;</span>") == 2
    assert "&amp;" in html and "amp" in html
    assert "\n\n  " in html and "\t" in html
    assert "white-space: pre-wrap" in html


def test_highlight_marks_truncation():
    base = make("one two", [0.1, 0.2])
    cut = Explanation(**{**base.__dict__, "text": "one two three four", "truncated": True, "read_until": 7})
    html = highlight_html(cut, "POSITIVE")
    assert "stopped reading here" in html
    assert html.index("stopped reading") < html.index("three")


def test_shared_scale_makes_rows_comparable():
    strong, weak = make("superb", [0.8]), make("fine", [0.2])
    scale = shared_scale([strong, weak], "POSITIVE")
    assert scale == pytest.approx(0.8)
    weak_shared = word_styles(highlight_html(weak, "POSITIVE", scale=scale))[0][0]
    weak_own = word_styles(highlight_html(weak, "POSITIVE"))[0][0]
    assert "0.4)" in weak_shared and "0.85)" in weak_own


def test_legend_states_target_units_base_and_output():
    e = make("great but slow", [0.4, -0.1, -0.2], base=0.3)
    legend = legend_html(e, "POSITIVE")
    assert "POSITIVE" in legend and "change in the probability" in legend
    assert "0.300" in legend and "0.400" in legend  # base and base + sum
    assert "exact" in legend


def test_top_words_figure_order_signs_and_k():
    e = make("a b c d e f", [0.5, -0.4, 0.3, -0.2, 0.1, -0.05])
    fig = top_words_figure(e, "POSITIVE", k=2)
    values = list(fig.data[0].x)
    assert values == [0.5, 0.3, -0.2, -0.4]
    assert list(fig.data[0].y) == ["a · #1", "c · #3", "d · #4", "b · #2"]
    # The value axis reaches past the longest bars, so their outside labels clear the word labels.
    low, high = fig.layout.xaxis.range
    assert low < -0.4 - 0.05 and high > 0.5 + 0.05
    assert top_words_figure(make("a b", [0.2, 0.1]), "POSITIVE").layout.xaxis.range[0] == 0.0


def test_repeated_words_are_told_apart_in_chart():
    e = make("good good", [0.3, 0.1])
    assert list(top_words_figure(e, "POSITIVE", 5).data[0].y) == ["good · #1", "good · #2"]


def test_probability_figure_predicted_first():
    e = make("meh", [-0.3])
    fig = probability_figure(e.prediction())
    assert fig.data[0].y[0] == "▶ NEGATIVE"


def test_heatmap_rows_words_columns_inputs():
    rows = [make("great film", [0.5, 0.1]), make("bad film, great cast", [-0.6, 0.05, 0.0, 0.2, 0.1])]
    words, grid = words_by_texts(rows, "POSITIVE", top_n=10)
    assert words[0] in ("great", "bad") and "," not in words
    assert grid[words.index("great")] == [pytest.approx(0.5), pytest.approx(0.2)]
    assert grid[words.index("bad")] == [None, pytest.approx(-0.6)]
    fig = heatmap_figure(rows, "POSITIVE", ["#1", "#2"])
    assert list(fig.data[0].x) == ["#1", "#2"] and fig.data[0].zmid == 0


def test_mode_b_diff_finds_sign_flips():
    a = make("plot was fine", [0.2, 0.0, 0.3])
    b = make("plot was fine", [-0.1, 0.05, 0.31])
    changes = word_changes(a, b, "POSITIVE")
    assert changes[0].word == "plot" and changes[0].sign_flip
    assert not any(c.sign_flip for c in changes[1:])
    html = changes_html(changes)
    assert "Changed sign" in html and "plot" in html


def test_reports_are_self_contained_and_escaped():
    e = make("<img src=x onerror=alert(1)> nice", [0.0] * 12 + [0.3])
    for doc in (explanation_report(e, "POSITIVE"), comparison_report([CompareRow("#1", e)], "POSITIVE")):
        assert doc.startswith("<!DOCTYPE html>")
        assert "<img" not in doc and "onerror" in doc and ">&lt;</span>" in doc
        assert "<script" not in doc and "http" not in doc.replace("http-equiv", "")
        assert "pushes toward" in doc
    csv_text = words_csv([e])
    assert csv_text.splitlines()[0] == "input,model,word_index,word,start,end,value_NEGATIVE,value_POSITIVE,resolved"


def test_words_csv_says_which_values_are_a_phrase_share():
    import csv as csvlib
    import dataclasses
    import io

    e = make("great but slow", [0.4, -0.1, -0.2])
    shared = dataclasses.replace(e, words=(e.words[0], *(dataclasses.replace(w, resolved=False) for w in e.words[1:])))
    rows = list(csvlib.DictReader(io.StringIO(words_csv([shared]))))
    assert [r["resolved"] for r in rows] == ["true", "false", "false"]


def test_legend_for_many_rows_leaves_out_one_texts_totals():
    e = make("great but slow", [0.4, -0.1, -0.2], base=0.3)
    legend = legend_html(e, "POSITIVE", scale=0.9, totals=False)
    assert "Base value" not in legend and "±0.9" in legend and "pushes toward" in legend


def test_per_row_legend_says_so():
    from textlens.report.highlight import PER_ROW

    legend = legend_html(make("fine", [0.1]), "POSITIVE", scale=PER_ROW, totals=False)
    assert "each row's own" in legend and "±" not in legend


def test_faint_values_keep_a_visible_tint_and_negligible_ones_none():
    from textlens.report.palette import MIN_ALPHA, alpha

    assert alpha(0.12, 0.80) >= MIN_ALPHA  # "wonderful" beside a strong "dull" stays visible
    assert alpha(0.80, 0.80) == 0.85
    assert alpha(0.001, 0.80) == 0.0
    assert alpha(-0.4, 0.80) == alpha(0.4, 0.80)
    legend = legend_html(make("great but slow", [0.4, -0.1, -0.2]), "POSITIVE")
    assert "full colour at ±0.4" in legend and "uncoloured" in legend


def test_every_export_says_what_it_is():
    import csv as csvlib
    import io

    from textlens.report.export_info import ExportInfo

    e = make("<b>great</b> but slow", [0.0, 0.0, 0.0, 0.4, 0.0, 0.0, 0.0, 0.0, -0.1, -0.2])
    report = explanation_report(e, "POSITIVE")
    for fact in ("model <b>m</b>", "precision <b>float32</b>", "target <b>POSITIVE</b>", "exported", "textlens <b>"):
        assert fact in report
    assert "<b>great</b>" not in report and "&lt;b&gt;great" in report
    info = ExportInfo.of(e, "POSITIVE")
    rows = list(
        csvlib.DictReader(io.StringIO(words_csv([e], ["R1"], inputs=[{"id": "R1", "label": "pos"}], info=info)))
    )
    assert rows[0]["id"] == "R1" and rows[0]["label"] == "pos" and rows[0]["precision"] == "float32"
    assert rows[0]["textlens"] and rows[0]["exported"]
    doc = comparison_report(
        [CompareRow("#1", e)], "POSITIVE", info=ExportInfo("reviews.csv", "m", "float32", "POSITIVE")
    )
    assert "reviews.csv" in doc and "exported" in doc and "red toward it, blue against" in doc


def test_changes_below_the_noise_floor_are_not_sign_flips():
    from textlens.text.summary import signed
    from textlens.text.wordstats import WordChange

    noise_flip = WordChange("dull", 0, 4, 0, -0.797, 2.3e-06)
    assert not noise_flip.sign_flip and not noise_flip.noise  # a big move, not a change of sign
    assert WordChange("a", 0, 1, 0, -0.002, 0.003).noise
    html = changes_html([noise_flip, WordChange("a", 0, 1, 0, -0.002, 0.003)])
    assert "Changed sign" not in html and "Moved most" in html and "≈0" in html and "e-06" not in html
    assert "noise" in html
    assert signed(2.3e-06, 3) == "≈0" and signed(0.0004, 3) == "+0.0004" and signed(0.31) == "+0.31"


def test_negligible_ties_are_not_listed_as_for_or_against():
    from textlens.text.summary import top_words

    e = make("good " + " ".join(["x"] * 10), [0.5] + [-0.001] * 10)
    toward, against = top_words(e, "POSITIVE", 10)
    assert [w.word for w in toward] == ["good"] and against == []


def test_high_contrast_palette_is_solid_and_readable():
    import numpy as np

    from textlens.report.palette import BLACK, HIGH_CONTRAST, STANDARD, WHITE, contrast_ratio

    for value in np.linspace(-1, 1, 201):
        if HIGH_CONTRAST.alpha(value, 1.0) == 0:
            assert HIGH_CONTRAST.background(value, 1.0) == "transparent"
            continue
        chip = HIGH_CONTRAST.rgb(value, 1.0)
        text = BLACK if HIGH_CONTRAST.text_color(value, 1.0) == "#000000" else WHITE
        assert contrast_ratio(chip, text) >= 4.5, value  # WCAG AA for body text, whatever the theme
        assert HIGH_CONTRAST.alpha(value, 1.0) >= STANDARD.alpha(value, 1.0)  # never fainter
        red, _, blue = chip
        assert (red > blue) == (value > 0), value  # red toward the target, blue away
    assert HIGH_CONTRAST.background(1.0, 1.0) == "rgb(178, 24, 43)"
    assert HIGH_CONTRAST.background(0.05, 1.0).startswith("rgb(")  # a faint value gets a real tint
