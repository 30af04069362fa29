"""Which words drive the model on the Dataset page: word values estimated over every row (the model's one-pass
explainer) or exact over a sample, aggregated per class and in errors against correct rows, optionally over
the slice selected in the slices table.
"""

from __future__ import annotations

import time

import numpy as np
import streamlit as st

from components import widgets as ui
from components.dataset.explained import explain_rows
from components.dataset.figures import contrast_figure, word_aggregate_figure
from components.dataset.records import Columns, Loaded, Scored, WordResult
from components.dataset.tables import SIGNED4, contrast_frame, words_frame
from components.safe_text import escape_md
from components.state import core as session
from components.state import dataset as dataset_state
from components.state import models
from textlens.dataset import sample_rows
from textlens.dataset.compare import rows_phrase
from textlens.eta import time_left
from textlens.text.explain import explainable
from textlens.text.one_pass import text_words
from textlens.text.wordstats import WordContrast, WordStat, default_target, word_contrast, word_statistics

KEYS = dataset_state.DatasetKeys
ESTIMATED = "Estimated, every row"
EXACT = "Exact, a sample"
# Rows whose word values are estimated as soon as they are predicted (at most about 50 s here: about 1.3
# times the time predicting them takes, bench/one_pass_speed.py); larger files wait for a click.
AUTO_ESTIMATE_ROWS = 5000
STORED_SAMPLE = 1000  # rows of a corpus result aggregated by default (reading stored explanations is cheap)


def word_rows(
    truth: np.ndarray, predicted: np.ndarray, has_truth: bool, explained: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray | None]:
    """(The rows whose words can be aggregated, the errors among all rows or None without true labels): a
    predicted row, with a matched true label when there are labels, and a stored explanation in a corpus result
    (``explained``).
    """
    ok = predicted >= 0
    wrong = ((truth != predicted) & (truth >= 0)) if has_truth else None
    if has_truth:
        ok &= truth >= 0
    if explained is not None:
        ok &= explained
    return ok, wrong


def inside_slice(positions: list[int], mask: np.ndarray) -> list[int]:
    """The places in ``positions`` (row positions of an explained sample) whose row is in the slice ``mask``."""
    return [k for k, p in enumerate(positions) if mask[p]]


def by_outcome(positions: list[int], explanations: list, wrong: np.ndarray | None) -> tuple[list, list]:
    """The explanations split into (those of errors, those of correct rows); both empty without true labels."""
    if wrong is None:
        return [], []
    errors = [e for i, e in zip(positions, explanations) if wrong[i]]
    return errors, [e for i, e in zip(positions, explanations) if not wrong[i]]


def words_method_ui(available: int) -> str:
    """Estimated values over every row (the model's one-pass explainer), or exact ones over a sample."""
    return st.radio(
        "Word values",
        (ESTIMATED, EXACT),
        horizontal=True,
        key=KEYS.WORD_METHOD,
        persist_state="session",
        help=f"Estimated: all {rows_phrase(available)} in one pass each, by a small explainer trained on exact "
        "explanations of this model (its agreement with exact values is shown below). Exact: SHAP on a sample, "
        "about a minute for a few dozen rows. Any row's exact explanation is one click away in the rows table.",
    )


def one_pass_trust(model_id: str, texts: list) -> str:
    """The one-pass explainer's agreement line for these texts: the long-text figure when most are long."""
    words = int(np.median([text_words(t) for t in texts])) if texts else None
    return models.one_pass(model_id).trust(words)


