"""The corpus engine: explain every row of a large file into a resumable Parquet result folder (local or on Ray)."""

from textlens.corpus.job import ENGINES, CorpusInterrupted, CorpusSummary, run_corpus
from textlens.corpus.reader import ROW_ID, count_rows, input_format, read_chunks
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

__all__ = [
    "ENGINES",
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
    "read_manifest",
    "read_result",
    "run_corpus",
]
