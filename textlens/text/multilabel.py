"""Multi-label models (config ``problem_type: multi_label_classification``): labels predicted above a threshold.

Each label's probability is its own sigmoid (:meth:`textlens.text.models.Classifier.predict`), so a text may have
several labels or none, and the probabilities need not sum to one. A record of such a model says so in its
``settings`` (:func:`multi_label_settings`), with the threshold its labels were predicted at.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

MULTI_LABEL = "multi_label_classification"
DEFAULT_THRESHOLD = 0.5


def check_threshold(threshold: float) -> float:
    """``threshold`` as a float strictly between 0 and 1; anything else raises ``ValueError`` saying so."""
    value = float(threshold)
    if not 0.0 < value < 1.0:
        raise ValueError(f"The threshold is a probability strictly between 0 and 1, not {threshold!r}.")
    return value


def multi_label_settings(multi_label: bool, threshold: float = DEFAULT_THRESHOLD) -> dict[str, Any]:
    """What a record's ``settings`` say of a multi-label model: its problem type and the threshold its labels are
    predicted at. Empty for a single-label model (one softmax: exactly one predicted label).
    """
    return {"problem_type": MULTI_LABEL, "threshold": check_threshold(threshold)} if multi_label else {}


def is_multi_label(record: Any) -> bool:
    """Whether a record (prediction or explanation) comes from a multi-label model."""
    settings: Mapping[str, Any] = getattr(record, "settings", None) or {}
    return settings.get("problem_type") == MULTI_LABEL


def record_threshold(record: Any) -> float:
    """The threshold a multi-label record's labels were predicted at (:data:`DEFAULT_THRESHOLD` when unsaid)."""
    settings: Mapping[str, Any] = getattr(record, "settings", None) or {}
    return float(settings.get("threshold", DEFAULT_THRESHOLD))


def labels_above(
    labels: Sequence[str], scores: Sequence[float], threshold: float = DEFAULT_THRESHOLD
) -> tuple[str, ...]:
    """The labels whose probability reaches ``threshold``, most probable first (ties in label order)."""
    threshold = check_threshold(threshold)
    order = sorted(range(len(labels)), key=lambda i: (-scores[i], i))
    return tuple(labels[i] for i in order if scores[i] >= threshold)


def predicted_labels(record: Any, threshold: float | None = None) -> tuple[str, ...]:
    """A record's predicted labels: those above the threshold (``threshold``, else the record's own) for a
    multi-label model; the one most probable label otherwise.
    """
    if not is_multi_label(record):
        return (record.predicted_label,)
    return labels_above(record.labels, record.scores, record_threshold(record) if threshold is None else threshold)


def indicator(probs: np.ndarray, threshold: float = DEFAULT_THRESHOLD) -> np.ndarray:
    """Rows × labels of 0/1: which labels each row's probabilities predict (NaN rows predict none)."""
    threshold = check_threshold(threshold)
    return (np.nan_to_num(np.asarray(probs, dtype=float), nan=0.0) >= threshold).astype(np.int64)
