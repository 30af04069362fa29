"""Word spans index the original text exactly, and merging subword values into words keeps totals."""

from __future__ import annotations

import pytest

from textlens.text.words import merge_to_words, word_spans

CASES = [
    ("I loved this film, it was wonderful.", ["I", "loved", "this", "film", ",", "it", "was", "wonderful", "."]),
    ("don't stop", ["don't", "stop"]),
    ("  lead\tand\r\ntrail  ", ["lead", "and", "trail"]),
    ("我爱电影", ["我", "爱", "电", "影"]),
    ("great 👍🏽 film 👨‍👩‍👧", ["great", "👍🏽", "film", "👨‍👩‍👧"]),
    ("e\u0301te", ["e\u0301te"]),
    ("مرحبا بالعالم", ["مرحبا", "بالعالم"]),
    ("bad\x00word\u200bx", ["bad", "word", "x"]),
]


@pytest.mark.parametrize("text,words", CASES)
def test_word_spans_index_the_text(text, words):
    spans = word_spans(text)
    assert [text[a:b] for a, b in spans] == words
    assert all(a < b for a, b in spans)
    assert all(spans[i][1] <= spans[i + 1][0] for i in range(len(spans) - 1))


def test_merge_preserves_totals_and_assigns_pieces():
    text = "unbelievably good"
    # pieces: "un", "believ", "ably", " good" (a piece starting in whitespace goes to the next word)
    spans = [(0, 2), (2, 8), (8, 12), (12, 17)]
    values = [[0.1, -0.1], [0.2, -0.2], [0.3, -0.3], [0.5, -0.5]]
    words, sums = merge_to_words(text, spans, values)
    assert [text[a:b] for a, b in words] == ["unbelievably", "good"]
    assert sums[0] == pytest.approx([0.6, -0.6])
    assert sums[1] == pytest.approx([0.5, -0.5])
