"""Dataset page: how the model does on a labelled set, where it fails, and which words drive it."""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import streamlit as st

from app_pages import dataset_versus as versus
from components import widgets as ui
from components.dataset import (
    CUT_COLUMN,
    Cuts,
    ExplainedRow,
    confusion_figure,
    contrast_figure,
    contrast_frame,
    dataset_report,
    explained_row_html,
    metrics_frame,
    metrics_summary,
    reliability_figure,
    slices_frame,
    word_aggregate_figure,
    words_frame,
)
from components.safe_text import escape_md
from components.selection import cleared_note, keep_selection
from components.send_rows import RowsToSend, shown_cases
from components.state import core as session
from components.state import dataset as dataset_state
from components.state import explain as explain_state
from components.state import models
from textlens import Explanation, InputFileError, NoTextColumnError
from textlens.corpus import DataEntry, StoredRun, data_folder_entries, resolve_entry, result_hash
from textlens.dataset import (
    LabelIssues,
    LabelledFile,
    LabelMatch,
    Metrics,
    RowPredictions,
    SliceMetrics,
    compute_metrics,
    predicted_index,
    results_frame,
    results_parquet,
    sample_rows,
    slice_metrics,
    truth_index,
)
from textlens.dataset.label_issues import CAVEAT, MEANING, set_aside_note
from textlens.dataset.slices import set_slices
from textlens.dataset.versus import Comparison, SliceVersus, Versus, rows_phrase
from textlens.eta import time_left
from textlens.report.export_info import ExportInfo
from textlens.text.amortized import text_words
from textlens.text.explain import explainable
from textlens.text.wordstats import WordContrast, WordStat, default_target, word_contrast, word_statistics

UPLOAD, DATA_FOLDER = "Upload a file", "From the data folder"
NO_LABEL = "(no label column)"
FILE_TYPES = ["csv", "tsv", "txt", "parquet", "pq", "jsonl", "ndjson", "json"]
ALL, ERRORS, CONFIDENT_ERRORS, LEAST_CONFIDENT = "All rows", "All errors", "Most confident errors", "Least confident"
PRESET_ROWS = 100  # rows the "most/least confident" presets show
SEND_ROWS = 20  # likely label errors sent to a review pack by default
ISSUES_IN, ISSUES_ASIDE, ISSUES_ONLY = "Included", "Set aside", "Only them"
MAX_EXPLAINED = 5  # selected rows explained in place
SEND_MAX = 1000  # rows the table shows sent to a review pack in one step, at most
# Rows whose word values are estimated as soon as they are predicted (at most about 50 s here: about 1.3
# times the time predicting them takes, bench/amortized_speed.py); larger files wait for a click.
AUTO_ESTIMATE_ROWS = 5000
STORED_SAMPLE = 1000  # rows of a corpus result aggregated by default (reading stored explanations is cheap)
# A metadata column is offered by default when it has at most this many distinct values (source, language...).
META_MAX_VALUES = 20
PERCENT = st.column_config.NumberColumn(format="percent")
FLOAT3 = st.column_config.NumberColumn(format="%.3f")
SIGNED4 = st.column_config.NumberColumn(format="%+.4f")
KEYS = dataset_state.DatasetKeys


@dataclass(frozen=True)
class Columns:
    """What the analyst picked: the text column, the optional true-label column and metadata columns."""

    text: str
    label: str | None
    meta: tuple[str, ...]


@dataclass(frozen=True, eq=False)
class Scored:
    """The predicted set: results table, label indices, confidences and the metrics (None without labels)."""

    results: pd.DataFrame
    truth: np.ndarray
    predicted: np.ndarray
    confidence: np.ndarray
    metrics: Metrics | None
    match: LabelMatch | None


@dataclass(frozen=True)
class Shown:
    """What the rows table shows: the rows selected in it, every row in it, and the filters that made it."""

    selected: list[int]
    rows: list[int]
    filters: str


@dataclass(frozen=True, eq=False)
class Loaded:
    """What the page looks at: the rows, their content hash, and a corpus result's stored run (if opened)."""

    labelled: LabelledFile
    file_hash: str
    stored: StoredRun | None = None


def load_ui() -> Loaded | None:
    """The rows to look at: an upload, a file from the server's data folder, or a corpus result folder there."""
    data_dir = os.environ.get(dataset_state.DATA_DIR_ENV, "").strip()
    source = UPLOAD
    if data_dir:
        source = st.radio("Source", [UPLOAD, DATA_FOLDER], horizontal=True, key=KEYS.SOURCE, persist_state="session")
    if source == UPLOAD:
        upload = ui.upload_ui(
            "Labelled file: CSV, TSV, Parquet or JSON lines",
            FILE_TYPES,
            KEYS.UPLOAD,
            KEYS.FILE_DATA,
            KEYS.FORGET_FILE,
            help="One row per text, with a header. A true-label column is optional; any other columns "
            "(source, language, date…) can slice the results.",
        )
        if upload is None:
            note = (
                "" if data_dir else f" Larger files: ask whoever runs the server to set {dataset_state.DATA_DIR_ENV}."
            )
            st.caption(f"Upload a file to start.{note}")
            return None
        file_hash, name, where = upload.digest, upload.name, upload.data
    else:
        entries = data_folder_entries(data_dir)
        if not entries:
            st.info("The data folder has no CSV, TSV, Parquet or JSON-lines files.")
            return None
        entry = st.selectbox("File", entries, format_func=lambda e: e.label, key=KEYS.ENTRY, persist_state="session")
        opened = ui.attempt(open_entry, data_dir, entry)
        if opened is None or isinstance(opened, Loaded):
            return opened
        file_hash, name, where = opened
    with st.spinner(f"Reading {escape_md(name)}…"):
        labelled = ui.attempt(dataset_state.labelled_file, file_hash, name, where)
    if labelled is None:
        return None
    ui.file_notes(labelled.notices, labelled.warnings)
    return Loaded(labelled, file_hash)


