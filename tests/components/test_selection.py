"""A table's selection follows its rows' ids through filters, sorts and page switches, or says it was cleared."""

from __future__ import annotations

import types

import pytest

from components import selection as sel
from components.selection import cleared_note, ids_at, positions_of, reconcile, widget_rows

ALL = tuple(range(300))  # the file's rows 0..299, "All rows"
ERRORS = (5, 20, 217, 250, 299)  # "All errors": row 2 is right, row 217 is wrong


def pick(view, positions):
    """The user picks ``positions`` in ``view`` (the first run drew it with nothing selected)."""
    _, kept = reconcile(None, None, view)
    return reconcile(kept, positions, view)


def test_ids_and_positions_map_both_ways():
    assert ids_at(ERRORS, [2, 0]) == (217, 5)
    assert ids_at(ERRORS, [7, -1, 2, 2]) == (217,)  # outside the view, and a repeat, are ignored
    assert positions_of(ERRORS, [217, 5, 2]) == ((2, 0), (2,))


def test_a_row_that_leaves_the_view_is_unselected_not_swapped():
    """The reported bug: row 2 picked under "All rows"; "All errors" must not select row 20 (position 2)."""
    chosen, kept = pick(ALL, [2])
    assert chosen.ids == (2,) and chosen.positions == (2,)
    # The filter changes: the widget still reports position 2, of the view the user saw.
    chosen, kept = reconcile(kept, [2], ERRORS)
    assert chosen.ids == () and chosen.positions == () and chosen.dropped == (2,)
    assert kept.view == ERRORS and kept.ids == ()


def test_a_row_that_stays_in_the_view_stays_selected_at_its_new_position():
    """Row 217 under "All rows" is at position 2 under "All errors" (was: row 354 selected instead)."""
    chosen, kept = pick(ALL, [217])
    chosen, kept = reconcile(kept, [217], ERRORS)
    assert chosen.ids == (217,) and chosen.positions == (2,) and not chosen.dropped
    # The next run: the widget reports what was set; nothing changes.
    again, kept = reconcile(kept, [2], ERRORS)
    assert again == chosen
    # Back to all rows: still row 217, at its own place.
    chosen, kept = reconcile(kept, [2], ALL)
    assert chosen.ids == (217,) and chosen.positions == (217,)


def test_sort_search_and_slice_views_keep_ids_in_pick_order():
    chosen, kept = pick(ALL, [250, 5, 217])
    assert chosen.ids == (250, 5, 217)
    by_confidence = (299, 217, 20, 250, 5)  # a sorted view
    chosen, kept = reconcile(kept, [250, 5, 217], by_confidence)
    assert chosen.ids == (250, 5, 217) and chosen.positions == (3, 4, 1)
    searched = (5, 217)  # a search leaves two of them
    chosen, kept = reconcile(kept, [3, 4, 1], searched)
    assert chosen.ids == (5, 217) and chosen.dropped == (250,)


def test_a_user_pick_is_read_in_the_view_they_saw():
    _, kept = reconcile(None, None, ERRORS)
    chosen, kept = reconcile(kept, [1], ERRORS)
    assert chosen.ids == (20,)
    chosen, kept = reconcile(kept, [], ERRORS)  # unselected
    assert chosen.ids == () and not chosen.dropped


def test_a_new_widget_gets_the_kept_rows_back_and_a_new_input_starts_empty():
    chosen, kept = pick(ALL, [217])
    back, _ = reconcile(kept, None, ALL)  # back from another page: the widget starts empty
    assert back.ids == (217,) and back.positions == (217,)
    fresh, _ = reconcile(None, [217], ALL)  # another file: the widget's positions mean nothing here
    assert fresh.ids == () and fresh.positions == ()


def test_any_hashable_id_works_for_the_slices_table():
    view = (("source", "web"), ("keyword", "not"), ("length", "short"))
    chosen, kept = pick(view, [1])
    assert chosen.ids == (("keyword", "not"),)
    chosen, _ = reconcile(kept, [1], (("source", "web"), ("length", "short")))
    assert chosen.dropped == (("keyword", "not"),) and chosen.ids == ()


def test_cleared_note_names_the_rows():
    assert cleared_note(()) == ""
    assert cleared_note((217,)) == "Row 217 is not in this view; selection cleared."
    assert cleared_note((2, 217, 5)) == "Row 2, row 217 and row 5 are not in this view; selection cleared."
    assert cleared_note((("keyword", "not"),), lambda s: f"slice {s[0]} = {s[1]}").startswith("Slice keyword = not is")


def test_widget_rows_reads_the_session_state_value():
    assert widget_rows(None) is None and widget_rows({}) is None and widget_rows({"x": 1}) is None
    assert widget_rows({"selection": {"rows": [3, 1], "columns": [], "cells": []}}) == (3, 1)


@pytest.fixture
def state(monkeypatch):
    """Streamlit's session state as a plain dict for keep_selection and the session helpers."""
    from components.state import core

    fake = types.SimpleNamespace(session_state={})
    monkeypatch.setattr(core, "st", fake)
    monkeypatch.setattr(sel, "st", fake)
    return fake.session_state


def test_keep_selection_sets_the_widget_only_when_the_rows_moved(state):
    key, kept_key, view_key = "table", "kept", ("file", "model")
    assert sel.keep_selection(key, kept_key, view_key, ALL).ids == ()
    assert key not in state  # nothing to set
    state[key] = {"selection": {"rows": [217]}}  # the user picks row 217
    assert sel.keep_selection(key, kept_key, view_key, ALL).ids == (217,)
    assert state[key] == {"selection": {"rows": [217]}}  # unchanged: the widget is left alone
    chosen = sel.keep_selection(key, kept_key, view_key, ERRORS)
    assert chosen.ids == (217,) and state[key]["selection"]["rows"] == [2]
    del state[key]  # another page, and back: Streamlit forgot the widget
    assert sel.keep_selection(key, kept_key, view_key, ERRORS).ids == (217,)
    assert state[key]["selection"]["rows"] == [2]
    assert sel.keep_selection(key, kept_key, ("other file", "model"), ERRORS).ids == ()
    assert state[key]["selection"]["rows"] == []


def test_a_value_kept_in_another_shape_starts_afresh(state):
    """A session that kept the selection as before (a (kept, seen) pair) does not break the page."""
    state["kept"] = (("file", "model"), ([217], [217]))
    state["table"] = {"selection": {"rows": [3]}}
    chosen = sel.keep_selection("table", "kept", ("file", "model"), ALL)
    assert chosen.ids == () and state["table"]["selection"]["rows"] == []
