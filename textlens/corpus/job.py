"""A corpus run: check and lock the result folder, skip rows already written, explain the rest, summarise."""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from textlens.corpus.identity import reattach_message, upgrade_identity
from textlens.corpus.progress import ProgressLine, Stop
from textlens.corpus.reader import (
    CHUNK_BYTES,
    CHUNK_ROWS,
    ROW_ID,
    columns_of,
    count_rows,
    input_format,
    read_chunks,
    reading_notice,
    text_column_of,
)
from textlens.corpus.result import (
    FORMAT,
    FORMAT_VERSION,
    MANIFEST,
    CorpusResultError,
    done_row_ids,
    read_manifest,
    write_manifest,
    write_part,
)
from textlens.corpus.rows import RowSettings, result_table, row_explainer, stored_columns
from textlens.dataset.files import check_column
from textlens.dataset.load import content_hash
from textlens.provenance import IDENTITY_VERSION, provenance
from textlens.text.models import Classifier, load_classifier
from textlens.text.one_pass import OnePassExplainer, require_one_pass
from textlens.types import ONE_PASS, ONE_PASS_METHODS

CORPUS_ENGINES = ("local", "ray")
CORPUS_METHODS = ("exact", ONE_PASS)
# A part is written after this many rows or this many seconds, whichever comes first: a kill loses
# at most that much work, and writing parts stays well under 1 % of the time (see bench/corpus_speed.py).
PART_ROWS = 64
PART_SECONDS = 30.0
LOCK = ".lock"


@dataclass(frozen=True)
class CorpusSummary:
    """What a run did: rows in the input, done before it, done by it, bad ones, and what is left."""

    result: str
    rows: int
    done_before: int
    done_now: int
    bad_now: int
    bad_total: int
    left: int
    seconds: float
    engine: str
    interrupted: bool
    notice: str | None = None  # the input's rows and lines differ (see ``reading_notice``)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON types."""
        return asdict(self)

    def line(self) -> str:
        """One line for people."""
        state = "interrupted" if self.interrupted else ("complete" if self.left == 0 else "incomplete")
        return (
            f"{self.result}: {self.done_before + self.done_now:,} of {self.rows:,} rows ({state}); "
            f"{self.done_before:,} done before, {self.done_now:,} now ({self.bad_now:,} bad), "
            f"{self.bad_total:,} bad in all, {self.left:,} left."
        )


@contextmanager
def _locked(folder: Path) -> Iterator[None]:
    """Hold the folder's lock for the run; a second run into the same folder is refused, not interleaved."""
    handle = open(folder / LOCK, "a+")
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise CorpusResultError(
                f"Another corpus run is writing to {folder}; wait for it to finish or choose another --out."
            ) from None
        yield
    finally:
        handle.close()  # the lock goes with the file (and with the process, even after kill -9)


def _new_manifest(
    input_path: Path,
    classifier: Classifier,
    settings: RowSettings,
    label_column: str | None,
    renamed: dict,
    explainer: OnePassExplainer | None = None,
) -> dict[str, Any]:
    run_settings: dict[str, Any] = {"max_evals": settings.max_evals, "leaves": settings.leaves, "seed": 0}
    if explainer is not None:
        # One-pass values have no budget; a resumed run must use the same head (its weights' digest).
        run_settings = {"method": "one-pass", "one_pass": settings.digest, "leaves": "words"}
    manifest = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "input": {
            "path": str(input_path.resolve()),
            "name": input_path.name,
            "format": input_format(input_path),
            "bytes": input_path.stat().st_size,
            "sha256": content_hash(input_path),
            "rows": None,
        },
        "text_column": settings.text_column,
        "label_column": renamed.get(label_column, label_column) if label_column else None,
        "renamed": {k: v for k, v in renamed.items() if k != v},
        "labels": list(classifier.labels),
        "model_id": classifier.model_id,
        "model_fingerprint": classifier.fingerprint,
        "model_identity": IDENTITY_VERSION,
        "precision": classifier.precision,
        "settings": run_settings,
        "provenance": provenance(classifier, **run_settings),
        "runs": [],
    }
    if explainer is not None:
        manifest["one_pass"] = {"folder": explainer.source, "trust": explainer.trust()}
    return manifest


# What a resumed run must share with the folder's first run, or its rows would not belong together.
_MUST_MATCH = (
    ("model_fingerprint", "model (fingerprint of its weights and config)"),
    ("precision", "precision"),
    ("settings", "settings (method, max_evals, leaves, one-pass explainer)"),
    ("text_column", "text column"),
    ("label_column", "label column"),
    ("labels", "labels"),
)


def _check_resume(folder: Path, old: dict[str, Any], new: dict[str, Any]) -> None:
    if old["input"].get("sha256") != new["input"]["sha256"]:
        raise CorpusResultError(
            f"{folder} holds results for another input ({old['input'].get('name')}, or the file has changed "
            "since); row ids would not match. Choose a new --out folder."
        )
    for key, what in _MUST_MATCH:
        if old.get(key) != new.get(key):
            raise CorpusResultError(
                f"{folder} was made with another {what}: {old.get(key)!r}, this run has {new.get(key)!r}. "
                "Run with the same --model/--precision/--max-evals/columns to resume, or choose a new --out folder."
            )