def open_entry(data_dir: str, entry: DataEntry) -> Loaded | tuple[str, str, Path]:
    """A data-folder entry: a corpus result opened (its note shown), else a file's (content hash, name, path).

    A file that vanished or cannot be read raises :class:`InputFileError` with the system's message.
    """
    try:
        path = resolve_entry(data_dir, entry)
        if entry.kind == "result":
            key = result_hash(path)
            with st.spinner(f"Opening {escape_md(entry.path)}…"):
                stored = dataset_state.stored_run(key, str(path))
            st.info(escape_md(stored.note()))
            ui.file_notes(warnings=stored.labelled.warnings)
            return Loaded(stored.labelled, key, stored)
        stat = path.stat()
        return dataset_state.file_hash(str(path), stat.st_mtime_ns, stat.st_size), entry.path, path
    except OSError as exc:
        raise InputFileError(str(exc)) from exc


def columns_ui(loaded: Loaded, labels: tuple[str, ...]) -> Columns | None:
    """Pickers for the text, label and metadata columns, defaulting to the guessed ones; None until a
    text column is chosen, when no column holds text (nothing is guessed then, and the page says why).

    A corpus result's text column is the one it explained (fixed), its label column the default.
    """
    labelled, stored = loaded.labelled, loaded.stored
    if stored:
        text_guess, label_guess = stored.text_column, stored.label_column
    else:
        text_guess, label_guess = labelled.guess_columns(labels)
    names = labelled.columns
    suffix = loaded.file_hash[:12]  # new file, fresh pickers with fresh guesses
    left, middle, right = st.columns([1, 1, 2])
    text = left.selectbox(
        "Text column",
        names,
        index=names.index(text_guess) if text_guess in names else None,
        placeholder="Choose the text column",
        key=KEYS.TEXT_COLUMN + suffix,
        disabled=stored is not None,
        persist_state="session",
    )
    if text is None:  # no column holds text, and none is chosen yet
        st.error(escape_md(str(labelled.no_text_column(NoTextColumnError.BOX_HINT))))
        return None
    label_options = [NO_LABEL, *[n for n in names if n != text]]
    label = middle.selectbox(
        "True label column",
        label_options,
        index=label_options.index(label_guess) if label_guess in label_options else 0,
        key=KEYS.LABEL_COLUMN + suffix,
        persist_state="session",
    )
    rest = [n for n in names if n not in (text, label)]
    few = [n for n in rest if labelled.frame[n].astype(str).nunique() <= META_MAX_VALUES]
    meta = right.multiselect(
        "Metadata columns to slice by", rest, default=few, key=KEYS.META_COLUMNS + suffix, persist_state="session"
    )
    return Columns(text, None if label == NO_LABEL else label, tuple(meta))


def predict_ui(model_id: str, loaded: Loaded, columns: Columns, second: bool = False) -> RowPredictions | None:
    """The predictions of every row: stored in a corpus result, from this session or the cache, or computed
    on click with progress (rows done and time left). ``second``: the second model's (B), never stored.
    """
    if loaded.stored and not second:
        return loaded.stored.run
    labelled, file_hash = loaded.labelled, loaded.file_hash
    run_key = (model_id, file_hash, columns.text)
    kept, button = (KEYS.RUN_B, KEYS.PREDICT_B) if second else (KEYS.RUN, KEYS.PREDICT)
    done = session.recall(kept, run_key)
    if done is not None:
        return done
    classifier = models.load_model(model_id)
    rows = len(labelled.frame)
    start = st.empty()  # the button goes away once the predictions are there
    with start.container():
        # No time is promised before the rows have run: a guess from the model's speed was off by up to 2.6x.
        st.caption(f"{rows_phrase(rows)} to predict with {escape_md(ui.model_display(model_id))}.")
        who = " with model B" if second else ""
        clicked = st.button(f"Predict all {rows_phrase(rows)}{who}", type="primary", key=button)
    if not clicked:
        return None
    start.empty()
    texts = labelled.frame[columns.text].tolist()
    with ui.progress("Predicting", classifier.seconds_per_row) as drawer:

        def draw(state: session.Progress) -> None:
            eta = state.measured_eta()
            left = "estimating time left…" if eta is None else f"about {eta:.0f} s left"
            text = f"Predicting: {state.done:,} of {rows_phrase(state.total)}, {left}"
            drawer.bar.progress(state.fraction(), text=text)

        run = ui.attempt(dataset_state.row_predictions, model_id, file_hash, columns.text, texts, draw)
    if run is None:
        return None
    session.remember(kept, run_key, run)
    return run


