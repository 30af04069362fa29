"""The Dataset rows table's filters and presets as pure functions, and a selection that follows its row id."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from components.dataset.filters import (
    ALL,
    CONFIDENT_ERRORS,
    CUT_COLUMN,
    ERRORS,
    ISSUE_COLUMN,
    ISSUES_ASIDE,
    ISSUES_IN,
    ISSUES_ONLY,
    LEAST_CONFIDENT,
    NO_FILTER,
    PRESET_ROWS,
    RowFilter,
    cell_filter,
    filter_rows,
    flip_filter,
    issues_filter,
    presets,
    search_filter,
    shown_columns,
    slice_filter,
    table_frame,
    wrong_rows,
)
from components.dataset.predict import score
from components.dataset.records import Columns
from components.selection import cleared_note, reconcile
from textlens.dataset import LabelledFile, RowPredictions
from textlens.dataset.compare import BOTH_RIGHT, BOTH_WRONG, BROKEN, FIXED, NOT_PAIRED
from textlens.dataset.cuts import Cuts

LABELS = ("neg", "pos")
NAN = float("nan")
# text, true label, P(neg), P(pos), why it could not be predicted
ROWS = [
    ("A good film.", "pos", 0.1, 0.9, None),  # right
    ("A bad film (really).", "neg", 0.4, 0.6, None),  # wrong, not very confident
    ("Dull.", "neg", 0.8, 0.2, None),  # right
    ("GREAT fun", "pos", 0.95, 0.05, None),  # wrong, confident
    ("", "pos", NAN, NAN, "empty text"),  # not predicted
    ("Fine, I guess.", "neutral", 0.45, 0.55, None),  # a label the model does not have
]


@pytest.fixture
def scored():
    frame = pd.DataFrame({"review": [r[0] for r in ROWS], "sentiment": [r[1] for r in ROWS]})
    labelled = LabelledFile(name="reviews.csv", frame=frame, format="csv", encoding="utf-8", total_rows=len(frame))
    run = RowPredictions(LABELS, np.array([[r[2], r[3]] for r in ROWS]), tuple(r[4] for r in ROWS))
    return score(labelled, run, Columns("review", "sentiment", ()))


def test_presets_need_a_true_label_for_the_errors():
    assert presets(True) == [ALL, ERRORS, CONFIDENT_ERRORS, LEAST_CONFIDENT]
    assert presets(False) == [ALL, LEAST_CONFIDENT]


def test_scored_rows_and_the_wrong_ones(scored):
    assert scored.truth.tolist() == [1, 0, 0, 1, 1, -1]
    assert scored.predicted.tolist() == [1, 1, 0, 0, -1, 1]
    assert scored.metrics.rows == 4 and scored.metrics.errors == 2
    # Wrong: a matched label and a prediction that differs; the unpredicted and the unmatched rows are not.
    assert wrong_rows(scored.truth, scored.predicted).tolist() == [False, True, False, True, False, False]


def test_likely_label_errors_included_set_aside_or_alone():
    issue = np.array([False, True, False, True])
    assert issues_filter(issue, ISSUES_IN) is NO_FILTER and not NO_FILTER.active
    aside = issues_filter(issue, ISSUES_ASIDE)
    assert aside.mask.tolist() == [True, False, True, False] and aside.name == "likely label errors set aside"
    only = issues_filter(issue, ISSUES_ONLY)
    assert only.mask.tolist() == issue.tolist() and only.name == "likely label errors only them"


def test_a_flip_cell_keeps_its_rows_and_none_keeps_all():
    codes = np.array([BOTH_RIGHT, FIXED, BROKEN, BOTH_WRONG, NOT_PAIRED, FIXED])
    fixed = flip_filter(codes, FIXED)
    assert fixed.mask.tolist() == [False, True, False, False, False, True] and fixed.name == "fixed by B"
    assert flip_filter(codes, BROKEN).mask.tolist() == [False, False, True, False, False, False]
    assert not flip_filter(codes, None).active


def test_a_confusion_cell_keeps_true_and_predicted(scored):
    cell = cell_filter(scored.truth, scored.predicted, (1, 0), LABELS)
    assert np.flatnonzero(cell.mask).tolist() == [3] and cell.name == "true pos, predicted neg"
    assert not cell_filter(scored.truth, scored.predicted, None, LABELS).active


def test_a_slice_is_named_by_its_group_and_value():
    picked = slice_filter(np.array([True, False]), "source = web")
    assert picked.active and picked.name == "slice source = web"
    assert slice_filter(None, "") is NO_FILTER


def test_search_is_literal_trimmed_and_ignores_case(scored):
    texts = scored.results["review"]
    found = search_filter(texts, "  film ")
    assert np.flatnonzero(found.mask).tolist() == [0, 1] and found.name == "text contains “film”"
    assert np.flatnonzero(search_filter(texts, "great").mask).tolist() == [3]
    assert np.flatnonzero(search_filter(texts, "(really)").mask).tolist() == [1]  # not a regular expression
    assert not search_filter(texts, "   ").active


def test_filters_combine_in_order_and_the_preset_comes_last(scored):
    results, wrong = scored.results, wrong_rows(scored.truth, scored.predicted)
    film = search_filter(results["review"], "film")
    aside = RowFilter(np.array([True, True, True, False, True, True]), "likely label errors set aside")
    shown = filter_rows(results, [aside, NO_FILTER, film], ALL, wrong)
    assert shown.row_ids == [0, 1] and shown.names == ("likely label errors set aside", "text contains “film”")
    assert shown.description() == "likely label errors set aside, text contains “film”"
    errors = filter_rows(results, [aside, film], ERRORS, wrong)
    assert errors.row_ids == [1] and errors.description().endswith(", all errors")
    assert filter_rows(results, [], ALL, wrong).description() == ""


def test_confident_errors_first_and_least_confident_rows_last_unpredicted(scored):
    wrong = wrong_rows(scored.truth, scored.predicted)
    assert filter_rows(scored.results, [], CONFIDENT_ERRORS, wrong).row_ids == [3, 1]
    least = filter_rows(scored.results, [], LEAST_CONFIDENT, wrong)
    assert least.row_ids == [5, 1, 2, 0, 3, 4] and least.description() == "least confident"


def test_the_presets_show_at_most_their_rows():
    n = PRESET_ROWS + 30
    results = pd.DataFrame({"row_id": range(n), "confidence": np.linspace(0.5, 1.0, n)})
    least = filter_rows(results, [], LEAST_CONFIDENT, np.ones(n, dtype=bool))
    assert least.row_ids == list(range(PRESET_ROWS))
    confident = filter_rows(results, [], CONFIDENT_ERRORS, np.ones(n, dtype=bool))
    assert confident.row_ids == list(range(n - 1, n - 1 - PRESET_ROWS, -1))


def test_the_table_adds_its_own_columns_and_shows_them_in_order(scored):
    issue = np.array([False, True, False, False, False, False])
    extra = {"predicted_label_b": ["pos"] * 6, "change": [""] * 6}
    plain = table_frame(scored.results, "review", cuts=Cuts({}, 128))
    assert CUT_COLUMN not in plain and ISSUE_COLUMN not in plain
    results = table_frame(scored.results, "review", issue, extra, Cuts({1: 5}, 128))
    assert results[ISSUE_COLUMN].tolist() == issue.tolist()
    assert results[CUT_COLUMN].tolist()[:2] == ["", "first 5 of 20 characters"]
    shown = shown_columns(results, "review", ("sentiment", "review"), True, True, list(extra))
    assert shown == [
        "row_id",
        "review",
        CUT_COLUMN,
        "true_label",
        "predicted_label",
        "confidence",
        "correct",
        "predicted_label_b",
        "change",
        ISSUE_COLUMN,
        "sentiment",
        "error",  # one row could not be predicted
    ]
    predicted = results[results["error"] == ""]
    assert shown_columns(predicted, "review", (), False, False) == [
        "row_id",
        "review",
        CUT_COLUMN,
        "predicted_label",
        "confidence",
    ]


def test_a_selected_row_follows_its_id_through_filters_or_is_dropped(scored):
    """The rows table keeps its selection by row id: a preset or filter moves the row, or drops it with a note."""
    wrong = wrong_rows(scored.truth, scored.predicted)
    every = filter_rows(scored.results, [], ALL, wrong)
    _, kept = reconcile(None, None, every.row_ids)
    picked, kept = reconcile(kept, (3,), every.row_ids)  # the user picks the fourth row shown: row 3
    assert picked.ids == (3,)
    errors = filter_rows(scored.results, [], CONFIDENT_ERRORS, wrong)  # row 3 now shows first
    moved, kept = reconcile(kept, (3,), errors.row_ids)  # the widget still reports the old position
    assert moved.ids == (3,) and moved.positions == (0,)
    film = filter_rows(scored.results, [search_filter(scored.results["review"], "film")], ALL, wrong)
    gone, kept = reconcile(kept, moved.positions, film.row_ids)
    assert gone.ids == () and gone.dropped == (3,)
    assert cleared_note(gone.dropped) == "Row 3 is not in this view; selection cleared."
