"""Slices of a labelled set (metadata values, text length, a keyword or pattern) and the metrics of each."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import pandas as pd
import regex

from textlens.dataset.labels import NO_LABEL
from textlens.dataset.metrics import compute_metrics
from textlens.errors import TextlensError

# Word-count buckets: short sentences to long reviews.
LENGTH_EDGES = (0, 5, 10, 20, 40, 80, 160)
# A metadata column with more values than this shows the most frequent ones and "(other)".
MAX_SLICE_VALUES = 20
# Slices with fewer labelled rows than this are listed after the others: their accuracy is noise.
MIN_SLICE_ROWS = 10
# A pattern must search every text within this many seconds in all (a catastrophic regex must not hang).
PATTERN_SECONDS = 5.0
OTHER, EMPTY_VALUE = "(other)", "(empty)"


class PatternError(TextlensError, ValueError):
    """A keyword or regular expression that cannot be used to slice."""


@dataclass(frozen=True, eq=False)
class Slice:
    """A named subset of the rows: ``group`` is what it slices by (a column, "length", "pattern")."""

    group: str
    value: str
    mask: np.ndarray


@dataclass(frozen=True)
class SliceMetrics:
    """How the model did on one slice, next to the whole set."""

    group: str
    value: str
    rows: int
    labelled: int  # rows with a matched label and a prediction
    accuracy: float  # NaN without labelled rows
    macro_f1: float
    errors: int
    mean_confidence: float
    accuracy_delta: float  # slice accuracy minus the whole set's

    @property
    def small(self) -> bool:
        """Too few labelled rows for its accuracy to mean much."""
        return self.labelled < MIN_SLICE_ROWS

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON types (NaN as None)."""
        return {k: (None if isinstance(v, float) and np.isnan(v) else v) for k, v in asdict(self).items()}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SliceMetrics:
        """Inverse of :meth:`to_dict`."""
        return cls(**{k: (float("nan") if v is None else v) for k, v in data.items()})


def word_counts(texts: Sequence[object]) -> np.ndarray:
    """Words (whitespace-separated) per text; 0 for cells that are not text."""
    return np.array([len(t.split()) if isinstance(t, str) else 0 for t in texts], dtype=np.int64)


def length_slices(texts: Sequence[object]) -> list[Slice]:
    """One slice per non-empty word-count bucket (e.g. ``6–10 words``), shortest first."""
    counts = word_counts(texts)
    out = []
    for low, high in zip(LENGTH_EDGES, (*LENGTH_EDGES[1:], None)):
        mask = (counts > low) & (counts <= high) if high is not None else counts > low
        if low == 0:
            mask |= counts == 0
        if mask.any():
            name = f"{low + 1}–{high} words" if high is not None else f"over {low} words"
            out.append(Slice("length", name, mask))
    return out


def metadata_slices(values: Sequence[object], column: str, max_values: int = MAX_SLICE_VALUES) -> list[Slice]:
    """One slice per value of a metadata column, most frequent first; rarer values pooled as "(other)"."""
    cells = pd.Series(values, dtype=object).map(_value_name)
    counts = cells.value_counts()
    kept = list(counts.index[:max_values])
    out = [Slice(column, str(v), (cells == v).to_numpy()) for v in kept]
    if len(counts) > max_values:
        out.append(Slice(column, OTHER, (~cells.isin(kept)).to_numpy()))
    return out


def _value_name(value: object) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return EMPTY_VALUE
    text = str(value).strip()
    return text or EMPTY_VALUE


def slice_columns(frame: pd.DataFrame, exclude: Sequence[str], max_values: int = MAX_SLICE_VALUES) -> list[str]:
    """The columns worth slicing by by default: besides ``exclude``, those with at most ``max_values`` values."""
    return [c for c in frame.columns if c not in exclude and frame[c].astype(str).nunique() <= max_values]


def set_slices(
    frame: pd.DataFrame,
    text_column: str,
    meta_columns: Sequence[str],
    pattern: str = "",
    *,
    is_regex: bool = False,
    case: bool = False,
) -> list[Slice]:
    """Every slice of a set: the pattern's (first, when one is given), each metadata column's values, lengths.

    Raises :class:`PatternError` for a pattern that cannot be used.
    """
    texts = frame[text_column].tolist()
    out = [pattern_slice(texts, pattern, is_regex=is_regex, case=case)] if pattern.strip() else []
    out += [s for column in meta_columns for s in metadata_slices(frame[column].tolist(), column)]
    return out + length_slices(texts)


def pattern_slice(texts: Sequence[object], pattern: str, *, is_regex: bool = False, case: bool = False) -> Slice:
    """Rows whose text contains ``pattern``: a keyword as a whole word (``not`` is not ``nothing``) or a regex.

    Raises :class:`PatternError` for an empty or invalid pattern, or one too slow to search every text.
    """
    if not pattern or not pattern.strip():
        raise PatternError("Type a keyword or a regular expression to slice by.")
    source = pattern if is_regex else r"(?<!\w)" + regex.escape(pattern.strip()) + r"(?!\w)"
    try:
        compiled = regex.compile(source, 0 if case else regex.IGNORECASE)
    except regex.error as exc:
        raise PatternError(f"Not a valid regular expression: {exc}.") from exc
    deadline = time.perf_counter() + PATTERN_SECONDS
    mask = np.zeros(len(texts), dtype=bool)
    try:
        for i, text in enumerate(texts):
            if isinstance(text, str):
                mask[i] = compiled.search(text, timeout=max(0.001, deadline - time.perf_counter())) is not None
    except TimeoutError as exc:
        raise PatternError(
            f"The pattern took over {PATTERN_SECONDS:.0f} s to search the texts (it backtracks too much); "
            "simplify it, e.g. avoid nested repeats like (a+)+."
        ) from exc
    kind = "regex" if is_regex else "keyword"
    return Slice("pattern", f"{kind} {pattern}", mask)


def slice_metrics(
    slices: Sequence[Slice],
    truth: np.ndarray,
    predicted: np.ndarray,
    confidence: np.ndarray,
    labels: Sequence[str],
) -> list[SliceMetrics]:
    """Metrics of every slice, worst first: lowest accuracy (slices with too few labelled rows last).

    Without labels, slices are ordered by lowest mean confidence instead.
    """
    whole = compute_metrics(truth, predicted, confidence, labels)
    whole_accuracy = whole.accuracy if whole else float("nan")
    out = []
    for s in slices:
        m = compute_metrics(truth[s.mask], predicted[s.mask], confidence[s.mask], labels)
        conf = confidence[s.mask & (predicted != NO_LABEL)]
        out.append(
            SliceMetrics(
                group=s.group,
                value=s.value,
                rows=int(s.mask.sum()),
                labelled=m.rows if m else 0,
                accuracy=m.accuracy if m else float("nan"),
                macro_f1=m.macro_f1 if m else float("nan"),
                errors=m.errors if m else 0,
                mean_confidence=float(conf.mean()) if len(conf) else float("nan"),
                accuracy_delta=(m.accuracy - whole_accuracy) if m else float("nan"),
            )
        )

    def order(m: SliceMetrics) -> tuple:
        key = m.accuracy if whole else m.mean_confidence
        return (m.small if whole else False, np.isnan(key), key if not np.isnan(key) else 0.0, -m.rows)

    return sorted(out, key=order)