def score_ui(labelled: LabelledFile, run: RowPredictions, columns: Columns) -> Scored:
    """The results table and metrics, with notices for rows that could not be used."""
    results, match = results_frame(labelled.frame, columns.text, run, columns.label)
    labels = run.labels
    truth, predicted = truth_index(results, labels), predicted_index(results, labels)
    confidence = results["confidence"].to_numpy(dtype=float)
    failed = run.error_rows()
    if failed:
        parts = [f"{len(rows):,} {reason}" for reason, rows in failed.items()]
        with st.expander(
            f"⚠ {rows_phrase(sum(len(r) for r in failed.values()))} could not be predicted ({', '.join(parts)})"
        ):
            for reason, rows in failed.items():
                shown = ", ".join(str(r) for r in rows[:200]) + (" …" if len(rows) > 200 else "")
                st.caption(f"{escape_md(reason)}: row_id {shown}")
    ui.label_match_ui(match)
    metrics = compute_metrics(truth, predicted, confidence, labels) if columns.label else None
    return Scored(results, truth, predicted, confidence, metrics, match)


def metrics_ui(metrics: Metrics, view_key: tuple) -> tuple[int, int] | None:
    """Headline numbers, per-class table, the clickable confusion matrix and calibration. Returns the clicked cell."""
    a, b, c, d, e = st.columns(5)
    a.metric("Accuracy", f"{metrics.accuracy:.1%}")
    b.metric("Macro-F1", f"{metrics.macro_f1:.3f}")
    c.metric("Errors", f"{metrics.errors:,}")
    d.metric("Labelled rows", f"{metrics.rows:,}")
    e.metric(
        "Calibration error (ECE)",
        f"{metrics.ece:.3f}",
        help="Expected calibration error: how far "
        "confidence is from accuracy, averaged over confidence bins (0 = a 0.9 means right 90% of the time).",
    )
    left, right = st.columns([3, 2])
    with left:
        st.subheader("Confusion matrix")
        st.caption("Rows: true label; columns: predicted. Click a cell to show its rows in the table below.")
        generation = st.session_state.setdefault(KEYS.CONFUSION_GEN, 0)
        fresh = session.widget_is_new(f"{KEYS.CONFUSION}{generation}")
        event = st.plotly_chart(
            confusion_figure(metrics),
            key=f"{KEYS.CONFUSION}{generation}",
            on_select="rerun",
            selection_mode="points",
            width="content",
            config={"displayModeBar": False},
        )
        st.dataframe(
            metrics_frame(metrics),
            hide_index=True,
            width="stretch",
            column_config={"precision": FLOAT3, "recall": FLOAT3, "f1": FLOAT3},
        )
    with right:
        st.subheader("Calibration")
        st.caption("Accuracy per confidence bin; on the dashed line, a confidence of 0.9 is right 90 % of the time.")
        st.plotly_chart(reliability_figure(metrics), width="stretch", key=KEYS.RELIABILITY)
    points = (event.selection.points if event and event.selection else None) or []
    clicked = (int(round(points[0]["y"])), int(round(points[0]["x"]))) if points else None
    return session.kept_selection(KEYS.CELL_KEPT, view_key, clicked, fresh)


