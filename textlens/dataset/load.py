"""Reading labelled files (CSV/TSV/Parquet/JSON lines) into a DataFrame, in bounded memory, with clear errors."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from textlens.dataset.files import (
    BINARY_PROBE_BYTES,
    DIALECT_SAMPLE_CHARS,
    GUESS_ROWS,
    Dialect,
    count_lines,
    file_encoding,
    label_column_guess,
    refuse_binary,
    rows_notice,
    sniff_dialect,
    text_column,
    text_column_guess,
)
from textlens.errors import InputFileError, NoTextColumnError

# More rows than this are read as a uniform random sample of this many (seeded), so memory stays
# bounded and predicting them all takes minutes, not hours, on a 2-core machine.
MAX_ROWS = 50_000
CHUNK_ROWS = 10_000
SAMPLE_SEED = 0
# Bytes read at a time while scanning a file (encoding check, hashing).
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
PARQUET_MAGIC = b"PAR1"
# Internal columns of the sampler; a file's own columns never start with this.
_KEY, _ROW = "\0key", "\0row"


@dataclass(frozen=True, eq=False)
class LabelledFile:
    """A file read into a DataFrame (one row per record, the file's own columns) and how it was read."""

    name: str
    frame: pd.DataFrame
    format: str
    encoding: str | None  # for text formats
    total_rows: int  # rows in the file; ``len(frame)`` is smaller when it was sampled
    notices: tuple[str, ...] = field(default=())  # how it was read (encoding, sampling)
    warnings: tuple[str, ...] = field(default=())  # what may make its numbers wrong (rows spanning lines)

    @property
    def sampled(self) -> bool:
        """Whether only a sample of the file's rows was kept."""
        return self.total_rows > len(self.frame)

    @property
    def columns(self) -> list[str]:
        """The file's column names, in order."""
        return [str(c) for c in self.frame.columns]

    def _cells(self, name: str) -> list[object]:
        """The first :data:`GUESS_ROWS` cells of a column: what the guesses look at."""
        return self.frame[name].head(GUESS_ROWS).tolist()

    def guess_columns(self, labels: tuple[str, ...]) -> tuple[str | None, str | None]:
        """The likeliest text column (longest free text; None when no column holds text, see
        :func:`~textlens.dataset.files.holds_text`) and label column (few values matching ``labels``).
        """
        text = text_column_guess(self.columns, self._cells)
        return text, label_column_guess(self.columns, self._cells, labels, exclude=text)

    def text_column(self, explicit: str | None = None, hint: str = NoTextColumnError.HINT) -> str:
        """``explicit`` (checked to exist), else the guessed text column; :class:`NoTextColumnError`
        (the columns, what each holds, and ``hint``) when no column holds text. See
        :func:`textlens.dataset.files.text_column`.
        """
        return text_column(self.name, self.columns, self._cells, explicit, hint)

    def no_text_column(self, hint: str = NoTextColumnError.HINT) -> NoTextColumnError | None:
        """The refusal :meth:`text_column` raises when no column holds text (to show), else None."""
        try:
            self.text_column(hint=hint)
        except NoTextColumnError as refusal:
            return refusal
        return None


def file_format(name: str, head: bytes = b"") -> str:
    """``csv``, ``tsv``, ``parquet`` or ``jsonl``: from the file's magic bytes, else its extension (default CSV)."""
    if head.startswith(PARQUET_MAGIC):
        return "parquet"
    return FORMATS.get(Path(name).suffix.lower(), "csv")


def content_hash(source: bytes | str | os.PathLike) -> str:
    """SHA-256 of a file's bytes (read in chunks for a path): the cache key of everything computed from it."""
    digest = hashlib.sha256()
    if isinstance(source, bytes):
        digest.update(source)
    else:
        with open(source, "rb") as handle:
            while chunk := handle.read(SCAN_BYTES):
                digest.update(chunk)
    return digest.hexdigest()


def read_labelled(
    source: bytes | str | os.PathLike, name: str | None = None, *, max_rows: int = MAX_ROWS
) -> LabelledFile:
    """Read an uploaded file's bytes, or a file at a path, into a :class:`LabelledFile`.

    CSV and TSV may be UTF-8 (with or without BOM) or Windows-1252/Latin-1; every cell is read as
    text, so a label column mixing ``1`` and ``positive`` keeps both as typed. More than
    ``max_rows`` rows are reduced to a uniform random sample of ``max_rows`` (seeded, file order
    kept), read chunk by chunk so memory stays bounded. Empty, binary and malformed files raise
    :class:`InputFileError` with a message a user can act on.
    """
    if isinstance(source, bytes):
        name = name or "upload"
        opener = lambda: io.BytesIO(source)  # noqa: E731 - reopened per pass
    else:
        path = Path(source)
        name = name or path.name
        if not path.is_file():
            raise InputFileError(f"{name} is not a file that can be read.")
        opener = lambda: open(path, "rb")  # noqa: E731
    try:
        with opener() as handle:
            head = handle.read(BINARY_PROBE_BYTES)
    except OSError as exc:
        raise InputFileError(f"{name} cannot be read: {exc.strerror or exc}.") from exc
    if not head.strip():
        raise InputFileError(f"{name} is empty.")
    fmt = file_format(name, head)
    encoding = None
    warnings = []
    if fmt == "parquet":
        chunks = _parquet_chunks(opener, name)
    else:
        refuse_binary(head, name, "a CSV, TSV, Parquet or JSON-lines file")
        encoding = file_encoding(opener)
        if fmt == "jsonl":
            chunks = _jsonl_chunks(opener, name, encoding)
        else:
            chunks = _csv_chunks(opener, name, encoding, "\t" if fmt == "tsv" else None)
    frame, total = _sample(chunks, max_rows)
    if fmt in ("csv", "tsv") and (warning := rows_notice(name, count_lines(opener, SCAN_BYTES), total)):
        warnings.append(warning)
    frame = _check_columns(frame, name)
    if total == 0:
        raise InputFileError(f"{name} has a header but no data rows.")
    notices = []
    if encoding not in (None, "utf-8-sig"):
        notices.append(f"{name} is not UTF-8; it was read as {encoding}. Check that accents look right.")
    if total > len(frame):
        notices.append(
            f"{name} has {total:,} rows; a random sample of {len(frame):,} (seed {SAMPLE_SEED}, file order kept) "
            f"is used so that memory stays bounded and predictions take minutes. The command line's corpus "
            "engine processes every row."
        )
    return LabelledFile(name, frame, fmt, encoding, total, tuple(notices), tuple(warnings))


def _text_stream(opener, encoding: str) -> io.TextIOWrapper:
    return io.TextIOWrapper(opener(), encoding=encoding, newline="")


def _header(opener, name: str, encoding: str, delimiter: str | None) -> tuple[list[str], Dialect]:
    with _text_stream(opener, encoding) as stream:
        sample = stream.read(DIALECT_SAMPLE_CHARS)
    dialect = sniff_dialect(sample, delimiter)
    try:
        header = next(csv.reader(io.StringIO(sample, newline=""), **dialect.csv_options()))
    except (StopIteration, csv.Error) as exc:
        raise InputFileError(f"{name} has no readable header row.") from exc
    return [cell.strip() for cell in header], dialect


def _csv_chunks(opener, name: str, encoding: str, delimiter: str | None) -> Iterator[pd.DataFrame]:
    header, dialect = _header(opener, name, encoding, delimiter)
    _check_names(header, name)
    try:
        with _text_stream(opener, encoding) as stream:
            reader = pd.read_csv(
                stream,
                **dialect.pandas_options(),
                dtype=str,
                keep_default_na=False,
                na_filter=False,
                chunksize=CHUNK_ROWS,
                skip_blank_lines=True,
            )
            for chunk in reader:
                chunk.columns = header
                yield chunk
    except (pd.errors.ParserError, csv.Error, ValueError) as exc:
        raise InputFileError(f"{name} is not valid CSV: {_first_line(exc)}.") from exc


def _jsonl_chunks(opener, name: str, encoding: str) -> Iterator[pd.DataFrame]:
    with _text_stream(opener, encoding) as stream:
        first = stream.read(1)
        while first and first.isspace():
            first = stream.read(1)
    if first == "[":  # one JSON array of objects: small by nature (an upload), read at once
        with _text_stream(opener, encoding) as stream:
            try:
                records = json.load(stream)
            except json.JSONDecodeError as exc:
                raise InputFileError(f"{name} is not valid JSON: {exc}.") from exc
        yield _records_frame(records, name, 0)
        return
    records: list[dict] = []
    with _text_stream(opener, encoding) as stream:
        for number, line in enumerate(stream, start=1):
            if not line.strip():
                continue
            try:
                records.append(json.loads(line))
            except json.JSONDecodeError as exc:
                raise InputFileError(f"{name}, line {number:,}: not a JSON object ({exc.msg}).") from exc
            if len(records) >= CHUNK_ROWS:
                yield _records_frame(records, name, number)
                records = []
    if records:
        yield _records_frame(records, name, 0)


def _records_frame(records: object, name: str, line: int) -> pd.DataFrame:
    if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
        where = f" (near line {line:,})" if line else ""
        raise InputFileError(f"{name}: every record must be a JSON object with named fields{where}.")
    return pd.DataFrame.from_records(records)


def _parquet_chunks(opener, name: str) -> Iterator[pd.DataFrame]:
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        with opener() as handle:
            parquet = pq.ParquetFile(handle)
            for batch in parquet.iter_batches(batch_size=CHUNK_ROWS):
                yield batch.to_pandas()
    except (pa.ArrowException, OSError, ValueError) as exc:
        raise InputFileError(f"{name} is not a readable Parquet file: {_first_line(exc)}.") from exc


def _sample(chunks: Iterator[pd.DataFrame], max_rows: int) -> tuple[pd.DataFrame, int]:
    """The rows of all chunks, or a uniform random sample of ``max_rows`` of them (file order kept).

    Each row gets a seeded random key and the ``max_rows`` smallest keys are kept: a reservoir that
    never holds more than ``max_rows`` plus one chunk.
    """
    rng = np.random.default_rng(SAMPLE_SEED)
    kept: pd.DataFrame | None = None
    total = 0
    for chunk in chunks:
        chunk = chunk.reset_index(drop=True)
        chunk[_KEY] = rng.random(len(chunk))
        chunk[_ROW] = np.arange(total, total + len(chunk))
        total += len(chunk)
        kept = chunk if kept is None else pd.concat([kept, chunk], ignore_index=True)
        if len(kept) > max_rows:
            kept = kept.nsmallest(max_rows, _KEY)
    if kept is None:
        return pd.DataFrame(), 0
    kept = kept.sort_values(_ROW).drop(columns=[_KEY, _ROW]).reset_index(drop=True)
    return kept, total


def _check_names(names: list[str], name: str) -> None:
    if not names or all(not n for n in names):
        raise InputFileError(f"{name} has no column names in its first row.")
    if any(not n for n in names):
        raise InputFileError(f"{name}: every column needs a name in the first row (one is blank).")
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise InputFileError(f"{name}: column names must be unique; repeated: {', '.join(duplicates)}.")


def _check_columns(frame: pd.DataFrame, name: str) -> pd.DataFrame:
    names = [str(c).strip() for c in frame.columns]
    if not names:
        raise InputFileError(f"{name} has no columns.")
    _check_names(names, name)
    frame.columns = names
    return frame


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0].rstrip(".") if text else type(exc).__name__


def inside(path: Path, base: Path) -> bool:
    try:
        path.resolve().relative_to(base)
    except ValueError:
        return False
    return True
