"""Reading uploaded CSV/TSV/TXT files into texts, with messages a user can act on for every bad file."""

from __future__ import annotations

import codecs
import csv
import datetime
import io
import numbers
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import BinaryIO

import numpy as np
import pandas as pd

from textlens.errors import InputFileError, NoTextColumnError

MAX_INPUTS = 50


@dataclass(frozen=True)
class Table:
    """Rows of strings under unique column names, and how the file was read."""

    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    encoding: str
    warnings: tuple[str, ...] = field(default=())  # e.g. rows that span several lines (see rows_notice)

    def column(self, name: str) -> list[str]:
        """The cells of one column, in row order."""
        try:
            i = self.columns.index(name)
        except ValueError as exc:
            raise InputFileError(f"No column named {name!r}; the file has: {', '.join(self.columns)}.") from exc
        return [row[i] for row in self.rows]


BINARY_PROBE_BYTES = 8192  # a text file has no NUL byte in its first 8 kB; nearly every binary format has one


def refuse_binary(head: bytes, subject: str, expected: str) -> None:
    """Raise :class:`InputFileError` ("``subject`` looks binary ..., not ``expected``") when the
    first :data:`BINARY_PROBE_BYTES` of a file hold a NUL byte.
    """
    if b"\x00" in head[:BINARY_PROBE_BYTES]:
        raise InputFileError(f"{subject} looks binary (it has NUL bytes), not {expected}.")


def file_encoding(opener: Callable[[], BinaryIO], scan_bytes: int = 1 << 20) -> str:
    """A file's encoding, read in ``scan_bytes`` pieces from ``opener()``: UTF-8 (BOM or not,
    ``utf-8-sig``) when every byte decodes as such, else Windows-1252, else Latin-1 (which always works).
    """
    for encoding in ("utf-8-sig", "cp1252"):
        decoder = codecs.getincrementaldecoder(encoding)()
        try:
            with opener() as handle:
                while chunk := handle.read(scan_bytes):
                    decoder.decode(chunk)
                decoder.decode(b"", final=True)
            return encoding
        except UnicodeDecodeError:
            continue
    return "latin-1"


def decode(data: bytes) -> tuple[str, str]:
    """Text of ``data`` and the encoding used: UTF-8 (with or without BOM), else Windows-1252/Latin-1."""
    refuse_binary(data, "This file", "a CSV, TSV or text file")
    for encoding in ("utf-8-sig", "cp1252", "latin-1"):
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    raise InputFileError("This file is not text in any encoding textlens knows.")  # pragma: no cover


def read_table(data: bytes, filename: str) -> Table:
    """Parse an uploaded file: ``.txt`` is one text per line (column ``text``), else CSV/TSV with a header.

    The delimiter and whether quotes are special come from :func:`sniff_dialect`; when fewer rows
    than lines were read, :attr:`Table.warnings` says so (:func:`rows_notice`).
    """
    if not data.strip():
        raise InputFileError(f"{filename} is empty.")
    text, encoding = decode(data)
    if filename.lower().endswith(".txt"):
        lines = [line for line in text.splitlines() if line.strip()]
        return Table(("text",), tuple((line,) for line in lines), encoding)
    dialect = sniff_dialect(text[:DIALECT_SAMPLE_CHARS], "\t" if filename.lower().endswith(".tsv") else None)
    try:
        records = list(csv.reader(io.StringIO(text, newline=""), strict=True, **dialect.csv_options()))
    except csv.Error as exc:
        raise InputFileError(f"{filename} is not valid CSV: {exc}.") from exc
    records = [r for r in records if any(cell.strip() for cell in r)]
    if not records:
        raise InputFileError(f"{filename} has no rows.")
    header = [cell.strip() for cell in records[0]]
    if any(not name for name in header):
        raise InputFileError(f"{filename}: every column needs a name in the first row (one is blank).")
    duplicates = sorted({name for name in header if header.count(name) > 1})
    if duplicates:
        raise InputFileError(f"{filename}: column names must be unique; repeated: {', '.join(duplicates)}.")
    width = len(header)
    rows = tuple(tuple((r + [""] * width)[:width]) for r in records[1:])
    if not rows:
        raise InputFileError(f"{filename} has a header but no data rows.")
    notice = rows_notice(filename, count_lines(lambda: io.BytesIO(data)), len(rows))
    return Table(tuple(header), rows, encoding, (notice,) if notice else ())


