"""Tables for the tabular page: the bundled Palmer Penguins, user CSV/Parquet, and which columns can be inputs."""

from __future__ import annotations

import math
import os
import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from textlens.dataset.load import read_labelled
from textlens.errors import InputFileError, TextlensError

PENGUINS = "penguins"
PENGUINS_TARGET = "species"
# The bundled example's inputs are the bird's traits; "year" is when it was measured, not what it is.
PENGUINS_LEFT_OUT = {"year": "year of the field season: when the penguin was measured, not a trait of it"}
MIN_CLASSES, MAX_CLASSES = 2, 20
MIN_ROWS = 10
# More distinct values than this make a text column unusable as a choice.
MAX_LEVELS = 30
MAX_FEATURES = 30
# Cells that mean "no value" in a CSV read as text (pandas' own list, minus nothing surprising).
MISSING_MARKERS = frozenset({"", "na", "n/a", "nan", "null", "none", "-nan", "#n/a", "<na>"})
_ID_NAME = re.compile(r"(^|[^a-z])(id|uuid|guid|key|index)$", re.IGNORECASE)


class TabularDataError(TextlensError, ValueError):
    """A table or target column that cannot be used to train and explain a classifier."""


@dataclass(frozen=True)
class Feature:
    """One input column: numeric (a slider over the observed range) or categorical (a choice of levels)."""

    name: str
    kind: str  # "numeric" or "categorical"
    has_missing: bool
    levels: tuple[str, ...] = ()  # categorical: the observed values, as text
    low: float = 0.0  # numeric: observed range
    high: float = 0.0
    step: float = 1.0
    decimals: int = 0

    @property
    def numeric(self) -> bool:
        """True for a numeric column."""
        return self.kind == "numeric"


@dataclass(frozen=True)
class Table:
    """A table read for training: its frame (typed), name, and where it came from."""

    name: str
    frame: pd.DataFrame
    notices: tuple[str, ...] = field(default=())


@dataclass(frozen=True)
class Schema:
    """The target, its classes, the input features and the columns left out (with the reason)."""

    target: str
    classes: tuple[str, ...]
    features: tuple[Feature, ...]
    left_out: tuple[tuple[str, str], ...]

    @property
    def names(self) -> tuple[str, ...]:
        """Feature names, in model order."""
        return tuple(f.name for f in self.features)

    def feature(self, name: str) -> Feature:
        """The feature called ``name``; a clear error for any other name."""
        for f in self.features:
            if f.name == name:
                return f
        raise TabularDataError(f"{name!r} is not an input of this model; its inputs are: {', '.join(self.names)}.")


def load_penguins() -> Table:
    """The Palmer Penguins data shipped in the ``palmerpenguins`` wheel (344 birds, offline)."""
    import palmerpenguins

    frame = palmerpenguins.load_penguins()
    return Table(PENGUINS, _typed(frame))


def load_table(source: bytes | str | os.PathLike, name: str | None = None) -> Table:
    """``"penguins"``, a path, or an upload's bytes (CSV/TSV/Parquet/JSON lines) as a typed :class:`Table`.

    Text columns whose every value is a number become numeric; missing markers (empty, NA, null...)
    become missing values. Unreadable files raise :class:`InputFileError` with the reason.
    """
    if isinstance(source, str) and source == PENGUINS:
        return load_penguins()
    read = read_labelled(source, name)
    if read.frame.shape[1] < 2:
        raise InputFileError(f"{read.name} has one column; a table needs a target column and at least one input.")
    return Table(read.name, _typed(read.frame), read.warnings + read.notices)


def _typed(frame: pd.DataFrame) -> pd.DataFrame:
    out = {}
    for column in frame.columns:
        series = frame[column]
        if isinstance(series.dtype, pd.CategoricalDtype):
            series = series.astype(object)
        if series.dtype == object or pd.api.types.is_string_dtype(series.dtype):
            cells = [None if _is_missing(v) else v for v in series.astype(object)]
            numbers = pd.to_numeric(pd.Series(cells, dtype=object), errors="coerce")
            present = sum(v is not None for v in cells)
            if present and int(numbers.notna().sum()) == present:
                series = numbers.astype(float)
            else:
                series = pd.Series([None if v is None else str(v) for v in cells], dtype=object)
        out[str(column)] = series.reset_index(drop=True)
    return pd.DataFrame(out)


def _is_missing(value) -> bool:
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return True
    return isinstance(value, str) and value.strip().lower() in MISSING_MARKERS


def label_text(value) -> str:
    """A target or category value as text: ``2`` not ``2.0``, strings as they are."""
    if isinstance(value, float | np.floating) and float(value).is_integer():
        return str(int(value))
    return str(value)


