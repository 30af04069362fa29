"""The server's data folder (``TEXTLENS_DATA_DIR``): the labelled files and corpus result folders inside it."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from textlens.corpus.result import MANIFEST
from textlens.dataset.load import inside
from textlens.dataset.reader import SUFFIXES
from textlens.errors import InputFileError

# Folders below the data folder looked into; deeper files are not listed.
DATA_DIR_DEPTH = 3


@dataclass(frozen=True)
class DataEntry:
    """A readable thing in the server's data folder: a labelled file or a corpus result folder."""

    path: str  # relative to the data folder, "/"-separated
    kind: str  # "file" or "result"

    @property
    def label(self) -> str:
        """How the picker shows it."""
        return f"{self.path}/ (corpus result)" if self.kind == "result" else self.path


def data_folder_entries(root: str | os.PathLike) -> list[DataEntry]:
    """Labelled files and corpus result folders inside ``root`` (hidden names and links leading out skipped)."""
    base = Path(root).resolve()
    if not base.is_dir():
        return []
    out: list[DataEntry] = []
    for folder, dirs, files in os.walk(base):
        here = Path(folder)
        depth = len(here.relative_to(base).parts)
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and depth < DATA_DIR_DEPTH)
        if MANIFEST in files and here != base:
            out.append(DataEntry(here.relative_to(base).as_posix(), "result"))
            dirs[:] = []  # a result's own files are read through it
            continue
        for name in sorted(files):
            path = here / name
            if name.startswith(".") or path.suffix.lower() not in SUFFIXES:
                continue
            if inside(path, base):
                out.append(DataEntry(path.relative_to(base).as_posix(), "file"))
    return out


def resolve_entry(root: str | os.PathLike, entry: DataEntry) -> Path:
    """The absolute path of ``entry``, checked to lie inside ``root`` (a listed entry always does)."""
    base = Path(root).resolve()
    path = (base / entry.path).resolve()
    if not inside(path, base):
        raise InputFileError(f"{entry.path} is outside the data folder.")
    return path
