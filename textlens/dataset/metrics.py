"""Classification metrics over a labelled set: accuracy, macro- and weighted F1, per-class P/R/F1, confusion and the
calibration of the predicted class (top-label); for a multi-label model, per-label P/R/F1, micro/macro F1, subset
accuracy and Hamming loss.
"""

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
    # Top-label expected calibration error: over bins of the predicted class's probability, |accuracy - confidence|
    # weighted by the bins' share of rows.
    ece: float
    weighted_f1: float = float("nan")  # per-class F1 weighted by support (scikit-learn's average="weighted")

    @property
    def errors(self) -> int:
        """Rows predicted wrong."""
        return self.rows - sum(self.confusion[i][i] for i in range(len(self.labels)))

    def mistaken_for(self, true_index: int) -> tuple[int, int] | None:
        """The class the rows of class ``true_index`` are most often wrongly predicted as, and how many rows; None
        when none of them is wrong (ties: the first in label order).
        """
        row = list(self.confusion[true_index])
        row[true_index] = 0
        worst = max(range(len(row)), key=row.__getitem__, default=None)
        return None if worst is None or row[worst] == 0 else (worst, row[worst])

    def confused_pairs(self, top: int = 5) -> list[tuple[str, str, int]]:
        """The ``top`` off-diagonal cells with most rows: (true label, predicted label, rows), most first."""
        k = len(self.labels)
        cells = [(self.confusion[t][p], t, p) for t in range(k) for p in range(k) if t != p and self.confusion[t][p]]
        cells.sort(key=lambda c: (-c[0], c[1], c[2]))
        return [(self.labels[t], self.labels[p], n) for n, t, p in cells[:top]]

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
            weighted_f1=data.get("weighted_f1", float("nan")),
        )

    def table(self) -> list[dict[str, Any]]:
        """Per-class rows, then the macro-average and the weighted-average (by support) rows, for tables and CSV."""
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
            weights = np.array([c.support for c in self.per_class], dtype=float)
            if weights.sum() > 0:
                rows.append(
                    {
                        "label": "weighted average",
                        "precision": float(np.average([c.precision for c in self.per_class], weights=weights)),
                        "recall": float(np.average([c.recall for c in self.per_class], weights=weights)),
                        "f1": self.weighted_f1,
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

    Macro-F1 averages the classes that occur in the truth or the predictions (scikit-learn's default); weighted F1
    weights each class's F1 by its support. ``confidence`` is each row's probability of its predicted class, so the
    calibration and ECE are top-label ones, for two classes or twenty.
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
    correct = truth == predicted  # confidence is the predicted class's probability: top-label calibration
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
        weighted_f1=float(np.average(f1, weights=support)),
    )


@dataclass(frozen=True)
class MultiLabelMetrics:
    """How a multi-label model did on a labelled set: each label judged on its own (predicted when its probability
    reaches ``threshold``), over the rows with a matched label set and a prediction.
    """

    kind: ClassVar[str] = "dataset-metrics-multi-label"

    labels: tuple[str, ...]
    rows: int
    threshold: float
    per_label: tuple[ClassMetrics, ...]  # support: rows that carry the label
    micro_precision: float
    micro_recall: float
    micro_f1: float  # every (row, label) decision pooled
    macro_f1: float  # the labels' F1 averaged, each label counting once
    subset_accuracy: float  # rows whose predicted label set is exactly the true one
    hamming_loss: float  # share of (row, label) decisions that are wrong

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON types with ``"kind"``."""
        return {"kind": self.kind, **asdict(self)}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> MultiLabelMetrics:
        """Inverse of :meth:`to_dict`."""
        fields = {k: v for k, v in data.items() if k != "kind"}
        fields["labels"] = tuple(data["labels"])
        fields["per_label"] = tuple(ClassMetrics(**c) for c in data["per_label"])
        return cls(**fields)

    def table(self) -> list[dict[str, Any]]:
        """Per-label rows, then the micro- and macro-average rows, for tables and CSV."""
        rows = [asdict(c) for c in self.per_label]
        rows.append(
            {
                "label": "micro average",
                "precision": self.micro_precision,
                "recall": self.micro_recall,
                "f1": self.micro_f1,
                "support": sum(c.support for c in self.per_label),
            }
        )
        rows.append(
            {
                "label": "macro average",
                "precision": float(np.mean([c.precision for c in self.per_label])),
                "recall": float(np.mean([c.recall for c in self.per_label])),
                "f1": self.macro_f1,
                "support": sum(c.support for c in self.per_label),
            }
        )
        return rows


def compute_multi_label_metrics(
    truth: np.ndarray, probs: np.ndarray, labels: Sequence[str], threshold: float = 0.5
) -> MultiLabelMetrics | None:
    """Per-label and pooled metrics (scikit-learn's, ``zero_division=0``) over the rows whose ``truth`` (rows × labels
    of 0/1, a row of -1 where the labels did not match: :func:`textlens.dataset.labels.match_label_sets`) is known and
    whose ``probs`` (rows × labels, NaN rows not predicted) are; None when no row is both.
    """
    from sklearn.metrics import accuracy_score, hamming_loss, precision_recall_fscore_support

    from textlens.text.multilabel import indicator

    labels = tuple(labels)
    truth, probs = np.asarray(truth), np.asarray(probs, dtype=float)
    keep = (truth >= 0).all(axis=1) & ~np.isnan(probs).any(axis=1)
    if not keep.any():
        return None
    y, predicted = truth[keep], indicator(probs[keep], threshold)
    precision, recall, f1, support = precision_recall_fscore_support(y, predicted, average=None, zero_division=0)
    micro = precision_recall_fscore_support(y, predicted, average="micro", zero_division=0)
    macro = precision_recall_fscore_support(y, predicted, average="macro", zero_division=0)
    return MultiLabelMetrics(
        labels=labels,
        rows=int(keep.sum()),
        threshold=float(threshold),
        per_label=tuple(
            ClassMetrics(labels[i], float(precision[i]), float(recall[i]), float(f1[i]), int(support[i]))
            for i in range(len(labels))
        ),
        micro_precision=float(micro[0]),
        micro_recall=float(micro[1]),
        micro_f1=float(micro[2]),
        macro_f1=float(macro[2]),
        subset_accuracy=float(accuracy_score(y, predicted)),
        hamming_loss=float(hamming_loss(y, predicted)),
    )
