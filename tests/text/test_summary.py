"""Plain-language summaries and the numbers beside them (textlens/summary.py)."""

from __future__ import annotations

from tests.factories import make_explanation as make
from textlens.text.summary import signed, summarize, top_words


def test_summary_line_says_where_the_model_starts_and_ends():
    e = make("wonderful and loved but slow", [0.31, 0.0, 0.22, -0.01, -0.08], base=0.53)
    assert summarize(e, "POSITIVE") == (
        "POSITIVE 0.97: with every word hidden the model gives POSITIVE 0.53; the words add +0.44, "
        'mainly from "wonderful" (+0.31) and "loved" (+0.22); against: "slow" (-0.08)'
    )


def test_summary_does_not_credit_a_word_for_the_models_lean():
    e = make("ok", [0.047], base=0.953)
    line = summarize(e, "POSITIVE")
    assert line.startswith("POSITIVE 1.00: with every word hidden the model gives POSITIVE 0.95; the words add +0.05")


def test_summary_of_a_rejected_target_says_what_outweighs_what():
    e = make("wonderful but dull", [0.12, 0.0, -0.80], base=0.682)
    assert summarize(e, "POSITIVE") == (
        'POSITIVE 0.00: "dull" (-0.80) outweighs "wonderful" (+0.12); '
        "with every word hidden the model gives POSITIVE 0.68"
    )
    assert summarize(e, "NEGATIVE").startswith("NEGATIVE 1.00: with every word hidden the model gives NEGATIVE 0.32")


def test_summary_says_when_most_attribution_is_unsettled():
    from dataclasses import replace

    e = replace(make("a b c", [0.1, 0.1, 0.1]), evals=5, evals_needed=50, unsettled=0.9)
    assert "rough: 90% of the attribution is still on groups of words" in summarize(e, "POSITIVE")
    assert "rough" not in summarize(make("a b c", [0.1, 0.1, 0.1]), "POSITIVE")


def test_signed_keeps_small_values_visible():
    assert signed(0.31) == "+0.31" and signed(-0.08) == "-0.08"
    assert signed(0.004) == "+0.004"  # not "+0.00"
    assert signed(0.0) == "+0.00"


def test_top_words_for_and_against_strongest_first():
    e = make("a b c d , e", [0.1, -0.4, 0.3, -0.2, 0.9, 0.0])
    toward, against = top_words(e, "POSITIVE", 2)
    assert [w.word for w in toward] == [",", "c"] and [w.word for w in against] == ["b", "d"]
    toward, _ = top_words(e, "POSITIVE", 2, words_only=True)
    assert [w.word for w in toward] == ["c", "a"]  # punctuation left out of prose
    toward, against = top_words(e, "NEGATIVE", 1)
    assert [w.word for w in toward] == ["b"] and [w.word for w in against] == [","]


def test_summary_names_phrases_not_split_further_as_phrases():
    """On a long text most words share a phrase's value: the summary names the phrase, never a word's even share."""
    from dataclasses import replace

    from textlens.types import Unit

    text = "I went in expecting a quiet drama and left moved. Dull"
    e = make(text, [0.05 / 11] * 11 + [-0.30])  # 11 words and the full stop share +0.05; "Dull" is resolved
    shared = tuple(replace(w, resolved=False) for w in e.words[:11]) + e.words[11:]
    first, last, dull = e.words[0], e.words[10], e.words[11]
    phrase = Unit(first.start, last.end, ((first.start, last.end),), (-0.05, 0.05), 1, 11)
    dull = Unit(dull.start, dull.end, ((dull.start, dull.end),), (0.30, -0.30), 1, 1)
    e = replace(e, words=shared, units=(phrase, dull), evals=4, evals_needed=400, unsettled=0.4)
    line = summarize(e, "POSITIVE")
    assert '"Dull" (-0.30)' in line and '"I went in … and left moved." (+0.05)' in line
    assert '"I" (' not in line and '"went" (' not in line
    assert "named by their start and end" in line
