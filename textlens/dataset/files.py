"""Uploaded files as tables of texts (read by :mod:`textlens.dataset.reader`), and which column holds the text."""

from __future__ import annotations

import datetime
import numbers
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from textlens.dataset.reader import LINES, open_file
from textlens.errors import InputFileError, NoTextColumnError

MAX_INPUTS = 50


@dataclass(frozen=True)
class Table:
    """Rows of strings under unique column names, and how the file was read."""

    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    encoding: str | None  # None for Parquet
    warnings: tuple[str, ...] = field(default=())  # e.g. rows that span several lines (see rows_notice)

    def column(self, name: str) -> list[str]:
        """The cells of one column, in row order."""
        try:
            i = self.columns.index(name)
        except ValueError as exc:
            raise InputFileError(f"No column named {name!r}; the file has: {', '.join(self.columns)}.") from exc
        return [row[i] for row in self.rows]


def read_table(data: bytes, filename: str) -> Table:
    """Parse an uploaded file with the one reader (:mod:`textlens.dataset.reader`): ``.txt`` is one text
    per line (column ``text``), else CSV/TSV with a header (or Parquet, JSON lines), every cell as text.

    The reader's rules hold (delimiter and quotes from ``sniff_dialect``, blank or repeated column
    names, ragged rows and unclosed quotes refused); when fewer rows than lines were read,
    :attr:`Table.warnings` says so (``rows_notice``).
    """
    opened = open_file(data, filename, fmt=LINES if filename.lower().endswith(".txt") else None)
    frames = list(opened.chunks())
    frame = frames[0] if len(frames) == 1 else pd.concat(frames, ignore_index=True)
    rows = tuple(tuple(_cell_text(v) for v in row) for row in frame.itertuples(index=False, name=None))
    notice = opened.reading_notice(len(rows))
    return Table(tuple(str(c) for c in frame.columns), rows, opened.encoding, (notice,) if notice else ())


def _cell_text(value: object) -> str:
    """A cell as text: strings as they are, a missing value (Parquet, JSON) as ``""``."""
    if isinstance(value, str):
        return value
    return "" if cell_kind(value) is None else str(value)


# A label column has few distinct values: at most this many, and at most this share of its rows.
LABEL_MAX_DISTINCT = 20
LABEL_MAX_DISTINCT_SHARE = 0.5


# Rows looked at when guessing which column holds the text and which the label.
GUESS_ROWS = 500
# Cells that mean "no value" in exported files; they count as empty, not as text.
MISSING = frozenset({"nan", "none", "null", "na", "n/a", "-", "--", "?"})
BOOLEANS = frozenset({"true", "false", "yes", "no", "t", "f", "y", "n"})
_NUMBER = re.compile(r"[+-]?[$€£¥]?\s?(?:\d{1,3}(?:[,_ ]\d{3})+|\d+)?(?:[.,]\d+)?(?:[eE][+-]?\d+)?\s?%?")
_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?"
_TIME = r"\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?\s?(?:am|pm)?(?:\s?(?:z|utc|[+-]\d{2}:?\d{2}))?"
_DATE = re.compile(
    rf"(?:\d{{4}}[-/.]\d{{1,2}}[-/.]\d{{1,2}}|\d{{1,2}}[-/.]\d{{1,2}}[-/.]\d{{2,4}}"
    rf"|(?:\d{{1,2}}\s+)?{_MONTH}(?:\s+\d{{1,2}}(?:st|nd|rd|th)?,?)?\s+\d{{4}})(?:[t\s]+{_TIME})?|{_TIME}",
    re.IGNORECASE,
)
# What a column holds, by the commonest kind of its non-empty cells (see column_kind).
KIND_NAMES = {"number": "numbers", "boolean": "booleans", "date": "dates", "other": "other values"}


def cell_kind(value: object) -> str | None:
    """``text``, ``number``, ``boolean``, ``date`` or ``other`` (lists, objects); None for an empty cell.

    Typed cells (Parquet, JSON lines) go by their type; a string is a number, boolean or date when it
    is written as one (``0.5``, ``1,234``, ``-3e2``, ``12 %``, ``true``/``no``, ``2024-05-01``,
    ``01/05/2024 10:30``, ``May 1, 2024``), empty when blank or a missing-value marker (``NaN``, ``null``,
    ``N/A``), else text.
    """
    if value is None:
        return None
    if isinstance(value, str):
        cell = value.strip()
        folded = cell.casefold()
        if not cell or folded in MISSING:
            return None
        if folded in BOOLEANS:
            return "boolean"
        if folded.lstrip("+-") in ("inf", "infinity") or (any(c.isdigit() for c in cell) and _NUMBER.fullmatch(cell)):
            return "number"
        if _DATE.fullmatch(cell):
            return "date"
        return "text"
    if isinstance(value, (bool, np.bool_)):
        return "boolean"
    if isinstance(value, (numbers.Number, np.number)):
        return None if value != value else "number"  # NaN is a missing value  # noqa: PLR0124
    if isinstance(value, (datetime.date, datetime.time, np.datetime64)):
        return None if pd.isna(value) else "date"
    if isinstance(value, bytes):
        return "other"
    try:
        if pd.isna(value):  # pandas' NA and NaT
            return None
    except (TypeError, ValueError):  # a list or an array: not one value
        pass
    return "other"


