"""Streaming input for the corpus engine: CSV/TSV/Parquet/JSON lines in bounded chunks, each row with its row id."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pandas as pd

from textlens.dataset.files import (
    BINARY_PROBE_BYTES,
    DIALECT_SAMPLE_CHARS,
    GUESS_ROWS,
    count_lines,
    file_encoding,
    refuse_binary,
    rows_notice,
    sniff_dialect,
    text_column,
)
from textlens.errors import InputFileError, NoTextColumnError

# Rows per chunk for Parquet and JSON lines, bytes per chunk for CSV/TSV (pyarrow parses blocks):
# both keep memory at a few MB of input whatever the file's size.
CHUNK_ROWS = 10_000
CHUNK_BYTES = 1 << 20
ROW_ID = "row_id"
FORMATS = {
    ".csv": "csv",
    ".tsv": "tsv",
    ".tab": "tsv",
    ".txt": "tsv",
    ".parquet": "parquet",
    ".pq": "parquet",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "jsonl",
}


def input_format(path: str | Path) -> str:
    """``csv``, ``tsv``, ``parquet`` or ``jsonl``: Parquet by its magic bytes, else by the extension."""
    path = Path(path)
    if not path.is_file():
        raise InputFileError(f"No such file: {path}")
    with open(path, "rb") as handle:
        head = handle.read(4)
    if head == b"PAR1":
        return "parquet"
    try:
        return FORMATS[path.suffix.lower()]
    except KeyError:
        known = ", ".join(sorted(FORMATS))
        raise InputFileError(f"{path.name}: unknown kind of file; expected one of {known}.") from None


def read_chunks(
    path: str | Path, *, chunk_rows: int = CHUNK_ROWS, chunk_bytes: int = CHUNK_BYTES
) -> Iterator[pd.DataFrame]:
    """The file's rows as DataFrames of bounded size, in file order, with a ``row_id`` column (0, 1, 2, ...).

    CSV/TSV cells are read as text exactly as written (an empty cell is ``""``); Parquet and JSON
    lines keep their types. The row id is the row's position in the file: the key a resumed run uses.
    """
    path = Path(path)
    fmt = input_format(path)
    start = 0
    for frame in _frames(path, fmt, chunk_rows, chunk_bytes):
        if ROW_ID in frame.columns:
            frame = frame.rename(columns={ROW_ID: f"input_{ROW_ID}"})
        frame.insert(0, ROW_ID, range(start, start + len(frame)))
        frame.index = frame[ROW_ID].to_numpy()
        start += len(frame)
        if len(frame):
            yield frame


def count_rows(path: str | Path, *, chunk_bytes: int = CHUNK_BYTES) -> int:
    """Rows in the file (Parquet from its footer; the text formats by one streaming pass)."""
    path = Path(path)
    fmt = input_format(path)
    if fmt == "parquet":
        import pyarrow.parquet as pq

        return pq.ParquetFile(path).metadata.num_rows
    if fmt == "jsonl":
        with open(path, "rb") as handle:
            return sum(1 for line in handle if line.strip())
    return sum(len(frame) for frame in _frames(path, fmt, CHUNK_ROWS, chunk_bytes))


def reading_notice(path: str | Path, rows: int) -> str | None:
    """A warning when a CSV/TSV file gave ``rows`` rows but has another number of lines (see ``rows_notice``)."""
    path = Path(path)
    if input_format(path) not in ("csv", "tsv"):
        return None
    return rows_notice(path.name, count_lines(lambda: open(path, "rb")), rows)


def columns_of(path: str | Path) -> list[str]:
    """The file's column names (from its first chunk)."""
    for frame in read_chunks(path, chunk_rows=100, chunk_bytes=1 << 16):
        return [str(c) for c in frame.columns if c != ROW_ID]
    raise InputFileError(f"{Path(path).name} has no data rows.")


def text_column_of(path: str | Path, explicit: str | None = None, hint: str = NoTextColumnError.HINT) -> str:
    """The file's text column: ``explicit`` (checked to exist), else guessed from its first rows as the
    Dataset page guesses it (:func:`textlens.dataset.files.text_column`); :class:`NoTextColumnError`
    listing the columns when none holds text.
    """
    path = Path(path)
    head = next(read_chunks(path, chunk_rows=GUESS_ROWS, chunk_bytes=1 << 16), None)
    if head is None:
        raise InputFileError(f"{path.name} has no data rows.")
    head = head.head(GUESS_ROWS)
    columns = [str(c) for c in head.columns if c != ROW_ID]
    return text_column(path.name, columns, lambda name: head[name].tolist(), explicit, hint)


def _frames(path: Path, fmt: str, chunk_rows: int, chunk_bytes: int) -> Iterator[pd.DataFrame]:
    import pyarrow as pa

    try:
        if fmt == "parquet":
            import pyarrow.parquet as pq

            for batch in pq.ParquetFile(path).iter_batches(batch_size=chunk_rows):
                yield batch.to_pandas()
        elif fmt == "jsonl":
            yield from _jsonl_frames(path, chunk_rows)
        else:
            yield from _csv_frames(path, "\t" if fmt == "tsv" else ",", chunk_bytes)
    except (pa.ArrowException, OSError, UnicodeDecodeError) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise InputFileError(f"{path.name} cannot be read as {fmt.upper()}: {first}") from exc


def _csv_frames(path: Path, delimiter: str, chunk_bytes: int) -> Iterator[pd.DataFrame]:
    import pyarrow as pa
    import pyarrow.csv as pacsv

    with open(path, "rb") as handle:
        refuse_binary(handle.read(BINARY_PROBE_BYTES), path.name, "a CSV or TSV file")
    # As the Dataset page reads them: UTF-8 (pyarrow drops a BOM itself), else Windows-1252, else Latin-1,
    # and with the same delimiter and quoting (a TSV's lone quotes are characters, not quoting).
    encoding = file_encoding(lambda: open(path, "rb"))
    with open(path, encoding=encoding, newline="") as handle:
        dialect = sniff_dialect(handle.read(DIALECT_SAMPLE_CHARS), delimiter)
    parse = pacsv.ParseOptions(**dialect.arrow_options(), newlines_in_values=dialect.quoted)
    encoding = "utf8" if encoding == "utf-8-sig" else encoding
    # A first look names the columns, so that every one of them is then read as text, never guessed.
    with pacsv.open_csv(
        path, read_options=pacsv.ReadOptions(block_size=1 << 16, encoding=encoding), parse_options=parse
    ) as probe:
        names = probe.schema.names
    if len(set(names)) != len(names) or any(not n.strip() for n in names):
        raise InputFileError(f"{path.name}: every column needs a unique, non-blank name in the first row.")
    convert = pacsv.ConvertOptions(column_types={n: pa.string() for n in names}, strings_can_be_null=False)
    with pacsv.open_csv(
        path,
        read_options=pacsv.ReadOptions(block_size=chunk_bytes, encoding=encoding),
        parse_options=parse,
        convert_options=convert,
    ) as reader:
        for batch in reader:
            yield batch.to_pandas()


def _jsonl_frames(path: Path, chunk_rows: int) -> Iterator[pd.DataFrame]:
    records: list[dict] = []
    with open(path, encoding="utf-8-sig") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                raise InputFileError(f"{path.name}, line {number:,}: not a JSON object ({exc.msg}).") from exc
            if not isinstance(record, dict):
                raise InputFileError(f"{path.name}, line {number:,}: every line must be a JSON object.")
            records.append(record)
            if len(records) >= chunk_rows:
                yield pd.DataFrame.from_records(records)
                records = []
    if records:
        yield pd.DataFrame.from_records(records)
