"""Plain-language summaries of explanations and the numbers shown next to them."""

from __future__ import annotations

from .types import Explanation
from .words import is_wordlike


def signed(value: float, digits: int = 2) -> str:
    """``+0.31`` / ``-0.08``, with enough digits that a small value does not print as zero."""
    text = f"{value:+.{digits}f}"
    if float(text) == 0 and value != 0:
        text = f"{value:+.2g}"
    return text


def top_words(
    explanation: Explanation, target: str | int | None, k: int, *, words_only: bool = False
) -> tuple[list, list]:
    """The ``k`` words pushing most toward ``target`` and the ``k`` pushing most against it.

    ``words_only`` leaves out punctuation and symbols (for prose summaries).
    """
    words = [w for w in explanation.for_label(target) if not words_only or is_wordlike(w.word)]
    toward = sorted((w for w in words if w.value > 0), key=lambda w: -w.value)[:k]
    against = sorted((w for w in words if w.value < 0), key=lambda w: w.value)[:k]
    return toward, against


def summarize(explanation: Explanation, target: str | int | None = None, k: int = 2, k_against: int = 1) -> str:
    """One plain-language line about the prediction and its strongest words.

    For example ``POSITIVE 0.97, mainly from "wonderful" (+0.31) and "loved" (+0.22); against: "slow" (-0.08)``.
    """
    i = explanation.label_index(target)
    label = explanation.labels[i]
    toward, _ = top_words(explanation, i, k, words_only=True)
    _, against = top_words(explanation, i, k_against, words_only=True)

    def listing(items) -> str:
        parts = [f'"{w.word}" ({signed(w.value)})' for w in items]
        return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]

    line = f"{label} {explanation.scores[i]:.2f}"
    if toward:
        line += f", mainly from {listing(toward)}"
    else:
        line += ", with no word pushing toward it"
    if against:
        line += f"; against: {listing(against)}"
    return line