# --- the one place that decides how a delimited file is split, and checks that no line went missing ----

DELIMITERS = (",", ";", "\t", "|")
# Characters of a file looked at to choose its delimiter and whether it is quoted.
DIALECT_SAMPLE_CHARS = 65536
# A whole quoted field of a TSV ("...", inner quotes doubled): on one line, or over several lines but
# holding no tab (a lone quote that "closes" lines later has swallowed tabs on its way).
_TSV_QUOTED_FIELD = re.compile(r'(?:^|\t)"(?:(?:[^"\r\n]|"")*|(?:[^"\t]|"")*)"(?=\t|\r|\n|$)', re.MULTILINE)


@dataclass(frozen=True)
class Dialect:
    """How a delimited text file is split: its delimiter, and whether ``"`` quotes fields or is a character."""

    delimiter: str
    quoted: bool

    def csv_options(self) -> dict:
        """Keyword arguments for Python's ``csv.reader``."""
        return {"delimiter": self.delimiter, "quoting": csv.QUOTE_MINIMAL if self.quoted else csv.QUOTE_NONE}

    def pandas_options(self) -> dict:
        """Keyword arguments for ``pandas.read_csv``."""
        return {"sep": self.delimiter, "quoting": csv.QUOTE_MINIMAL if self.quoted else csv.QUOTE_NONE}

    def arrow_options(self) -> dict:
        """Keyword arguments for ``pyarrow.csv.ParseOptions``."""
        return {"delimiter": self.delimiter, "quote_char": '"' if self.quoted else False}


def sniff_dialect(sample: str, delimiter: str | None = None) -> Dialect:
    """The delimiter (``delimiter``, else the commonest of , ; tab | in the first line) and the quoting.

    A comma- or semicolon-separated file is quoted (the convention, needed for delimiters inside
    texts). A tab-separated file is read with ``"`` as an ordinary character unless one of its fields
    in ``sample`` is a whole quoted field (``"..."``, inner quotes doubled, as pandas and
    spreadsheets write them; over several lines only without a tab inside): a lone quote in a
    review must not swallow the lines after it.
    """
    first = sample.split("\n", 1)[0]
    if delimiter is None:
        delimiter = max(DELIMITERS, key=first.count) if any(d in first for d in DELIMITERS) else ","
    if delimiter != "\t":
        return Dialect(delimiter, True)
    return Dialect(delimiter, _TSV_QUOTED_FIELD.search(sample) is not None)


def count_lines(opener: Callable[[], BinaryIO], scan_bytes: int = 1 << 20) -> int:
    """Non-blank lines of a text file (LF, CRLF or a lone CR ends one), read in ``scan_bytes`` pieces."""
    count, open_line = 0, False  # open_line: the line being read has something besides white space
    with opener() as handle:
        while chunk := handle.read(scan_bytes):
            parts = chunk.replace(b"\r", b"\n").split(b"\n")
            for part in parts[:-1]:
                count += open_line or bool(part.strip())
                open_line = False
            open_line = open_line or bool(parts[-1].strip())
    return count + open_line


def rows_notice(name: str, lines: int, rows: int, header_lines: int = 1) -> str | None:
    """A warning when ``rows`` rows were read from a file of ``lines`` non-blank lines (header included), else None."""
    expected = lines - header_lines
    if rows == expected:
        return None
    if rows < expected:
        why = (
            "some rows span several lines: a quote character opens a text and closes it on a later line "
            '(a lone " in a text, or quoted text holding line breaks)'
        )
    else:
        why = "lines and rows do not match one to one"
    return (
        f"{name} has {expected:,} lines after its header, but {rows:,} rows were read: {why}. "
        f"Check the file; every count and metric covers the {rows:,} rows read."
    )


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
