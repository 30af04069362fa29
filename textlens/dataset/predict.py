"""Predicting every row of a labelled file: batched, sorted by length, with progress; unreadable rows listed."""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from textlens.dataset.labels import NO_LABEL, SEPARATOR, LabelMatch, match_label_sets, match_labels
from textlens.eta import padded_cost, time_left
from textlens.text.models import Classifier
from textlens.text.multilabel import DEFAULT_THRESHOLD, indicator, multi_label_settings
from textlens.types import Prediction

# (rows done, rows in all, seconds left or None before the first batch)
ProgressFn = Callable[[int, int, float | None], None]
EMPTY, NOT_TEXT = "empty text", "not text"


def readable(value: object) -> str | None:
    """Why a cell cannot be classified (:data:`EMPTY`, :data:`NOT_TEXT`), or None when it is usable text."""
    if isinstance(value, str):
        return None if value.strip() else EMPTY
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return EMPTY
    return NOT_TEXT


@dataclass(frozen=True, eq=False)
class RowPredictions:
    """Probabilities for every row (NaN rows where the text could not be read) and why those rows failed."""

    labels: tuple[str, ...]
    probs: np.ndarray  # (rows, labels)
    errors: tuple[str | None, ...]  # per row: None, EMPTY or NOT_TEXT
    seconds: float = 0.0
    # A multi-label model's rows: each label's own sigmoid, labels predicted at or above a threshold.
    multi_label: bool = False

    @property
    def ok(self) -> np.ndarray:
        """Boolean mask of rows that were predicted."""
        return ~np.isnan(self.probs).any(axis=1)

    @property
    def predicted(self) -> np.ndarray:
        """Index of each row's predicted label (-1 for unreadable rows)."""
        out = np.full(len(self.probs), NO_LABEL, dtype=np.int64)
        ok = self.ok
        out[ok] = self.probs[ok].argmax(axis=1)
        return out

    @property
    def confidence(self) -> np.ndarray:
        """Each row's highest probability (NaN for unreadable rows)."""
        return np.where(self.ok, np.nan_to_num(self.probs, nan=0.0).max(axis=1), np.nan)

    def error_rows(self) -> dict[str, list[int]]:
        """Row positions per reason they could not be predicted."""
        out: dict[str, list[int]] = {}
        for row, reason in enumerate(self.errors):
            if reason:
                out.setdefault(reason, []).append(row)
        return out


def predict_rows(
    classifier: Classifier,
    texts: Sequence[object],
    *,
    batch_size: int | None = None,
    progress: ProgressFn | None = None,
) -> RowPredictions:
    """Every text's probabilities through :meth:`Classifier.predict`, one batch at a time (:func:`run_rows`).

    Empty cells and cells that are not text are recorded in ``errors``, not fatal.
    """
    size = batch_size or classifier.batch_size
    probs, errors, seconds = run_rows(
        classifier,
        texts,
        lambda views: classifier.predict(views, batch_size=size),
        len(classifier.labels),
        batch_size=size,
        progress=progress,
    )
    return RowPredictions(tuple(classifier.labels), probs, errors, seconds, classifier.multi_label)


def run_rows(
    classifier: Classifier,
    texts: Sequence[object],
    forward: Callable[[list[str]], np.ndarray],
    width: int,
    *,
    batch_size: int | None = None,
    progress: ProgressFn | None = None,
) -> tuple[np.ndarray, tuple[str | None, ...], float]:
    """``forward`` over every readable text, one batch of the model's views at a time: (its rows, NaN for the
    rows that could not be read, shape ``(len(texts), width)``; why each row could not be read; seconds).

    Texts are sorted by length first so each batch pads to similar lengths; ``progress`` is called
    after every batch with rows done, rows in all and the seconds left (None until :func:`time_left` trusts it).
    """
    size = batch_size or classifier.batch_size
    errors = tuple(readable(t) for t in texts)
    out = np.full((len(texts), width), np.nan, dtype=np.float64)
    todo = [i for i, e in enumerate(errors) if e is None]
    # The model's view of a text is at most max_length tokens: sort by the length it will read.
    views = {i: classifier.model_view(texts[i]) for i in todo}  # type: ignore[arg-type]
    todo.sort(key=lambda i: len(views[i]))
    # Rows run shortest first: time left is measured in padded characters, not rows (see textlens.eta).
    costs = padded_cost([len(views[i]) for i in todo], size)
    started, spent = time.perf_counter(), 0
    if progress:
        progress(0, len(todo), None)
    for start, cost in zip(range(0, len(todo), size), costs):
        batch = todo[start : start + size]
        out[batch] = forward([views[i] for i in batch])
        spent += cost
        if progress:
            progress(start + len(batch), len(todo), time_left(spent, sum(costs), time.perf_counter() - started))
    return out, errors, time.perf_counter() - started


