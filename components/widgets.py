"""Streamlit pieces shared by the pages: model and budget pickers, kept uploads, progress, errors, downloads.

The error box (``attempt``, ``show_error``) lives in :mod:`components.error_box` and the review-pack forms in
:mod:`components.pack_widgets`; both are named here too, so ``ui.attempt(...)`` reads the same on every page.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import NamedTuple

import streamlit as st

from components import auth
from components.charts import export_figure, figure_html, figure_png, png_export_available
from components.error_box import attempt, show_error  # noqa: F401 (ui.show_error: the pages call it so)
from components.safe_text import escape_md
from components.state import core as session
from components.state import models
from textlens import DEFAULT_MODEL_ID, EMOTION_MODEL_ID
from textlens.dataset.labels import LabelMatch
from textlens.report.export_info import ExportInfo, record_json
from textlens.text.multilabel import DEFAULT_THRESHOLD

# The evaluation budgets every page offers ("auto" only where the explainer supports it).
BUDGETS = ("auto", 100, 200, 500, 1000, 2000, 4000)
BUDGET_HELP = "How many masked copies of the input SHAP may run through the model."

PRECISION_NOTES = {
    "float32": "float32",
    "bfloat16": "bfloat16 (native on this CPU: about 2× faster than float32)",
}


def model_display(model_id: str) -> str:
    """A model's name as the pages show it: "bundled model", "bundled emotion model" or its folder / hub id."""
    if model_id == EMOTION_MODEL_ID:
        return "bundled emotion model"
    return "bundled model" if model_id == DEFAULT_MODEL_ID else model_id


def second_model_ui(where, model_id: str):
    """Load a second model (B) with a spinner and confirm it in ``where``; returns it, or None (message shown)."""
    with st.spinner(f"Loading {escape_md(model_id)}…"):
        classifier = attempt(models.load_model, model_id)
    if classifier is None:
        return None
    where.success(
        f"Model B loaded: **{escape_md(model_display(model_id))}** · {len(classifier.labels)} labels "
        f"({escape_md(', '.join(classifier.labels))}) · runs in {classifier.precision}",
        icon=":material/check_circle:",
    )
    return classifier


def model_picker() -> str:
    """Sidebar: the bundled model or a hub id / local folder. Returns the active model id.

    A model that fails to load shows its message and leaves the previous model active.
    """
    st.sidebar.header("Model")
    active = model_choice_ui(st.sidebar, models.SidebarKeys, models.active_model_id(), models.set_active_model)
    with st.spinner("Loading the model (a few seconds, once per server)…"):
        classifier = attempt(
            models.load_model, active, message="The model cannot be loaded, so this page has nothing to show. {}"
        )
    if classifier is None:  # the active model vanished (its folder was deleted) or cannot load here
        st.stop()
    st.sidebar.caption(
        f"Active: **{escape_md(model_display(active))}** · "
        f"{len(classifier.labels)} labels · reads up to {classifier.max_length} tokens · "
        f"runs in {PRECISION_NOTES[classifier.precision]}"
    )
    if classifier.intended_use:
        st.sidebar.caption(f"Built for: {escape_md(classifier.intended_use)}")
    st.sidebar.divider()
    st.sidebar.caption(
        "Red words push the prediction toward the target class, blue words away from it. "
        "Values are SHAP attributions: changes in the model's probability."
    )
    return models.active_model_id()


def model_choice_ui(where, keys, active: str, make_active: Callable[[str], None], label: str = "Classifier") -> str:
    """The model picker's widgets in ``where`` (the sidebar, or a page's container for a second model): the
    bundled model, or a hub id / local folder typed in a form. Returns the model id active after this run.

    ``keys`` names the radio, form and text input (``MODEL_CHOICE``, ``MODEL_FORM``, ``MODEL_WANTED``); a
    chosen model is loaded with a spinner and handed to ``make_active``; one that fails to load shows its
    message and leaves ``active`` as it was.
    """
    bundled = list(models.BUNDLED_CHOICES)
    ids = list(models.BUNDLED_CHOICES.values())
    options = [*bundled, *folder_choice()]  # who may name a folder is looked up once a run
    choice = where.radio(
        label,
        options,
        index=ids.index(active) if active in ids else len(bundled) if len(options) > len(bundled) else 0,
        key=keys.MODEL_CHOICE,
    )
    wanted = None
    if choice in models.BUNDLED_CHOICES:
        wanted = models.BUNDLED_CHOICES[choice]
    else:
        with where.form(keys.MODEL_FORM, border=False):
            typed = st.text_input(
                "Hub id or folder",
                key=keys.MODEL_WANTED,
                value="" if active in ids else active,
                placeholder="a local folder, or a hub id where the hub is reachable",
                help="A Hugging Face text-classification model: a local folder, or a hub id such as "
                "distilbert-base-uncased-finetuned-sst-2-english (hub ids work only where the model hub is "
                "reachable, or for models already in the local cache). Models that need their own code are refused.",
            )
            submitted = st.form_submit_button("Load model")
        wanted = typed.strip() if submitted and typed.strip() else None
    if wanted and wanted != active and load_model_into_session(wanted, where, make_active):
        return wanted
    return active


