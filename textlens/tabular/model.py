"""A deterministic gradient-boosted classifier over a screened table, with its cross-validated accuracy."""

from __future__ import annotations

import functools
import hashlib
import json
import math
from collections.abc import Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from textlens.tabular.data import (
    PENGUINS,
    PENGUINS_LEFT_OUT,
    PENGUINS_TARGET,
    Feature,
    Schema,
    Table,
    TabularDataError,
    label_text,
    screen,
)

SEED = 0
# Small on purpose: ~60 rounds of 15-leaf trees reach ~98 % on the penguins and keep the 3,200
# predictions behind one exact explanation fast.
HYPERPARAMETERS = {"max_iter": 60, "learning_rate": 0.15, "max_leaf_nodes": 15, "min_samples_leaf": 5}
CV_FOLDS = 5
BACKGROUND_ROWS = 50
MISSING = None  # how a missing input is written in a values mapping


@functools.cache
def _threadpools():
    import sklearn.ensemble  # noqa: F401 - loads the OpenMP runtime the controller must see
    from threadpoolctl import ThreadpoolController

    return ThreadpoolController()


@contextmanager
def one_thread():
    """Run scikit-learn's OpenMP code on one thread.

    On a 2-core machine shared by several processes, OpenMP's spinning threads slowed fitting
    from 0.4 s to 50 s (measured); one thread is also what makes results independent of load.
    The controller is made once: ``threadpool_limits`` rescans the loaded libraries on every
    call (33 ms here, more than a prediction).
    """
    with _threadpools().limit(limits=1, user_api="openmp"):
        yield


def data_hash(frame: pd.DataFrame) -> str:
    """SHA-256 of a table's column names, dtypes and values: the cache key of its model."""
    digest = hashlib.sha256()
    digest.update(json.dumps([[str(c), str(t)] for c, t in frame.dtypes.items()]).encode())
    digest.update(pd.util.hash_pandas_object(frame, index=False).to_numpy().tobytes())
    return digest.hexdigest()


@dataclass(eq=False)
class TabularModel:
    """A trained classifier with its schema, accuracy and the background sample its explanations use."""

    model_id: str
    table_name: str
    schema: Schema
    estimator: Any
    cv_accuracy: float
    cv_folds: int
    rows: int  # training rows
    background: np.ndarray  # (BACKGROUND_ROWS, features), encoded
    background_rows: tuple[int, ...]  # their row numbers in the table
    fingerprint: str
    frame: pd.DataFrame  # the table the model was trained on (for "start from a real row")
    precision: str = "float64"

    @property
    def labels(self) -> tuple[str, ...]:
        """The classes, in the order of every score and attribution."""
        return self.schema.classes

    @property
    def target(self) -> str:
        """The target column's name."""
        return self.schema.target

    @property
    def features(self) -> tuple[Feature, ...]:
        """The input features, in model order."""
        return self.schema.features

    def predict_proba(self, encoded: np.ndarray) -> np.ndarray:
        """Probabilities (rows, classes) for encoded rows (see :meth:`encode`)."""
        with one_thread():
            return self.estimator.predict_proba(encoded)

    def encode(self, values: Mapping[str, Any]) -> np.ndarray:
        """One input row (feature name -> number, level text, or None for missing) as the model's float vector.

        Unknown names, numbers that are not numbers, and levels the data never had raise :class:`TabularDataError`.
        """
        unknown = [k for k in values if k not in self.schema.names]
        if unknown:
            raise TabularDataError(
                f"{unknown[0]!r} is not an input of this model; its inputs are: {', '.join(self.schema.names)}."
            )
        return np.array([encode_value(f, values.get(f.name)) for f in self.features], dtype=float)

    def clean(self, values: Mapping[str, Any]) -> dict[str, Any]:
        """Every feature's value in its plain form (float, level text, None when missing or absent), checked."""
        self.encode(values)  # raises a clear error for unknown names and bad values
        return {f.name: plain(f, values.get(f.name)) for f in self.features}

    def encode_frame(self, frame: pd.DataFrame) -> np.ndarray:
        """Every row of a table with this model's columns, encoded."""
        return np.column_stack([encode_column(f, frame[f.name]) for f in self.features]).astype(float)

    def row_values(self, row: int) -> dict[str, Any]:
        """Row ``row`` (0-based, in table order) of the training table as a values mapping."""
        if not 0 <= row < len(self.frame):
            raise TabularDataError(f"Row {row} does not exist: the table has rows 0 to {len(self.frame) - 1}.")
        return {f.name: plain(f, self.frame[f.name].iloc[row]) for f in self.features}

    def background_note(self) -> str:
        """The background in words, for legends and records."""
        return (
            f"{len(self.background_rows)} training rows drawn at random (seed {SEED}) of {self.rows:,}; "
            "an input left out takes their values"
        )


