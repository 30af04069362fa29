"""Session-state primitives every room shares: results tagged with their input, progress, the worker thread."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any

import streamlit as st
from streamlit.runtime.scriptrunner import add_script_run_ctx, get_script_run_ctx

IN_FLIGHT_KEY = "textlens_in_flight"  # this session's last explanation worker thread


def remember(key: str, input_key: Hashable, value: Any) -> None:
    """Store ``value`` under session ``key``, tagged with the input it was computed for."""
    st.session_state[key] = (input_key, value)


def recall(key: str, input_key: Hashable) -> Any | None:
    """The value stored under ``key`` if it belongs to ``input_key`` (the input on screen now), else None."""
    stored = st.session_state.get(key)
    if isinstance(stored, tuple) and len(stored) == 2 and stored[0] == input_key:
        return stored[1]
    return None


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

    def report(self, done: int, total: int) -> None:
        """The progress callback textlens calls (from the worker thread): the first call ends waiting."""
        if self.waiting:
            self.waiting, self.started = False, time.perf_counter()
        self.done, self.total = done, total

    def fraction(self) -> float:
        return 0.0 if self.total <= 0 else min(1.0, self.done / self.total)

    def eta_seconds(self, seconds_per_row: float) -> float:
        """Seconds left: from the rate so far, or from the model's measured speed before the first batch."""
        left = max(0, self.total - self.done)
        elapsed = time.perf_counter() - self.started
        if self.done > 0 and elapsed > 0.2:
            return left * elapsed / self.done
        return left * seconds_per_row


def earlier_run_in_flight() -> bool:
    """Whether this session's previous explanation is still running (its page rerun, its worker did not stop)."""
    worker = st.session_state.get(IN_FLIGHT_KEY)
    return worker is not None and worker.is_alive()


def run_in_worker(fn, on_progress: Callable[[Progress], None] | None, state: Progress):
    """Run ``fn`` in a thread (with this script's context) and redraw progress until it returns."""
    outcome: dict[str, object] = {}

    def work() -> None:
        try:
            outcome["value"] = fn()
        except BaseException as exc:  # re-raised in the script thread
            outcome["error"] = exc

    worker = threading.Thread(target=work, name="textlens-explain", daemon=True)
    add_script_run_ctx(worker, get_script_run_ctx())
    worker.start()
    st.session_state[IN_FLIGHT_KEY] = worker
    while worker.is_alive():
        worker.join(0.15)
        if on_progress is not None and worker.is_alive():
            on_progress(state)
    if "error" in outcome:
        raise outcome["error"]  # type: ignore[misc]
    return outcome["value"]
