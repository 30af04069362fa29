"""Trust-tab components: curves, numbers, what-if cards and the muted preview, all escaped."""

from __future__ import annotations

from components.trust import curves_figure, numbers_html, preview_html, sentence_html, what_if_html
from tests.text.test_faithfulness import WEIGHTS, WordModel, explanation_of
from textlens.text.faithfulness import faithfulness
from textlens.text.preview import preview, what_if
from textlens.text.words import word_spans

HOSTILE = "<b>great</b> good film ok"


def test_curves_and_numbers_escape_and_show_every_order():
    values = [WEIGHTS.get(HOSTILE[a:b], 0.0) for a, b in word_spans(HOSTILE)]
    result = faithfulness(WordModel(), explanation_of(HOSTILE, values), "POS")
    fig = curves_figure(result)
    names = [t.name for t in fig.data]
    assert len(fig.data) == 6 and sum(t.showlegend for t in fig.data) == 3
    assert any(n.startswith("this explanation · area") for n in names)
    assert all(len(t.x) == len(result.curve_ks) for t in fig.data)
    table = numbers_html(result)
    assert "× random" in table and "leave-one-out" in table and "[MASK]" in table
    values[0] = 1.0  # "<" first: the sentence names it
    sentence = sentence_html(faithfulness(WordModel(), explanation_of(HOSTILE, values), "POS"))
    assert "&quot;&lt;&quot;" in sentence and '"<"' not in sentence


def test_what_if_card_shows_real_predicted_and_gap():
    expl = explanation_of("great good film ok", [0.4, 0.2, 0.1, 0.0])
    html = what_if_html(what_if(WordModel(), expl, [0, 1], "POS"))
    assert "0.800" in html and "0.200" in html and "predicted this edit well" in html
    assert "flips from NEG to" not in html
    lying = explanation_of("great good film ok", [0.0, 0.0, 0.0, 0.7])
    html = what_if_html(what_if(WordModel(), lying, [0], "POS", replacement="<i>x</i>"))
    assert "A large gap" in html and "&lt;i&gt;x&lt;/i&gt;" in html and "<i>x</i>" not in html
    assert "flips from POS to <b>NEG</b>" in html


def test_preview_is_muted_and_labelled():
    html = preview_html(preview(WordModel(), HOSTILE), "POS")
    assert "tl-preview" in html and "Preview" in html and "opacity: 0.6" in html
    assert "<b>great</b>" not in html
