"""A corpus-engine result folder as a predicted labelled set: stored predictions and explanations, not recomputed."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from textlens.corpus.result import part_files, read_result, reserved
from textlens.dataset.load import LabelledFile
from textlens.dataset.predict import RowPredictions, score_column
from textlens.types import Explanation

# Columns read for the table; the heavy ones (each row's explanation and words) are read only for the rows shown.
HEAVY_COLUMNS = ("explanation", "words")


@dataclass(frozen=True, eq=False)
class StoredRun:
    """A corpus result as the Dataset page uses it: its rows, their stored predictions, and how they were made."""

    path: Path
    labelled: LabelledFile
    run: RowPredictions
    model_id: str
    text_column: str
    label_column: str | None
    row_ids: np.ndarray  # the result's row ids, in table order (row positions index into it)
    explained: np.ndarray  # per row: whether a stored explanation exists
    trust: str = ""  # for one-pass values: how far they agree with exact ones; "" for exact values

    def note(self) -> str:
        """A sentence on where the predictions come from, and whether the word values are estimated."""
        done = len(self.row_ids)
        what = f"one-pass word values ({self.trust})" if self.trust else "explanations"
        return (
            f"Stored predictions and {what} of {done:,} rows made by the corpus engine with model "
            f"{self.model_id}; nothing is recomputed. The sidebar's model is not used for this result."
        )


def result_hash(path: str | Path) -> str:
    """A key that changes when a result folder gains parts or a new manifest (cheap: names, sizes, times)."""
    folder = Path(path)
    digest = hashlib.sha256(str(folder.resolve()).encode())
    for item in sorted(folder.iterdir()):
        if item.is_file() and not item.name.startswith(".tmp-"):
            stat = item.stat()
            digest.update(f"{item.name}:{stat.st_size}:{stat.st_mtime_ns}".encode())
    return digest.hexdigest()


def read_stored(path: str | Path) -> StoredRun:
    """Open a corpus result folder (without its heavy columns) as a :class:`StoredRun`.

    Raises ``CorpusResultError`` (a :class:`TextlensError`) for a folder that is not a readable result.
    """
    import pyarrow.parquet as pq

    folder = Path(path)
    parts = part_files(folder)
    names = pq.read_schema(parts[0]).names if parts else []
    light = [n for n in names if n not in HEAVY_COLUMNS]
    result = read_result(folder, columns=light or None)
    labels = tuple(result.labels)
    frame = result.frame
    inputs = [c for c in frame.columns if not reserved(c, labels) and c not in ("row_id", "error")]
    probs = np.full((len(frame), len(labels)), np.nan)
    for i, label in enumerate(labels):
        column = score_column(label)
        if column in frame:
            probs[:, i] = frame[column].to_numpy(dtype=float, na_value=np.nan)
    error = frame["error"] if "error" in frame else [None] * len(frame)
    failed = tuple(str(e) if isinstance(e, str) and np.isnan(p).any() else None for e, p in zip(error, probs))
    labelled = LabelledFile(
        name=folder.name,
        frame=frame[inputs].reset_index(drop=True),
        format="corpus result",
        encoding=None,
        total_rows=len(frame),
        warnings=tuple(n for n in [result.manifest.get("input", {}).get("notice")] if n),  # rows vs lines
    )
    explained = np.array([not isinstance(e, str) for e in error], dtype=bool)
    manifest = result.manifest
    return StoredRun(
        path=folder,
        labelled=labelled,
        run=RowPredictions(labels, probs, failed),
        model_id=str(manifest.get("model_id", "")),
        text_column=result.text_column,
        label_column=result.label_column,
        row_ids=frame["row_id"].to_numpy(),
        explained=explained & ~np.isnan(probs).any(axis=1),
        trust=_trust(manifest),
    )


def _trust(manifest: dict) -> str:
    """The agreement line of a result made with ``--method one-pass`` ("" for exact values)."""
    if manifest.get("settings", {}).get("method", "exact") == "exact":
        return ""
    return str(manifest.get("one_pass", {}).get("trust") or "estimated in one pass")


def stored_explanations(stored: StoredRun, positions: Sequence[int]) -> list[Explanation | None]:
    """The stored explanations of the rows at ``positions`` (None where a row has none), read from the parts."""
    import pyarrow.dataset as ds

    wanted = [int(stored.row_ids[p]) for p in positions]
    table = ds.dataset([str(p) for p in part_files(stored.path)], format="parquet").to_table(
        columns=["row_id", "explanation"], filter=ds.field("row_id").isin(wanted)
    )
    by_id = dict(zip(table.column("row_id").to_pylist(), table.column("explanation").to_pylist()))
    return [Explanation.from_json(by_id[r]) if isinstance(by_id.get(r), str) else None for r in wanted]
