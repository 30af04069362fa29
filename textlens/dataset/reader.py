"""The one reader of user files: CSV, TSV, Parquet, JSON lines (or a JSON array) and plain text lines.

Every page, command and the corpus engine open a user's file with :func:`open_file` and read it as
DataFrames of bounded size (:meth:`UserFile.chunks`), so one set of rules holds everywhere:

- **Format**: Parquet by its magic bytes, else by the name's suffix (:data:`FORMATS`; no suffix is
  CSV, an unknown one is refused). ``.txt`` is a delimited file with a header like ``.csv``, unless the
  caller asks for :data:`LINES` (one text per line, column ``text``: the Compare page, ``predict --file``).
- **Encoding** (text formats): UTF-8 with or without BOM, else Windows-1252, else Latin-1
  (:func:`file_encoding`); :attr:`UserFile.encoding_notice` says when it is not UTF-8. A file with a
  NUL byte in its first 8 kB is refused as binary; an empty one as empty.
- **Delimited files**: the delimiter and whether ``"`` quotes come from :func:`sniff_dialect`; the
  first non-blank row is the header (names stripped; a blank or repeated name is refused). A line of
  white space only is not a row. A row with more or fewer cells than the header is refused with its
  line number (nothing padded, nothing cut); a quote that never closes is refused; a quote that joins
  lines into one row is reported: :meth:`UserFile.reading_notice` compares rows read to the file's
  non-blank lines (:func:`rows_notice`). Every cell is text, exactly as written.
- **JSON lines**: every non-blank line is one JSON object (refused otherwise, with its line number);
  a key repeated in one object is refused. A file starting with ``[`` is one JSON array of objects.
  Values keep their JSON types.
- **Parquet**: read in row groups' batches, types kept; repeated column names are refused.
- A file with no data rows is refused. Delimited files are streamed about ``chunk_bytes`` characters
  at a time, the others ``chunk_rows`` rows at a time, so memory stays bounded whatever the file's size.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import os
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import BinaryIO

import pandas as pd

from textlens.errors import InputFileError

# Rows per chunk for Parquet, JSON lines and text lines; characters (about bytes) per chunk for CSV/TSV.
CHUNK_ROWS = 10_000
CHUNK_BYTES = 1 << 20
# Bytes read at a time while scanning a file (encoding check, line count, hashing).
SCAN_BYTES = 1 << 20
FORMATS = {
    ".csv": "csv",
    ".tsv": "tsv",
    ".tab": "tsv",
    ".txt": "csv",
    ".parquet": "parquet",
    ".pq": "parquet",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "jsonl",
}
SUFFIXES = tuple(FORMATS)
LINES = "lines"  # one text per line, no header: a column named "text"
DELIMITED = ("csv", "tsv")
PARQUET_MAGIC = b"PAR1"
BINARY_PROBE_BYTES = 8192  # a text file has no NUL byte in its first 8 kB; nearly every binary format has one
# Characters of a file looked at to choose its delimiter and whether it is quoted.
DIALECT_SAMPLE_CHARS = 65536
EXPECTED = "a CSV, TSV, Parquet or JSON-lines file"

# A review may be long: Python's csv module refuses fields over 128 kB by default.
csv.field_size_limit(max(csv.field_size_limit(), 1 << 30))


@dataclass(frozen=True, eq=False)
class UserFile:
    """A user's file, opened: its name, format (``csv``, ``tsv``, ``parquet``, ``jsonl`` or ``lines``)
    and a way to read its bytes again (each pass reopens it, so a file larger than memory streams).
    """

    name: str
    format: str
    opener: Callable[[], BinaryIO]

    @cached_property
    def encoding(self) -> str | None:
        """The text encoding (:func:`file_encoding`, one scan of the file), None for Parquet."""
        return None if self.format == "parquet" else file_encoding(self.opener)

    @property
    def encoding_notice(self) -> str | None:
        """What to tell the user when a text file was not UTF-8."""
        if self.encoding in (None, "utf-8-sig"):
            return None
        return f"{self.name} is not UTF-8; it was read as {self.encoding}. Check that accents look right."

    def chunks(self, *, chunk_rows: int = CHUNK_ROWS, chunk_bytes: int = CHUNK_BYTES) -> Iterator[pd.DataFrame]:
        """The file's rows as DataFrames, in file order, none empty; :class:`InputFileError` for a bad
        file (raised when the reading reaches the fault) or one with no data rows.
        """
        if self.format == "parquet":
            frames = self._parquet_frames(chunk_rows)
        elif self.format == "jsonl":
            frames = self._json_frames(chunk_rows)
        elif self.format == LINES:
            frames = self._line_frames(chunk_rows)
        else:
            frames = self._delimited_frames(chunk_bytes)
        rows = 0
        for frame in frames:
            if len(frame):
                rows += len(frame)
                yield frame
        if not rows:
            raise InputFileError(self._no_rows())

    def count_rows(self, *, chunk_bytes: int = CHUNK_BYTES) -> int:
        """Rows in the file: Parquet from its footer, the others by one streaming pass (which checks them)."""
        if self.format == "parquet":
            import pyarrow as pa
            import pyarrow.parquet as pq

            try:
                with self.opener() as handle:
                    parquet = pq.ParquetFile(handle)
                    column_names([name.strip() for name in parquet.schema_arrow.names], self.name)
                    rows = parquet.metadata.num_rows
            except (pa.ArrowException, OSError) as exc:
                raise InputFileError(f"{self.name} is not a readable Parquet file: {first_line(exc)}.") from exc
            if not rows:
                raise InputFileError(self._no_rows())
            return rows
        return sum(len(frame) for frame in self.chunks(chunk_bytes=chunk_bytes))

    def reading_notice(self, rows: int) -> str | None:
        """A warning when a CSV/TSV gave ``rows`` rows but has another number of lines (:func:`rows_notice`)."""
        if self.format not in DELIMITED:
            return None
        return rows_notice(self.name, count_lines(self.opener), rows)

    def dialect(self) -> Dialect:
        """How a CSV/TSV is split (:func:`sniff_dialect` on its start)."""
        with self._text() as stream:
            sample = stream.read(DIALECT_SAMPLE_CHARS)
        return sniff_dialect(sample, "\t" if self.format == "tsv" else None)

    def _no_rows(self) -> str:
        if self.format in DELIMITED:
            return f"{self.name} has a header but no data rows."
        if self.format == LINES:
            return f"{self.name} has no texts in it (one text per line is expected)."
        return f"{self.name} has no data rows."

    def _text(self) -> io.TextIOWrapper:
        return io.TextIOWrapper(self.opener(), encoding=self.encoding, newline="")

    def _delimited_frames(self, chunk_bytes: int) -> Iterator[pd.DataFrame]:
        dialect = self.dialect()
        header: list[str] | None = None
        rows: list[list[str]] = []
        size = end = 0
        with self._text() as stream:
            reader = csv.reader(stream, strict=True, **dialect.csv_options())
            try:
                for record in reader:
                    start, end = end + 1, reader.line_num
                    if start == end and is_blank_line(record, dialect):
                        continue
                    if header is None:
                        header = column_names([cell.strip() for cell in record], self.name)
                        continue
                    if len(record) != len(header):
                        raise InputFileError(ragged_message(self.name, start, len(record), len(header), dialect))
                    rows.append(record)
                    size += sum(map(len, record)) + len(record)
                    if size >= chunk_bytes:
                        yield pd.DataFrame(rows, columns=header)
                        rows, size = [], 0
            except csv.Error as exc:
                raise InputFileError(csv_error_message(self.name, exc, end + 1, reader.line_num)) from exc
        if header is None:
            raise InputFileError(f"{self.name} has no column names in its first row.")
        if rows:
            yield pd.DataFrame(rows, columns=header)

    def _json_frames(self, chunk_rows: int) -> Iterator[pd.DataFrame]:
        with self._text() as stream:
            first = stream.read(1)
            while first and first.isspace():
                first = stream.read(1)
        if first == "[":
            yield from self._json_array_frames(chunk_rows)
            return
        records: list[dict] = []
        with self._text() as stream:
            for number, line in enumerate(stream, start=1):
                if not line.strip():
                    continue
                records.append(json_object(line, f"{self.name}, line {number:,}"))
                if len(records) >= chunk_rows:
                    yield records_frame(records, self.name)
                    records = []
        if records:
            yield records_frame(records, self.name)

    def _json_array_frames(self, chunk_rows: int) -> Iterator[pd.DataFrame]:
        """One JSON array of objects: small by nature (an export), parsed at once, yielded in chunks."""
        with self._text() as stream:
            try:
                items = json.load(stream, object_pairs_hook=_unique_keys)
            except json.JSONDecodeError as exc:
                raise InputFileError(f"{self.name} is not valid JSON: {exc}.") from exc
            except _RepeatedKey as exc:
                raise InputFileError(f"{self.name}: {exc.args[0]}") from exc
        if not isinstance(items, list):
            raise InputFileError(f"{self.name}: a JSON file holds one object per line, or one array of objects.")
        for i, item in enumerate(items, start=1):
            if not isinstance(item, dict):
                raise InputFileError(
                    f"{self.name}, item {i:,} of its array: not a JSON object ({json_kind(item)}); "
                    "every record must be an object with named fields."
                )
        for first in range(0, len(items), chunk_rows):
            yield records_frame(items[first : first + chunk_rows], self.name)

    def _parquet_frames(self, chunk_rows: int) -> Iterator[pd.DataFrame]:
        import pyarrow as pa
        import pyarrow.parquet as pq

        try:
            with self.opener() as handle:
                parquet = pq.ParquetFile(handle)
                column_names([name.strip() for name in parquet.schema_arrow.names], self.name)
                for batch in parquet.iter_batches(batch_size=chunk_rows):
                    yield named(batch.to_pandas(), self.name)
        except InputFileError:
            raise
        except (pa.ArrowException, OSError, ValueError) as exc:
            raise InputFileError(f"{self.name} is not a readable Parquet file: {first_line(exc)}.") from exc

    def _line_frames(self, chunk_rows: int) -> Iterator[pd.DataFrame]:
        texts: list[str] = []
        with self._text() as stream:
            for line in stream:
                text = line.rstrip("\r\n")
                if text.strip():
                    texts.append(text)
                    if len(texts) >= chunk_rows:
                        yield pd.DataFrame({"text": texts})
                        texts = []
        if texts:
            yield pd.DataFrame({"text": texts})


def open_file(source: bytes | str | os.PathLike, name: str | None = None, *, fmt: str | None = None) -> UserFile:
    """A user's file (an upload's bytes or a path) opened for reading: refused at once when it is
    missing, unreadable, empty, binary or of an unknown kind. ``name`` is what messages call it (default:
    the path's name, or ``upload``); ``fmt`` overrides the format (:data:`LINES` for one text per line).
    """
    if isinstance(source, bytes):
        name = name or "upload"
        opener: Callable[[], BinaryIO] = lambda: io.BytesIO(source)  # noqa: E731 - reopened per pass
    else:
        path = Path(source)
        name = name or path.name
        if not path.is_file():
            why = "it is a folder" if path.is_dir() else f"No such file: {path}"
            raise InputFileError(f"{name} is not a file that can be read ({why}).")
        opener = lambda: open(path, "rb")  # noqa: E731
    try:
        with opener() as handle:
            head = handle.read(BINARY_PROBE_BYTES)
    except OSError as exc:
        raise InputFileError(f"{name} cannot be read: {exc.strerror or exc}.") from exc
    if not head.strip():
        if fmt == LINES:
            raise InputFileError(f"{name} is empty: it has no texts in it (one text per line is expected).")
        raise InputFileError(f"{name} is empty.")
    fmt = fmt or file_format(name, head)
    if fmt != "parquet":
        refuse_binary(head, name, "a text file (one text per line)" if fmt == LINES else EXPECTED)
    return UserFile(name, fmt, opener)


def file_format(name: str, head: bytes = b"") -> str:
    """``csv``, ``tsv``, ``parquet`` or ``jsonl``: Parquet by its magic bytes, else by the name's suffix
    (none: CSV); :class:`InputFileError` for a suffix textlens does not read.
    """
    if head.startswith(PARQUET_MAGIC):
        return "parquet"
    suffix = Path(name).suffix.lower()
    if not suffix:
        return "csv"
    try:
        return FORMATS[suffix]
    except KeyError:
        known = ", ".join(sorted(FORMATS))
        raise InputFileError(f"{name}: unknown kind of file; expected one of {known}.") from None


# --- the rules, one function each ----------------------------------------------------------------


def refuse_binary(head: bytes, subject: str, expected: str) -> None:
    """Raise :class:`InputFileError` ("``subject`` looks binary ..., not ``expected``") when the
    first :data:`BINARY_PROBE_BYTES` of a file hold a NUL byte.
    """
    if b"\x00" in head[:BINARY_PROBE_BYTES]:
        raise InputFileError(f"{subject} looks binary (it has NUL bytes), not {expected}.")


def file_encoding(opener: Callable[[], BinaryIO], scan_bytes: int = SCAN_BYTES) -> str:
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


DELIMITERS = (",", ";", "\t", "|")
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


def is_blank_line(record: Sequence[str], dialect: Dialect) -> bool:
    """Whether a one-line record is a blank line (nothing but white space), which is not a row: as
    :func:`count_lines` counts lines. ``,,`` is a row of empty cells; a tab-only line of a TSV is blank.
    """
    return all(not cell.strip() for cell in record) and (len(record) <= 1 or dialect.delimiter.isspace())


def column_names(names: list[str], name: str) -> list[str]:
    """``names`` when every one is non-blank and unique, else :class:`InputFileError` saying which."""
    if not names or all(not n for n in names):
        raise InputFileError(f"{name} has no column names in its first row.")
    if any(not n for n in names):
        raise InputFileError(f"{name}: every column needs a name in the first row (one is blank).")
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise InputFileError(f"{name}: column names must be unique; repeated: {', '.join(duplicates)}.")
    return names


def named(frame: pd.DataFrame, name: str) -> pd.DataFrame:
    """``frame`` with its column names stripped and checked (:func:`column_names`)."""
    frame.columns = column_names([str(c).strip() for c in frame.columns], name)
    return frame


def ragged_message(name: str, line: int, cells: int, columns: int, dialect: Dialect) -> str:
    """Why a row with another number of cells than the header is refused."""
    delimiter = "a tab" if dialect.delimiter == "\t" else repr(dialect.delimiter)
    fix = "quote a text that holds the delimiter, or " if dialect.quoted else ""
    return (
        f"{name}, line {line:,}: {cells} cell{'s' * (cells != 1)}, but the header names {columns} columns "
        f"(split at {delimiter}). "
        f"Nothing is padded or cut: {fix}fix the row."
    )


def csv_error_message(name: str, exc: csv.Error, start: int, line: int) -> str:
    """An error of Python's csv parser as a user can act on it."""
    if "end of data" in str(exc):
        return f'{name} is not valid CSV: the quote (") opened on line {start:,} is never closed.'
    return f"{name} is not valid CSV: line {line:,}: {exc}."


class _RepeatedKey(ValueError):
    pass


def _unique_keys(pairs: list[tuple[str, object]]) -> dict:
    keys = [k for k, _ in pairs]
    repeated = sorted({k for k in keys if keys.count(k) > 1})
    if repeated:
        raise _RepeatedKey(f"the key {repeated[0]!r} appears twice in one object; keys must be unique.")
    return dict(pairs)


def json_kind(value: object) -> str:
    """What a JSON value is, in words."""
    if isinstance(value, list):
        return "an array"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, bool):
        return "true or false"
    if value is None:
        return "null"
    return "a number"


def json_object(line: str, where: str) -> dict:
    """``line`` parsed; refused (``where``: file and line) unless one JSON object with unique keys."""
    try:
        record = json.loads(line, object_pairs_hook=_unique_keys)
    except json.JSONDecodeError as exc:
        raise InputFileError(f"{where}: not a JSON object ({exc.msg}).") from exc
    except _RepeatedKey as exc:
        raise InputFileError(f"{where}: {exc.args[0]}") from exc
    if not isinstance(record, dict):
        raise InputFileError(f"{where}: not a JSON object ({json_kind(record)}); every line must be one object.")
    return record


def records_frame(records: list[dict], name: str) -> pd.DataFrame:
    """JSON objects as rows (the union of their keys as columns, checked by :func:`column_names`)."""
    return named(pd.DataFrame.from_records(records), name)


def count_lines(opener: Callable[[], BinaryIO], scan_bytes: int = SCAN_BYTES) -> int:
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


def first_line(exc: BaseException) -> str:
    """The first line of an exception's message, without its full stop."""
    text = str(exc).strip().splitlines()
    return text[0].rstrip(".") if text else type(exc).__name__
