"""Labelled sets: reading files, matching labels, predicting every row, metrics and slices."""

from .labels import NO_LABEL, LabelMatch, match_labels
from .load import (
    MAX_ROWS,
    SUFFIXES,
    DataEntry,
    LabelledFile,
    content_hash,
    data_folder_entries,
    read_labelled,
    resolve_entry,
)
from .metrics import CalibrationBin, ClassMetrics, Metrics, calibration_bins, compute_metrics, confusion_matrix
from .predict import (
    RowPredictions,
    predict_rows,
    predicted_index,
    readable,
    results_frame,
    results_parquet,
    score_column,
    truth_index,
)
from .sample import sample_rows, sample_size_for, seconds_per_explanation
from .slices import (
    PatternError,
    Slice,
    SliceMetrics,
    length_slices,
    metadata_slices,
    pattern_slice,
    slice_metrics,
    word_counts,
)
from .stored import StoredRun, read_stored, result_hash, stored_explanations

__all__ = [
    "MAX_ROWS",
    "NO_LABEL",
    "SUFFIXES",
    "CalibrationBin",
    "DataEntry",
    "ClassMetrics",
    "LabelMatch",
    "LabelledFile",
    "Metrics",
    "PatternError",
    "RowPredictions",
    "Slice",
    "SliceMetrics",
    "StoredRun",
    "calibration_bins",
    "compute_metrics",
    "confusion_matrix",
    "content_hash",
    "data_folder_entries",
    "length_slices",
    "match_labels",
    "metadata_slices",
    "pattern_slice",
    "predict_rows",
    "predicted_index",
    "read_labelled",
    "read_stored",
    "resolve_entry",
    "result_hash",
    "readable",
    "results_frame",
    "results_parquet",
    "sample_rows",
    "sample_size_for",
    "seconds_per_explanation",
    "score_column",
    "slice_metrics",
    "stored_explanations",
    "truth_index",
    "word_counts",
]