def estimated_words_ui(model_id: str, texts: list, ok: np.ndarray, file_key: tuple) -> tuple[list, list] | None:
    """Every predicted row's one-pass explanation, (positions, explanations): computed as soon as the
    predictions are there for up to ``AUTO_ESTIMATE_ROWS`` rows (a progress bar), on a button beyond that.
    """
    positions = [int(p) for p in np.flatnonzero(ok) if explainable(texts[p])]
    sample_key = (model_id, *file_key, "estimated")
    trust = one_pass_trust(model_id, [texts[i] for i in positions])
    st.caption(
        f"Values over all {rows_phrase(len(positions))}, {escape_md(trust)}. Select a row in the rows table for its "
        "exact explanation."
    )
    found = session.recall(KEYS.WORDS, sample_key)
    if found is not None:
        return found
    # A failed attempt is not repeated on every rerun: the button tries again.
    auto = len(positions) <= AUTO_ESTIMATE_ROWS and not session.recall(KEYS.ESTIMATE_FAILED, sample_key)
    if not auto and not st.button(f"Estimate over all {rows_phrase(len(positions))}", key=KEYS.EXPLAIN_SAMPLE):
        return None
    bar = st.progress(0.0, text="Estimating word values…")
    started = time.perf_counter()

    def draw(done: int, total: int) -> None:
        eta = time_left(done, total, time.perf_counter() - started)
        left = "estimating time left…" if eta is None else f"about {eta:.0f} s left"
        bar.progress(done / total, text=f"Estimating word values: {done:,} of {rows_phrase(total)}, {left}")

    found = ui.attempt(models.one_pass_with_progress, model_id, [str(texts[i]) for i in positions], draw)
    bar.empty()
    if found is None:
        session.remember(KEYS.ESTIMATE_FAILED, sample_key, True)
        return None
    session.remember(KEYS.WORDS, sample_key, (positions, found))
    return positions, found


def exact_words_ui(
    model_id: str, texts: list, ok: np.ndarray, wrong, loaded: Loaded, columns: Columns, available: int
) -> tuple[tuple[list, list] | None, int]:
    """Exact explanations of a sample (stored ones of a corpus result, or computed); (sample, minimum rows per word)."""
    stored = loaded.stored
    if stored:  # stored explanations cost only reading
        default = min(available, STORED_SAMPLE)
    else:
        with st.spinner("Measuring how long an explanation takes here…"):
            ok_texts = [texts[i] for i in np.flatnonzero(ok)[:50]]
            default = min(
                available, dataset_state.explain_sample_size(model_id, loaded.file_hash, columns.text, ok_texts)
            )
    left, middle, right = st.columns([1, 1, 2])
    kept = {"persist_state": "session"}
    n = int(left.number_input("Rows to explain", 1, min(available, 1000), default, step=10, key=KEYS.SAMPLE_N, **kept))
    min_count = int(middle.number_input("Minimum rows per word", 1, 100, 3, key=KEYS.MIN_COUNT, **kept))
    if stored:
        trust = f"one-pass values of the corpus result, {stored.trust}" if stored.trust else ""
        where = f"Stored {trust or 'explanations of the corpus result'}. "
    else:
        where = f"About a minute for {rows_phrase(default)} here. "
    right.caption(
        escape_md(where)
        + (
            "Half the sample are errors (or all of them, if fewer), so both sides can be compared."
            if wrong is not None
            else ""
        )
    )
    sample_key = (model_id, loaded.file_hash, columns.text, columns.label, n)
    verb = "Aggregate" if stored else "Explain"
    if st.button(f"{verb} {rows_phrase(n)}", key=KEYS.EXPLAIN_SAMPLE):
        positions = [int(p) for p in sample_rows(ok, wrong, n)]
        found = explain_rows(model_id, [texts[i] for i in positions], positions, stored, rows_phrase(len(positions)))
        if found is None:
            return None, min_count
        pairs = [(p, e) for p, e in zip(positions, found) if e is not None]
        session.remember(KEYS.WORDS, sample_key, ([p for p, _ in pairs], [e for _, e in pairs]))
    return session.recall(KEYS.WORDS, sample_key), min_count


def in_slice_ui(slice_name: str, rows: int, inside: int) -> bool:
    """Whether the word drivers cover only the slice selected in the slices table (on by default)."""
    return st.toggle(
        f"Only the rows of slice {escape_md(slice_name)} ({inside:,} of the {rows_phrase(rows)})",
        value=True,
        key=KEYS.WORDS_IN_SLICE,
        persist_state="session",
        help="Select another slice in the slices table to see its words, or none for every row.",
    )