def label_issues_ui(
    model_id: str, loaded: Loaded, scored: Scored, run: RowPredictions, columns: Columns
) -> LabelIssues:
    """Likely label errors: the count and noise rate, metrics with them set aside, the ranked table, sending
    the top ones to a review pack with the verdict "Label error" preset, and the corrected-labels CSV.
    """
    issues = dataset_state.label_issues(run.probs, scored.truth, run.labels)
    texts = scored.results[columns.text].tolist()
    title = f"Likely label errors: {issues.count:,} of {rows_phrase(issues.scored, 'labelled')}"
    # Its open state is kept in the session (a rerun, e.g. sending to a pack, leaves it open), and its
    # contents run only while it is open.
    section = st.expander(title, icon=":material/label_off:", key=KEYS.LABEL_ISSUES_OPEN, on_change="rerun")
    if not section.open:
        return issues
    with section:
        st.markdown(escape_md(issues.summary()))
        st.caption(f"{MEANING} {CAVEAT}")
        for note in issues.notes:
            st.caption(f"cleanlab: {escape_md(note)}")
        aside = compute_metrics(issues.excluded_truth(scored.truth), scored.predicted, scored.confidence, run.labels)
        st.metric("Estimated label noise", f"{issues.noise_rate:.1%}" if issues.scored else "–")
        if aside is not None and scored.metrics is not None:
            st.caption(escape_md(set_aside_note(aside.accuracy, aside.macro_f1, aside.rows, scored.metrics.accuracy)))
        if not issues.count:
            return issues
        file_key = loaded.file_hash
        st.markdown(
            "**Send the likeliest to a review pack** — each as a case with the verdict *Label error* "
            "preset, for a reviewer to confirm or change."
        )
        n = int(
            st.number_input(
                "Rows to send, most likely first",
                1,
                issues.count,
                min(SEND_ROWS, issues.count),
                key=f"{KEYS.LABEL_ISSUES_SEND}_n",
            )
        )
        cases = issues.review_cases(texts, run.probs, model_id, n, file_key)
        pack = ui.send_to_pack_ui(
            cases,
            source="dataset",
            classifier=None if loaded.stored else models.load_model(model_id),
            key=KEYS.LABEL_ISSUES_SEND,
            what="likely label errors",
        )
        verdicts = ui.attempt(dataset_state.reviewed_verdicts, pack, file_key) if pack else None
        table = issues.frame(texts, verdicts or {})
        where = f"pack {escape_md(pack)}" if pack else "the pack picked above"
        st.caption(
            f"Most likely first. Reviewer verdicts come from {where} "
            "once a reviewer has edited the case; the corrected label is the suggested one where the verdict is "
            "*Label error*, else the label as given."
        )
        st.dataframe(
            table,
            hide_index=True,
            width="stretch",
            height=min(420, 38 + 35 * len(table)),
            key=KEYS.LABEL_ISSUES,
            column_config={
                "row": st.column_config.NumberColumn("row", width="small"),
                "text": st.column_config.TextColumn(columns.text, width="large"),
                "probability": FLOAT3,
                "quality": FLOAT3,
            },
        )
        stem = os.path.splitext(os.path.basename(loaded.labelled.name))[0] or "dataset"
        st.download_button(
            "Corrected labels (CSV)",
            lambda: table.to_csv(index=False),
            f"{stem}-corrected-labels.csv",
            "text/csv",
            on_click="ignore",
        )
    return issues


def slices_ui(
    scored: Scored,
    columns: Columns,
    labels: tuple[str, ...],
    view_key: tuple,
    comparison: Comparison | None = None,
) -> tuple[list[SliceMetrics], np.ndarray | None, str, list[SliceVersus]]:
    """Slices by metadata, length and a typed pattern, worst first; with a second model, the slices compared.

    Returns the slice table, the mask and name of the slice selected in it (None and "" when none is) and
    the slices compared (empty without a second model).
    """
    st.subheader("Slices")
    left, middle = st.columns([3, 2])
    pattern = left.text_input(
        "Rows containing (a keyword, or a regular expression)",
        key=KEYS.PATTERN,
        persist_state="session",
        placeholder="e.g. not",
        help="A keyword matches whole words, ignoring case: 'not' finds 'Not' but not 'nothing'.",
    )
    with middle:
        st.write("")
        is_regex = st.toggle("Regular expression", key=KEYS.REGEX, persist_state="session")
        case = st.toggle("Match case", key=KEYS.CASE, persist_state="session")
    slices = ui.attempt(set_slices, scored.results, columns.text, columns.meta, pattern, is_regex=is_regex, case=case)
    if slices is None:  # the pattern cannot be used (its message is shown): the other slices still are
        slices = set_slices(scored.results, columns.text, columns.meta)
    table = slice_metrics(slices, scored.truth, scored.predicted, scored.confidence, labels)
    masks = {(s.group, s.value): s.mask for s in slices}
    order = "worst accuracy first" if scored.metrics else "lowest mean confidence first"
    st.caption(
        f"{len(table)} slices, {order}; slices with fewer than 10 labelled rows last. Select one to filter the table."
    )
    chosen = keep_selection(KEYS.SLICES, KEYS.SLICE_KEPT, view_key, [(s.group, s.value) for s in table])
    if chosen.dropped:
        st.info(escape_md(cleared_note(chosen.dropped, lambda s: f"slice {s[0]} = {s[1]}")), icon=":material/deselect:")
    st.dataframe(
        slices_frame(table),
        hide_index=True,
        width="stretch",
        height=min(400, 38 + 35 * len(table)),
        on_select="rerun",
        selection_mode="single-row",
        key=KEYS.SLICES,
        column_config={
            "accuracy": PERCENT,
            "vs whole set": st.column_config.NumberColumn(format="%+.3f"),
            "macro F1": FLOAT3,
            "mean confidence": FLOAT3,
        },
    )
    compared = versus.slices_compared_ui(comparison, slices) if comparison else []
    if chosen.ids and chosen.ids[0] in masks:
        group, value = chosen.ids[0]
        return table, masks[group, value], f"{group} = {value}", compared
    return table, None, "", compared


