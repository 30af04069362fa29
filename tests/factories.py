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
