"""A table's selection is the ids of the rows picked, never their positions in the view on screen.

``st.dataframe(..., on_select="rerun")`` reports *positions* in the data it was last given, and keeps them
when that data changes (its key is its identity): a filter, a slice, a sort or a search then silently
selects whatever row lands at the old position. So every selectable table goes through
:func:`keep_selection` before it is drawn: the positions the user picked are turned into row ids in the
view they were picked in, the ids are looked up in the new view, and the widget's selection is set to
their new positions (Streamlit 1.67 lets a dataframe's selection be set through its key in Session
State). A picked row the new view does not show is unselected, and :func:`cleared_note` says so.

The pure part (:func:`reconcile` and its helpers) works on any hashable ids and is unit-tested alone.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from typing import Any

import streamlit as st

from components.state import core as session


@dataclass(frozen=True)
class Kept:
    """What the session remembers of a table between runs."""

    ids: tuple  # the selected rows' ids, in the order they were picked
    view: tuple  # the ids of the rows the table showed, in its order, when it was last drawn
    positions: tuple[int, ...]  # the widget's selection (positions in ``view``) as last seen or set


@dataclass(frozen=True)
class Selection:
    """The selection in force for the view about to be drawn."""

    ids: tuple  # the selected rows' ids, every one in the view
    positions: tuple[int, ...]  # their positions in the view, for the widget
    dropped: tuple = ()  # ids selected before that the view does not show: unselected


def ids_at(view: Sequence[Hashable], positions: Sequence[int]) -> tuple:
    """The ids at ``positions`` of ``view`` (positions outside it are ignored, repeats kept once)."""
    out: list = []
    for p in positions:
        if isinstance(p, int) and 0 <= p < len(view) and view[p] not in out:
            out.append(view[p])
    return tuple(out)


def positions_of(view: Sequence[Hashable], ids: Sequence[Hashable]) -> tuple[tuple[int, ...], tuple]:
    """Where each of ``ids`` is in ``view``: (their positions, in the order of ``ids``; the ids it lacks)."""
    where = {row: p for p, row in reversed(list(enumerate(view)))}  # the first place a repeated id is at
    found = tuple(where[i] for i in ids if i in where)
    return found, tuple(i for i in ids if i not in where)


def reconcile(kept: Kept | None, widget: Sequence[int] | None, view: Sequence[Hashable]) -> tuple[Selection, Kept]:
    """The selection for ``view`` and what to remember of it.

    ``kept``: what was remembered after the last run (None: a new input, nothing is selected);
    ``widget``: the positions the widget reports now (None: the widget is new, e.g. back from another page),
    which are positions in the view the user saw, ``kept.view``. A widget that differs from what was last
    seen or set is the user's own pick; otherwise the kept ids stand. The ids are then found in ``view``;
    those it does not show are dropped (and named in :attr:`Selection.dropped`).
    """
    view = tuple(view)
    if kept is None:
        ids: tuple = ()  # the widget's positions, if any, belong to another file or model
    elif widget is not None and tuple(widget) != kept.positions:
        ids = ids_at(kept.view, widget)
    else:
        ids = kept.ids
    positions, dropped = positions_of(view, ids)
    shown = tuple(view[p] for p in positions)
    return Selection(shown, positions, dropped), Kept(shown, view, positions)


def cleared_note(dropped: Sequence[Any], name: Callable[[Any], str] = lambda row: f"row {row}") -> str:
    """One sentence naming the selected rows a new view lost: "Row 217 is not in this view; selection cleared."."""
    if not dropped:
        return ""
    names = [name(d) for d in dropped]
    listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    verb = "is" if len(names) == 1 else "are"
    return f"{listed[:1].upper()}{listed[1:]} {verb} not in this view; selection cleared."


def widget_rows(value: Any) -> tuple[int, ...] | None:
    """The row positions in a dataframe widget's Session State value (None when there is no value)."""
    if not value:
        return None
    try:
        rows = value["selection"]["rows"]
    except (KeyError, TypeError):
        return None
    return tuple(int(r) for r in rows or ())


def keep_selection(widget_key: str, kept_key: str, input_key: Hashable, view: Sequence[Hashable]) -> Selection:
    """The selection of the table ``widget_key`` by row id: call it just before the table is drawn with ``view``
    (the ids of its rows in order). It keeps the ids under ``kept_key`` for ``input_key`` (another file or
    model forgets them) and sets the widget to the ids' positions in ``view`` when they moved.
    """
    widget = widget_rows(st.session_state.get(widget_key))
    before = session.recall(kept_key, input_key)
    selection, kept = reconcile(before if isinstance(before, Kept) else None, widget, view)
    session.remember(kept_key, input_key, kept)
    if (widget or ()) != selection.positions:
        st.session_state[widget_key] = {"selection": {"rows": list(selection.positions), "columns": [], "cells": []}}
    return selection