HUB_OR_FOLDER = "Hub id or local folder"


def folder_choice() -> list[str]:
    """``["Hub id or local folder"]`` for whoever may name the server's folders (admins; everyone in the local
    mode), else nothing: a team server's editors and viewers pick among the bundled models only.
    """
    return [HUB_OR_FOLDER] if auth.may_see_server_paths(auth.identity()) else []


def load_model_into_session(
    model_id: str, where=None, make_active: Callable[[str], None] = models.set_active_model
) -> bool:
    """Load ``model_id`` with a spinner; on success make it active, otherwise show why and keep the old one."""
    with where if where is not None else st.sidebar, st.spinner(f"Loading {escape_md(model_id)}…"):
        loaded = attempt(models.load_model, model_id, message="{}\n\nStill using the previous model.")
    if loaded is None:
        return False
    make_active(model_id)
    return True


class KeptFile(NamedTuple):
    """An uploaded file as :func:`upload_ui` keeps it for the session."""

    name: str
    data: bytes
    digest: str  # SHA-256 of the bytes: the cache key of everything read or computed from them
    upload_id: str  # Streamlit's id of the upload it came from (the digest is computed once per upload)


def upload_ui(
    label: str, types: list[str], key: str, kept_key: str, forget_key: str, *, help: str | None = None
) -> KeptFile | None:
    """A file uploader whose file is kept for the session (a :class:`KeptFile` under ``kept_key``).

    Streamlit forgets an uploader's file when its page is left; the kept copy brings it back, with a
    note and a button to forget it. Returns the current file, or None.
    """
    upload = st.file_uploader(label, type=types, key=key, help=help)
    kept = st.session_state.get(kept_key)
    if upload is not None:
        if kept is None or kept.upload_id != upload.file_id:
            from textlens.dataset.load import content_hash

            data = upload.getvalue()
            kept = st.session_state[kept_key] = KeptFile(upload.name, data, content_hash(data), upload.file_id)
        return kept
    if kept is not None:
        left, right = st.columns([4, 1], vertical_alignment="center")
        left.caption(
            f"Using **{escape_md(kept[0])}**, uploaded earlier in this session. Upload another file to replace it."
        )
        if right.button("Forget it", key=forget_key):
            st.session_state.pop(kept_key, None)
            st.rerun()
    return kept


def file_notes(notices: Sequence[str] = (), warnings: Sequence[str] = ()) -> None:
    """How a file was read (blue notes) and what may make its numbers wrong (yellow warnings), escaped."""
    for warning in warnings:
        st.warning(escape_md(warning), icon=":material/warning:")
    for notice in notices:
        st.info(escape_md(notice))


def label_match_ui(match: LabelMatch | None) -> None:
    """How a file's labels were matched to the model's (``textlens.dataset.labels``), escaped: a note
    where integers were taken as ids in label order, a warning for labels that matched nothing (an
    error when none did).
    """
    if match is None:
        return
    if match.note():
        st.info(escape_md(f"True labels matched as ids: {match.note()}"), icon=":material/rule:")
    if match.none_note():
        st.info(escape_md(match.none_note()), icon=":material/rule:")
    if match.message():
        (st.error if match.matched == 0 else st.warning)(escape_md(match.message()))


# Streamlit's data grid: a 38 px header and 35 px rows.
GRID_HEADER_PX, GRID_ROW_PX = 38, 35


def grid_height(rows: int, most: int = 420) -> int:
    """Pixels for a ``st.dataframe`` of ``rows`` rows, shown whole up to ``most`` (then it scrolls)."""
    return min(most, GRID_HEADER_PX + GRID_ROW_PX * rows)


def budget_ui(
    key: str,
    *,
    auto: bool = True,
    default: int | str = "auto",
    label: str = "Evaluation budget (max_evals)",
    help: str = BUDGET_HELP,
) -> int | str:
    """The evaluation-budget slider: one options list for every page; ``auto=False`` leaves out "auto"."""
    options = [b for b in BUDGETS if auto or b != "auto"]
    return st.select_slider(label, options=options, value=default, key=key, help=help, persist_state="session")


def threshold_ui(key: str, help: str, where=None, label: str = "Threshold") -> float:
    """A multi-label model's threshold (0.01 to 0.99, 0.5 to start, kept for the session) in ``where`` (the page
    by default): each label has its own probability, and the labels at or above it are predicted.
    """
    box = where if where is not None else st
    return float(
        box.number_input(
            label,
            min_value=0.01,
            max_value=0.99,
            value=DEFAULT_THRESHOLD,
            step=0.05,
            format="%.2f",
            key=key,
            persist_state="session",
            help=help,
        )
    )


