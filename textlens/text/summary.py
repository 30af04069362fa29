"""Plain-language summaries of explanations and the numbers shown next to them."""

from __future__ import annotations

from textlens.text.words import is_wordlike
from textlens.types import Explanation

# Values smaller than this print as "≈0": 2.3e-06 is noise, and scientific notation reads as a big number.
PRINTS_AS_ZERO = 1e-4


def signed(value: float, digits: int = 2) -> str:
    """``+0.31`` / ``-0.08``, with enough digits that a small value does not print as zero; noise is ``≈0``."""
    text = f"{value:+.{digits}f}"
    if float(text) == 0 and value != 0:
        text = "≈0" if abs(value) < PRINTS_AS_ZERO else f"{value:+.2g}"
    return text


# Values below this share of the largest |value| are negligible: not listed as "for" or "against"
# (an unsettled group's even shares of -0.001 are not ten reasons against), and left uncoloured.
NEGLIGIBLE_SHARE = 0.02


def top_words(
    explanation: Explanation, target: str | int | None, k: int, *, words_only: bool = False
) -> tuple[list, list]:
    """The ``k`` words pushing most toward ``target`` and the ``k`` pushing most against it.

    ``words_only`` leaves out punctuation and symbols (for prose summaries); values below
    :data:`NEGLIGIBLE_SHARE` of the largest |value| are left out. Words of a phrase not split further
    are left out too: their values are even shares of the phrase's, not their own.
    """
    shared = {n for n, w in enumerate(getattr(explanation, "words", ())) if not getattr(w, "resolved", True)}
    words = [
        w for w in explanation.for_label(target) if w.index not in shared and (not words_only or is_wordlike(w.word))
    ]
    floor = NEGLIGIBLE_SHARE * max((abs(w.value) for w in words), default=0.0)
    toward = sorted((w for w in words if w.value > floor), key=lambda w: -w.value)[:k]
    against = sorted((w for w in words if w.value < -floor), key=lambda w: w.value)[:k]
    return toward, against


UNSETTLED_NOTE_FROM = 0.2  # above this share of unsettled attribution the summary says the words are rough


def _parts(record, i: int) -> tuple[list[tuple[str, float]], str, str]:
    """(shown name, value) of each unit toward label ``i``, the unit's noun, and what "nothing known" means.

    Text records name words in quotes (punctuation left out); table records name inputs with their
    values (``flipper_length_mm = 210``), starting from the background's average.
    """
    if record.kind == "tabular":
        items = [(f.display, f.attribution) for f in record.for_label(i)]
        return items, "input", "with every input at the background's values"
    if record.kind == "image":
        return image_regions(record.values[i]), "region", "with the image fully blurred"
    words = zip(record.for_label(i), record.words)
    items = [(f'"{w.word}"', w.value) for w, span in words if span.resolved and is_wordlike(w.word)]
    # A phrase not split further is named as a phrase with its own value: its words' even shares are not theirs.
    items += [(phrase_name(record.text, u), u.values[i]) for u in record.units if not u.resolved]
    return items, "word", "with every word hidden"


REGION_NAMES = (
    ("the top left", "the top", "the top right"),
    ("the left", "the centre", "the right"),
    ("the bottom left", "the bottom", "the bottom right"),
)


def image_regions(values) -> list[tuple[str, float]]:
    """An image's nine regions (a 3×3 grid: "the top left" … "the centre" …) and the sum of their pixels' values.

    A single pixel's value is tiny (an image has tens of thousands); what a reader can weigh is how much
    a part of the picture moved the prediction, and the regions' sums add up to the whole image's.
    """
    import numpy as np

    values = np.asarray(values, dtype=np.float64)
    rows = np.array_split(np.arange(values.shape[0]), 3)
    cols = np.array_split(np.arange(values.shape[1]), 3)
    return [(REGION_NAMES[r][c], float(values[np.ix_(rows[r], cols[c])].sum())) for r in range(3) for c in range(3)]


def shorten(phrase: str, width: int = 36) -> str:
    """A phrase on one line, at most about ``width`` characters: its start and end with "…" between."""
    flat = " ".join(phrase.split())
    if len(flat) <= width:
        return flat
    half = (width - 3) // 2
    head, tail = flat[:half], flat[-half:]
    # Cut at word boundaries where there is one, so no word is shown half.
    head = head.rsplit(" ", 1)[0] if " " in head else head
    tail = tail.split(" ", 1)[1] if " " in tail else tail
    return f"{head} … {tail}"


def phrase_name(text: str, unit) -> str:
    """A phrase (a unit of several words) as the summary names it: shortened as the chart shows it, quoted."""
    start, end = unit.spans[0]
    return f'"{shorten(text[start:end])}{" …" if len(unit.spans) > 1 else ""}"'


def _listing(items: list[tuple[str, float]]) -> str:
    parts = [f"{name} ({signed(value)})" for name, value in items]
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def summarize(explanation, target: str | int | None = None, k: int = 2, k_against: int = 1) -> str:
    """One plain-language line for any explanation record: where the model starts, where it ends, and why.

    For the predicted class, e.g. ``POSITIVE 0.97: with every word hidden the model gives POSITIVE 0.50;
    the words add +0.47, mainly from "wonderful" (+0.31) and "loved" (+0.22); against: "slow" (-0.08)``.
    For a class the model rejects, what outweighs what: ``POSITIVE 0.00: "dull" (-0.80) outweighs
    "wonderful" (+0.12); with every word hidden the model gives POSITIVE 0.88``. Table rows read
    ``Gentoo 0.99: with every input at the background's values the model gives Gentoo 0.44; the
    inputs add +0.55, mainly from flipper_length_mm = 230 (+0.31) ...``.
    """
    i = explanation.label_index(target)
    label, score, base = explanation.labels[i], explanation.scores[i], explanation.base_values[i]
    items, noun, nothing = _parts(explanation, i)
    floor = NEGLIGIBLE_SHARE * max((abs(p[1]) for p in items), default=0.0)  # as in top_words
    toward = sorted((p for p in items if p[1] > floor), key=lambda p: -p[1])[:k]
    against = sorted((p for p in items if p[1] < -floor), key=lambda p: p[1])[: k_against if toward else k]
    start = f"{nothing} the model gives {label} {base:.2f}"
    rejected = score < max(explanation.scores) and score < base
    if rejected and against:
        line = f"{label} {score:.2f}: {_listing(against)} "
        line += f"outweigh{'s' if len(against) == 1 else ''} {_listing(toward)}" if toward else "pull it down"
        line += f"; {start}"
    else:
        line = f"{label} {score:.2f}: {start}; the {noun}s add {signed(score - base)}"
        line += f", mainly from {_listing(toward)}" if toward else f", with no {noun} pushing toward it"
        if against:
            line += f"; against: {_listing(against)}"
    unsettled = getattr(explanation, "unsettled", 0.0)
    if not getattr(explanation, "converged", True) and unsettled >= UNSETTLED_NOTE_FROM:
        has_units = bool(getattr(explanation, "units", ()))
        named = "; phrases not split further are named by their start and end" if has_units else ""
        line += (
            f" (rough: {unsettled:.0%} of the attribution is still on groups of words, "
            f"not yet split into single words{named})"
        )
    return line