def table_ui(
    scored: Scored,
    columns: Columns,
    labels: tuple[str, ...],
    cell: tuple[int, int] | None,
    slice_mask,
    slice_name: str,
    issues: LabelIssues | None,
    view_key: tuple,
    comparison: Comparison | None = None,
    flip: versus.RowFilter | None = None,
    cuts: Cuts | None = None,
) -> Shown:
    """The rows, filtered by the clicked cell, the selected slice, a preset, likely label errors and a search;
    with a second model, its columns and the flip-table cell's filter.

    Returns the selected row ids (kept across a page switch), and every row id the table shows with the
    filters that made it.
    """
    st.subheader("Rows")
    results = scored.results
    has_truth = scored.metrics is not None
    left, middle, right = st.columns([3, 2, 2])
    presets = [ALL, ERRORS, CONFIDENT_ERRORS, LEAST_CONFIDENT] if has_truth else [ALL, LEAST_CONFIDENT]
    preset = left.radio("Show", presets, horizontal=True, key=KEYS.PRESET, persist_state="session")
    search = right.text_input(
        "Text contains", key=KEYS.SEARCH, placeholder="filter by a word or phrase", persist_state="session"
    )
    mask = np.ones(len(results), dtype=bool)
    filters = []
    if issues is not None:
        results = results.assign(likely_label_error=issues.issue)
        kept = middle.radio(
            "Likely label errors",
            [ISSUES_IN, ISSUES_ASIDE, ISSUES_ONLY],
            horizontal=True,
            key=KEYS.LABEL_ISSUES_FILTER,
            persist_state="session",
            help="Set aside the rows whose label is probably wrong to see the model's own errors.",
        )
        if kept != ISSUES_IN:
            mask &= ~issues.issue if kept == ISSUES_ASIDE else issues.issue
            filters.append(f"likely label errors {kept.lower()}")
    b_columns, b_config = versus.table_columns(comparison) if comparison else ({}, {})
    results = results.assign(**b_columns)
    if cuts and cuts.rows:  # say where the model stopped reading a long text, as the Explain page does
        results = results.assign(**{CUT_COLUMN: cuts.column(results["row_id"], results[columns.text])})
    if flip is not None and flip.mask is not None:
        mask &= flip.mask
        filters.append(flip.name)
    if cell is not None:
        t, p = cell
        mask &= (scored.truth == t) & (scored.predicted == p)
        filters.append(f"true {labels[t]}, predicted {labels[p]}")
    if slice_mask is not None:
        mask &= slice_mask
        filters.append(f"slice {slice_name}")
    if search.strip():
        mask &= results[columns.text].astype(str).str.contains(search.strip(), case=False, regex=False).to_numpy()
        filters.append(f"text contains “{search.strip()}”")
    wrong = (scored.truth >= 0) & (scored.predicted >= 0) & (scored.truth != scored.predicted)
    if preset in (ERRORS, CONFIDENT_ERRORS):
        mask &= wrong
    view = results[mask]
    if preset == CONFIDENT_ERRORS:
        view = view.sort_values("confidence", ascending=False).head(PRESET_ROWS)
    elif preset == LEAST_CONFIDENT:
        view = view.sort_values("confidence", ascending=True, na_position="last").head(PRESET_ROWS)
    cut = [CUT_COLUMN] if CUT_COLUMN in results else []
    shown = ["row_id", columns.text, *cut, *(["true_label"] if has_truth else []), "predicted_label", "confidence"]
    shown += (["correct"] if has_truth else []) + list(b_columns)
    shown += ["likely_label_error"] if issues is not None else []
    shown += [c for c in columns.meta if c not in shown]
    if (results["error"] != "").any():
        shown.append("error")
    if filters:
        note, clear = st.columns([5, 1])
        note.caption(escape_md(f"Filtered to {', '.join(filters)}: {rows_phrase(len(view))}."))
        if cell is not None and clear.button("Clear cell filter", key=KEYS.CLEAR_CELL):
            st.session_state[KEYS.CONFUSION_GEN] += 1
            st.session_state.pop(KEYS.CELL_KEPT, None)
            st.rerun()
        if flip is not None and flip.mask is not None and clear.button("Clear flip filter", key=KEYS.FLIP_CLEAR):
            st.session_state[KEYS.FLIP] = None
            st.rerun()
    st.caption(f"{len(view):,} of {rows_phrase(len(results))}. Click a header to sort; select rows to explain them.")
    chosen = keep_selection(KEYS.TABLE, KEYS.ROWS_KEPT, view_key, [int(r) for r in view["row_id"]])
    if chosen.dropped:
        st.info(escape_md(cleared_note(chosen.dropped)), icon=":material/deselect:")
    st.dataframe(
        view[shown],
        hide_index=True,
        width="stretch",
        height=min(420, 38 + 35 * max(len(view), 1)),
        on_select="rerun",
        selection_mode="multi-row",
        key=KEYS.TABLE,
        column_config={
            "row_id": st.column_config.NumberColumn("row", width="small"),
            columns.text: st.column_config.TextColumn(columns.text, width="large"),
            "confidence": FLOAT3,
            "likely_label_error": st.column_config.CheckboxColumn("likely label error"),
            CUT_COLUMN: st.column_config.TextColumn("model read", help=cuts.help() if cuts else None),
            **b_config,
        },
    )
    shown_filters = [*filters, *([preset.lower()] if preset != ALL else [])]
    return Shown(list(chosen.ids), [int(r) for r in view["row_id"]], ", ".join(shown_filters))


