"""Where the Dataset page's rows come from: an upload, a file in the server's data folder or a corpus result
there; and the columns picked (text, true label, metadata to slice by).
"""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import streamlit as st

from components import widgets as ui
from components.dataset.records import Columns, Loaded
from components.safe_text import escape_md
from components.state import dataset as dataset_state
from textlens import InputFileError, NoTextColumnError
from textlens.corpus import DataEntry, data_folder_entries, resolve_entry, result_hash

KEYS = dataset_state.DatasetKeys
UPLOAD, DATA_FOLDER = "Upload a file", "From the data folder"
NO_LABEL = "(no label column)"
FILE_TYPES = ["csv", "tsv", "txt", "parquet", "pq", "jsonl", "ndjson", "json"]
# A metadata column is offered by default when it has at most this many distinct values (source, language...).
META_MAX_VALUES = 20


def load_ui() -> Loaded | None:
    """The rows to look at: an upload, a file from the server's data folder, or a corpus result folder there."""
    data_dir = os.environ.get(dataset_state.DATA_DIR_ENV, "").strip()
    source = UPLOAD
    if data_dir:
        source = st.radio("Source", [UPLOAD, DATA_FOLDER], horizontal=True, key=KEYS.SOURCE, persist_state="session")
    if source == UPLOAD:
        upload = ui.upload_ui(
            "Labelled file: CSV, TSV, Parquet or JSON lines",
            FILE_TYPES,
            KEYS.UPLOAD,
            KEYS.FILE_DATA,
            KEYS.FORGET_FILE,
            help="One row per text, with a header. A true-label column is optional; any other columns "
            "(source, language, date…) can slice the results.",
        )
        if upload is None:
            note = (
                "" if data_dir else f" Larger files: ask whoever runs the server to set {dataset_state.DATA_DIR_ENV}."
            )
            st.caption(f"Upload a file to start.{note}")
            return None
        file_hash, name, where = upload.digest, upload.name, upload.data
    else:
        entries = data_folder_entries(data_dir)
        if not entries:
            st.info("The data folder has no CSV, TSV, Parquet or JSON-lines files.")
            return None
        entry = st.selectbox("File", entries, format_func=lambda e: e.label, key=KEYS.ENTRY, persist_state="session")
        opened = ui.attempt(open_entry, data_dir, entry)
        if opened is None or isinstance(opened, Loaded):
            return opened
        file_hash, name, where = opened
    with st.spinner(f"Reading {escape_md(name)}…"):
        labelled = ui.attempt(dataset_state.labelled_file, file_hash, name, where)
    if labelled is None:
        return None
    ui.file_notes(labelled.notices, labelled.warnings)
    return Loaded(labelled, file_hash)


def open_entry(data_dir: str, entry: DataEntry) -> Loaded | tuple[str, str, Path]:
    """A data-folder entry: a corpus result opened (its note shown), else a file's (content hash, name, path).

    A file that vanished or cannot be read raises :class:`InputFileError` naming the entry (not its server path)
    and the system's reason.
    """
    try:
        path = resolve_entry(data_dir, entry)
        if entry.kind == "result":
            key = result_hash(path)
            with st.spinner(f"Opening {escape_md(entry.path)}…"):
                stored = dataset_state.stored_run(key, str(path))
            st.info(escape_md(stored.note()))
            ui.file_notes(warnings=stored.labelled.warnings)
            return Loaded(stored.labelled, key, stored)
        stat = path.stat()
        return dataset_state.file_hash(str(path), stat.st_mtime_ns, stat.st_size), entry.path, path
    except OSError as exc:
        # The entry's own name, never the server's path to it: a team server's visitors do not see its folders.
        raise InputFileError(f"{entry.path} cannot be read: {exc.strerror or type(exc).__name__}.") from exc


def label_options(names: list[str], text: str) -> list[str]:
    """The true-label picker's options: no label column, or any column but the text."""
    return [NO_LABEL, *[n for n in names if n != text]]


def few_valued(frame: pd.DataFrame, names: list[str]) -> list[str]:
    """The columns of ``names`` with at most :data:`META_MAX_VALUES` distinct values: metadata offered by default."""
    return [n for n in names if frame[n].astype(str).nunique() <= META_MAX_VALUES]


def columns_ui(loaded: Loaded, labels: tuple[str, ...]) -> Columns | None:
    """Pickers for the text, label and metadata columns, defaulting to the guessed ones; None until a
    text column is chosen, when no column holds text (nothing is guessed then, and the page says why).

    A corpus result's text column is the one it explained (fixed), its label column the default.
    """
    labelled, stored = loaded.labelled, loaded.stored
    if stored:
        text_guess, label_guess = stored.text_column, stored.label_column
    else:
        text_guess, label_guess = labelled.guess_columns(labels)
    names = labelled.columns
    suffix = loaded.file_hash[:12]  # new file, fresh pickers with fresh guesses
    left, middle, right = st.columns([1, 1, 2])
    text = left.selectbox(
        "Text column",
        names,
        index=names.index(text_guess) if text_guess in names else None,
        placeholder="Choose the text column",
        key=KEYS.TEXT_COLUMN + suffix,
        disabled=stored is not None,
        persist_state="session",
    )
    if text is None:  # no column holds text, and none is chosen yet
        st.error(escape_md(str(labelled.no_text_column(NoTextColumnError.BOX_HINT))))
        return None
    options = label_options(names, text)
    label = middle.selectbox(
        "True label column",
        options,
        index=options.index(label_guess) if label_guess in options else 0,
        key=KEYS.LABEL_COLUMN + suffix,
        persist_state="session",
    )
    rest = [n for n in names if n not in (text, label)]
    meta = right.multiselect(
        "Metadata columns to slice by",
        rest,
        default=few_valued(labelled.frame, rest),
        key=KEYS.META_COLUMNS + suffix,
        persist_state="session",
    )
    return Columns(text, None if label == NO_LABEL else label, tuple(meta))
