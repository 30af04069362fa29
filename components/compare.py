"""The Compare page's logic: a file's rows as inputs, model A's errors, the run with its progress, the triage
filter and sort, the word table and what the downloads say they are.

Only :func:`run_comparison` draws (its progress bar); the rest takes plain values and returns them.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from components import widgets as ui
from components.safe_text import escape_md
from components.state import models
from textlens import Explanation
from textlens.dataset.labels import NO_LABEL as UNMATCHED
from textlens.dataset.labels import match_labels
from textlens.report.compare import CompareRow, row_correct
from textlens.report.document import words_csv
from textlens.report.export_info import ExportInfo
from textlens.text.wordstats import word_statistics

Inputs = tuple[list[str], list[str | None], list[dict[str, str]]]  # texts, true labels, each row's columns
SHOW_ALL, SHOW_WRONG, SHOW_RIGHT = "all", "wrong", "right"
ORDER_ROWS, ORDER_CONFIDENT, ORDER_UNSURE = "row order", "most confident first", "least confident first"


def table_inputs(table, text_column: str, label_column: str | None) -> Inputs:
    """The rows of ``table`` that have text (stripped), their true labels (``label_column``; None: no labels)
    and each row's own columns, in file order.
    """
    texts = table.column(text_column)
    truths = table.column(label_column) if label_column is not None else [None] * len(texts)
    kept = [(t.strip(), y, dict(zip(table.columns, row))) for t, y, row in zip(texts, truths, table.rows) if t.strip()]
    return [t for t, _, _ in kept], [y for _, y, _ in kept], [c for _, _, c in kept]


def wrong_rows(labels: Sequence[str], truths: Sequence[str | None], predictions) -> list[bool]:
    """Whether each prediction differs from its row's true label matched to ``labels`` (False where none matched)."""
    truth_index, _ = match_labels(list(truths), list(labels))
    return [t != UNMATCHED and labels[t] != p.label for t, p in zip(truth_index, predictions)]


def row_seconds(model_id: str, texts: list[str]) -> float:
    """Seconds per masked row at these texts' mean length (long rows cost more than short ones)."""
    classifier = models.load_model(model_id)
    counts = classifier.token_counts(texts) if texts else [16]
    return classifier.estimate_seconds(1, round(sum(counts) / len(counts)))


def run_comparison(
    model_ids: list[str],
    texts: list[str],
    truths: list[str | None],
    columns: list[dict[str, str]],
    budget,
    names: list[str] | None = None,
) -> list[CompareRow]:
    """Explain every text with every model (each explanation cached), with progress across inputs.

    ``names`` are the rows' names (their numbers in the file); #1, #2… by default.
    """
    per_model = []
    with ui.progress("Comparing", row_seconds(model_ids[0], texts)) as drawer:
        for model_id in model_ids:
            suffix = f" with {escape_md(ui.model_display(model_id))}" if len(model_ids) > 1 else ""
            draw = drawer.stage(f"Explaining {len(texts)} inputs{suffix}", row_seconds(model_id, texts))
            per_model.append(models.explanations(model_id, texts, max_evals=budget, on_progress=draw))
    b_results = per_model[1] if len(per_model) > 1 else [None] * len(texts)
    names = names or [f"#{i + 1}" for i in range(len(texts))]
    return [
        CompareRow(name, a, b, truth, cells)
        for name, a, b, truth, cells in zip(names, per_model[0], b_results, truths, columns)
    ]


def triage(rows: Sequence[CompareRow], show: str | None, order: str | None) -> list[CompareRow]:
    """The rows to show: all, or only those model A got wrong / right (rows with a true label), then sorted
    by model A's confidence (most or least confident first) or kept in row order.
    """
    has_label = {id(r) for r in rows if r.true_label is not None}
    shown = [
        r for r in rows if show in (None, SHOW_ALL) or (id(r) in has_label and row_correct(r) == (show == SHOW_RIGHT))
    ]
    if order == ORDER_CONFIDENT:
        shown = sorted(shown, key=lambda r: -max(r.a.scores))
    elif order == ORDER_UNSURE:
        shown = sorted(shown, key=lambda r: max(r.a.scores))
    return shown


def of_model(row: CompareRow, which: str) -> Explanation:
    """Model ``which``'s explanation of the row ("A" or "B"; A's where there is no B)."""
    return row.b if which == "B" and row.b is not None else row.a


def word_table(rows: Sequence[CompareRow], target: str, which: str) -> pd.DataFrame:
    """Each word's mean attribution toward ``target`` over the inputs it occurs in (model ``which``)."""
    stats = word_statistics([of_model(r, which) for r in rows], target)
    return pd.DataFrame(
        [{"word": s.word, "mean value": s.mean, "inputs": s.inputs, "occurrences": s.occurrences} for s in stats]
    )


def export_info(rows: Sequence[CompareRow], source: str, target: str, model_names: tuple) -> ExportInfo:
    """What the downloads say they are: the file (or "3 typed inputs"), the model(s), precision and target."""
    shown_models = model_names[0] + (f" vs {model_names[1]}" if model_names[1] else "")
    subject = source or f"{len(rows)} typed inputs"
    return ExportInfo(subject, shown_models, rows[0].a.settings.get("precision", "float32"), target)


def report_csv(rows: Sequence[CompareRow], explanations: Sequence[Explanation], info: ExportInfo) -> str:
    """Every explanation's words as CSV, A's rows ("#2 A" in two-model mode) then B's ("#2 B")."""
    two = [r for r in rows if r.b is not None]
    return words_csv(
        explanations,
        [f"{r.name}" + ("" if r.b is None else " A") for r in rows] + [f"{r.name} B" for r in two],
        inputs=[r.inputs or {} for r in rows] + [r.inputs or {} for r in two],
        info=info,
    )
