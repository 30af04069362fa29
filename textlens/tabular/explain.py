"""Explaining a table classifier: one row's Shapley values, and the whole-dataset view."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from textlens.provenance import provenance
from textlens.tabular.model import TabularModel
from textlens.tabular.shapley import MAX_EXACT_FEATURES, PERMUTATIONS, method_for, model_rows, shapley
from textlens.types import FeatureValue, TabularExplanation, TabularPrediction

# The whole-dataset view explains at most this many rows (a seeded sample, table order kept).
VIEW_ROWS = 150


def predict_values(model: TabularModel, values: Mapping[str, Any]) -> TabularPrediction:
    """The model's probabilities for one row of inputs (feature name -> number, level, or None)."""
    row = model.encode(values)
    scores = model.predict_proba(row[None])[0]
    inputs = model.clean(values)
    return TabularPrediction(
        model.model_id,
        model.target,
        model.labels,
        tuple(float(s) for s in scores),
        tuple(inputs.items()),
        settings={"model_fingerprint": model.fingerprint},
    )


def settings_of(model: TabularModel) -> dict[str, Any]:
    """How explanations of ``model`` are made, for every record: method, background, model and versions."""
    method = method_for(len(model.features))
    return {
        "method": method,
        "permutations": PERMUTATIONS if method == "permutation" else None,
        "max_exact_features": MAX_EXACT_FEATURES,
        "background_rows": list(model.background_rows),
        "cv_accuracy": model.cv_accuracy,
        "cv_folds": model.cv_folds,
        "training_rows": model.rows,
        "provenance": provenance(model, estimator="HistGradientBoostingClassifier"),
    }


def explain_values(model: TabularModel, values: Mapping[str, Any]) -> TabularExplanation:
    """Shapley values of one row's inputs for every class, in probability space, against the model's background.

    Exact (every coalition of the features) up to 10 features; for every class
    base value + sum of the values = the model's probability, to rounding.
    """
    started = time.perf_counter()
    inputs = model.clean(values)
    x = model.encode(inputs)
    attributions, base, output = shapley(model.predict_proba, x, model.background)
    return TabularExplanation(
        model_id=model.model_id,
        target=model.target,
        labels=model.labels,
        scores=tuple(float(s) for s in output),
        base_values=tuple(float(b) for b in base),
        features=tuple(
            FeatureValue(name, value, tuple(float(a) for a in attributions[j]))
            for j, (name, value) in enumerate(inputs.items())
        ),
        method=method_for(len(x)),
        background=model.background_note(),
        seconds=time.perf_counter() - started,
        settings=settings_of(model),
    )


def explain_row(model: TabularModel, row: int, overrides: Mapping[str, Any] | None = None) -> TabularExplanation:
    """Explain row ``row`` of the model's table, with some inputs changed by ``overrides``."""
    values = model.row_values(row)
    values.update(overrides or {})
    return explain_values(model, values)


@dataclass(frozen=True)
class DatasetView:
    """Shapley values of many rows at once: what drives the model overall, per class.

    ``values`` is (rows, features, classes); ``mean_abs`` its mean |value| per feature and class;
    ``inputs`` the rows' values as shown; ``colour`` each value's position in its feature's range
    (0 low .. 1 high; a level's index over the levels; NaN when missing) for a beeswarm.
    """

    model_id: str
    labels: tuple[str, ...]
    features: tuple[str, ...]
    rows: tuple[int, ...]  # row numbers in the table
    values: np.ndarray
    inputs: tuple[tuple[Any, ...], ...]
    colour: np.ndarray
    base_values: tuple[float, ...]
    method: str
    background: str

    @property
    def mean_abs(self) -> np.ndarray:
        """Mean |Shapley value| per feature (rows) and class (columns)."""
        return np.abs(self.values).mean(axis=0)


def dataset_view(
    model: TabularModel, max_rows: int = VIEW_ROWS, progress: Callable[[int, int], None] | None = None
) -> DatasetView:
    """Explain up to ``max_rows`` rows of the table (a seeded sample, table order kept) for the whole-dataset view.

    ``progress(done, total)`` is called after each row, in model rows evaluated (as the text explainers count).
    """
    frame = model.frame
    rows = np.arange(len(frame))
    if len(rows) > max_rows:
        rows = np.sort(np.random.default_rng(0).choice(rows, size=max_rows, replace=False))
    X = model.encode_frame(frame.iloc[rows])
    out = np.zeros((len(rows), X.shape[1], len(model.labels)))
    base = np.zeros(len(model.labels))
    for n, x in enumerate(X):
        out[n], base, _ = shapley(model.predict_proba, x, model.background)
        if progress is not None:
            per_row = model_rows(X.shape[1], len(model.background))
            progress((n + 1) * per_row, len(rows) * per_row)
    colour = np.full(X.shape, np.nan)
    for j, feature in enumerate(model.features):
        column = X[:, j]
        if feature.numeric:
            span = (feature.high - feature.low) or 1.0
            colour[:, j] = (column - feature.low) / span
        else:
            colour[:, j] = column / max(len(feature.levels) - 1, 1)
    inputs = tuple(tuple(model.row_values(int(r)).values()) for r in rows)
    return DatasetView(
        model.model_id,
        model.labels,
        model.schema.names,
        tuple(int(r) for r in rows),
        out,
        inputs,
        colour,
        tuple(float(b) for b in base),
        method_for(X.shape[1]),
        model.background_note(),
    )
