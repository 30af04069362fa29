"""The rows a Dataset table shows, sent to a review pack in one step, each case with its explanation.

The explanations are made only when the form is sent (with a progress bar): the one-pass explainer
(:mod:`textlens.text.one_pass`) where the model has one, a second or so for hundreds of rows; else the
exact explainer. With a second model (B) each row is two cases, A's and B's, each carrying both
predictions and the change (:func:`textlens.dataset.compare.flip_cases`), as the flipped rows are sent.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import streamlit as st

from components import widgets as ui
from components.state import dataset as dataset_state
from components.state import models
from textlens.dataset import RowPredictions, row_cases
from textlens.dataset.compare import Comparison, flip_cases
from textlens.dataset.predict import prediction_records
from textlens.text.explain import explainable
from textlens.types import Explanation


class ExplainedOnSend(Sequence):
    """Review-pack cases made (and their rows explained) only when first iterated or indexed.

    :func:`components.pack_widgets.send_to_pack_ui` takes the cases before its form is drawn, counts them for its
    button and iterates them only once the form is sent: so a page rerun costs nothing, and the sending
    is what explains. ``count`` must be the number of cases ``make`` returns.
    """

    def __init__(self, count: int, make: Callable[[], list[dict]]):
        self._count, self._make, self._cases = count, make, None

    def _made(self) -> list[dict]:
        if self._cases is None:
            self._cases = self._make()
        return self._cases

    def __len__(self) -> int:
        return self._count

    def __getitem__(self, index):
        return self._made()[index]

    def __iter__(self) -> Iterator[dict]:
        return iter(self._made())


def explain_for_pack(model_id: str, texts: list[str], what: str) -> list[Explanation]:
    """Explanations of ``texts`` with a progress bar: one-pass values where the model has its explainer, else
    exact ones (cached per text).
    """
    if not texts:
        return []
    if models.one_pass(model_id) is not None:
        bar = st.progress(0.0, text=f"Estimating the word values of {what}…")
        try:
            return models.one_pass_with_progress(
                model_id,
                texts,
                lambda done, total: bar.progress(done / max(total, 1), text=f"{what}: {done:,} of {total:,}"),
            )
        finally:
            bar.empty()
    with ui.progress(f"Explaining {what}", models.load_model(model_id).seconds_per_row) as draw:
        return models.explanations(model_id, texts, on_progress=draw)


def with_provenance(cases: list[dict], classifiers: dict[str, Any]) -> list[dict]:
    """Each two-model case with its own model's provenance (``classifiers``: "A" and "B" by tag)."""
    from textlens.store import provenance_of

    for case in cases:
        case["provenance"] = provenance_of(classifiers[case["context"]["model"]], case["record"])
    return cases


@dataclass(frozen=True)
class RowsToSend:
    """What the table shows, for the pack: its rows (ids, in the table's order), every row's text and true
    label, why they were sent (the filters) and the file's content hash.
    """

    rows: list[int]
    texts: list
    truths: list[str | None]
    why: str
    file_key: str


def sendable(rows: Sequence[int], texts: Sequence, *runs: RowPredictions) -> list[int]:
    """The rows every run predicted whose text has something to explain."""
    ok = np.logical_and.reduce([run.ok for run in runs])
    return [r for r in rows if ok[r] and explainable(texts[r])]


def shown_cases(
    shown: RowsToSend, model_a: str, run_a: RowPredictions, stored=None, second: tuple[str, Comparison] | None = None
) -> ExplainedOnSend:
    """The rows' cases, explained on send: A's explanation of each (a corpus result's stored one where it has
    it); with ``second`` (model B's id and the comparison), A's and B's, with both predictions and the change.
    """
    runs = (run_a, second[1].b) if second else (run_a,)
    rows = sendable(shown.rows, shown.texts, *runs)
    texts = [str(shown.texts[r]) for r in rows]
    truths = [shown.truths[r] for r in rows]
    what = f"the {len(rows):,} row{'s' if len(rows) != 1 else ''} to send"

    def explained_a() -> list:
        found = dataset_state.stored_explanations(stored, tuple(rows)) if stored else []
        if stored and all(e is not None for e in found):
            return list(found)
        if stored:  # rows the corpus result did not explain go as their predictions
            predictions = prediction_records(shown.texts, run_a, model_a, rows)
            return [e or p for e, p in zip(found, predictions)]
        return explain_for_pack(model_a, texts, f"{what} with A" if second else what)

    def make() -> list[dict]:
        records_a = explained_a()
        if second is None:
            explained = dict(zip(rows, records_a))
            return row_cases(shown.texts, run_a, model_a, rows, truths, shown.why, shown.file_key, explained)
        model_b, comparison = second
        records_b = explain_for_pack(model_b, texts, f"{what} with B")
        names = (ui.model_display(model_a), ui.model_display(model_b))
        cases = flip_cases(rows, comparison.codes, truths, records_a, records_b, names, shown.file_key, shown.why)
        return with_provenance(cases, {"A": models.load_model(model_a), "B": models.load_model(model_b)})

    return ExplainedOnSend(len(rows) * (2 if second else 1), make)
