"""Matching a file's label column to a model's labels: by name (case-insensitive) or as ids in id2label order;
for a multi-label model, a cell may hold several labels separated by ``;``.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

NO_LABEL = -1
SEPARATOR = ";"  # between a multi-label file's labels in one cell: "anger;fear"
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
    none: int = 0  # multi-label files: rows whose empty cell was read as "none of the labels"
    unmatched_rows: int | None = None  # multi-label files: rows with a label that matched nothing (None: one a row)

    def message(self) -> str | None:
        """A sentence about values that did not match and empty cells, or None when every row matched."""
        parts = []
        if self.unmatched:
            shown = sorted(self.unmatched.items(), key=lambda kv: -kv[1])
            listed = ", ".join(f"{value!r} ({n:,} row{'s' if n != 1 else ''})" for value, n in shown[:8])
            more = f" and {len(shown) - 8} more values" if len(shown) > 8 else ""
            rows = sum(self.unmatched.values()) if self.unmatched_rows is None else self.unmatched_rows
            parts.append(
                f"{rows:,} {'rows have labels that are' if rows != 1 else 'row has a label that is'} not the model's "
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

    def none_note(self) -> str | None:
        """For a multi-label file: how many empty label cells were read as none of the labels, or None."""
        if not self.none:
            return None
        return f"{self.none:,} row{'s' if self.none != 1 else ''} with an empty label cell read as none of the labels."

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON types."""
        return {
            "labels": list(self.labels),
            "by_name": self.by_name,
            "by_id": self.by_id,
            "unmatched": self.unmatched,
            "missing": self.missing,
            "matched": self.matched,
            "none": self.none,
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


class _Matcher:
    """One value's label index by name (ignoring case and surrounding spaces), else as an integer id; remembers
    which values matched how and counts those that did not.
    """

    def __init__(self, labels: tuple[str, ...]) -> None:
        self.labels = labels
        self.names: dict[str, int] = {}
        for i, label in enumerate(labels):
            self.names.setdefault(label.strip().casefold(), i)
        self.by_name: dict[str, str] = {}
        self.by_id: dict[str, str] = {}
        self.unmatched: Counter[str] = Counter()
        self.memo: dict[str, int] = {}

    def __call__(self, text: str) -> int:
        if text not in self.memo:
            found = self.names.get(text.casefold(), NO_LABEL)
            if found != NO_LABEL:
                self.by_name[text] = self.labels[found]
            elif _INTEGER.match(text) and 0 <= int(float(text)) < len(self.labels):
                found = int(float(text))
                self.by_id[text] = self.labels[found]
            self.memo[text] = found
        if self.memo[text] == NO_LABEL:
            self.unmatched[text] += 1
        return self.memo[text]

    def result(self, missing: int, matched: int, none: int = 0, unmatched_rows: int | None = None) -> LabelMatch:
        unmatched = dict(self.unmatched)
        return LabelMatch(self.labels, self.by_name, self.by_id, unmatched, missing, matched, none, unmatched_rows)


def match_labels(values: Sequence[object], labels: Sequence[str]) -> tuple[np.ndarray, LabelMatch]:
    """Each value's index into ``labels`` (or :data:`NO_LABEL`), and the :class:`LabelMatch` that explains it.

    A value matches a label by name, ignoring case and surrounding spaces; otherwise an integer
    (``1``, ``"1"``, ``1.0``) matches the label at that index. Columns mixing both work row by row.
    """
    matcher = _Matcher(tuple(labels))
    index = np.full(len(values), NO_LABEL, dtype=np.int64)
    missing = 0
    for row, value in enumerate(values):
        text = _cell_text(value)
        if text is None:
            missing += 1
            continue
        index[row] = matcher(text)
    return index, matcher.result(missing, int((index != NO_LABEL).sum()))


def match_label_sets(
    values: Sequence[object], labels: Sequence[str], separator: str = SEPARATOR
) -> tuple[np.ndarray, LabelMatch]:
    """A multi-label file's label column as rows × labels of 0/1 (a row of :data:`NO_LABEL` where a value matched
    no label), and the :class:`LabelMatch` that explains it.

    A cell holds labels separated by ``separator`` (``"anger;fear"``), each matched as :func:`match_labels`
    matches one value; a row is left out (all :data:`NO_LABEL`) when any of its labels matched nothing. An
    empty cell is read as none of the labels (counted in :attr:`LabelMatch.none` and said in its note).
    """
    matcher = _Matcher(tuple(labels))
    out = np.zeros((len(values), len(matcher.labels)), dtype=np.int64)
    none = 0
    for row, value in enumerate(values):
        text = _cell_text(value)
        parts = [p.strip() for p in text.split(separator)] if text is not None else []
        parts = [p for p in parts if p]
        if not parts:
            none += 1
            continue
        found = [matcher(p) for p in parts]
        if NO_LABEL in found:
            out[row] = NO_LABEL
        else:
            out[row, found] = 1
    left_out = int((out == NO_LABEL).all(axis=1).sum()) if len(matcher.labels) else 0
    return out, matcher.result(0, len(values) - left_out - none, none, left_out)


def true_label(value: object, labels: Sequence[str]) -> str | None:
    """The model label one value matches as :func:`match_labels` matches it (by name, else as an id), or None."""
    index, _ = match_labels([value], labels)
    return labels[index[0]] if index[0] != NO_LABEL else None


def label_shown(value: object, labels: Sequence[str]) -> tuple[str | None, str]:
    """One true label for people: (the model label it matches or None, ``"1 → POSITIVE"`` or the value as written)."""
    written = _cell_text(value) or ""
    matched = true_label(value, labels)
    return matched, written if matched in (None, written) else f"{written} → {matched}"