def send_rows_ui(
    model_id: str, loaded: Loaded, scored: Scored, run: RowPredictions, columns: Columns, shown: Shown, second=None
):
    """Every row the table shows (all errors of a filter, a confusion cell, a slice…) into a review pack in one
    step, each with its explanation (made on send) and the filter noted; with model B (``second``: its id and
    the comparison), A's and B's case of each row with both predictions and the change. :data:`SEND_MAX` at most.
    """
    rows = shown.rows[:SEND_MAX]
    with st.expander(f"Send the {rows_phrase(len(rows))} shown to a review pack", icon=":material/playlist_add:"):
        if len(shown.rows) > SEND_MAX:
            st.caption(f"The table shows {len(shown.rows):,} rows; the first {SEND_MAX:,} in its order are sent.")
        each = "A's and B's explanation of each row, with both predictions and the change" if second else "explanations"
        st.caption(
            escape_md(f"Sent as {each}, noting why ({shown.filters or 'all rows'}), the row and its true label. ")
            + "Explained when you send: one-pass values where the model has its explainer (seconds), else exact ones "
            "(about a minute for a few dozen rows)."
        )
        truths = scored.results["true_label"].tolist() if "true_label" in scored.results else [None] * len(run.probs)
        truths = [t if isinstance(t, str) else None for t in truths]
        texts = scored.results[columns.text].tolist()
        to_send = RowsToSend(rows, texts, truths, shown.filters or "all rows", loaded.file_hash)
        cases = shown_cases(to_send, model_id, run, loaded.stored, second)
        ui.send_to_pack_ui(
            cases,
            source="dataset",
            classifier=None if loaded.stored else models.load_model(model_id),
            key=KEYS.ROWS_SEND,
            what="cases" if second else "row" if len(cases) == 1 else "rows",
        )


def explained_ui(
    model_id: str,
    scored: Scored,
    columns: Columns,
    row_ids: list[int],
    stored: StoredRun | None,
    second: tuple[str, Comparison] | None = None,
) -> list[ExplainedRow]:
    """The selected rows explained in place (toward each row's predicted label), each with "Open in Explain";
    with a second model (``second``: its id and the comparison), by both models side by side.
    """
    if not row_ids:
        st.caption("Select rows in the table to see why the model decided as it did.")
        return []
    if len(row_ids) > MAX_EXPLAINED:
        st.info(f"{len(row_ids)} rows selected; the first {MAX_EXPLAINED} are explained.")
    if second is not None:
        texts = scored.results[columns.text].tolist()
        versus.side_by_side_ui(model_id, second[0], second[1], texts, row_ids[:MAX_EXPLAINED])
        return []
    results = scored.results
    picked = [r for r in row_ids[:MAX_EXPLAINED] if results["error"].iloc[r] == ""]
    if not picked:
        st.info("The selected rows could not be predicted, so there is nothing to explain.")
        return []
    explanations = explain_rows(model_id, [results[columns.text].iloc[r] for r in picked], picked, stored)
    if explanations is None:
        return []
    out = []
    has_truth = "true_label" in results
    for row_id, e in zip(picked, explanations):
        if e is None:
            st.caption(f"Row {row_id} has no stored explanation in this result.")
            continue
        truth = results["true_label"].iloc[row_id] if has_truth else None
        row = ExplainedRow(row_id, e, None if pd.isna(truth) else str(truth) if truth is not None else None)
        out.append(row)
        with st.container(border=True):
            st.html(explained_row_html(row, e.predicted_label))
            actions = st.container(horizontal=True)
            if actions.button("Open in Explain", key=f"{KEYS.OPEN}{row_id}"):
                st.session_state[explain_state.ExplainKeys.TEXT] = e.text
                st.switch_page("app_pages/explain.py")
            with actions:
                ui.add_to_pack_ui(
                    e,
                    e.predicted_label,
                    source="dataset",
                    classifier=None if stored else models.load_model(model_id),
                    row=row_id,
                    truth=row.truth,
                    key=f"{KEYS.PACK}{row_id}",
                )
    st.caption(
        "Each row is coloured toward its own predicted label (red pushes toward it, blue away), on its own "
        "scale; hover a word for its exact value. Open in Explain for the full legend, chart and downloads."
    )
    return out


def explain_rows(
    model_id: str, texts: list[str], positions: list[int], stored: StoredRun | None, label: str = "the selected rows"
) -> list[Explanation | None] | None:
    """Explanations of rows: a corpus result's stored ones, else computed (cached) with progress; None on error."""
    if stored:
        with st.spinner(f"Reading the stored explanations of {escape_md(label)}…"):
            return dataset_state.stored_explanations(stored, tuple(positions))
    classifier = models.load_model(model_id)
    with ui.progress(f"Explaining {label}", classifier.seconds_per_row) as draw:
        return ui.attempt(models.explanations, model_id, texts, on_progress=draw)


ESTIMATED = "Estimated, every row"
EXACT = "Exact, a sample"


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
    return models.amortizer(model_id).trust(words)


