"""Hand-made records for tests of the core and the components (no model needed)."""

from __future__ import annotations

from textlens.text.words import word_spans
from textlens.types import Explanation, Span


def make_explanation(
    text: str, values: list[float], labels=("NEGATIVE", "POSITIVE"), base=0.5, model="m"
) -> Explanation:
    """A hand-made two-label explanation: POSITIVE values as given, NEGATIVE their negation."""
    spans = word_spans(text)
    assert len(spans) == len(values)
    words = tuple(Span(text[a:b], a, b, (-v, v)) for (a, b), v in zip(spans, values))
    pos = base + sum(values)
    return Explanation(
        text=text,
        model_id=model,
        labels=labels,
        scores=(1 - pos, pos),
        base_values=(1 - base, base),
        words=words,
        features=words,
        leaves="words",
        max_evals=10,
        evals=10,
        evals_needed=10,
        unsettled=0.0,
    )


# Reviews whose sentiment is plain to the bundled model, for the likely-label-error tests.
POSITIVE_REVIEWS = (
    "A wonderful, moving film with superb acting.",
    "I loved every minute of this warm and funny story.",
    "Brilliant, beautiful and deeply touching.",
    "One of the best films of the year, a real delight.",
    "Charming, witty and full of heart.",
    "An excellent cast and a gorgeous score.",
    "A joyful, uplifting triumph.",
    "Smart, funny and wonderfully made.",
    "A masterpiece of gentle, generous storytelling.",
    "Great fun from start to finish.",
    "Gripping, elegant and beautifully shot.",
    "A lovely film that left me smiling.",
)
NEGATIVE_REVIEWS = (
    "A boring, tedious waste of two hours.",
    "The plot was dull and the jokes fell flat.",
    "An utter mess from start to finish.",
    "Terrible acting and a lazy, stupid script.",
    "Painfully slow and completely pointless.",
    "The worst film I have seen in years.",
    "Ugly, loud and unbearably dull.",
    "A tired, joyless and clumsy sequel.",
    "Awful dialogue and a plot that makes no sense.",
    "Dreary, predictable and far too long.",
    "A miserable, incompetent failure.",
    "Flat, lifeless and instantly forgettable.",
)
FLIPPED_ROWS = (3, 14, 21)  # rows of flipped_reviews() whose label is wrong on purpose


def flipped_reviews() -> list[tuple[str, str]]:
    """24 (text, label) rows alternating positive and negative, with :data:`FLIPPED_ROWS`' labels swapped."""
    rows = [
        r for pair in zip(POSITIVE_REVIEWS, NEGATIVE_REVIEWS) for r in ((pair[0], "POSITIVE"), (pair[1], "NEGATIVE"))
    ]
    swap = {"POSITIVE": "NEGATIVE", "NEGATIVE": "POSITIVE"}
    return [(text, swap[label] if i in FLIPPED_ROWS else label) for i, (text, label) in enumerate(rows)]


def flipped_reviews_csv() -> bytes:
    """:func:`flipped_reviews` as a UTF-8 CSV with columns ``review`` and ``sentiment``."""
    lines = ["review,sentiment", *(f'"{text}",{label}' for text, label in flipped_reviews())]
    return ("\n".join(lines) + "\n").encode()
