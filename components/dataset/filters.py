"""The Dataset rows table's filters and presets, as pure functions of the scored rows.

Each filter the page offers (likely label errors set aside or alone, a flip-table cell of the two-model
comparison, a confusion-matrix cell, a failure cohort, rows selected on the map, a slice, a text search) is a
:class:`RowFilter`: the rows it keeps and the words the table's caption names it by. :func:`filter_rows`
combines them with a preset (all rows, the errors, the most confident errors, the least confident rows) into
the view the table draws. The view keeps each row's ``row_id``, so a selection follows the row, not its place
(:mod:`components.selection`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from textlens.dataset.cohorts import Cohort
from textlens.dataset.compare import FLIP_NAMES
from textlens.dataset.cuts import Cuts

ALL, ERRORS, CONFIDENT_ERRORS, LEAST_CONFIDENT = "All rows", "All errors", "Most confident errors", "Least confident"
PRESET_ROWS = 100  # rows the "most/least confident" presets show
ISSUES_IN, ISSUES_ASIDE, ISSUES_ONLY = "Included", "Set aside", "Only them"
ISSUE_MODES = (ISSUES_IN, ISSUES_ASIDE, ISSUES_ONLY)
CUT_COLUMN = "model_read"  # the rows table's column saying where the model stopped reading a long text
ISSUE_COLUMN = "likely_label_error"


@dataclass(frozen=True, eq=False)
class RowFilter:
    """A filter picked on the page: the rows it keeps (None: not picked) and its name in the table's caption."""

    mask: np.ndarray | None
    name: str

    @property
    def active(self) -> bool:
        return self.mask is not None


NO_FILTER = RowFilter(None, "")


@dataclass(frozen=True, eq=False)
class Filtered:
    """The rows the table shows, in its order, and the names of the filters that made them."""

    view: pd.DataFrame
    names: tuple[str, ...]
    preset: str = ALL

    @property
    def row_ids(self) -> list[int]:
        """The ids of the rows shown, in the table's order: what a selection is kept by."""
        return [int(r) for r in self.view["row_id"]]

    def description(self) -> str:
        """The filters and the preset in words ("slice source = web, all errors"), empty for every row."""
        return ", ".join([*self.names, *([self.preset.lower()] if self.preset != ALL else [])])


def presets(has_truth: bool) -> list[str]:
    """The presets offered: the error ones need a true label."""
    return [ALL, ERRORS, CONFIDENT_ERRORS, LEAST_CONFIDENT] if has_truth else [ALL, LEAST_CONFIDENT]


def wrong_rows(truth: np.ndarray, predicted: np.ndarray) -> np.ndarray:
    """The rows with a matched true label and a prediction that differs from it."""
    return (truth >= 0) & (predicted >= 0) & (truth != predicted)


def issues_filter(issue: np.ndarray, mode: str) -> RowFilter:
    """Likely label errors included (no filter), set aside, or alone (``mode``: one of :data:`ISSUE_MODES`)."""
    if mode == ISSUES_IN:
        return NO_FILTER
    return RowFilter(~issue if mode == ISSUES_ASIDE else issue, f"likely label errors {mode.lower()}")


def flip_filter(codes: np.ndarray, chosen: int | None) -> RowFilter:
    """The rows of the flip-table cell ``chosen`` (a flip code of :mod:`textlens.dataset.compare`), or none."""
    if chosen is None:
        return NO_FILTER
    return RowFilter(codes == chosen, FLIP_NAMES[chosen])


def cell_filter(
    truth: np.ndarray, predicted: np.ndarray, cell: tuple[int, int] | None, labels: Sequence[str]
) -> RowFilter:
    """The rows of the confusion-matrix cell ``cell`` (true index, predicted index), or none."""
    if cell is None:
        return NO_FILTER
    t, p = cell
    return RowFilter((truth == t) & (predicted == p), f"true {labels[t]}, predicted {labels[p]}")


