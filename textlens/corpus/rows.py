"""Explaining a batch of input rows into result rows: the one piece the local and the Ray engines share."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pandas as pd

from textlens.corpus.reader import ROW_ID
from textlens.corpus.result import base_value_column, reserved
from textlens.dataset.predict import score_column
from textlens.errors import TextlensError
from textlens.text.explain import explain
from textlens.text.models import Classifier
from textlens.types import Explanation

if TYPE_CHECKING:
    from textlens.text.one_pass import OnePassExplainer


@dataclass(frozen=True)
class RowSettings:
    """What every row is explained with (the settings a resumed run must share)."""

    text_column: str
    max_evals: int | str = "auto"
    leaves: str = "words"
    method: str = "exact"  # or "one-pass": the model's one-pass explainer, in batches
    explainer: str = ""  # its folder ("" = the one found for the model)
    digest: str = ""  # its weights' digest, checked wherever it is loaded (every Ray node)


def stored_columns(columns: list[str], labels: tuple[str, ...]) -> dict[str, str]:
    """Input column -> the name it is stored under (``input_<name>`` where it clashes with a result column)."""
    out: dict[str, str] = {}
    taken = set(columns)
    for name in columns:
        stored = name
        while name != ROW_ID and reserved(stored, labels):
            stored = f"input_{stored}"
            while stored in taken:
                stored = f"input_{stored}"
        out[name] = stored
        taken.add(stored)
    return out


def not_text(cell: Any, settings: RowSettings) -> str | None:
    """Why a cell cannot be explained because it is not text (missing, a number...), or None for text."""
    if isinstance(cell, str):
        return None
    kind = "missing" if cell is None or (isinstance(cell, float) and cell != cell) else type(cell).__name__
    return f"Not text: the {settings.text_column!r} cell is {kind}."


def explain_row(classifier: Classifier, text: Any, settings: RowSettings) -> Explanation | str:
    """One row's exact explanation, or the reason it has none (empty text, not text...)."""
    reason = not_text(text, settings)
    if reason is not None:
        return reason
    return caught(lambda: explain(classifier, text, max_evals=settings.max_evals, leaves=settings.leaves))


def caught(make: Callable[[], Explanation]) -> Explanation | str:
    """``make()``, or the reason it failed: one odd text must not stop a night's run."""
    try:
        return make()
    except TextlensError as exc:
        return str(exc)
    except (ValueError, TypeError, RuntimeError, IndexError) as exc:
        return f"{type(exc).__name__}: {exc}"


# Texts per batch of the one-pass explainer: big enough to keep the model busy, small enough that a
# part is written every few seconds.
ONE_PASS_BATCH = 64


def row_explainer(
    classifier: Classifier, settings: RowSettings, explainer: OnePassExplainer | None = None
) -> tuple[Callable[[list], list], int]:
    """A function from a batch of cells to their outcomes (explanations or reasons), and its batch size.

    ``explainer``: the one-pass explainer already loaded for the run (loaded here, e.g. on a Ray node, if not).

    Exact explanations go one row at a time; one-pass ones in batches, with each cell that is not
    text given its reason and a batch that fails retried row by row so one odd text cannot spoil the others.
    """
    if settings.method != "one-pass":
        return (lambda cells: [explain_row(classifier, cell, settings) for cell in cells]), 1
    from textlens.text.one_pass import require_one_pass

    explainer = explainer or require_one_pass(classifier, settings.explainer or None)
    if settings.digest and explainer.digest() != settings.digest:
        raise TextlensError(
            f"The one-pass explainer found here ({explainer.source}) differs from the run's (digest "
            f"{explainer.digest()} vs {settings.digest}): give every machine the same explainer."
        )

    def explain_batch(cells: list) -> list:
        outcomes: list = [not_text(cell, settings) for cell in cells]
        todo = [i for i, o in enumerate(outcomes) if o is None]
        try:
            found = explainer.explain(classifier, [cells[i] for i in todo])
        except (TextlensError, ValueError, TypeError, RuntimeError, IndexError):
            found = [caught(lambda text=cells[i]: explainer.explain(classifier, [text])[0]) for i in todo]
        for i, outcome in zip(todo, found):
            outcomes[i] = outcome
        return outcomes

    return explain_batch, ONE_PASS_BATCH


