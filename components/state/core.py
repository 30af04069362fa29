"""Session-state primitives every room shares: results tagged with their input, progress, the worker thread."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import Any

import streamlit as st
from streamlit.runtime.scriptrunner import add_script_run_ctx, get_script_run_ctx

from textlens.eta import time_left

JOBS_KEY = "textlens_jobs"  # this session's background jobs, by what they compute (see run_in_worker)


def remember(key: str, input_key: Hashable, value: Any) -> None:
    """Store ``value`` under session ``key``, tagged with the input it was computed for."""
    st.session_state[key] = (input_key, value)


def recall(key: str, input_key: Hashable) -> Any | None:
    """The value stored under ``key`` if it belongs to ``input_key`` (the input on screen now), else None."""
    stored = st.session_state.get(key)
    if isinstance(stored, tuple) and len(stored) == 2 and stored[0] == input_key:
        return stored[1]
    return None


def widget_is_new(key: str) -> bool:
    """Whether widget ``key`` starts afresh in this run: Streamlit drops a widget's state when its page is left."""
    return key not in st.session_state


def kept_selection(key: str, input_key: Hashable, current: Any, fresh: bool) -> Any:
    """A table's or chart's selection that survives a page switch.

    Selections of ``st.dataframe`` and ``st.plotly_chart`` are forgotten when the page is left and cannot be
    set back. So the selection in force is kept under ``key`` (for ``input_key``) with the widget's own last
    value: a change the user makes wins; a widget that comes back empty (``fresh``) does not.
    """
    stored = recall(key, input_key)
    kept, seen = stored if stored is not None else (current, current)
    if not fresh and current != seen:
        kept = current
    remember(key, input_key, (kept, current))
    return kept


def has_result(key: str) -> bool:
    """Whether something is stored under ``key`` at all (for "the inputs changed since" notes)."""
    return st.session_state.get(key) is not None


# Explanations are small records; 512 of them stay well under a few MB.
CACHE_ENTRIES = 512


@dataclass
class Progress:
    """What a running explanation has done so far, read by the page to draw its progress bar."""

    done: int = 0
    total: int = 0
    waiting: bool = False
    started: float = 0.0
    item: int = 0  # texts finished, when several are explained together
    items: int = 1
    own_earlier: bool = False  # waiting behind this same session's earlier run (e.g. a double click)
    cancelled: threading.Event = field(default_factory=threading.Event)
    weighed: bool = False  # the job reports its own time left, weighing rows by their cost (see report)
    eta: float | None = None
    eta_at: float = 0.0

    def report(self, done: int, total: int, eta: float | None = None) -> None:
        """The progress callback textlens calls (from the worker thread): the first call ends waiting.

        ``eta`` is the time left of a :attr:`weighed` job, whose rows differ in cost (None: not trusted yet).
        Raises :class:`JobCancelled` once the job is cancelled, which ends the work at its next batch.
        """
        if self.cancelled.is_set():
            raise JobCancelled()
        if self.waiting:
            self.waiting, self.started = False, time.perf_counter()
        self.done, self.total = done, total
        self.eta, self.eta_at = eta, time.perf_counter()

    def fraction(self) -> float:
        return 0.0 if self.total <= 0 else min(1.0, self.done / self.total)

    def measured_eta(self) -> float | None:
        """Seconds left, or None until the job has done 10 % of its work for a second (:func:`textlens.eta.time_left`).

        A guess before that was off by up to 25x (the row cache, batching and warm-up change the cost), so pages
        say "estimating" until then. A job that reports its own time left (in units of its cost, where rows
        differ) is taken at its word, less the time since it said so.
        """
        if self.waiting:
            return None
        if self.weighed:
            return None if self.eta is None else max(0.0, self.eta - (time.perf_counter() - self.eta_at))
        return time_left(self.done, self.total, time.perf_counter() - self.started)


class JobCancelled(Exception):
    """Raised in a worker whose job was cancelled: its page was left and the session asked for other work."""


@dataclass
class Job:
    """A session's background work: its thread, its progress, and how to cancel it."""

    thread: threading.Thread
    cancel: Callable[[], None]
    state: Progress | None = None
    outcome: dict[str, Any] = field(default_factory=dict)

    @property
    def alive(self) -> bool:
        return self.thread.is_alive()


def _jobs() -> dict[Hashable, Job]:
    return st.session_state.setdefault(JOBS_KEY, {})


def register_job(key: Hashable, thread: threading.Thread, cancel: Callable[[], None]) -> None:
    """Make a page's own worker (e.g. a live refinement) known, so newer work of the session can cancel it."""
    _jobs()[key] = Job(thread, cancel)


def earlier_run_in_flight() -> bool:
    """Whether work this session started earlier is still running (its page was left or rerun)."""
    return any(job.alive for job in _jobs().values())


def cancel_other_jobs(keep: Hashable | None = None) -> None:
    """Cancel this session's running jobs except ``keep``, and forget the finished ones.

    A session runs one script at a time, so when it asks for new work nobody watches the older
    jobs any more (their page was left, or rerun with other input): they stop at their next batch
    instead of holding the model for minutes, and what they had stored (a live refinement's last
    view) stays in the session. Finished results are already in the caches of the calls that made them.
    """
    jobs = _jobs()
    for key, job in list(jobs.items()):
        if key == keep:
            continue
        if job.alive:
            job.cancel()
        else:
            del jobs[key]


def run_in_worker(fn, on_progress: Callable[[Progress], None] | None, state: Progress, key: Hashable | None = None):
    """Run ``fn`` in a thread (with this script's context) and redraw progress until it returns.

    ``key`` names what ``fn`` computes: when the same work is still running from an earlier script
    run (the user left the page and came back, or clicked twice), this waits for that job instead of
    starting it again. Other running jobs of the session are cancelled (:func:`cancel_other_jobs`).
    """
    jobs = _jobs()
    key = key if key is not None else object()
    job = jobs.get(key)
    if job is None or not (job.alive or "value" in job.outcome):
        cancel_other_jobs(keep=key)
        outcome: dict[str, object] = {}

        def work() -> None:
            try:
                outcome["value"] = fn()
            except BaseException as exc:  # re-raised in the script thread
                outcome["error"] = exc

        worker = threading.Thread(target=work, name="textlens-job", daemon=True)
        add_script_run_ctx(worker, get_script_run_ctx())
        job = jobs[key] = Job(worker, state.cancelled.set, state, outcome)
        worker.start()
    shown = job.state or state
    while job.alive:
        job.thread.join(0.15)
        if on_progress is not None and job.alive:
            on_progress(shown)
    jobs.pop(key, None)
    if "error" in job.outcome:
        raise job.outcome["error"]  # type: ignore[misc]
    return job.outcome["value"]
