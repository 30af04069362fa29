"""Compare page: several inputs through one model, or the same inputs through two models, side by side."""

from __future__ import annotations

import streamlit as st

from components import compare
from components import pack_widgets as packs
from components import widgets as ui
from components.charts import heatmap_figure, top_words_figure
from components.compare import Inputs, of_model
from components.examples import compare_lines
from components.safe_text import escape_md
from components.state import compare as compare_state
from components.state import core as session
from components.state import models
from textlens import Explanation
from textlens.dataset.files import (
    MAX_INPUTS,
    column_kind,
    label_column_guess,
    read_table,
    split_lines,
    text_column_guess,
)
from textlens.dataset.labels import match_labels
from textlens.dataset.sample import ROWS_ERRORS, ROWS_FIRST, ROWS_RANDOM, RowChoice, choose_rows
from textlens.errors import NoTextColumnError
from textlens.report.compare import (
    CompareRow,
    all_explanations,
    comparison_report,
    row_correct,
    row_header_html,
    shared_scale,
)
from textlens.report.highlight import PER_ROW, highlight_html, legend_html
from textlens.text.wordstats import default_target, shared_labels

MODE_ONE, MODE_TWO = "One model, several inputs", "Two models, same inputs"
SOURCE_TYPE, SOURCE_FILE = "Type, one per line", "Upload CSV / TSV / TXT"
NO_LABEL = "(no label column)"
KEYS = compare_state.CompareKeys
SCALE_STRONGEST = "strongest row"
SCALES = (SCALE_STRONGEST, 0.05, 0.1, 0.25, 0.5, 1.0)


def columns_ui(table, labels: list[str], file_key: tuple[str, str]) -> tuple[str, str] | None:
    """Text and label column pickers; a new file starts on the longest free text and a label-like column.

    None until a text column is chosen, when no column holds text (nothing is guessed then; the page says why).
    """
    if st.session_state.get(KEYS.FILE_SEEN) != file_key:
        st.session_state[KEYS.FILE_SEEN] = file_key
        text_guess = text_column_guess(table.columns, table.column)  # None: the box starts empty
        label_guess = label_column_guess(table.columns, table.column, labels, exclude=text_guess)
        st.session_state[KEYS.TEXT_COLUMN] = text_guess
        st.session_state[KEYS.LABEL_COLUMN] = label_guess or NO_LABEL
    left, right = st.columns(2)
    text_column = left.selectbox(
        "Text column",
        table.columns,
        key=KEYS.TEXT_COLUMN,
        placeholder="Choose the text column",
        persist_state="session",
    )
    label_column = right.selectbox(
        "True label column (optional)", [NO_LABEL, *table.columns], key=KEYS.LABEL_COLUMN, persist_state="session"
    )
    if text_column is None:
        kinds = {c: column_kind(table.column(c)) for c in table.columns}
        st.error(escape_md(str(NoTextColumnError(file_key[0], kinds, NoTextColumnError.BOX_HINT))))
        return None
    return text_column, label_column


def inputs_ui(source: str, labels: list[str], model_a: str) -> Inputs | None:
    """The texts, true labels (if any) and each row's own columns; None when there is nothing usable yet."""
    if source == SOURCE_TYPE:
        st.session_state.setdefault(KEYS.TEXTS, compare_lines(model_a))  # examples that suit the model
        texts = split_lines(st.text_area("Texts, one per line", key=KEYS.TEXTS, height=160, persist_state="session"))
        return texts, [None] * len(texts), [{} for _ in texts]
    upload = ui.upload_ui("File with texts", ["csv", "tsv", "txt"], KEYS.FILE, KEYS.FILE_DATA, KEYS.FORGET_FILE)
    if upload is None:
        return None
    table = ui.attempt(read_table, upload.data, upload.name)
    if table is None:
        return None
    not_utf8 = f"{upload.name} is not UTF-8; it was read as {table.encoding}. Check that accents look right."
    ui.file_notes([not_utf8] if table.encoding != "utf-8-sig" else [], table.warnings)
    chosen = columns_ui(table, labels, (upload.name, upload.digest))
    if chosen is None:
        return None
    text_column, label_column = chosen
    texts, truths, columns = compare.table_inputs(
        table, text_column, None if label_column == NO_LABEL else label_column
    )
    st.caption(f"{len(table.rows):,} rows read, {len(texts):,} with text.")
    if label_column != NO_LABEL:
        ui.label_match_ui(match_labels(truths, labels)[1])  # as each row's header matches it
    return texts, truths, columns


