"""The session primitives: a job's time left is measured, never guessed; a job cancelled stops at its next batch."""

from __future__ import annotations

import time

import pytest

from components.state.core import MIN_MEASURED_SECONDS, JobCancelled, Progress


def test_time_left_is_estimating_until_the_job_has_timed_itself():
    state = Progress(started=time.perf_counter())
    state.report(0, 1000)
    assert state.measured_eta() is None  # nothing run yet: no guess
    state.report(10, 1000)
    assert state.measured_eta() is None  # not yet timed for long enough
    state.started -= MIN_MEASURED_SECONDS * 2  # as if the 10 rows took 2 s: 990 more take about 198 s
    assert state.measured_eta() == pytest.approx(990 * MIN_MEASURED_SECONDS * 2 / 10, rel=0.05)


def test_a_cancelled_job_stops_at_its_next_report():
    state = Progress()
    state.report(1, 10)
    state.cancelled.set()
    with pytest.raises(JobCancelled):
        state.report(2, 10)
