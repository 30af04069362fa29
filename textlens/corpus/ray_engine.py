"""The corpus engine on Ray: Ray Data maps the pending rows over a pool of actors that each load the model once."""

from __future__ import annotations

import logging
import math
import os
from collections.abc import Iterator
from dataclasses import asdict
from typing import Any

import pandas as pd

from textlens.corpus.progress import Stop
from textlens.corpus.rows import RowSettings, arrow_ready, explain_frame, row_explainer
from textlens.errors import TextlensError
from textlens.text.models import Classifier

# Ray started by the command itself stays small: the machine may be shared, and the rows that pass
# through the object store are a few kB each.
LOCAL_OBJECT_STORE_BYTES = 256 * 1024 * 1024
# Rows handed to Ray Data at a time: bounds the driver's memory whatever the input's size, while
# each window is long enough (minutes of work) that starting its actors costs little.
WINDOW_PARTS = 64
# Blocks per worker and window, at least: with one block in flight per actor, the last blocks of a
# window leave the other actors idle for at most about an eighth of one actor's share.
BLOCKS_PER_WORKER = 8


class RayUnavailableError(TextlensError):
    """``--engine ray`` without Ray installed, or a cluster that cannot be reached."""


class ExplainActor:
    """A Ray Data actor: loads the model once, then explains batches of rows into result tables."""

    def __init__(self, model: str, precision: str, fingerprint: str, settings: dict[str, Any], threads: int) -> None:
        import torch

        from textlens.text.models import load_classifier

        torch.set_num_threads(threads)
        self.classifier = load_classifier(model, precision=precision)
        if self.classifier.fingerprint != fingerprint:
            # On a cluster, a model folder must hold the same model on every node.
            raise RuntimeError(
                f"The model {model!r} on this Ray node differs from the driver's (fingerprint "
                f"{self.classifier.fingerprint[:12]} vs {fingerprint[:12]}): give every node the same model."
            )
        self.settings = RowSettings(**settings)
        self.explainer = row_explainer(self.classifier, self.settings)

    def __call__(self, batch):
        """Explain one batch (a pyarrow table of input rows with ``row_id``) into result rows."""
        return explain_frame(self.classifier, batch.to_pandas(), self.settings, self.explainer)


def _init_ray(address: str | None, workers: int) -> bool:
    """Connect to ``address``, or start a small local Ray; returns whether this call started it."""
    try:
        import ray
    except ImportError:
        raise RayUnavailableError(
            "The Ray engine needs Ray: pip install -r requirements-ray.txt (or use --engine local)."
        ) from None
    if ray.is_initialized():
        return False
    options: dict[str, Any] = {"include_dashboard": False, "log_to_driver": False, "logging_level": logging.WARNING}
    try:
        if address:
            ray.init(address=address, **options)
        else:
            ray.init(num_cpus=workers, object_store_memory=LOCAL_OBJECT_STORE_BYTES, **options)
    except (ConnectionError, RuntimeError, ValueError) as exc:
        raise RayUnavailableError(f"Ray could not start or connect ({address or 'local'}): {exc}") from exc
    return True


def _blocks(window: pd.DataFrame, workers: int, part_rows: int) -> list[pd.DataFrame]:
    """Split a window into near-equal blocks (one block = one task = one part) of at most ``part_rows`` rows,
    at least ``BLOCKS_PER_WORKER`` per worker where the window has the rows: Ray Data gives an actor a
    whole block, so few large blocks would leave actors idle while the last ones finish.
    """
    n = len(window)
    count = max(math.ceil(n / part_rows), min(n, workers * BLOCKS_PER_WORKER))
    bounds = [round(i * n / count) for i in range(count + 1)]
    return [window.iloc[a:b] for a, b in zip(bounds, bounds[1:]) if b > a]


def _windows(pending: Iterator[pd.DataFrame], rows: int) -> Iterator[pd.DataFrame]:
    """The pending rows in windows of at most ``rows`` rows: the driver holds one window at a time."""
    held: list[pd.DataFrame] = []
    count = 0
    for chunk in pending:
        start = 0
        while start < len(chunk):
            piece = chunk.iloc[start : start + rows - count]
            held.append(piece)
            count += len(piece)
            start += len(piece)
            if count >= rows:
                yield pd.concat(held)
                held, count = [], 0
    if held:
        yield pd.concat(held)


def run_ray(
    classifier: Classifier,
    pending: Iterator[pd.DataFrame],
    settings: RowSettings,
    writer,
    *,
    address: str | None,
    workers: int,
    part_rows: int,
    stop_after: int | None = None,
) -> None:
    """Explain the pending rows on Ray with ``workers`` actors; ``writer`` writes each finished block as a part.

    Only rows not yet in the result reach Ray (the caller filtered them), each block (at most
    ``part_rows`` rows) comes back as one part as soon as an actor finishes it, and a lost actor's blocks are
    retried by Ray Data, so a run killed at any point resumes like the local engine.
    """
    import pyarrow as pa

    started = _init_ray(address, workers)
    import ray

    context = ray.data.DataContext.get_current()
    context.enable_progress_bars = False  # the engine draws its own progress line
    context.print_on_execution_start = False
    # Each actor runs one forward pass at a time: the CPUs Ray gives it, as torch threads.
    threads = max(1, int(os.environ.get("TEXTLENS_RAY_THREADS", "1")))
    constructor = {
        "model": classifier.model_id,
        "precision": classifier.precision,
        "fingerprint": classifier.fingerprint,
        "settings": asdict(settings),
        "threads": threads,
    }
    written = 0
    try:
        # A large cluster gets windows long enough for several blocks of a few rows per worker.
        window_rows = max(WINDOW_PARTS * part_rows, workers * BLOCKS_PER_WORKER * 4)
        for window in _windows(pending, window_rows):
            blocks = _blocks(window, workers, part_rows)
            tables = [pa.Table.from_pandas(arrow_ready(b.reset_index(drop=True)), preserve_index=False) for b in blocks]
            results = ray.data.from_arrow(tables).map_batches(
                ExplainActor,
                fn_constructor_kwargs=constructor,
                batch_size=None,
                batch_format="pyarrow",
                # One block in flight per actor: blocks go to whichever actor is free, not queued ahead
                # on one that may still be busy with a long text.
                compute=ray.data.ActorPoolStrategy(size=workers, max_tasks_in_flight_per_actor=1),
                num_cpus=threads,
            )
            for table in results.iter_batches(batch_size=None, batch_format="pyarrow"):
                writer.write(table)
                written += table.num_rows
                if stop_after is not None and written >= stop_after:
                    raise Stop()
    finally:
        if started:
            ray.shutdown()