def model_b_ui() -> str | None:
    """Model B's id once it loads, else None (with the reason shown)."""
    wanted = st.text_input(
        "Model B: hub id, local folder, or 'default' for the bundled model",
        key=KEYS.MODEL_B,
        placeholder="/path/to/another/model",
        persist_state="session",
    ).strip()
    if not wanted:
        return None
    classifier = ui.second_model_ui(st, wanted)
    if classifier is None:
        return None
    return wanted


def mode_ui(model_a: str) -> tuple[str, str | None]:
    """One model or two: (mode, model B's id or None)."""
    mode = st.radio("Mode", [MODE_ONE, MODE_TWO], horizontal=True, key=KEYS.MODE, persist_state="session")
    if mode != MODE_TWO:
        return mode, None
    st.write(f"Model A: **{escape_md(ui.model_display(model_a))}** (the sidebar's model)")
    return mode, model_b_ui()


ROW_CHOICES = {ROWS_FIRST: "The first rows", ROWS_RANDOM: "A random sample", ROWS_ERRORS: "Model A's errors"}


def model_a_errors(model_a: str, texts: list[str], truths: list[str | None]) -> list[bool]:
    """Whether model A's prediction differs from each row's matched true label (False where none matched)."""
    with st.spinner(f"Predicting all {len(texts):,} rows with model A to find its errors…"):
        predictions = models.classify(model_a, tuple(texts))
    return compare.wrong_rows(models.load_model(model_a).labels, truths, predictions)


def row_choice_ui(model_a: str, texts: list[str], truths: list[str | None]) -> RowChoice:
    """Which rows one run takes when there are more than :data:`MAX_INPUTS`, chosen by the user and said."""
    if len(texts) <= MAX_INPUTS:
        return choose_rows(len(texts), MAX_INPUTS)
    options = [ROWS_FIRST, ROWS_RANDOM] + ([ROWS_ERRORS] if any(y is not None for y in truths) else [])
    if st.session_state.get(KEYS.ROWS) not in options:
        st.session_state[KEYS.ROWS] = ROWS_FIRST
    left, right = st.columns([3, 1], vertical_alignment="bottom")
    how = left.radio(
        f"Which {MAX_INPUTS} rows to compare (one run takes at most {MAX_INPUTS})",
        options,
        format_func=ROW_CHOICES.get,
        horizontal=True,
        key=KEYS.ROWS,
        persist_state="session",
    )
    seed = 0
    if how == ROWS_RANDOM:
        seed = int(
            right.number_input(
                "Seed", min_value=0, step=1, key=KEYS.ROWS_SEED, persist_state="session", help="Same seed, same rows."
            )
        )
    wrong = model_a_errors(model_a, texts, truths) if how == ROWS_ERRORS else None
    return choose_rows(len(texts), MAX_INPUTS, how, seed=seed, wrong=wrong)


def texts_ui(
    model_a: str, labels: list[str]
) -> tuple[list[str], list[str | None], list[dict[str, str]], list[str], bool]:
    """The inputs a run takes: (texts, true labels, each row's columns, row names, whether anything was given).

    More than :data:`MAX_INPUTS` rows are cut to the rows the user chooses, and the page says which.
    """
    source = st.radio("Inputs", [SOURCE_TYPE, SOURCE_FILE], horizontal=True, key=KEYS.SOURCE, persist_state="session")
    given = inputs_ui(source, labels, model_a)
    texts, truths, columns = given if given else ([], [], [])
    choice = row_choice_ui(model_a, texts, truths)
    if len(texts) > MAX_INPUTS:
        st.caption(f"Comparing {choice.description}.")
    if not choice.positions and texts:
        st.info("Model A gets every labelled row right: there are no errors to compare. Choose other rows.")
    taken = list(choice.positions)
    return (
        [texts[i] for i in taken],
        [truths[i] for i in taken],
        [columns[i] for i in taken],
        [f"#{i + 1}" for i in taken],
        given is not None,
    )


def labels_ui(model_a: str, model_b: str | None) -> list[str]:
    """The labels both models share (a note when they differ); all of model A's labels with one model."""
    if not model_b:
        return list(models.load_model(model_a).labels)
    common_labels, message = shared_labels(models.load_model(model_a).labels, models.load_model(model_b).labels)
    if message:
        (st.warning if common_labels else st.error)(escape_md(message))
    return common_labels


