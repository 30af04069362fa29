"""Example texts that suit the active model, for the Explain and Compare pages: tweets saying how the writer feels
for the bundled emotion model, movie reviews otherwise.
"""

from __future__ import annotations

from textlens import EMOTION_MODEL_ID

REVIEWS = {
    "Mixed review": "The acting was wonderful but the plot was dull.",
    "Rave": "I loved this film: a warm, funny and beautifully shot story that stays with you for days.",
    "Pan": "A dull, tedious mess. Two hours I will never get back, and the ending makes no sense.",
    "Lukewarm": "Not bad at all, though the second half drags and the jokes are hit and miss.",
}
FEELINGS = {
    "Alone": "i feel so alone and nobody seems to care",
    "Thrilled": "i am so thrilled to finally see my best friend after two whole years",
    "Furious": "i feel furious that they cancelled the trip without even telling us",
    "Nervous": "i feel nervous and a little scared about the interview tomorrow",
}
# The Compare page's starting lines (several inputs side by side).
COMPARE_REVIEWS = (
    "The acting was wonderful but the plot was dull.",
    "A warm, funny and beautifully shot film.",
    "Two hours of my life I will never get back.",
)


def examples_for(model_id: str) -> dict[str, str]:
    """Named example texts for the model (the Explain page's buttons)."""
    return FEELINGS if model_id == EMOTION_MODEL_ID else REVIEWS


def compare_lines(model_id: str) -> str:
    """The Compare page's starting texts, one per line, for the model."""
    lines = tuple(FEELINGS.values())[:3] if model_id == EMOTION_MODEL_ID else COMPARE_REVIEWS
    return "\n".join(lines)
