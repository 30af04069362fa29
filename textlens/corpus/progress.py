"""Progress of a corpus run on stderr (rows done, rows per second, time left) and its stop signal."""

from __future__ import annotations

import sys
import time
from typing import TextIO

from textlens.eta import time_left

BAR_WIDTH = 28
# Without a terminal (a log file, CI), one line this often rather than a redrawn bar.
LOG_EVERY_SECONDS = 10.0


def duration(seconds: float) -> str:
    """``42s``, ``7m05s``, ``3h20m``, ``2d04h``: short and readable at every scale."""
    seconds = max(0, int(round(seconds)))
    if seconds < 60:
        return f"{seconds}s"
    if seconds < 3600:
        return f"{seconds // 60}m{seconds % 60:02d}s"
    if seconds < 86400:
        return f"{seconds // 3600}h{seconds % 3600 // 60:02d}m"
    return f"{seconds // 86400}d{seconds % 86400 // 3600:02d}h"


class ProgressLine:
    """Draws ``done/total rows, rate, ETA`` for a run that started with ``before`` rows (or other units) done."""

    def __init__(
        self, total: int, before: int, stream: TextIO | None = None, enabled: bool = True, unit: str = "rows"
    ) -> None:
        self.total, self.before, self.unit = total, before, unit
        self.now = self.bad = 0
        self.stream = stream if stream is not None else sys.stderr
        self.enabled = enabled
        self.tty = enabled and hasattr(self.stream, "isatty") and self.stream.isatty()
        self.started = time.perf_counter()
        self.last_log = 0.0

    def start(self) -> None:
        """Restart the clock (after the model has loaded) and draw the first line."""
        self.started = time.perf_counter()
        self.draw(force=True)

    def update(self, rows: int, bad: int = 0) -> None:
        """``rows`` more rows written (``bad`` of them with an error)."""
        self.now += rows
        self.bad += bad
        self.draw()

    @property
    def rate(self) -> float:
        """Rows per second in this run."""
        elapsed = time.perf_counter() - self.started
        return self.now / elapsed if elapsed > 0 else 0.0

    def line(self) -> str:
        """The current progress as one line of text."""
        done = self.before + self.now
        left = max(self.total - done, 0)
        rate = self.rate
        seconds = time_left(self.now, self.now + left, time.perf_counter() - self.started)
        eta = duration(seconds) if seconds is not None else "?"
        bad = f", {self.bad:,} bad" if self.bad else ""
        unit = self.unit
        text = f"{done:,}/{self.total:,} {unit} ({self.now:,} this run{bad}) · {rate:.2f} {unit}/s · {eta} left"
        if self.tty:
            filled = int(BAR_WIDTH * done / self.total) if self.total else BAR_WIDTH
            text = f"[{'#' * filled}{'-' * (BAR_WIDTH - filled)}] {text}"
        return text

    def draw(self, force: bool = False) -> None:
        """Redraw the bar (terminal) or log a line now and then (anything else)."""
        if not self.enabled:
            return
        if self.tty:
            self.stream.write("\r" + self.line() + "\x1b[K")
            self.stream.flush()
            return
        now = time.perf_counter()
        if force or now - self.last_log >= LOG_EVERY_SECONDS:
            self.last_log = now
            print(self.line(), file=self.stream, flush=True)

    def finish(self) -> None:
        """The last line, ended with a newline."""
        if not self.enabled:
            return
        if self.tty:
            self.stream.write("\r" + self.line() + "\x1b[K\n")
            self.stream.flush()
        else:
            print(self.line(), file=self.stream, flush=True)


class Stop(KeyboardInterrupt):
    """Raised by the ``stop_after`` test hook of either engine: behaves exactly like Ctrl-C."""