def result_columns(outcomes: list[Explanation | str], labels: tuple[str, ...]) -> dict[str, list]:
    """The engine's own columns for explained rows (``str`` outcomes are errors)."""
    cols: dict[str, list] = {"predicted_label": []}
    for label in labels:
        cols[score_column(label)] = []
    for label in labels:
        cols[base_value_column(label)] = []
    for name in ("words", "converged", "unsettled", "evals", "evals_needed", "max_evals", "truncated"):
        cols[name] = []
    for name in ("read_until", "seconds", "explanation", "error"):
        cols[name] = []
    for outcome in outcomes:
        ok = isinstance(outcome, Explanation)
        e: Any = outcome if ok else None
        cols["predicted_label"].append(e.predicted_label if ok else None)
        for i, label in enumerate(labels):
            cols[score_column(label)].append(e.scores[i] if ok else None)
            cols[base_value_column(label)].append(e.base_values[i] if ok else None)
        cols["words"].append(
            [{"word": w.word, "start": w.start, "end": w.end, "values": list(w.values)} for w in e.words]
            if ok
            else None
        )
        for name in ("converged", "unsettled", "evals", "evals_needed", "max_evals", "truncated", "read_until"):
            cols[name].append(getattr(e, name) if ok else None)
        cols["seconds"].append(e.seconds if ok else None)
        cols["explanation"].append(e.to_json() if ok else None)
        cols["error"].append(None if ok else outcome)
    return cols


def result_table(frame: pd.DataFrame, outcomes: list[Explanation | str], labels: tuple[str, ...]):
    """A pyarrow table of result rows: the input rows (``row_id`` first) and their explanations, typed."""
    import pyarrow as pa

    table = pa.Table.from_pandas(arrow_ready(frame.reset_index(drop=True)), preserve_index=False)
    table = table.set_column(table.schema.get_field_index(ROW_ID), ROW_ID, table.column(ROW_ID).cast(pa.int64()))
    word = pa.struct(
        [("word", pa.string()), ("start", pa.int64()), ("end", pa.int64()), ("values", pa.list_(pa.float64()))]
    )
    types = {
        "predicted_label": pa.string(),
        "words": pa.list_(word),
        "converged": pa.bool_(),
        "unsettled": pa.float64(),
        "evals": pa.int64(),
        "evals_needed": pa.int64(),
        "max_evals": pa.int64(),
        "truncated": pa.bool_(),
        "read_until": pa.int64(),
        "seconds": pa.float64(),
        "explanation": pa.string(),
        "error": pa.string(),
    }
    for name, values in result_columns(outcomes, labels).items():
        table = table.append_column(name, pa.array(values, type=types.get(name, pa.float64())))
    return table


def arrow_ready(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with each column Arrow cannot store as one type (JSON lines mixing text and numbers) as text."""
    import pyarrow as pa

    for name in frame.columns:
        if frame[name].dtype != object:
            continue
        try:
            pa.array(frame[name], from_pandas=True)
        except (pa.ArrowTypeError, pa.ArrowInvalid):
            frame[name] = [v if v is None or isinstance(v, str) else json.dumps(v, default=str) for v in frame[name]]
    return frame


def explain_frame(classifier: Classifier, frame: pd.DataFrame, settings: RowSettings, explainer=None):
    """Explain every row of ``frame`` (input columns already under their stored names) into a result table.

    ``explainer`` is a :func:`row_explainer` made once for many frames (made here when not given).
    """
    explain_cells, batch = explainer or row_explainer(classifier, settings)
    cells = frame[settings.text_column].tolist()
    outcomes = []
    for first in range(0, len(cells), batch):
        outcomes += explain_cells(cells[first : first + batch])
    return result_table(frame, outcomes, classifier.labels)
