"""The corpus engine's input: the one reader's chunks (:mod:`textlens.dataset.reader`), each row with its row id."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pandas as pd

from textlens.dataset.files import GUESS_ROWS, text_column
from textlens.dataset.reader import CHUNK_BYTES, CHUNK_ROWS, FORMATS, open_file
from textlens.errors import InputFileError, NoTextColumnError

ROW_ID = "row_id"
__all__ = ["CHUNK_BYTES", "CHUNK_ROWS", "FORMATS", "ROW_ID"]  # and the functions below


def input_format(path: str | os.PathLike) -> str:
    """``csv``, ``tsv``, ``parquet`` or ``jsonl``, as the reader decides it (``reader.file_format``)."""
    return open_file(path).format


def read_chunks(
    path: str | os.PathLike, *, chunk_rows: int = CHUNK_ROWS, chunk_bytes: int = CHUNK_BYTES
) -> Iterator[pd.DataFrame]:
    """The file's rows as DataFrames of bounded size, in file order, with a ``row_id`` column (0, 1, 2, ...).

    Read by the one reader (:meth:`~textlens.dataset.reader.UserFile.chunks`: CSV/TSV about
    ``chunk_bytes`` at a time, every cell text exactly as written; Parquet and JSON lines
    ``chunk_rows`` rows at a time, types kept). The row id is the row's position in the file: the key
    a resumed run uses. A column of the file named ``row_id`` is kept as ``input_row_id``.
    """
    start = 0
    for frame in open_file(path).chunks(chunk_rows=chunk_rows, chunk_bytes=chunk_bytes):
        if ROW_ID in frame.columns:
            frame = frame.rename(columns={ROW_ID: f"input_{ROW_ID}"})
        frame.insert(0, ROW_ID, range(start, start + len(frame)))
        frame.index = frame[ROW_ID].to_numpy()
        start += len(frame)
        yield frame


def count_rows(path: str | os.PathLike, *, chunk_bytes: int = CHUNK_BYTES) -> int:
    """Rows in the file (Parquet from its footer; the text formats by one streaming pass)."""
    return open_file(path).count_rows(chunk_bytes=chunk_bytes)


def reading_notice(path: str | os.PathLike, rows: int) -> str | None:
    """A warning when a CSV/TSV file gave ``rows`` rows but has another number of lines (see ``rows_notice``)."""
    return open_file(path).reading_notice(rows)


def columns_of(path: str | os.PathLike) -> list[str]:
    """The file's column names (from its first chunk)."""
    for frame in read_chunks(path, chunk_rows=100, chunk_bytes=1 << 16):
        return [str(c) for c in frame.columns if c != ROW_ID]
    raise InputFileError(f"{Path(path).name} has no data rows.")  # pragma: no cover - the reader refuses first


def text_column_of(path: str | os.PathLike, explicit: str | None = None, hint: str = NoTextColumnError.HINT) -> str:
    """The file's text column: ``explicit`` (checked to exist), else guessed from its first rows as the
    Dataset page guesses it (:func:`textlens.dataset.files.text_column`); :class:`NoTextColumnError`
    listing the columns when none holds text.
    """
    head = next(read_chunks(path, chunk_rows=GUESS_ROWS, chunk_bytes=1 << 16)).head(GUESS_ROWS)
    columns = [str(c) for c in head.columns if c != ROW_ID]
    return text_column(Path(path).name, columns, lambda name: head[name].tolist(), explicit, hint)