def _open_folder(
    folder: Path, manifest: dict[str, Any], classifier: Classifier, explainer: OnePassExplainer | None
) -> dict[str, Any]:
    """Create the result folder, or check that an existing one can be resumed; returns its manifest."""
    if folder.exists() and not folder.is_dir():
        raise CorpusResultError(f"{folder} exists and is not a folder.")
    folder.mkdir(parents=True, exist_ok=True)
    if (folder / MANIFEST).exists():
        old = read_manifest(folder)
        upgrade_identity(old, classifier, explainer)  # the same model under the earlier identity: carry on
        if old.get("model_fingerprint") != manifest["model_fingerprint"] and "model_identity" not in old:
            raise CorpusResultError(reattach_message(folder, classifier.model_id))
        _check_resume(folder, old, manifest)
        return old
    strangers = [p.name for p in folder.iterdir() if p.name != LOCK]
    if strangers:
        raise CorpusResultError(f"{folder} is not empty and not a corpus result; choose a new or empty --out folder.")
    return manifest


def _pending(
    input_path: Path, done: set[int], renamed: dict[str, str], chunk_rows: int, chunk_bytes: int
) -> Iterator[pd.DataFrame]:
    for chunk in read_chunks(input_path, chunk_rows=chunk_rows, chunk_bytes=chunk_bytes):
        chunk = chunk.rename(columns=renamed)
        if done:
            chunk = chunk[~chunk[ROW_ID].isin(done)]
        if len(chunk):
            yield chunk


class PartWriter:
    """Writes result tables as atomic parts and reports them to the progress line."""

    def __init__(self, folder: Path, progress: ProgressLine) -> None:
        self.folder, self.progress = folder, progress
        self.rows = self.bad = 0

    def write(self, table) -> None:
        """Write one part (a pyarrow table of result rows)."""
        if table.num_rows == 0:
            return
        write_part(self.folder, table)
        bad = table.num_rows - table.column("error").null_count
        self.rows += table.num_rows
        self.bad += bad
        self.progress.update(table.num_rows, bad)


def run_local(
    classifier: Classifier,
    pending: Iterator[pd.DataFrame],
    settings: RowSettings,
    writer: PartWriter,
    *,
    part_rows: int = PART_ROWS,
    part_seconds: float = PART_SECONDS,
    stop_after: int | None = None,
    explainer: OnePassExplainer | None = None,
) -> None:
    """The local engine: rows in turn on this process's model (exact ones one by one, one-pass ones in
    batches with ``explainer``, the run's loaded one-pass explainer), a part every ``part_rows`` rows or
    ``part_seconds``.

    On Ctrl-C the rows explained so far are written before it stops, so nothing finished is lost.
    """
    explain_cells, batch = row_explainer(classifier, settings, explainer)
    rows: list[pd.DataFrame] = []
    outcomes: list = []
    since = time.perf_counter()

    def flush() -> None:
        nonlocal rows, outcomes, since
        if outcomes:
            writer.write(result_table(pd.concat(rows), outcomes, classifier.labels))
        rows, outcomes, since = [], [], time.perf_counter()

    explained = 0
    try:
        for chunk in pending:
            first = 0
            while first < len(chunk):
                # A block never runs past the part being filled, nor past the test hook's row.
                size = min(batch, part_rows - len(outcomes), (stop_after or len(chunk) + explained) - explained)
                block = chunk.iloc[first : first + size]
                first += len(block)
                outcomes += explain_cells(block[settings.text_column].tolist())
                rows.append(block)
                explained += len(block)
                if len(outcomes) >= part_rows or time.perf_counter() - since >= part_seconds:
                    flush()
                if stop_after is not None and explained >= stop_after:
                    raise Stop()
    finally:
        flush()