def target_ui(common_labels: list[str]) -> tuple[str, bool]:
    """The target class and whether each row is scaled on its own."""
    if st.session_state.get(KEYS.TARGET) not in common_labels:
        st.session_state[KEYS.TARGET] = default_target(common_labels)
    left, middle, right = st.columns([2, 2, 2])
    target = left.selectbox("Target class", common_labels, key=KEYS.TARGET, persist_state="session")
    fixed = middle.select_slider(
        "Full colour at",
        options=SCALES,
        key=KEYS.FIXED_SCALE,
        persist_state="session",
        help="'strongest row': the largest value of any row gets full colour. A fixed value keeps weak rows "
        "visible when one row is much stronger than the others (stronger values saturate).",
    )
    right.write("")  # align the toggle with the inputs beside it
    per_row = right.toggle(
        "Scale each row on its own", key=KEYS.PER_ROW, help="Off: one scale for all rows.", persist_state="session"
    )
    return target, per_row, fixed


def triage_ui(rows: list[CompareRow], target: str) -> list[CompareRow]:
    """With true labels: how many are wrong, a filter (all / wrong / right) and a sort; returns the rows to show."""
    labelled = [r for r in rows if r.true_label is not None]  # matched to model A's labels (see inputs_ui)
    if not labelled:
        return rows
    wrong = [r for r in labelled if not row_correct(r)]
    st.markdown(f"**{len(wrong)} of {len(labelled)} wrong** (model A against the file's labels)")
    left, right = st.columns(2)
    show = left.segmented_control(
        "Show",
        [compare.SHOW_ALL, compare.SHOW_WRONG, compare.SHOW_RIGHT],
        default=compare.SHOW_ALL,
        key=KEYS.SHOW,
        persist_state="session",
    )
    order = right.segmented_control(
        "Sort by",
        [compare.ORDER_ROWS, compare.ORDER_CONFIDENT, compare.ORDER_UNSURE],
        default=compare.ORDER_ROWS,
        key=KEYS.ORDER,
        persist_state="session",
    )
    shown = compare.triage(rows, show, order)
    if not shown:
        st.info(f"No {show} rows.")
    return shown


def rows_ui(rows: list[CompareRow], target: str, scale: float | None, model_a: str, model_b: str | None) -> None:
    """Every input highlighted (with both models' versions and what changed in two-model mode)."""
    for row in rows:  # keyed by the row's name (its number in the file), not its place in the filtered list
        with st.container(border=True):
            pack = {
                "source": "compare",
                "classifier": models.load_model(model_a),
                "key": f"{KEYS.ADD_TO_PACK}{row.name}",
            }
            if row.b is None:
                st.html(row_header_html(row, row.a, target))
                st.html(highlight_html(row.a, target, scale=scale))
                packs.add_to_pack_ui(row.a, target, row=row.name, truth=row.truth, **pack)
                continue
            ui.two_model_view(row, target, scale, ui.model_display(model_a), ui.model_display(model_b))
            packs.add_to_pack_ui(row.a, target, row=row.name, truth=row.truth, **pack)  # model A's explanation


def which_model_ui(model_a: str, model_b: str | None) -> str:
    """In two-model mode, which model the overview, full-size view and word table show: "A" or "B"."""
    if not model_b:
        return "A"
    choice = st.segmented_control(
        "Overview of model",
        [f"A: {ui.model_display(model_a)}", f"B: {ui.model_display(model_b)}"],
        default=f"A: {ui.model_display(model_a)}",
        key=KEYS.OVERVIEW_MODEL,
        persist_state="session",
    )
    return "B" if choice and choice.startswith("B") else "A"


def overview_ui(rows: list[CompareRow], target: str, which: str, title_suffix: str) -> None:
    """The heatmap of the strongest words by input, and one input full size."""
    names = [r.name for r in rows]
    st.subheader(f"Strongest words across inputs{title_suffix}")
    chosen = [of_model(r, which) for r in rows]
    st.plotly_chart(heatmap_figure(chosen, target, names), width="stretch", key=KEYS.HEATMAP)
    focus = st.selectbox("See one input full size", names, key=KEYS.FOCUS, persist_state="session")
    focused = of_model(rows[names.index(focus)], which)
    with st.container(border=True):
        st.html(highlight_html(focused, target))
        st.plotly_chart(top_words_figure(focused, target, 10), width="stretch", key=KEYS.FOCUS_CHART)


