"""Reading SST-2 TSV files and undoing their PTB tokenisation so text looks like real reviews."""

from __future__ import annotations

import random
import re
from collections.abc import Sequence
from pathlib import Path

# PTB tokenisation splits clitics and punctuation off words and writes quotes as `` and ''.
_RULES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), repl)
    for pattern, repl in (
        (r"-lrb-\s*", "("),
        (r"\s*-rrb-", ")"),
        (r"``\s*", '"'),
        (r"\s*''", '"'),
        (r"\b(ca|wo|sha)\s+n't\b", r"\1n't"),
        (r"\s+n't\b", "n't"),
        (r"\s+'(s|re|ve|ll|d|m)\b", r"'\1"),
        (r"\s+([.,!?;:%)\]}]|\.\.\.)", r"\1"),
        (r"([(\[{$#])\s+", r"\1"),
        (r"`\s*", "'"),
        (r"\s+--\s+", " -- "),
        (r"\s{2,}", " "),
    )
)


def detokenize_ptb(text: str) -> str:
    """Turn PTB-tokenised text (``it 's``, ``do n't``, ````` ``) back into ordinary written text."""
    out = text.strip()
    for pattern, repl in _RULES:
        out = pattern.sub(repl, out)
    return out.strip()


def read_sst2(path: str | Path, *, detokenize: bool = True) -> tuple[list[str], list[int]]:
    """Read an SST-2 TSV (``sentence<TAB>label`` with a header) into texts and integer labels.

    Quoting is off, as the data's README asks: each line is split on its last tab.
    """
    texts: list[str] = []
    labels: list[int] = []
    with open(path, encoding="utf-8") as handle:
        header = handle.readline()
        if "\t" not in header:
            raise ValueError(f"{path}: expected a 'sentence<TAB>label' header, got {header.strip()!r}")
        for line in handle:
            line = line.rstrip("\n")
            if not line:
                continue
            sentence, label = line.rsplit("\t", 1)
            texts.append(detokenize_ptb(sentence) if detokenize else sentence.strip())
            labels.append(int(label))
    return texts, labels


def as_review(sentences: Sequence[str]) -> str:
    """Sentences joined into one review-like text, each starting with a capital letter."""
    return " ".join(s[:1].upper() + s[1:] for s in sentences)


def long_reviews(sentences: Sequence[str], n: int, rng: random.Random) -> list[str]:
    """``n`` review-length texts (150 to ~400 words) made by joining ``sentences`` in a shuffled order.

    SST-2 has no long texts; these stand in for the reviews analysts paste, each sentence used once.
    """
    pool = list(sentences)
    rng.shuffle(pool)
    reviews: list[str] = []
    current: list[str] = []
    for sentence in pool:
        if len(reviews) == n:
            break
        current.append(sentence)
        words = sum(len(s.split()) for s in current)
        if words >= 150 and (words >= rng.randint(150, 400) or words > 380):
            reviews.append(as_review(current))
            current = []
    return reviews
