"""The corpus engine: explain every row of a large file into a resumable Parquet result folder (local or on Ray)."""

from textlens.corpus.data_folder import DataEntry, data_folder_entries, resolve_entry
from textlens.corpus.job import CORPUS_ENGINES, CorpusInterrupted, CorpusSummary, run_corpus
from textlens.corpus.reader import ROW_ID, count_rows, input_format, read_chunks, reading_notice, text_column_of
from textlens.corpus.result import (
    MANIFEST,
    CorpusResult,
    CorpusResultError,
    base_value_column,
    explanations,
    read_manifest,
    read_result,
)
from textlens.corpus.rows import RowSettings
from textlens.corpus.stored import StoredRun, read_stored, result_hash, stored_explanations

__all__ = [
    "DataEntry",
    "StoredRun",
    "data_folder_entries",
    "read_stored",
    "resolve_entry",
    "result_hash",
    "stored_explanations",
    "CORPUS_ENGINES",
    "MANIFEST",
    "ROW_ID",
    "CorpusInterrupted",
    "CorpusResult",
    "CorpusResultError",
    "CorpusSummary",
    "RowSettings",
    "base_value_column",
    "count_rows",
    "explanations",
    "input_format",
    "read_chunks",
    "reading_notice",
    "read_manifest",
    "read_result",
    "run_corpus",
    "text_column_of",
]
