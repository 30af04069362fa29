"""Labelled sets: reading files, matching labels, predicting every row, metrics and slices."""

from textlens.dataset.label_issues import LabelIssues, label_issues
from textlens.dataset.labels import NO_LABEL, LabelMatch, match_labels, true_label
from textlens.dataset.load import (
    MAX_ROWS,
    SUFFIXES,
    LabelledFile,
    content_hash,
    read_labelled,
)
from textlens.dataset.metrics import (
    CalibrationBin,
    ClassMetrics,
    Metrics,
    calibration_bins,
    compute_metrics,
    confusion_matrix,
)
from textlens.dataset.predict import (
    RowPredictions,
    predict_rows,
    predicted_index,
    readable,
    results_frame,
    results_parquet,
    row_cases,
    score_column,
    truth_index,
)
from textlens.dataset.sample import sample_rows, sample_size_for, seconds_per_explanation
from textlens.dataset.slices import (
    PatternError,
    Slice,
    SliceMetrics,
    length_slices,
    metadata_slices,
    pattern_slice,
    slice_metrics,
    word_counts,
)

__all__ = [
    "MAX_ROWS",
    "NO_LABEL",
    "SUFFIXES",
    "CalibrationBin",
    "ClassMetrics",
    "LabelIssues",
    "LabelMatch",
    "LabelledFile",
    "Metrics",
    "PatternError",
    "RowPredictions",
    "Slice",
    "SliceMetrics",
    "calibration_bins",
    "compute_metrics",
    "confusion_matrix",
    "content_hash",
    "label_issues",
    "length_slices",
    "match_labels",
    "metadata_slices",
    "pattern_slice",
    "predict_rows",
    "predicted_index",
    "read_labelled",
    "readable",
    "results_frame",
    "results_parquet",
    "row_cases",
    "sample_rows",
    "sample_size_for",
    "seconds_per_explanation",
    "score_column",
    "slice_metrics",
    "true_label",
    "truth_index",
    "word_counts",
]
