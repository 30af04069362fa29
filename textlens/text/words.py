"""Splitting text into the words the UI shows, with exact character spans, and merging subword values into them."""

from __future__ import annotations

import bisect
from collections.abc import Sequence

import regex

# A word: letters/digits/marks with inner apostrophes or hyphens ("don't", "well-made"); each
# ideograph or kana on its own (those scripts do not put spaces between words); any other visible
# grapheme (punctuation, an emoji with its modifiers) alone. Whitespace and control characters
# belong to no word.
_IDEOGRAPH = r"[\p{Han}\p{Hiragana}\p{Katakana}]"
_WORD_CHAR = r"[\p{L}\p{N}\p{M}_--\p{Han}\p{Hiragana}\p{Katakana}]"
WORD_PATTERN = regex.compile(
    rf"{_IDEOGRAPH}\p{{M}}*|{_WORD_CHAR}+(?:['’\-]{_WORD_CHAR}+)*|(?![\s\p{{Cc}}\p{{Cf}}\p{{Z}}])\X",
    regex.V1,
)


def word_spans(text: str) -> list[tuple[int, int]]:
    """Character spans ``(start, end)`` of the words of ``text``, in order, never overlapping."""
    return [m.span() for m in WORD_PATTERN.finditer(text)]


_HAS_LETTER_OR_DIGIT = regex.compile(r"[\p{L}\p{N}]")


def is_wordlike(word: str) -> bool:
    """True when ``word`` has a letter or digit (not just punctuation or symbols)."""
    return bool(_HAS_LETTER_OR_DIGIT.search(word))


class WordSegmenter:
    """A tokenizer for ``shap.maskers.Text`` whose tokens are the words of :func:`word_spans`.

    With it the partition tree's leaves are the words the UI shows, so SHAP needs no merging step
    and far fewer evaluations (the tree's cost grows with the square of its leaves).
    """

    sep_token = None

    def __init__(self, mask_token: str | None) -> None:
        # None makes shap fall back to "..." for models without a mask token.
        self.mask_token = mask_token

    def __call__(self, text: str, return_offsets_mapping: bool = True, **_: object) -> dict[str, list]:
        spans = word_spans(text)
        out: dict[str, list] = {"input_ids": [text[a:b] for a, b in spans]}
        if return_offsets_mapping:
            out["offset_mapping"] = spans
        return out


def words_of_features(
    word_spans_: Sequence[tuple[int, int]], feature_spans: Sequence[tuple[int, int]]
) -> list[int | None]:
    """The index of the word each feature belongs to (``None`` for empty features such as [CLS]).

    A feature belongs to the word that contains its first character; a feature that starts in no
    word (whitespace) goes to the next word, or the last one, so totals are always preserved.
    """
    starts = [a for a, _ in word_spans_]
    out: list[int | None] = []
    for start, end in feature_spans:
        if end <= start or not starts:
            out.append(None)
            continue
        w = max(bisect.bisect_right(starts, start) - 1, 0)
        if start >= word_spans_[w][1] and w + 1 < len(starts):
            w += 1
        out.append(w)
    return out


def merge_to_words(
    text: str,
    feature_spans: Sequence[tuple[int, int]],
    feature_values: Sequence[Sequence[float]],
) -> tuple[list[tuple[int, int]], list[list[float]]]:
    """Sum the values of features (e.g. subword tokens) into the words of ``text`` that hold them.

    Features map to words as in :func:`words_of_features`. Returns the word spans and their summed
    values; words that no feature touched get zeros.
    """
    spans = word_spans(text)
    n_out = len(feature_values[0]) if len(feature_values) else 0
    sums = [[0.0] * n_out for _ in spans]
    # Every feature passed in counts, even an empty one: it goes to the word its position falls in.
    widened = [(a, max(b, a + 1)) for a, b in feature_spans]
    for target, values in zip(words_of_features(spans, widened), feature_values):
        if target is None:
            continue
        for k, v in enumerate(values):
            sums[target][k] += float(v)
    return spans, sums
