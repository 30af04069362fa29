"""Choosing which rows to explain (the word aggregate, Compare's capped runs), and how many fit in a time budget."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from textlens.text.explain import planned_evals
from textlens.text.models import Classifier

SAMPLE_SEED = 0
# Texts whose cost is measured to size a sample; more adds seconds of planning for little precision.
PROBE_TEXTS = 8
MIN_SAMPLE, MAX_SAMPLE = 10, 1000
# Rows timed to measure the model's speed on the probe texts (one batch, as explanations run).
ROWS_TIMED = 32
# Explaining costs more than its forward passes alone (masking, tree bookkeeping; rows are often fewer per batch).
EXPLAIN_OVERHEAD = 1.5


def sample_rows(ok: np.ndarray, wrong: np.ndarray | None, n: int, seed: int = SAMPLE_SEED) -> np.ndarray:
    """Positions of up to ``n`` predicted rows to explain, in row order.

    With labels, up to half are errors (all of them if there are fewer) and the rest correct rows,
    so "errors against correct rows" has both sides; without labels, a uniform sample.
    """
    rng = np.random.default_rng(seed)
    candidates = np.flatnonzero(ok)
    if wrong is None:
        pick = rng.choice(candidates, size=min(n, len(candidates)), replace=False)
        return np.sort(pick)
    errors = np.flatnonzero(ok & wrong)
    right = np.flatnonzero(ok & ~wrong)
    n_errors = min(len(errors), max(n // 2, n - len(right)))
    n_right = min(len(right), n - n_errors)
    pick = np.concatenate(
        [rng.choice(errors, size=n_errors, replace=False), rng.choice(right, size=n_right, replace=False)]
    )
    return np.sort(pick.astype(np.int64))


def seconds_per_explanation(classifier: Classifier, texts: Sequence[str]) -> float:
    """Estimated seconds to explain one of ``texts`` at the default budget, from a few of them.

    The probe texts' mean planned model calls times the time per row of a warm batch of them:
    measured here rather than taken from the model's running averages, which a cold first call skews.
    """
    probes = [t for t in texts if isinstance(t, str) and t.strip()][:PROBE_TEXTS]
    if not probes:
        return 0.0
    rows = (probes * (ROWS_TIMED // len(probes) + 1))[:ROWS_TIMED]
    classifier.predict(probes)  # warm: the first call of a process pays one-time costs
    started = time.perf_counter()
    classifier.predict(rows, batch_size=ROWS_TIMED)
    per_row = (time.perf_counter() - started) / len(rows)
    evals = sum(planned_evals(classifier, t) for t in probes) / len(probes)
    return evals * per_row * EXPLAIN_OVERHEAD


def sample_size_for(classifier: Classifier, texts: Sequence[str], seconds: float = 60.0) -> int:
    """How many of ``texts`` can be explained in about ``seconds`` (between 10 and 1,000, a round number)."""
    per_text = seconds_per_explanation(classifier, texts)
    n = MAX_SAMPLE if per_text <= 0 else int(seconds / per_text)
    n = max(MIN_SAMPLE, min(MAX_SAMPLE, n))
    return n if n < 50 else n // 10 * 10


ROWS_FIRST, ROWS_RANDOM, ROWS_ERRORS = "first", "random", "errors"


@dataclass(frozen=True)
class RowChoice:
    """Which rows of a file a capped run takes: their positions (in file order) and a sentence saying so."""

    positions: tuple[int, ...]
    description: str


def choose_rows(
    n_rows: int, limit: int, how: str = ROWS_FIRST, *, seed: int = SAMPLE_SEED, wrong: Sequence[bool] | None = None
) -> RowChoice:
    """Up to ``limit`` of ``n_rows`` rows: the first ones, a seeded random sample, or the rows in ``wrong``.

    ``how`` is :data:`ROWS_FIRST`, :data:`ROWS_RANDOM` or :data:`ROWS_ERRORS` (``wrong[i]`` True where
    row ``i`` is an error; the first ``limit`` of them are taken). The description names the choice
    and the counts, e.g. "the first 50 of 1,000 rows", so a page never takes rows without saying which.
    """
    if how == ROWS_ERRORS:
        if wrong is None:
            raise ValueError("choosing the errors needs which rows are wrong")
        errors = np.flatnonzero(np.asarray(wrong, dtype=bool)[:n_rows])
        taken = errors[:limit]
        if len(errors) <= limit:
            text = f"all {len(errors):,} rows model A gets wrong, of {n_rows:,}"
        else:
            text = f"the first {limit:,} of the {len(errors):,} rows model A gets wrong, of {n_rows:,}"
        return RowChoice(tuple(int(i) for i in taken), text)
    if n_rows <= limit:
        return RowChoice(tuple(range(n_rows)), f"all {n_rows:,} rows")
    if how == ROWS_RANDOM:
        pick = np.sort(np.random.default_rng(seed).choice(n_rows, size=limit, replace=False))
        return RowChoice(tuple(int(i) for i in pick), f"a random sample of {limit:,} of {n_rows:,} rows (seed {seed})")
    if how != ROWS_FIRST:
        raise ValueError(f"how must be one of {(ROWS_FIRST, ROWS_RANDOM, ROWS_ERRORS)}, not {how!r}")
    return RowChoice(tuple(range(limit)), f"the first {limit:,} of {n_rows:,} rows")
