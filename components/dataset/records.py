"""What the Dataset page passes between its sections: the file, the columns picked, the scored rows, the rows
table's view and the word aggregate.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from textlens.corpus import StoredRun
from textlens.dataset import LabelledFile, LabelMatch, Metrics, MultiLabelMetrics
from textlens.text.wordstats import WordContrast, WordStat


@dataclass(frozen=True, eq=False)
class Loaded:
    """What the page looks at: the rows, their content hash, and a corpus result's stored run (if opened)."""

    labelled: LabelledFile
    file_hash: str
    stored: StoredRun | None = None


@dataclass(frozen=True)
class Columns:
    """What the analyst picked: the text column, the optional true-label column and metadata columns."""

    text: str
    label: str | None
    meta: tuple[str, ...]


@dataclass(frozen=True, eq=False)
class Scored:
    """The predicted set: results table, label indices, confidences and the metrics (None without labels)."""

    results: pd.DataFrame
    truth: np.ndarray
    predicted: np.ndarray
    confidence: np.ndarray
    metrics: Metrics | None
    match: LabelMatch | None
    # A multi-label model's metrics (then ``metrics`` is None: one-label numbers would be wrong for it).
    multi_label: MultiLabelMetrics | None = None


@dataclass(frozen=True)
class Shown:
    """What the rows table shows: the rows selected in it, every row in it, and the filters that made it."""

    selected: list[int]
    rows: list[int]
    filters: str


@dataclass(frozen=True, eq=False)
class WordResult:
    """The word aggregate of an explained sample."""

    target: str
    stats: list[WordStat]
    contrast: list[WordContrast]
    rows: int
    errors: int
    estimated: str = ""  # how far one-pass values agree with exact ones, when the values are estimated
    scope: str = ""  # " in slice …" when only a slice's rows are aggregated
