"""Classification metrics over a labelled set: accuracy, macro-F1, per-class P/R/F1, confusion, calibration."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any, ClassVar

import numpy as np

CALIBRATION_BINS = 10


@dataclass(frozen=True)
class ClassMetrics:
    """Precision, recall, F1 and support of one class (0 where undefined, as scikit-learn's zero_division=0)."""

    label: str
    precision: float
    recall: float
    f1: float
    support: int


@dataclass(frozen=True)
class CalibrationBin:
    """One bin of the reliability diagram: confidences in [low, high), their mean and the accuracy there."""

    low: float
    high: float
    count: int
    confidence: float  # mean confidence (NaN when empty)
    accuracy: float  # share correct (NaN when empty)


@dataclass(frozen=True)
class Metrics:
    """How a model did on a labelled set (rows with a matched label and a prediction only)."""

    kind: ClassVar[str] = "dataset-metrics"

    labels: tuple[str, ...]
    rows: int
    accuracy: float
    macro_f1: float
    per_class: tuple[ClassMetrics, ...]
    confusion: tuple[tuple[int, ...], ...]  # [true][predicted]
    calibration: tuple[CalibrationBin, ...]
    ece: float  # expected calibration error: bins' |accuracy - confidence| weighted by their share of rows

    @property
    def errors(self) -> int:
        """Rows predicted wrong."""
        return self.rows - sum(self.confusion[i][i] for i in range(len(self.labels)))

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON types (NaN as None) with ``"kind"``."""
        data = asdict(self)
        data["calibration"] = [{k: _none_if_nan(v) for k, v in b.items()} for b in data["calibration"]]
        return {"kind": self.kind, **data}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Metrics:
        """Inverse of :meth:`to_dict`."""
        return cls(
            labels=tuple(data["labels"]),
            rows=data["rows"],
            accuracy=data["accuracy"],
            macro_f1=data["macro_f1"],
            per_class=tuple(ClassMetrics(**c) for c in data["per_class"]),
            confusion=tuple(tuple(r) for r in data["confusion"]),
            calibration=tuple(
                CalibrationBin(**{k: float("nan") if v is None else v for k, v in b.items()})
                for b in data["calibration"]
            ),
            ece=data["ece"],
        )

    def table(self) -> list[dict[str, Any]]:
        """Per-class rows and a macro-average row, for tables and CSV."""
        rows = [asdict(c) for c in self.per_class]
        present = [c for c in self.per_class if c.support > 0 or c.precision > 0]
        if present:
            rows.append(
                {
                    "label": "macro average",
                    "precision": float(np.mean([c.precision for c in present])),
                    "recall": float(np.mean([c.recall for c in present])),
                    "f1": self.macro_f1,
                    "support": self.rows,
                }
            )
        return rows


def _none_if_nan(value: Any) -> Any:
    return None if isinstance(value, float) and np.isnan(value) else value


def confusion_matrix(truth: np.ndarray, predicted: np.ndarray, n_labels: int) -> np.ndarray:
    """Counts ``[true][predicted]`` for label indices in ``0..n_labels-1``."""
    matrix = np.zeros((n_labels, n_labels), dtype=np.int64)
    np.add.at(matrix, (truth, predicted), 1)
    return matrix


def calibration_bins(
    correct: np.ndarray, confidence: np.ndarray, n_bins: int = CALIBRATION_BINS
) -> tuple[tuple[CalibrationBin, ...], float]:
    """Equal-width bins of confidence over [0, 1] (scikit-learn's ``calibration_curve`` binning) and the ECE."""
    edges = np.linspace(0.0, 1.0, n_bins + 1)
    ids = np.searchsorted(edges[1:-1], confidence)
    bins, ece, n = [], 0.0, len(confidence)
    for b in range(n_bins):
        inside = ids == b
        count = int(inside.sum())
        if count:
            conf, acc = float(confidence[inside].mean()), float(correct[inside].mean())
            ece += count / n * abs(acc - conf)
        else:
            conf = acc = float("nan")
        bins.append(CalibrationBin(float(edges[b]), float(edges[b + 1]), count, conf, acc))
    return tuple(bins), float(ece)


def compute_metrics(
    truth: np.ndarray, predicted: np.ndarray, confidence: np.ndarray, labels: Sequence[str]
) -> Metrics | None:
    """Metrics over the rows where both ``truth`` and ``predicted`` are label indices (>= 0); None if none are.

    Macro-F1 averages the classes that occur in the truth or the predictions (scikit-learn's default).
    """
    labels = tuple(labels)
    k = len(labels)
    truth, predicted, confidence = np.asarray(truth), np.asarray(predicted), np.asarray(confidence, dtype=float)
    keep = (truth >= 0) & (predicted >= 0)
    truth, predicted, confidence = truth[keep], predicted[keep], confidence[keep]
    if not len(truth):
        return None
    matrix = confusion_matrix(truth, predicted, k)
    tp = np.diag(matrix).astype(float)
    support = matrix.sum(axis=1)
    predicted_count = matrix.sum(axis=0)
    precision = np.divide(tp, predicted_count, out=np.zeros(k), where=predicted_count > 0)
    recall = np.divide(tp, support, out=np.zeros(k), where=support > 0)
    denom = precision + recall
    f1 = np.divide(2 * precision * recall, denom, out=np.zeros(k), where=denom > 0)
    present = (support > 0) | (predicted_count > 0)
    correct = truth == predicted
    bins, ece = calibration_bins(correct, confidence)
    return Metrics(
        labels=labels,
        rows=int(len(truth)),
        accuracy=float(correct.mean()),
        macro_f1=float(f1[present].mean()),
        per_class=tuple(
            ClassMetrics(labels[i], float(precision[i]), float(recall[i]), float(f1[i]), int(support[i]))
            for i in range(k)
        ),
        confusion=tuple(tuple(int(x) for x in row) for row in matrix),
        calibration=bins,
        ece=ece,
    )
