"""How the Ray engine cuts pending rows into windows and blocks (pure pandas: runs without Ray)."""

from __future__ import annotations

import pandas as pd
import pytest

from textlens.corpus.ray_engine import BLOCKS_PER_WORKER, _blocks, _windows


def frame(start: int, stop: int) -> pd.DataFrame:
    return pd.DataFrame({"row_id": range(start, stop)})


def test_windows_hold_every_row_once_in_order_across_chunk_edges():
    chunks = [frame(0, 7), frame(7, 8), frame(8, 30)]
    windows = list(_windows(iter(chunks), rows=10))
    assert [len(w) for w in windows] == [10, 10, 10]
    assert pd.concat(windows)["row_id"].tolist() == list(range(30))


@pytest.mark.parametrize(("rows", "workers", "part_rows"), [(200, 2, 64), (40, 2, 64), (4096, 2, 64), (3, 8, 64)])
def test_blocks_are_near_equal_bounded_and_enough_for_every_worker(rows, workers, part_rows):
    blocks = _blocks(frame(0, rows), workers, part_rows)
    sizes = [len(b) for b in blocks]
    assert pd.concat(blocks)["row_id"].tolist() == list(range(rows))
    assert max(sizes) <= part_rows and max(sizes) - min(sizes) <= 1
    # Enough blocks that the last ones cannot leave an actor idle for long, unless there are fewer rows.
    assert len(blocks) >= min(rows, workers * BLOCKS_PER_WORKER)
