"""A labelled set with a planted failure cohort: every row containing one word has its label flipped."""

from __future__ import annotations

from tests.factories import NEGATIVE_REVIEWS, POSITIVE_REVIEWS

PLANTED_WORD = "festival"
HOSTILE_SOURCE = "<b>web</b>"


def planted_rows(n: int = 120) -> list[tuple[str, str, str]]:
    """``n`` (text, label, source) rows of reviews the bundled model reads plainly, alternating positive and
    negative; every fourth row mentions the festival and carries the opposite label, so the model is wrong there.
    """
    swap = {"positive": "negative", "negative": "positive"}
    rows = []
    for i in range(n):
        positive = i % 2 == 0
        pool = POSITIVE_REVIEWS if positive else NEGATIVE_REVIEWS
        text = pool[(i // 2) % len(pool)]
        label = "positive" if positive else "negative"
        if i % 4 == 0:
            text, label = f"{text} ({PLANTED_WORD})", swap[label]
        rows.append((text, label, HOSTILE_SOURCE if i % 3 else "mail"))
    return rows


def planted_ids(n: int = 120) -> list[int]:
    """The rows of :func:`planted_rows` whose label was flipped."""
    return [i for i in range(n) if i % 4 == 0]


def planted_csv(n: int = 120) -> bytes:
    """:func:`planted_rows` as a UTF-8 CSV with columns ``review``, ``sentiment`` and ``source``."""
    lines = ["review,sentiment,source", *(f'"{t}",{y},{s}' for t, y, s in planted_rows(n))]
    return ("\n".join(lines) + "\n").encode()