def target_labels(frame: pd.DataFrame, target: str) -> tuple[pd.Series, tuple[str, ...]]:
    """The target column as text labels (rows without a target dropped) and its sorted classes.

    Raises :class:`TabularDataError` for an unknown column, one class, or more than 20.
    """
    if target not in frame.columns:
        raise TabularDataError(f"No column {target!r}; the columns are: {', '.join(map(str, frame.columns))}.")
    values = frame[target].dropna().map(label_text)
    classes = tuple(sorted(values.unique()))
    if len(classes) < MIN_CLASSES:
        only = f" (every row is {classes[0]!r})" if classes else " (it is empty)"
        raise TabularDataError(f"The target {target!r} has one class{only}: there is nothing to classify.")
    if len(classes) > MAX_CLASSES:
        raise TabularDataError(
            f"The target {target!r} has {len(classes):,} different values; a classification target needs "
            f"{MIN_CLASSES} to {MAX_CLASSES} classes (is it a measurement or an identifier?)."
        )
    if len(values) < MIN_ROWS:
        raise TabularDataError(f"Only {len(values)} rows have a {target!r}; at least {MIN_ROWS} are needed.")
    counts = values.value_counts()
    rare = [c for c in classes if counts[c] < 2]
    if rare:
        raise TabularDataError(
            f"Class {rare[0]!r} of {target!r} has a single row; each class needs at least 2 rows "
            "to train the model and measure its accuracy."
        )
    return values, classes


def screen(frame: pd.DataFrame, target: str, left_out: dict[str, str] | None = None) -> Schema:
    """Decide which columns become inputs: identifiers, free text, dates, near-unique or constant columns are left out.

    ``left_out`` names columns to leave out on purpose, with the reason to show.
    """
    labels, classes = target_labels(frame, target)
    rows = frame.loc[labels.index]
    features: list[Feature] = []
    out: list[tuple[str, str]] = []
    for column in frame.columns:
        if column == target:
            continue
        if left_out and column in left_out:
            out.append((column, left_out[column]))
            continue
        reason = _unusable(column, rows[column])
        if reason is None and len(features) >= MAX_FEATURES:
            reason = f"more than {MAX_FEATURES} usable columns: only the first {MAX_FEATURES} are inputs"
        if reason:
            out.append((column, reason))
        else:
            features.append(_feature(column, rows[column]))
    if not features:
        raise TabularDataError(
            f"No column can be an input for {target!r}: " + "; ".join(f"{n}: {r}" for n, r in out) + "."
        )
    return Schema(target, classes, tuple(features), tuple(out))


def _unusable(name: str, series: pd.Series) -> str | None:
    """Why a column cannot be an input, or None when it can."""
    present = series.dropna()
    n = len(present)
    if n == 0:
        return "empty: no values"
    distinct = present.nunique()
    if distinct == 1:
        return f"constant: {label_text(present.iloc[0])!r} in every row"
    if pd.api.types.is_datetime64_any_dtype(series.dtype) or isinstance(series.dtype, pd.DatetimeTZDtype):
        return "dates: date and time values are not used as inputs"
    if pd.api.types.is_bool_dtype(series.dtype):
        return None
    if pd.api.types.is_numeric_dtype(series.dtype):
        whole = bool(np.all(np.mod(present.to_numpy(dtype=float), 1) == 0))
        if whole and distinct == n and n >= MIN_ROWS:
            return f"identifier: a different whole number in each of the {n:,} rows"
        if whole and _ID_NAME.search(name) and distinct > 0.9 * n:
            return "identifier: named like one, with a different value in nearly every row"
        return None
    text = present.astype(str)
    if _looks_like_dates(text):
        return "dates: date and time values are not used as inputs"
    if distinct <= MAX_LEVELS:
        return None
    if text.str.split().str.len().mean() > 3 or text.str.len().mean() > 40:
        return "free text: long texts, not a choice among a few values"
    if distinct > 0.5 * n:
        return f"near-unique: {distinct:,} different values in {n:,} rows (an identifier or a name?)"
    return f"too many categories: {distinct:,} different values (at most {MAX_LEVELS} become a choice)"


def _looks_like_dates(text: pd.Series) -> bool:
    sample = text.head(200)
    if not sample.str.contains(r"\d", regex=True).all() or not sample.str.contains(r"[-/:. ]", regex=True).all():
        return False
    parsed = pd.to_datetime(sample, errors="coerce", format="mixed")
    return bool(parsed.notna().mean() >= 0.9)


def _feature(name: str, series: pd.Series) -> Feature:
    has_missing = bool(series.isna().any())
    if pd.api.types.is_numeric_dtype(series.dtype) and not pd.api.types.is_bool_dtype(series.dtype):
        values = series.dropna().to_numpy(dtype=float)
        low, high = float(values.min()), float(values.max())
        decimals = _decimals(values)
        return Feature(name, "numeric", has_missing, low=low, high=high, step=10.0**-decimals, decimals=decimals)
    levels = tuple(sorted({label_text(v) for v in series.dropna()}))
    return Feature(name, "categorical", has_missing, levels=levels)


def _decimals(values: np.ndarray, most: int = 4) -> int:
    """The decimals the data is recorded with (39.1 mm: 1), at most ``most``: the sliders' step."""
    for d in range(most + 1):
        scaled = values * 10**d
        if np.all(np.abs(scaled - np.round(scaled)) < 1e-6 * np.maximum(1, np.abs(scaled))):
            return d
    return most