def word_statistics_ui(rows: list[CompareRow], target: str, which: str, title_suffix: str) -> None:
    """Each word's mean attribution over the inputs it occurs in, as a sortable table."""
    st.subheader(f"Across the whole set{title_suffix}")
    table = compare.word_table(rows, target, which)
    st.caption(
        f"Mean attribution toward {escape_md(target)} over the inputs each word occurs in. Click a header to sort."
    )
    st.dataframe(
        table,
        hide_index=True,
        width="stretch",
        height=ui.grid_height(len(table)),
        column_config={"mean value": st.column_config.NumberColumn(format="%+.4f")},
    )


def downloads_ui(
    rows: list[CompareRow], explanations: list[Explanation], target: str, per_row: bool, model_names: tuple
) -> None:
    """The comparison as one HTML report and as CSV, each saying what it is (source, models, date)."""
    kept = st.session_state.get(KEYS.FILE_DATA)
    source = kept.name if kept is not None and st.session_state.get(KEYS.SOURCE) == SOURCE_FILE else ""
    info = compare.export_info(rows, source, target, model_names)
    downloads = st.container(horizontal=True)
    downloads.download_button(
        "Comparison report (HTML)",
        lambda: comparison_report(rows, target, per_row_scale=per_row, model_names=model_names, info=info),
        "comparison.html",
        "text/html",
        on_click="ignore",
    )
    downloads.download_button(
        "Words per input (CSV)",
        lambda: compare.report_csv(rows, explanations, info),
        "comparison.csv",
        "text/csv",
        on_click="ignore",
    )


def results_ui(rows: list[CompareRow], common_labels: list[str], model_a: str, model_b: str | None) -> None:
    """Everything shown once the rows are computed."""
    target, per_row, fixed = target_ui(common_labels)
    explanations = all_explanations(rows)
    scale = shared_scale(explanations, target) if fixed == SCALE_STRONGEST else float(fixed)
    st.html(legend_html(rows[0].a, target, scale=PER_ROW if per_row else scale, totals=False))
    if per_row:
        st.caption("Each row is coloured on its own scale: compare patterns within a row, not intensities across rows.")
    rows_ui(triage_ui(rows, target), target, None if per_row else scale, model_a, model_b)
    which = which_model_ui(model_a, model_b)
    suffix = f" (model {which}: {ui.model_display(model_a if which == 'A' else model_b)})" if model_b else ""
    overview_ui(rows, target, which, suffix)
    word_statistics_ui(rows, target, which, suffix)
    names = (ui.model_display(model_a), ui.model_display(model_b) if model_b else None)
    downloads_ui(rows, explanations, target, per_row, names)


def render() -> None:
    """The Compare page."""
    model_a = ui.model_picker()
    st.title("Compare side by side")
    st.caption(
        "Put several inputs next to each other (why is this one positive and that one not?), or run the same "
        "inputs through two models (what changed?). All rows share one colour scale, so intensities compare "
        "across rows."
    )
    mode, model_b = mode_ui(model_a)
    texts, truths, columns, names, given = texts_ui(model_a, list(models.load_model(model_a).labels))
    with st.expander("Advanced"):
        budget = ui.budget_ui(
            KEYS.BUDGET,
            label="Evaluation budget per input (max_evals)",
            help="'auto' computes exact values; see the Explain page for what the budget does.",
        )
    model_ids = [model_a] + ([model_b] if model_b else [])
    common_labels = labels_ui(model_a, model_b)

    ready = bool(texts) and (mode == MODE_ONE or (model_b is not None and bool(common_labels)))
    input_key = (tuple(model_ids), tuple(texts), tuple(truths), tuple(names), str(budget))
    if st.button(f"Compare {len(texts)} input{'s' if len(texts) != 1 else ''}", type="primary", disabled=not ready):
        compared = ui.attempt(compare.run_comparison, model_ids, texts, truths, columns, budget, names)
        if compared is not None:
            session.remember(KEYS.RESULT, input_key, compared)
            # Many classes: start on the class model A predicts most among these inputs.
            st.session_state[KEYS.TARGET] = default_target(common_labels, [r.a.predicted_label for r in compared])

    rows: list[CompareRow] = session.recall(KEYS.RESULT, input_key) or []
    if session.has_result(KEYS.RESULT) and not rows and texts:
        st.info("The inputs or models changed since the last run: click **Compare** to update the rows.")
    if rows:
        results_ui(rows, common_labels, model_a, model_b)
    elif not texts and given:
        st.info("Add at least one text.")
    elif mode == MODE_TWO and model_b is None:
        st.info(f"Give model B to compare; up to {MAX_INPUTS} inputs per run.")


render()
