"""Time left for long work: a linear estimate in units of the work's cost, said only once it can be trusted."""

from __future__ import annotations

# Before this share of the work and this many seconds, a linear estimate was measured off by 2-25x (a model's
# first batches warm caches and threads; 10 exact rows first said "about 475 s"): none is shown until then.
MIN_SHARE = 0.10
MIN_SECONDS = 1.0


def time_left(done: float, total: float, elapsed: float) -> float | None:
    """Seconds left at the rate so far, or None before :data:`MIN_SHARE` of the work and :data:`MIN_SECONDS`.

    ``done`` and ``total`` are in units of the work's cost, not rows, where rows differ in cost: predictions
    sorted by length run the short rows first, and a count of rows then promised about a third of the time.
    """
    if 0 < total <= done:
        return 0.0
    if total <= 0 or done <= 0 or elapsed < MIN_SECONDS or done < MIN_SHARE * total:
        return None
    return max(0.0, total - done) * elapsed / done


def padded_cost(lengths: list[int], batch_size: int, overhead: int = 32) -> list[int]:
    """The cost of each batch of rows with these (sorted) lengths: rows x (longest row + ``overhead``), what the
    model pads the batch to; the overhead stands for a row's fixed cost (special tokens, tokenizing).
    """
    return [
        len(lengths[i : i + batch_size]) * (max(lengths[i : i + batch_size]) + overhead)
        for i in range(0, len(lengths), batch_size)
    ]