def run_corpus(
    input_path: str | os.PathLike,
    out: str | os.PathLike,
    *,
    text_column: str | None = None,
    label_column: str | None = None,
    model: str = "default",
    classifier: Classifier | None = None,
    precision: str = "auto",
    max_evals: int | str = "auto",
    leaves: str = "words",
    method: str = "exact",
    explainer: str | os.PathLike | None = None,
    engine: str = "local",
    address: str | None = None,
    workers: int | None = None,
    part_rows: int = PART_ROWS,
    part_seconds: float = PART_SECONDS,
    chunk_rows: int = CHUNK_ROWS,
    chunk_bytes: int = CHUNK_BYTES,
    show_progress: bool = True,
    stop_after: int | None = None,
) -> CorpusSummary:
    """Explain every row of ``input_path`` into the result folder ``out``, resuming where a run stopped.

    ``text_column`` None: the column guessed as the Dataset page guesses it; a file in which no column
    holds text raises :class:`~textlens.errors.NoTextColumnError` (never a guess). Rows already in
    ``out`` are skipped, every other row is explained once and written in atomic
    parts; rows that cannot be explained are stored with their ``error``. ``method="one-pass"`` stores
    the model's one-pass estimates instead (the explainer in ``explainer``, else the one found for the
    model; much faster, with its agreement with exact values in the manifest). ``classifier`` (already
    loaded) overrides ``model``/``precision`` for the local engine. ``stop_after`` is a test hook:
    behave as if Ctrl-C came after that many rows of this run. Ctrl-C raises ``KeyboardInterrupt``
    after the summary is saved to the manifest.
    """
    if engine not in CORPUS_ENGINES:
        raise CorpusResultError(f"Unknown engine {engine!r}; choose one of: {', '.join(CORPUS_ENGINES)}.")
    input_path, folder = Path(input_path), Path(out)
    columns = columns_of(input_path)
    text_column = text_column_of(input_path, text_column)
    check_column(label_column, columns, "the label column", input_path.name)
    if classifier is None:
        classifier = load_classifier(model, precision=precision)
    renamed = stored_columns(columns, classifier.labels)
    one_pass = _one_pass(classifier, method, explainer, leaves)
    settings = RowSettings(renamed[text_column], max_evals, leaves, ONE_PASS if one_pass else "exact")
    if one_pass is not None:
        settings = replace(settings, explainer=str(explainer or ""), digest=one_pass.digest())
    manifest = _new_manifest(input_path, classifier, settings, label_column, renamed, one_pass)
    started = time.perf_counter()
    with _locked(_make(folder)):
        manifest = _open_folder(folder, manifest, classifier, one_pass)
        done = done_row_ids(folder)
        if manifest["input"]["rows"] is None:
            manifest["input"]["rows"] = count_rows(input_path)
            manifest["input"]["notice"] = reading_notice(input_path, manifest["input"]["rows"])
        total = manifest["input"]["rows"]
        run = {"engine": engine, "started": _now(), "done_before": len(done), "workers": workers, "address": address}
        manifest["runs"] = [*manifest.get("runs", []), run]
        write_manifest(folder, manifest)
        progress = ProgressLine(total, len(done), enabled=show_progress)
        writer = PartWriter(folder, progress)
        pending = _pending(input_path, done, renamed, chunk_rows, chunk_bytes)
        interrupted = False
        try:
            if engine == "local":
                progress.start()
                run_local(
                    classifier,
                    pending,
                    settings,
                    writer,
                    part_rows=part_rows,
                    part_seconds=part_seconds,
                    stop_after=stop_after,
                    explainer=one_pass,
                )
            else:
                from textlens.corpus.ray_engine import run_ray

                progress.start()
                run_ray(
                    classifier,
                    pending,
                    settings,
                    writer,
                    address=address,
                    workers=workers or 2,
                    part_rows=part_rows,
                    stop_after=stop_after,
                )
        except KeyboardInterrupt:
            interrupted = True
        finally:
            progress.finish()
            bad_total = _bad_count(folder)
            summary = CorpusSummary(
                result=str(folder),
                rows=total,
                done_before=len(done),
                done_now=writer.rows,
                bad_now=writer.bad,
                bad_total=bad_total,
                left=total - len(done) - writer.rows,
                seconds=round(time.perf_counter() - started, 3),
                engine=engine,
                interrupted=interrupted,
                notice=manifest["input"].get("notice"),
            )
            run.update(finished=_now(), done_now=writer.rows, bad_now=writer.bad, interrupted=interrupted)
            manifest["counts"] = {
                "rows": total,
                "done": len(done) + writer.rows,
                "explained": len(done) + writer.rows - bad_total,
                "bad": bad_total,
            }
            manifest["complete"] = summary.left == 0
            write_manifest(folder, manifest)
    if interrupted:
        raise CorpusInterrupted(summary)
    return summary


class CorpusInterrupted(KeyboardInterrupt):
    """A run stopped by Ctrl-C (or the test hook), after saving what it had done; carries its summary."""

    def __init__(self, summary: CorpusSummary) -> None:
        super().__init__(summary.line())
        self.summary = summary


def _one_pass(classifier: Classifier, method: str, folder, leaves: str) -> OnePassExplainer | None:
    """The one-pass explainer a run with ``method`` uses (None for exact values); refuses what it cannot do."""
    method = ONE_PASS if method in ONE_PASS_METHODS else method  # "amortized": its earlier name
    if method not in CORPUS_METHODS:
        raise CorpusResultError(f"Unknown method {method!r}; choose one of: {', '.join(CORPUS_METHODS)}.")
    if method == "exact":
        return None
    if leaves != "words":
        raise CorpusResultError("One-pass values are per word: use --leaves words with --method one-pass.")
    return require_one_pass(classifier, folder)


def _make(folder: Path) -> Path:
    if folder.exists() and not folder.is_dir():
        raise CorpusResultError(f"{folder} exists and is not a folder.")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _bad_count(folder: Path) -> int:
    import pyarrow.parquet as pq

    from textlens.corpus.result import part_files

    return sum(pq.read_table(p, columns=["error"]).column("error").drop_null().length() for p in part_files(folder))


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
