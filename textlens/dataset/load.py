"""Reading labelled files (CSV/TSV/Parquet/JSON lines) into a DataFrame, in bounded memory, with clear errors."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from textlens.dataset.files import GUESS_ROWS, label_column_guess, text_column, text_column_guess
from textlens.dataset.reader import CHUNK_ROWS, FORMATS, SCAN_BYTES, SUFFIXES, file_format, open_file
from textlens.errors import NoTextColumnError

# More rows than this are read as a uniform random sample of this many (seeded), so memory stays
# bounded and predicting them all takes minutes, not hours, on a 2-core machine.
MAX_ROWS = 50_000
SAMPLE_SEED = 0
# Internal columns of the sampler; a file's own columns never start with this.
_KEY, _ROW = "\0key", "\0row"
__all__ = [  # CHUNK_ROWS, FORMATS, SUFFIXES and file_format are the reader's, kept importable from here
    "CHUNK_ROWS",
    "FORMATS",
    "MAX_ROWS",
    "SAMPLE_SEED",
    "SUFFIXES",
    "LabelledFile",
    "content_hash",
    "file_format",
    "inside",
    "read_labelled",
]


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

    The file is read by the one reader (:mod:`textlens.dataset.reader`, whose rules every page, command
    and the corpus engine share): CSV and TSV in UTF-8 (with or without BOM) or Windows-1252/Latin-1,
    every cell as text, so a label column mixing ``1`` and ``positive`` keeps both as typed. More than
    ``max_rows`` rows are reduced to a uniform random sample of ``max_rows`` (seeded, file order
    kept), read chunk by chunk so memory stays bounded. Empty, binary and malformed files raise
    :class:`InputFileError` with a message a user can act on.
    """
    opened = open_file(source, name)
    frame, total = _sample(opened.chunks(chunk_rows=CHUNK_ROWS), max_rows)
    warnings = [w for w in (opened.reading_notice(total),) if w]
    notices = [n for n in (opened.encoding_notice,) if n]
    if total > len(frame):
        notices.append(
            f"{opened.name} has {total:,} rows; a random sample of {len(frame):,} (seed {SAMPLE_SEED}, file order "
            "kept) is used so that memory stays bounded and predictions take minutes. The command line's corpus "
            "engine processes every row."
        )
    return LabelledFile(opened.name, frame, opened.format, opened.encoding, total, tuple(notices), tuple(warnings))


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


def inside(path: Path, base: Path) -> bool:
    try:
        path.resolve().relative_to(base)
    except ValueError:
        return False
    return True