def column_kind(values: Sequence[object]) -> str:
    """What a column holds: ``text`` (see :func:`holds_text`), else its commonest kind of non-empty cell,
    in words (``numbers``, ``booleans``, ``dates``, ``other values``), or ``empty``.
    """
    kinds = Counter(kind for kind in map(cell_kind, values) if kind is not None)
    total = sum(kinds.values())
    if not total:
        return "empty"
    if kinds["text"] * 2 > total:
        return "text"
    del kinds["text"]
    return KIND_NAMES[kinds.most_common(1)[0][0]]


def holds_text(values: Sequence[object]) -> bool:
    """Whether a column holds text: more than half of its non-empty cells are strings that are not
    numbers, booleans or dates (:func:`cell_kind`). A column of ``0.5``, ``true`` or ``2024-05-01``
    never does, whatever its name; neither does an empty one.
    """
    return column_kind(values) == "text"


def text_column_guess(columns: Sequence[str], cells: Callable[[str], Sequence[object]]) -> str | None:
    """The column that most looks like free text, or None when no column holds text (:func:`holds_text`).

    Among the columns that hold text, the longest mean length wins, weighted by how many cells have
    a space: an id column (``R001``) is short, a review is long. ``cells(name)`` returns a column's
    values (callers pass the first :data:`GUESS_ROWS` rows).
    """
    best, best_length = None, 0.0
    for name in columns:
        column = list(cells(name))
        if not holds_text(column):
            continue
        values = [v for v in column if cell_kind(v) == "text"]
        length = sum(len(v) for v in values) / len(values)
        wordy = sum(1 for v in values if " " in v.strip()) / len(values)
        score = length * (0.5 + wordy)  # free text has spaces; long codes or hashes do not
        if score > best_length:
            best, best_length = name, score
    return best


def check_column(column: str | None, columns: Sequence[str], what: str, name: str) -> None:
    """Raise :class:`InputFileError` naming the file's columns when ``column`` (if given) is not one of them."""
    if column is not None and column not in columns:
        raise InputFileError(f"{name} has no column {column!r} ({what}); its columns are: {', '.join(columns)}.")


def text_column(
    name: str,
    columns: Sequence[str],
    cells: Callable[[str], Sequence[object]],
    explicit: str | None = None,
    hint: str = NoTextColumnError.HINT,
) -> str:
    """The text column of the file ``name``: ``explicit`` when given (honoured even if it holds numbers:
    the user asked for it; an unknown name is an :class:`InputFileError`), else :func:`text_column_guess`.

    Every reader, page and command resolves the text column here. When no column holds text, nothing
    is guessed: :class:`NoTextColumnError` lists the columns, what each holds, and ``hint`` (how to choose).
    """
    if explicit is not None:
        check_column(explicit, columns, "the text column", name)
        return explicit
    guess = text_column_guess(columns, cells)
    if guess is None:
        raise NoTextColumnError(name, {c: column_kind(cells(c)) for c in columns}, hint)
    return guess


def label_column_guess(
    columns: Sequence[str], cells: Callable[[str], Sequence[object]], labels: Sequence[str], exclude: str | None = None
) -> str | None:
    """A column of few distinct values that match the model's labels (by name, case-folded, or as ids).

    The column whose values match best wins; None when no column matches at least half of its rows.
    """
    names = {label.casefold() for label in labels}
    ids = {str(i) for i in range(len(labels))}
    best, best_share = None, 0.5
    for name in columns:
        if name == exclude:
            continue
        values = [str(v).strip() for v in cells(name) if v is not None and str(v).strip()]
        distinct = {v.casefold() for v in values}
        allowed = min(LABEL_MAX_DISTINCT, max(len(labels), LABEL_MAX_DISTINCT_SHARE * len(values)))
        if not values or len(distinct) > allowed:
            continue
        share = max(
            sum(1 for v in values if v.casefold() in names) / len(values),
            sum(1 for v in values if v in ids) / len(values),
        )
        if share >= best_share:
            best, best_share = name, share
    return best


def split_lines(text: str) -> list[str]:
    """One input per non-blank line of a text area."""
    return [line.strip() for line in text.splitlines() if line.strip()]


def limit_inputs(texts: list[str], limit: int = MAX_INPUTS) -> tuple[list[str], str | None]:
    """At most ``limit`` texts, and a message when some were left out."""
    if len(texts) <= limit:
        return texts, None
    return texts[:limit], (
        f"{len(texts):,} inputs given; one run compares at most {limit}, so the first {limit} are used."
    )