class ProgressDrawer:
    """A progress bar on the page, and callbacks that draw an :class:`components.state.Progress` on it."""

    def __init__(self, label: str, seconds_per_row: float) -> None:
        self.bar = st.progress(0.0, text=label)
        self.draw = progress_callback(self.bar, label, seconds_per_row)

    def __call__(self, state: session.Progress) -> None:
        self.draw(state)

    def stage(self, label: str, seconds_per_row: float) -> Callable[[session.Progress], None]:
        """A callback for the next stage of the work, on the same bar with its own label and speed."""
        self.draw = progress_callback(self.bar, label, seconds_per_row)
        return self


@contextmanager
def progress(label: str, seconds_per_row: float) -> Iterator[ProgressDrawer]:
    """A progress bar for the block, removed when it ends (also on error); yields the drawing callback.

    ``with ui.progress("Explaining", classifier.seconds_per_row) as draw: models.explanation(..., on_progress=draw)``
    """
    drawer = ProgressDrawer(label, seconds_per_row)
    try:
        yield drawer
    finally:
        drawer.bar.empty()


def progress_callback(bar, label: str, seconds_per_row: float):
    """A callback that draws an :class:`components.state.Progress` on ``bar`` (texts done, model calls, time left).

    The time left is shown once the job has timed its own first rows (:meth:`Progress.measured_eta`),
    "estimating time left…" until then; ``seconds_per_row`` is no longer used for it (a guess from the
    model's speed before the job ran was off by up to 8×) and stays for the callers' signature.
    """

    def draw(state: session.Progress) -> None:
        overall = state.fraction()
        if state.items > 1:
            label_now = f"{label} ({state.item} of {state.items} done)"
        else:
            label_now = label
        if state.waiting:
            who = "stopping your earlier unfinished job" if state.own_earlier else "another explanation is running"
            bar.progress(overall, text=f"{label_now} — waiting: {who} on this server…")
            return
        if state.total <= 0:
            bar.progress(0.0, text=f"{label_now} — starting…")
            return
        eta = state.measured_eta()
        left = "estimating time left…" if eta is None else f"about {eta:.0f} s left"
        bar.progress(overall, text=f"{label_now} — {state.done:,} of {state.total:,} model calls, {left}")

    return draw


class Download(NamedTuple):
    """One download button: its label, the data (or a function that makes it on click), file name and MIME type."""

    label: str
    data: str | bytes | Callable[[], str | bytes]
    file_name: str
    mime: str


def download_row(
    record, info: ExportInfo, csv_label: str, csv: str, figure, *, prefix: str = "", more: Sequence[Download] = ()
) -> None:
    """A "Download" row of buttons: the explanation (JSON), its values (CSV), ``more``, the chart (HTML, PNG).

    Every file says what it is (``info``: its title, the input, the model, the date): the JSON in an
    ``"export"`` block, the CSV in columns the caller's builder adds, the chart in a title and caption.
    File names start with ``prefix``. The chart is made into a file only when clicked; PNG only where
    kaleido can run.
    """
    chart = export_figure(figure, info, info.heading)
    files = [
        Download("Explanation (JSON)", record_json(record, info), f"{prefix}explanation.json", "application/json"),
        Download(csv_label, csv, f"{prefix}explanation.csv", "text/csv"),
        *more,
        Download("Chart (HTML)", lambda: figure_html(chart, info.heading), f"{prefix}chart.html", "text/html"),
    ]
    if png_export_available():
        files.append(Download("Chart (PNG)", lambda: figure_png(chart, info), f"{prefix}chart.png", "image/png"))
    st.write("Download")
    row = st.container(horizontal=True)  # buttons at their natural width, evenly spaced
    for file in files:
        row.download_button(file.label, file.data, file.file_name, file.mime, on_click="ignore")


def two_model_view(row, target: str, scale: float | None, name_a: str, name_b: str) -> None:
    """One input explained by two models (a :class:`textlens.report.compare.CompareRow` with ``b``): each
    model's header and highlight on the given colour ``scale`` (None: each on its own), the change in
    P(target) from A to B and the words whose attribution changed sign or moved most. The Compare page's
    two-model row, and the Dataset page's flipped row.
    """
    from textlens.report.compare import changes_html, probability_change, row_header_html
    from textlens.report.highlight import highlight_html
    from textlens.text.summary import signed
    from textlens.text.wordstats import word_changes

    for tag, name, e in (("A", name_a, row.a), ("B", name_b, row.b)):
        st.html(row_header_html(row, e, target, f"{tag}: {name}"))
        st.html(highlight_html(e, target, scale=scale))
    st.markdown(f"Change in P({escape_md(target)}) from A to B: **{signed(probability_change(row, target), 3)}**")
    st.html(changes_html(word_changes(row.a, row.b, target)))
