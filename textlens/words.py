"""Splitting text into the words the UI shows, with exact character spans, and merging subword values into them."""

from __future__ import annotations

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


def merge_to_words(
    text: str,
    feature_spans: Sequence[tuple[int, int]],
    feature_values: Sequence[Sequence[float]],
) -> tuple[list[tuple[int, int]], list[list[float]]]:
    """Sum the values of features (e.g. subword tokens) into the words of ``text`` that hold them.

    A feature belongs to the word that contains its first character; a feature that starts in no
    word (whitespace) goes to the next word, or the last one, so totals are always preserved.
    Returns the word spans and their summed values; words that no feature touched get zeros.
    """
    spans = word_spans(text)
    n_out = len(feature_values[0]) if len(feature_values) else 0
    sums = [[0.0] * n_out for _ in spans]
    if not spans:
        return spans, sums
    starts = [a for a, _ in spans]
    w = 0
    for (start, _end), values in sorted(zip(feature_spans, feature_values), key=lambda p: p[0][0]):
        while w + 1 < len(spans) and starts[w + 1] <= start:
            w += 1
        target = w
        if start >= spans[w][1] and w + 1 < len(spans):
            target = w + 1
        for k, v in enumerate(values):
            sums[target][k] += float(v)
    return spans, sums