def words_ui(
    model_id: str,
    scored: Scored,
    columns: Columns,
    loaded: Loaded,
    labels: tuple[str, ...],
    slice_mask=None,
    slice_name: str = "",
) -> WordResult | None:
    """Explain a sample (or estimate every row) and aggregate word attributions per class, and in errors
    against correct rows; with a slice selected in the slices table, optionally over that slice's rows only.
    """
    st.subheader("Which words drive the model")
    texts = scored.results[columns.text].tolist()
    has_truth = scored.metrics is not None
    stored = loaded.stored
    ok, wrong = word_rows(scored.truth, scored.predicted, has_truth, stored.explained if stored else None)
    available = int(ok.sum())
    if available == 0:
        st.info("No predicted rows to explain.")
        return None
    kept = {"persist_state": "session"}
    explainer = None if stored else models.one_pass(model_id)
    estimated = explainer is not None and words_method_ui(available) == ESTIMATED
    if estimated:
        sample = estimated_words_ui(model_id, texts, ok, (loaded.file_hash, columns.text, columns.label))
        min_count = int(st.number_input("Minimum rows per word", 1, 100, 3, key=KEYS.MIN_COUNT, **kept))
    else:
        sample, min_count = exact_words_ui(model_id, texts, ok, wrong, loaded, columns, available)
    if sample is None:
        return None
    positions, explanations = sample
    scope = ""
    if slice_mask is not None:
        inside = inside_slice(positions, slice_mask)
        if in_slice_ui(slice_name, len(positions), len(inside)):
            positions, explanations = [positions[k] for k in inside], [explanations[k] for k in inside]
            scope = f" in slice {slice_name}"
    if not explanations:
        st.info(f"None of these rows is in slice {escape_md(slice_name)}." if scope else "No rows with words here.")
        return None
    target = st.selectbox(
        "Toward class",
        labels,
        index=labels.index(default_target(labels, [labels[p] for p in scored.predicted if p >= 0])),
        key=KEYS.WORD_TARGET,
        persist_state="session",
    )
    stats = word_statistics(explanations, target, min_count)
    errors, right_rows = by_outcome(positions, explanations, wrong)
    contrast = word_contrast(errors, right_rows, None, min_count) if errors else []
    estimated = estimated or bool(stored and stored.trust)  # a corpus result made with --method one-pass
    kind = "estimated" if estimated else "explained"
    words_chart_ui(stats, target, f"{rows_phrase(len(explanations))} {kind}{escape_md(scope)}", min_count)
    if has_truth:
        error_words_ui(contrast, len(errors), len(right_rows), kind, min_count)
    trust = (stored.trust if stored else one_pass_trust(model_id, [e.text for e in explanations])) if estimated else ""
    return WordResult(target, stats, contrast, len(explanations), len(errors), trust, scope)


def words_chart_ui(stats: list[WordStat], target: str, over: str, min_count: int) -> None:
    """The words' mean attribution toward ``target`` as a chart and a table (``over``: the rows aggregated, as
    Markdown).
    """
    chart, table = st.columns([3, 2])
    chart.caption(
        f"Mean attribution toward {escape_md(target)} over the rows each word occurs in "
        f"({over}; words in at least {min_count}). Red pushes toward {escape_md(target)}, blue away."
    )
    chart.plotly_chart(word_aggregate_figure(stats, target), width="stretch", key=KEYS.WORDS_CHART)
    table.dataframe(
        words_frame(stats),
        hide_index=True,
        width="stretch",
        height=ui.grid_height(max(len(stats), 1)),
        column_config={"mean": SIGNED4, "mean |value|": st.column_config.NumberColumn(format="%.4f")},
    )


def error_words_ui(contrast: list[WordContrast], errors: int, correct: int, kind: str, min_count: int) -> None:
    """The words that push wrong decisions harder than right ones, as a chart and a table."""
    st.markdown("**Words that drive the errors**")
    if not contrast:
        st.caption(f"No word occurs in at least {min_count} of the {errors} {kind} errors.")
        return
    st.caption(
        f"Toward each row's predicted label, in the {errors:,} {kind} errors beside the "
        f"{rows_phrase(correct, 'correct')}. A word that pushes wrong decisions much harder than right "
        "ones is a candidate spurious cue."
    )
    c1, c2 = st.columns([3, 2])
    c1.plotly_chart(contrast_figure(contrast), width="stretch", key=KEYS.CONTRAST_CHART)
    c2.dataframe(
        contrast_frame(contrast),
        hide_index=True,
        width="stretch",
        height=ui.grid_height(len(contrast)),
        column_config={"mean in errors": SIGNED4, "mean in correct": SIGNED4, "difference": SIGNED4},
    )
