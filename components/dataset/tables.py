"""The Dataset page's tables as data frames (the page, the CSV downloads and the report share them), their
column formats, and the one-line metrics summary.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import streamlit as st

from textlens.dataset import Metrics, MultiLabelMetrics, SliceMetrics
from textlens.dataset.compare import ClassComparison, SliceComparison, WordShift
from textlens.text.wordstats import WordContrast, WordStat

PERCENT = st.column_config.NumberColumn(format="percent")
FLOAT3 = st.column_config.NumberColumn(format="%.3f")
SIGNED4 = st.column_config.NumberColumn(format="%+.4f")
SIGNED_POINTS = st.column_config.NumberColumn(format="%+.1f")


MISTAKEN_FOR = "most often predicted as"


def metrics_frame(metrics: Metrics) -> pd.DataFrame:
    """Per-class precision, recall, F1 and support, and the class each one's errors go to most (the classes the
    model mixes up), with macro- and weighted-average rows.
    """
    frame = pd.DataFrame(metrics.table(), columns=["label", "precision", "recall", "f1", "support"])
    mixed = []
    for i in range(len(frame)):
        worst = metrics.mistaken_for(i) if i < len(metrics.labels) else None
        support = metrics.per_class[i].support if i < len(metrics.labels) else 0
        mixed.append("" if worst is None else f"{metrics.labels[worst[0]]} ({worst[1]:,} of {support:,})")
    frame[MISTAKEN_FOR] = mixed
    # A class no row has (recall) or the model never predicts (precision) has no such number; blank, not a 0
    # a meeting would read as "always wrong" (scikit-learn's zero_division=0 fills them with 0).
    for i in range(len(metrics.labels)):
        predicted = sum(row[i] for row in metrics.confusion)
        if metrics.per_class[i].support == 0:
            frame.loc[i, "recall"] = float("nan")
        if predicted == 0:
            frame.loc[i, "precision"] = float("nan")
        if metrics.per_class[i].support == 0 and predicted == 0:
            frame.loc[i, "f1"] = float("nan")
    return frame


def multi_label_frame(metrics: MultiLabelMetrics) -> pd.DataFrame:
    """Per-label precision, recall, F1 and support (rows carrying the label), with micro- and macro-average rows."""
    return pd.DataFrame(metrics.table(), columns=["label", "precision", "recall", "f1", "support"])


def slices_frame(slices: Sequence[SliceMetrics]) -> pd.DataFrame:
    """One row per slice, worst first, with the whole set's accuracy difference."""
    return pd.DataFrame(
        [
            {
                "slice by": s.group,
                "value": s.value,
                "rows": s.rows,
                "labelled": s.labelled,
                "accuracy": s.accuracy,
                "vs whole set": s.accuracy_delta,
                "macro F1": s.macro_f1,
                "errors": s.errors,
                "mean confidence": s.mean_confidence,
                "few rows": s.small,
            }
            for s in slices
        ],
        columns=[
            "slice by",
            "value",
            "rows",
            "labelled",
            "accuracy",
            "vs whole set",
            "macro F1",
            "errors",
            "mean confidence",
            "few rows",
        ],
    )


def words_frame(stats: Sequence[WordStat]) -> pd.DataFrame:
    """The word aggregate as a table: mean signed value, mean |value|, rows and occurrences."""
    return pd.DataFrame(
        [
            {"word": s.word, "mean": s.mean, "mean |value|": s.mean_abs, "rows": s.inputs, "occurrences": s.occurrences}
            for s in stats
        ],
        columns=["word", "mean", "mean |value|", "rows", "occurrences"],
    )


def contrast_frame(contrast: Sequence[WordContrast]) -> pd.DataFrame:
    """Words in errors against correct rows: mean toward the decision and row counts in each."""
    return pd.DataFrame(
        [
            {
                "word": c.word,
                "mean in errors": c.errors.mean,
                "error rows": c.errors.inputs,
                "mean in correct": c.correct.mean if c.correct else None,
                "correct rows": c.correct.inputs if c.correct else 0,
                "difference": c.cue,
            }
            for c in contrast
        ],
        columns=["word", "mean in errors", "error rows", "mean in correct", "correct rows", "difference"],
    )


def slices_compared_frame(table: Sequence[SliceComparison]) -> pd.DataFrame:
    """Slices compared as the page and the report show them: small slices get no change and no p-value."""
    return pd.DataFrame(
        [
            {
                "slice": s.group,
                "value": s.value,
                "rows": s.labelled,
                "accuracy A": s.accuracy_a,
                "accuracy B": s.accuracy_b,
                "change (points)": None if s.small else s.change * 100,
                "fixed by B": s.fixed,
                "broken by B": s.broken,
                "p (Holm)": None if s.small else s.p_adjusted,
                "verdict": s.verdict(),
            }
            for s in table
        ]
    )


def classes_compared_frame(table: Sequence[ClassComparison]) -> pd.DataFrame:
    """Each true class with both models: its rows, A's and B's recall, the change and the rows B fixes and breaks."""
    return pd.DataFrame(
        [
            {
                "true label": c.label,
                "rows": c.rows,
                "recall A": c.recall_a,
                "recall B": c.recall_b,
                "change (points)": c.change * 100,
                "fixed by B": c.fixed,
                "broken by B": c.broken,
            }
            for c in table
        ],
        columns=["true label", "rows", "recall A", "recall B", "change (points)", "fixed by B", "broken by B"],
    )


def metrics_summary(metrics: Metrics) -> str:
    """One line: accuracy, macro- and weighted F1, top-label ECE, rows and errors."""
    return (
        f"accuracy {metrics.accuracy:.1%} · macro-F1 {metrics.macro_f1:.3f} · weighted F1 {metrics.weighted_f1:.3f} · "
        f"ECE {metrics.ece:.3f} · {metrics.rows:,} labelled rows · {metrics.errors:,} errors"
    )


def multi_label_summary(metrics: MultiLabelMetrics) -> str:
    """One line: micro- and macro-F1, subset accuracy, Hamming loss, the threshold and the rows."""
    return (
        f"micro-F1 {metrics.micro_f1:.3f} · macro-F1 {metrics.macro_f1:.3f} · subset accuracy "
        f"{metrics.subset_accuracy:.1%} · Hamming loss {metrics.hamming_loss:.3f} · threshold {metrics.threshold:g} · "
        f"{metrics.rows:,} labelled rows"
    )


def word_shifts_frame(shifts: Sequence[WordShift]) -> pd.DataFrame:
    """The words whose attribution moved most from model A to model B, as the page shows them."""
    return pd.DataFrame(
        [
            {
                "word": s.word,
                "mean A": s.mean_a,
                "mean B": s.mean_b,
                "shift B − A": s.shift,
                "rows": s.rows,
                "sign flipped": s.sign_flip,
            }
            for s in shifts
        ]
    )
