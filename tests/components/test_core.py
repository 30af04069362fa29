"""The session primitives: a job's time left is measured, never guessed; a job cancelled stops at its next batch."""

from __future__ import annotations

import time

import pytest

from components.state.core import JobCancelled, Progress
from textlens.eta import MIN_SECONDS, padded_cost, time_left


def test_time_left_is_estimating_until_the_job_has_done_a_tenth_for_a_second():
    state = Progress(started=time.perf_counter())
    state.report(0, 1000)
    assert state.measured_eta() is None  # nothing run yet: no guess
    state.report(100, 1000)
    assert state.measured_eta() is None  # 10 % done, but in under a second
    state = Progress(started=time.perf_counter() - 2 * MIN_SECONDS)
    state.report(50, 1000)
    assert state.measured_eta() is None  # timed for 2 s, but only 5 % done: a linear guess is not trusted yet
    state.report(100, 1000)  # as if the 100 rows took 2 s: 900 more take about 18 s
    assert state.measured_eta() == pytest.approx(900 * MIN_SECONDS * 2 / 100, rel=0.05)


def test_a_job_that_weighs_its_rows_is_taken_at_its_word():
    state = Progress(started=time.perf_counter() - 5, weighed=True)
    state.report(500, 1000, eta=12.0)  # half the rows, but the long half is still to come
    assert 11.5 < state.measured_eta() <= 12.0
    state.report(600, 1000, eta=None)  # the job says it cannot tell yet: neither does the page
    assert state.measured_eta() is None


def test_weighed_by_padded_length_the_estimate_keeps_within_one_and_a_half_times():
    """1,000 rows sorted short to long (900 of 10 characters, 100 of 400), each batch taking time in proportion
    to its padded size: from 10 % of the cost on, the time left is within 1.5x of the real one, where a count
    of rows promised a fraction of it."""
    lengths, size = [10] * 900 + [400] * 100, 64
    costs = padded_cost(lengths, size)
    seconds = [c * 1e-3 for c in costs]
    total, spent, elapsed, rows = sum(costs), 0, 0.0, 0
    by_rows_off = False
    for i, cost in enumerate(costs):
        spent, elapsed, rows = spent + cost, elapsed + seconds[i], min(rows + size, len(lengths))
        real = sum(seconds[i + 1 :])
        guess = time_left(spent, total, elapsed)
        if guess is not None and real > 0:
            assert real / 1.5 <= guess <= real * 1.5, (i, guess, real)
        by_rows = time_left(rows, len(lengths), elapsed)
        by_rows_off |= by_rows is not None and real > 0 and not real / 1.5 <= by_rows <= real * 1.5
    assert by_rows_off  # what the page showed before: "about 13 s" for 18 s


def test_a_cancelled_job_stops_at_its_next_report():
    state = Progress()
    state.report(1, 10)
    state.cancelled.set()
    with pytest.raises(JobCancelled):
        state.report(2, 10)


@pytest.fixture
def session(monkeypatch):
    """core's Streamlit session state as a plain dict (run_in_worker needs no page for this)."""
    import types

    from components.state import core

    monkeypatch.setattr(core, "st", types.SimpleNamespace(session_state={}))
    return core


def reporting_job(state: Progress, steps: int, seen: list[int]):
    """Work that reports progress every few milliseconds for ``steps`` batches (a long job when steps is large)."""

    def work():
        for i in range(steps):
            seen.append(i)
            state.report(i, steps)
            time.sleep(0.005)
        return "done"

    return work


def test_a_job_left_by_its_page_is_cancelled_when_the_session_asks_for_other_work(session):
    import threading

    left = Progress()
    seen: list[int] = []
    outcome: dict[str, object] = {}

    def page_left_mid_job():  # a script run that started a long job, then its page was left
        try:
            session.run_in_worker(reporting_job(left, 100_000, seen), None, left, key="dataset words")
        except JobCancelled as exc:
            outcome["error"] = exc

    script = threading.Thread(target=page_left_mid_job)
    script.start()
    while not seen:
        time.sleep(0.01)
    assert session.earlier_run_in_flight()
    new = Progress()
    assert session.run_in_worker(lambda: "explained", None, new, key="explain") == "explained"
    script.join(10)
    assert isinstance(outcome.get("error"), JobCancelled) and len(seen) < 100_000
    assert not session.earlier_run_in_flight()


def test_the_same_job_is_rejoined_not_started_again(session):
    import threading

    first = Progress()
    seen: list[int] = []
    script = threading.Thread(
        target=lambda: session.run_in_worker(reporting_job(first, 200, seen), None, first, key="same")
    )
    script.start()
    while not seen:
        time.sleep(0.01)

    def again():
        raise AssertionError("the same work was started a second time")

    drawn: list[Progress] = []
    assert session.run_in_worker(again, drawn.append, Progress(), key="same") == "done"
    script.join(10)
    assert seen == list(range(200))  # ran once, to its end
    assert not drawn or drawn[-1] is first  # the progress shown is the running job's


def test_a_kept_selection_survives_a_page_switch_and_yields_to_the_user(session):
    """A table's selection comes back empty after a page switch: the kept one stays until the user changes it."""
    key, view = "kept", ("file", "model")
    assert session.kept_selection(key, view, [], fresh=True) == []  # first visit: nothing selected
    assert session.kept_selection(key, view, [3, 7], fresh=False) == [3, 7]  # the user selects rows
    assert session.kept_selection(key, view, [], fresh=True) == [3, 7]  # back from another page: kept
    assert session.kept_selection(key, view, [], fresh=False) == [3, 7]  # any later rerun keeps it
    assert session.kept_selection(key, view, [5], fresh=False) == [5]  # a new choice wins
    assert session.kept_selection(key, view, [], fresh=False) == []  # and so does clearing it
    assert session.kept_selection(key, ("other file", "model"), [], fresh=True) == []  # another input: forgotten