def plain(feature: Feature, value: Any) -> Any:
    """A cell as a plain JSON value: float for numbers, text for levels, None when missing."""
    if value is None or (isinstance(value, float | np.floating) and math.isnan(value)) or value is pd.NA:
        return MISSING
    if feature.numeric:
        return encode_value(feature, value)
    return label_text(value)


def encode_value(feature: Feature, value: Any) -> float:
    """One value as the model reads it: the number, or the level's index; NaN for missing."""
    if value is MISSING or (isinstance(value, float) and math.isnan(value)):
        return math.nan
    if feature.numeric:
        try:
            number = float(value)
        except (TypeError, ValueError):
            raise TabularDataError(f"{feature.name} must be a number; got {value!r}.") from None
        if not math.isfinite(number):
            raise TabularDataError(f"{feature.name} must be a finite number; got {value!r}.")
        return number
    text = label_text(value)
    if text not in feature.levels:
        raise TabularDataError(
            f"{text!r} is not a value of {feature.name}; the data has: {', '.join(map(repr, feature.levels))}."
        )
    return float(feature.levels.index(text))


def encode_column(feature: Feature, series: pd.Series) -> np.ndarray:
    """A whole column, encoded like :func:`encode_value` (values outside the levels become missing)."""
    if feature.numeric:
        return pd.to_numeric(series, errors="coerce").to_numpy(dtype=float)
    index = {level: float(i) for i, level in enumerate(feature.levels)}
    return np.array([math.nan if pd.isna(v) else index.get(label_text(v), math.nan) for v in series], dtype=float)


def train(table: Table, target: str, *, left_out: Mapping[str, str] | None = None) -> TabularModel:
    """Screen ``table``'s columns, train the classifier and measure its cross-validated accuracy.

    Deterministic: the same table and target give the same model, accuracy and background.
    """
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.model_selection import StratifiedKFold, cross_val_score

    if left_out is None and table.name == PENGUINS and target == PENGUINS_TARGET:
        left_out = PENGUINS_LEFT_OUT
    schema = screen(table.frame, target, dict(left_out or {}))
    frame = table.frame
    known = frame[target].notna().to_numpy()
    y = np.array([schema.classes.index(label_text(v)) for v in frame[target][known]])
    probe = TabularModel("", table.name, schema, None, 0.0, 0, 0, np.empty(0), (), "", frame)
    X = probe.encode_frame(frame)[known]
    estimator = HistGradientBoostingClassifier(
        categorical_features=[not f.numeric for f in schema.features],
        early_stopping=False,
        random_state=SEED,
        **HYPERPARAMETERS,
    )
    folds = min(CV_FOLDS, int(np.bincount(y).min()))
    with one_thread():
        splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=SEED)
        accuracy = float(cross_val_score(estimator, X, y, cv=splitter, scoring="accuracy").mean())
        estimator.fit(X, y)
    rng = np.random.default_rng(SEED)
    pick = np.sort(rng.choice(len(X), size=min(BACKGROUND_ROWS, len(X)), replace=False))
    table_rows = np.flatnonzero(known)[pick]
    digest = hashlib.sha256()
    for part in (data_hash(frame), target, json.dumps(HYPERPARAMETERS, sort_keys=True), _sklearn_version()):
        digest.update(part.encode())
    model_id = PENGUINS if table.name == PENGUINS else f"table:{table.name}"
    return TabularModel(
        model_id=model_id,
        table_name=table.name,
        schema=schema,
        estimator=estimator,
        cv_accuracy=accuracy,
        cv_folds=folds,
        rows=int(known.sum()),
        background=X[pick],
        background_rows=tuple(int(r) for r in table_rows),
        fingerprint=digest.hexdigest(),
        frame=frame,
    )


def _sklearn_version() -> str:
    import sklearn

    return sklearn.__version__