def results_frame(
    frame: pd.DataFrame,
    text_column: str,
    predictions: RowPredictions,
    label_column: str | None = None,
    threshold: float = DEFAULT_THRESHOLD,
) -> tuple[pd.DataFrame, LabelMatch | None]:
    """The file's rows with ``row_id``, ``true_label``, ``predicted_label``, ``confidence``, ``correct``,
    a ``score_<label>`` column per label and ``error``; every input column kept, in front.

    ``true_label`` is the model's label a file's label matched (empty when it did not); ``correct``
    is empty for rows without a matched label or prediction. For a multi-label model both are label
    sets written ``a;b`` ("" for none): ``predicted_label`` every label at or above ``threshold``,
    ``true_label`` the file's labels (:func:`textlens.dataset.labels.match_label_sets`), and ``correct``
    whether the two sets are equal.
    """
    labels = predictions.labels
    out = frame.copy()
    out.insert(0, "row_id", np.arange(len(frame)))
    values = label_values(frame[label_column].tolist() if label_column else None, predictions, threshold)
    predicted, truth, correct, match = values
    out["predicted_label"] = predicted
    out["confidence"] = predictions.confidence
    if label_column:
        out["true_label"] = truth
        out["correct"] = correct
    for i, label in enumerate(labels):
        out[score_column(label)] = predictions.probs[:, i]
    out["error"] = [e or "" for e in predictions.errors]
    return out, match


def _names(rows: np.ndarray, labels: Sequence[str], known: np.ndarray) -> list[str | None]:
    """Each row's label (an index) or, for a multi-label model, labels (a 0/1 row) joined with ``;`` in label
    order; None where ``known`` is False.
    """
    if rows.ndim == 1:
        return [labels[r] if k else None for r, k in zip(rows, known)]
    return [SEPARATOR.join(label for label, on in zip(labels, row) if on) if k else None for row, k in zip(rows, known)]


def label_values(
    cells: Sequence[object] | None, predictions: RowPredictions, threshold: float = DEFAULT_THRESHOLD
) -> tuple[list, list | None, pd.arrays.BooleanArray | None, LabelMatch | None]:
    """Each row's predicted label(s), true label(s) matched from ``cells`` (None without a label column), whether
    they agree (NA where either is missing) and the :class:`LabelMatch`, as :func:`results_frame` writes them.
    """
    labels, ok = predictions.labels, predictions.ok
    multi = predictions.multi_label
    predicted = indicator(predictions.probs, threshold) if multi else predictions.predicted
    names = _names(predicted, labels, ok)
    if cells is None:
        return names, None, None, None
    truth, match = match_label_sets(cells, labels) if multi else match_labels(cells, labels)
    known = (truth >= 0).all(axis=1) if multi else truth >= 0
    both = known & ok
    correct = pd.array([pd.NA] * len(cells), dtype="boolean")
    same = truth[both] == predicted[both]
    correct[both] = same.all(axis=1) if multi else same
    return names, _names(truth, labels, known), correct, match


def prediction_records(texts: Sequence[object], run: RowPredictions, model_id: str, rows: Sequence[int]) -> list:
    """The :class:`~textlens.types.Prediction` records of ``rows`` (predicted rows only) from one model's run."""
    settings = multi_label_settings(run.multi_label)
    return [
        Prediction(str(texts[r]), model_id, run.labels, tuple(map(float, run.probs[r])), settings=settings)
        for r in rows
    ]


def row_cases(
    texts: Sequence[object],
    run: RowPredictions,
    model_id: str,
    rows: Sequence[int],
    truths: Sequence[str | None],
    why: str,
    file_key: str = "",
    explained: Mapping[int, Any] | None = None,
) -> list[dict]:
    """Review-pack cases (``Store.add_case`` keyword arguments) for many rows at once: each row's prediction
    (its explanation where ``explained`` has one for the row), shown for its predicted label, noting ``why``
    it was sent (e.g. "all errors, slice source = web") and keeping the row, its true label and ``file_key`` as
    context. Rows that could not be predicted are skipped.
    """
    ok = run.ok
    kept = [(r, t) for r, t in zip(rows, truths) if ok[r]]
    records = prediction_records(texts, run, model_id, [r for r, _ in kept])
    records = [(explained or {}).get(r) or record for (r, _), record in zip(kept, records)]
    return [
        {
            "record": record,
            "note": f"Row {row} ({why})." + (f" True label {truth}." if truth else ""),
            "context": {
                "row": row,
                **({"truth": truth} if truth else {}),
                **({"file": file_key} if file_key else {}),
            },
        }
        for (row, truth), record in zip(kept, records)
    ]


def score_column(label: str) -> str:
    """The name of a label's probability column in results."""
    return f"score_{label}"


def truth_index(results: pd.DataFrame, labels: Sequence[str]) -> np.ndarray:
    """Each result row's true label index (-1 when unmatched or absent)."""
    if "true_label" not in results:
        return np.full(len(results), NO_LABEL, dtype=np.int64)
    lookup = {label: i for i, label in enumerate(labels)}
    return np.array([lookup.get(v, NO_LABEL) for v in results["true_label"]], dtype=np.int64)


def predicted_index(results: pd.DataFrame, labels: Sequence[str]) -> np.ndarray:
    """Each result row's predicted label index (-1 when the row could not be predicted)."""
    lookup = {label: i for i, label in enumerate(labels)}
    return np.array([lookup.get(v, NO_LABEL) for v in results["predicted_label"]], dtype=np.int64)


def results_parquet(results: pd.DataFrame) -> bytes:
    """``results`` as Parquet bytes; columns mixing types (JSON lines) are written as text."""
    import io

    out = io.BytesIO()
    try:
        results.to_parquet(out, index=False)
    except Exception:  # pyarrow refuses object columns mixing types (ArrowTypeError, ArrowInvalid)
        mixed = results.copy()
        for column in mixed.columns:
            if mixed[column].dtype == object:
                mixed[column] = mixed[column].map(lambda v: None if v is None else str(v))
        out = io.BytesIO()
        mixed.to_parquet(out, index=False)
    return out.getvalue()