def estimated_words_ui(model_id: str, texts: list, ok: np.ndarray, file_key: tuple) -> tuple[list, list] | None:
    """Every predicted row's amortized explanation, (positions, explanations): computed as soon as the
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

    found = ui.attempt(models.amortized_with_progress, model_id, [str(texts[i]) for i in positions], draw)
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


@dataclass(frozen=True, eq=False)
class WordResult:
    """The word aggregate of an explained sample."""

    target: str
    stats: list[WordStat]
    contrast: list[WordContrast]
    rows: int
    errors: int
    estimated: str = ""  # how far one-pass values agree with exact ones, when the values are estimated
    scope: str = ""  # " in slice …" when only a slice's rows are aggregated


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
    results = scored.results
    ok = scored.predicted >= 0
    texts = results[columns.text].tolist()
    has_truth = scored.metrics is not None
    wrong = ((scored.truth != scored.predicted) & (scored.truth >= 0)) if has_truth else None
    if has_truth:
        ok &= scored.truth >= 0
    stored = loaded.stored
    if stored:
        ok &= stored.explained
    available = int(ok.sum())
    if available == 0:
        st.info("No predicted rows to explain.")
        return None
    kept = {"persist_state": "session"}
    amortizer = None if stored else models.amortizer(model_id)
    estimated = amortizer is not None and words_method_ui(available) == ESTIMATED
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
        inside = [k for k, p in enumerate(positions) if slice_mask[p]]
        if in_slice_ui(slice_name, len(positions), len(inside)):
            positions, explanations = [positions[k] for k in inside], [explanations[k] for k in inside]
            scope = f" in slice {slice_name}"
    if not explanations:
        st.info(f"None of these rows is in slice {escape_md(slice_name)}." if scope else "No rows with words here.")
        return None
    target = st.selectbox(
        "Toward class",
        labels,
        index=labels.index(default_target(labels)),
        key=KEYS.WORD_TARGET,
        persist_state="session",
    )
    stats = word_statistics(explanations, target, min_count)
    errors = [e for i, e in zip(positions, explanations) if wrong is not None and wrong[i]]
    right_rows = [e for i, e in zip(positions, explanations) if wrong is not None and not wrong[i]]
    contrast = word_contrast(errors, right_rows, None, min_count) if errors else []
    chart, table = st.columns([3, 2])
    estimated = estimated or bool(stored and stored.trust)  # a corpus result made with --method amortized
    kind = "estimated" if estimated else "explained"
    chart.caption(
        f"Mean attribution toward {escape_md(target)} over the rows each word occurs in "
        f"({rows_phrase(len(explanations))} {kind}{escape_md(scope)}; words in at least {min_count}). Red pushes "
        f"toward {escape_md(target)}, blue away."
    )
    chart.plotly_chart(word_aggregate_figure(stats, target), width="stretch", key=KEYS.WORDS_CHART)
    table.dataframe(
        words_frame(stats),
        hide_index=True,
        width="stretch",
        height=min(420, 38 + 35 * max(len(stats), 1)),
        column_config={"mean": SIGNED4, "mean |value|": st.column_config.NumberColumn(format="%.4f")},
    )
    if has_truth:
        st.markdown("**Words that drive the errors**")
        if not contrast:
            st.caption(f"No word occurs in at least {min_count} of the {len(errors)} {kind} errors.")
        else:
            st.caption(
                f"Toward each row's predicted label, in the {len(errors):,} {kind} errors beside the "
                f"{rows_phrase(len(right_rows), 'correct')}. A word that pushes wrong decisions much harder than right "
                "ones is a candidate spurious cue."
            )
            c1, c2 = st.columns([3, 2])
            c1.plotly_chart(contrast_figure(contrast), width="stretch", key=KEYS.CONTRAST_CHART)
            c2.dataframe(
                contrast_frame(contrast),
                hide_index=True,
                width="stretch",
                height=min(420, 38 + 35 * len(contrast)),
                column_config={"mean in errors": SIGNED4, "mean in correct": SIGNED4, "difference": SIGNED4},
            )
    trust = (stored.trust if stored else one_pass_trust(model_id, [e.text for e in explanations])) if estimated else ""
    return WordResult(target, stats, contrast, len(explanations), len(errors), trust, scope)


def downloads_ui(
    labelled: LabelledFile,
    model_id: str,
    scored: Scored,
    slices: list[SliceMetrics],
    words: WordResult | None,
    explained: list[ExplainedRow],
    more: list[ui.Download] = (),
    against: tuple[str, Versus | None, list[SliceVersus]] | None = None,
) -> None:
    """Predictions (CSV, Parquet), metrics and slices (CSV), ``more`` (a second model's), and the page as one
    HTML report (with ``against``: model B's name, the paired headline and its slices compared).
    """
    st.subheader("Downloads")
    classifier = models.load_model(model_id)
    info = ExportInfo(labelled.name, model_id, classifier.precision, "each row's predicted label")
    stem = os.path.splitext(os.path.basename(labelled.name))[0] or "dataset"
    notes = [*labelled.warnings, *labelled.notices]
    if scored.metrics:
        notes.insert(0, metrics_summary(scored.metrics))
    if words and words.estimated:
        notes.append(
            f"Word aggregate over {rows_phrase(words.rows)}{words.scope} ({words.errors:,} errors), {words.estimated}."
        )
    elif words:
        over = rows_phrase(words.rows, "explained")
        notes.append(f"Word aggregate over {over}{words.scope} ({words.errors:,} errors).")
    row = st.container(horizontal=True)
    row.download_button(
        "Predictions (CSV)",
        lambda: scored.results.to_csv(index=False),
        f"{stem}-predictions.csv",
        "text/csv",
        on_click="ignore",
    )
    row.download_button(
        "Predictions (Parquet)",
        lambda: results_parquet(scored.results),
        f"{stem}-predictions.parquet",
        "application/vnd.apache.parquet",
        on_click="ignore",
    )
    if scored.metrics:
        row.download_button(
            "Metrics (CSV)",
            lambda: metrics_frame(scored.metrics).to_csv(index=False),
            f"{stem}-metrics.csv",
            "text/csv",
            on_click="ignore",
        )
    row.download_button(
        "Slices (CSV)",
        lambda: slices_frame(slices).to_csv(index=False),
        f"{stem}-slices.csv",
        "text/csv",
        on_click="ignore",
    )
    for file in more:
        row.download_button(file.label, file.data, f"{stem}-{file.file_name}", file.mime, on_click="ignore")
    row.download_button(
        "Report (HTML)",
        lambda: dataset_report(
            info=info,
            metrics=scored.metrics,
            slices=slices,
            words=words.stats if words else (),
            words_target=words.target if words else "",
            contrast=words.contrast if words else (),
            explained=explained,
            notes=notes,
            versus=against[1] if against else None,
            model_b=against[0] if against else "",
            compared=against[2] if against else (),
        ),
        f"{stem}-report.html",
        "text/html",
        on_click="ignore",
    )


def render() -> None:
    """The page: load, pick columns, predict, then metrics, slices, rows, explanations, words and downloads."""
    model_id = ui.model_picker()
    st.title("Dataset")
    st.caption(
        "How does the model do on a labelled set, where does it fail, and which words drive it? Load a file, "
        "predict every row, then click into the errors."
    )
    loaded = load_ui()
    if loaded is None:
        return
    labelled = loaded.labelled
    if loaded.stored:  # a corpus result speaks for the model that made it
        model_id, labels = loaded.stored.model_id, loaded.stored.run.labels
    else:
        labels = models.load_model(model_id).labels
    columns = columns_ui(loaded, labels)
    run = predict_ui(model_id, loaded, columns) if columns else None
    if run is None:
        return
    scored = score_ui(labelled, run, columns)
    # What the kept selections (clicked cell, slice, rows) belong to: another file, model or column forgets them.
    view_key = (loaded.file_hash, model_id, columns.text, columns.label)
    cell = None
    if scored.metrics:
        st.caption(escape_md(f"{labelled.name} · {ui.model_display(model_id)} · {metrics_summary(scored.metrics)}"))
        cell = metrics_ui(scored.metrics, view_key)
    elif columns.label is None:
        st.info("Pick a true-label column to see accuracy, the confusion matrix and calibration.")
    comparison, flip, model_b = None, None, None
    if scored.metrics:
        model_b = versus.model_b_ui(model_id, labels)
        run_b = predict_ui(model_b, loaded, columns, second=True) if model_b else None
        if run_b is not None:
            frame = labelled.frame
            comparison = versus.comparison_of(
                model_id, model_b, loaded.file_hash, frame, columns.text, columns.label, run, run_b
            )
            versus.headline_ui(comparison, model_id, model_b)
            flip = versus.flip_table_ui(comparison)
            versus.send_flips_ui(
                model_id, model_b, comparison, labelled.frame[columns.text].tolist(), run, loaded.file_hash
            )
    issues = label_issues_ui(model_id, loaded, scored, run, columns) if scored.metrics else None
    slices, slice_mask, slice_name, compared = slices_ui(scored, columns, labels, view_key, comparison)
    cuts = dataset_state.cut_rows(model_id, loaded.file_hash, columns.text, labelled.frame[columns.text].tolist())
    shown = table_ui(scored, columns, labels, cell, slice_mask, slice_name, issues, view_key, comparison, flip, cuts)
    row_ids = shown.selected
    second = (model_b, comparison) if comparison else None
    send_rows_ui(model_id, loaded, scored, run, columns, shown, second)
    explained = explained_ui(model_id, scored, columns, row_ids, loaded.stored, second)
    texts = scored.results[columns.text].tolist()
    if comparison:
        versus.words_changed_ui(model_id, model_b, comparison, texts, loaded.file_hash)
    words = words_ui(model_id, scored, columns, loaded, labels, slice_mask, slice_name)
    more = versus.comparison_downloads(comparison, compared) if comparison else []
    against = (ui.model_display(model_b), comparison.versus, compared) if comparison else None
    downloads_ui(loaded.labelled, model_id, scored, slices, words, explained, more, against)


render()