def slice_filter(mask: np.ndarray | None, name: str) -> RowFilter:
    """The rows of the slice selected in the slices table (``name``: "group = value"), or none."""
    return NO_FILTER if mask is None else RowFilter(mask, f"slice {name}")


def rows_filter(rows: Sequence[int] | None, n_rows: int, name: str) -> RowFilter:
    """The rows with these ids (the file's row positions, as ``row_id``), or none when ``rows`` is None."""
    if rows is None:
        return NO_FILTER
    mask = np.zeros(n_rows, dtype=bool)
    mask[[r for r in rows if 0 <= r < n_rows]] = True
    return RowFilter(mask, name)


def cohort_filter(cohort: Cohort | None, n_rows: int) -> RowFilter:
    """The rows of the failure cohort picked in the cohorts table (by its identity, not its place), or none."""
    return NO_FILTER if cohort is None else rows_filter(cohort.row_ids, n_rows, f"cohort “{cohort.description}”")


def map_filter(rows: Sequence[int], n_rows: int) -> RowFilter:
    """The rows selected on the map with the box or the lasso (their ids), or none when nothing is selected."""
    return rows_filter(rows, n_rows, "rows selected on the map") if rows else NO_FILTER


def search_filter(texts: pd.Series, search: str) -> RowFilter:
    """The rows whose text contains ``search`` (trimmed; literally, ignoring case), or none when it is blank."""
    wanted = search.strip()
    if not wanted:
        return NO_FILTER
    found = texts.astype(str).str.contains(wanted, case=False, regex=False).to_numpy()
    return RowFilter(found, f"text contains “{wanted}”")


def filter_rows(results: pd.DataFrame, filters: Sequence[RowFilter], preset: str, wrong: np.ndarray) -> Filtered:
    """The rows every active filter keeps, then the preset: the errors (``wrong``) only, the
    :data:`PRESET_ROWS` most confident of them, or the :data:`PRESET_ROWS` least confident rows.
    """
    mask = np.ones(len(results), dtype=bool)
    names = []
    for row_filter in filters:
        if row_filter.active:
            mask &= row_filter.mask
            names.append(row_filter.name)
    if preset in (ERRORS, CONFIDENT_ERRORS):
        mask &= wrong
    view = results[mask]
    if preset == CONFIDENT_ERRORS:
        view = view.sort_values("confidence", ascending=False).head(PRESET_ROWS)
    elif preset == LEAST_CONFIDENT:
        view = view.sort_values("confidence", ascending=True, na_position="last").head(PRESET_ROWS)
    return Filtered(view, tuple(names), preset)


def table_frame(
    results: pd.DataFrame,
    text: str,
    issue: np.ndarray | None = None,
    extra: Mapping[str, object] | None = None,
    cuts: Cuts | None = None,
) -> pd.DataFrame:
    """The results with the table's own columns: likely label error (``issue``), a second model's ``extra``
    columns, and where the model stopped reading a long text (only when ``cuts`` has rows).
    """
    if issue is not None:
        results = results.assign(**{ISSUE_COLUMN: issue})
    results = results.assign(**(extra or {}))
    if cuts and cuts.rows:  # say where the model stopped reading a long text, as the Explain page does
        results = results.assign(**{CUT_COLUMN: cuts.column(results["row_id"], results[text])})
    return results


def shown_columns(
    results: pd.DataFrame,
    text: str,
    meta: Sequence[str],
    has_truth: bool,
    has_issues: bool,
    extra: Sequence[str] = (),
) -> list[str]:
    """The columns the table shows, in order: id, text, where it was cut, labels, confidence, a second model's,
    likely label error, the metadata, and the error column when a row could not be predicted.
    """
    cut = [CUT_COLUMN] if CUT_COLUMN in results else []
    shown = ["row_id", text, *cut, *(["true_label"] if has_truth else []), "predicted_label", "confidence"]
    shown += (["correct"] if has_truth else []) + list(extra)
    shown += [ISSUE_COLUMN] if has_issues else []
    shown += [c for c in meta if c not in shown]
    if (results["error"] != "").any():
        shown.append("error")
    return shown
