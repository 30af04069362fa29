"""Matching a file's label column to a model's labels: by name (case-insensitive) or as ids in id2label order."""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

NO_LABEL = -1
_INTEGER = re.compile(r"^[+-]?\d+(\.0*)?$")


@dataclass(frozen=True)
class LabelMatch:
    """How a label column's values map to the model's labels; what did not match is counted, never dropped."""

    labels: tuple[str, ...]
    by_name: dict[str, str] = field(default_factory=dict)  # value as written -> model label
    by_id: dict[str, str] = field(default_factory=dict)  # integer value -> model label (id2label order)
    unmatched: dict[str, int] = field(default_factory=dict)  # value as written -> rows
    missing: int = 0  # rows with no label
    matched: int = 0  # rows whose label matched

    def message(self) -> str | None:
        """A sentence about values that did not match and empty cells, or None when every row matched."""
        parts = []
        if self.unmatched:
            shown = sorted(self.unmatched.items(), key=lambda kv: -kv[1])
            listed = ", ".join(f"{value!r} ({n:,} row{'s' if n != 1 else ''})" for value, n in shown[:8])
            more = f" and {len(shown) - 8} more values" if len(shown) > 8 else ""
            parts.append(
                f"{sum(self.unmatched.values()):,} rows have labels that are not the model's "
                f"({', '.join(self.labels)}) by name or as ids 0–{len(self.labels) - 1}: {listed}{more}"
            )
        if self.missing:
            parts.append(f"{self.missing:,} rows have no label")
        if not parts:
            return None
        return "; ".join(parts) + ". They stay in the table but are left out of the metrics."

    def note(self) -> str | None:
        """How values were matched where it was a guess (integers taken as ids), e.g.
        ``0 → NEGATIVE, 1 → POSITIVE, by the model's label order.``; None when every value matched by name.
        """
        if not self.by_id:
            return None
        ids = sorted(self.by_id.items(), key=lambda kv: (int(float(kv[0])), kv[0]))
        return ", ".join(f"{value} → {label}" for value, label in ids) + ", by the model's label order."

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON types."""
        return {
            "labels": list(self.labels),
            "by_name": self.by_name,
            "by_id": self.by_id,
            "unmatched": self.unmatched,
            "missing": self.missing,
            "matched": self.matched,
        }


def _cell_text(value: object) -> str | None:
    """A label cell as text, or None when it is empty (None, NaN, blank)."""
    if value is None:
        return None
    if isinstance(value, float):
        if math.isnan(value):
            return None
        if value.is_integer():
            return str(int(value))
    if isinstance(value, (bool, np.bool_)):
        return str(value)
    text = str(value).strip()
    return text or None


def match_labels(values: Sequence[object], labels: Sequence[str]) -> tuple[np.ndarray, LabelMatch]:
    """Each value's index into ``labels`` (or :data:`NO_LABEL`), and the :class:`LabelMatch` that explains it.

    A value matches a label by name, ignoring case and surrounding spaces; otherwise an integer
    (``1``, ``"1"``, ``1.0``) matches the label at that index. Columns mixing both work row by row.
    """
    labels = tuple(labels)
    names = {}
    for i, label in enumerate(labels):
        names.setdefault(label.strip().casefold(), i)
    index = np.full(len(values), NO_LABEL, dtype=np.int64)
    by_name: dict[str, str] = {}
    by_id: dict[str, str] = {}
    unmatched: Counter[str] = Counter()
    missing = 0
    memo: dict[str, int] = {}
    for row, value in enumerate(values):
        text = _cell_text(value)
        if text is None:
            missing += 1
            continue
        if text not in memo:
            found = names.get(text.casefold(), NO_LABEL)
            if found != NO_LABEL:
                by_name[text] = labels[found]
            elif _INTEGER.match(text) and 0 <= int(float(text)) < len(labels):
                found = int(float(text))
                by_id[text] = labels[found]
            memo[text] = found
        index[row] = memo[text]
        if memo[text] == NO_LABEL:
            unmatched[text] += 1
    return index, LabelMatch(labels, by_name, by_id, dict(unmatched), missing, int((index != NO_LABEL).sum()))


def true_label(value: object, labels: Sequence[str]) -> str | None:
    """The model label one value matches as :func:`match_labels` matches it (by name, else as an id), or None."""
    index, _ = match_labels([value], labels)
    return labels[index[0]] if index[0] != NO_LABEL else None


def label_shown(value: object, labels: Sequence[str]) -> tuple[str | None, str]:
    """One true label for people: (the model label it matches or None, ``"1 → POSITIVE"`` or the value as written)."""
    written = _cell_text(value) or ""
    matched = true_label(value, labels)
    return matched, written if matched in (None, written) else f"{written} → {matched}"
