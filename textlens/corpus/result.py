"""The corpus result format: a folder of Parquet part files plus a JSON manifest, written atomically, read back."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from textlens.corpus.reader import ROW_ID
from textlens.dataset.predict import score_column
from textlens.errors import TextlensError
from textlens.types import Explanation

MANIFEST = "_textlens_corpus.json"
FORMAT = "textlens-corpus"
FORMAT_VERSION = 1
PART_PATTERN = re.compile(r"^part-(\d{12})-(\d{12})\.parquet$")
# The engine's own columns, after the input's; an input column with one of these names is stored
# as ``input_<name>`` (the manifest's ``renamed`` says so).
RESULT_COLUMNS = (
    "predicted_label",
    "words",
    "converged",
    "unsettled",
    "evals",
    "evals_needed",
    "max_evals",
    "truncated",
    "read_until",
    "seconds",
    "explanation",
    "error",
)


class CorpusResultError(TextlensError):
    """A result folder that cannot be read, or that a run cannot continue."""


def base_value_column(label: str) -> str:
    """The name of a label's base-value column in results."""
    return f"base_value_{label}"


def reserved(name: str, labels: Iterable[str]) -> bool:
    """True when ``name`` is one of the engine's own result columns for these labels."""
    labels = list(labels)
    own = {ROW_ID, *RESULT_COLUMNS, *map(score_column, labels), *map(base_value_column, labels)}
    return name in own


def part_name(first: int, last: int) -> str:
    """The file name of a part holding row ids ``first``..``last`` (sorted, so names sort by row id)."""
    return f"part-{first:012d}-{last:012d}.parquet"


def part_files(folder: str | Path) -> list[Path]:
    """The finished part files of a result folder, by row id."""
    folder = Path(folder)
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if PART_PATTERN.match(p.name))


def write_part(folder: str | Path, table) -> Path:
    """Write a pyarrow table of result rows as one part file, atomically.

    The rows go to a hidden temporary file, which is flushed to disk and then renamed to its final
    name: a part either exists whole or not at all, whenever the process dies.
    """
    import pyarrow.parquet as pq

    folder = Path(folder)
    ids = table.column(ROW_ID).to_pylist()
    final = folder / part_name(min(ids), max(ids))
    temporary = folder / f".tmp-{os.getpid()}-{final.name}"
    pq.write_table(table, temporary)
    _fsync(temporary)
    os.replace(temporary, final)
    _fsync(folder)
    return final


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_manifest(folder: str | Path, manifest: Mapping[str, Any]) -> None:
    """Write the folder's manifest atomically (temporary file, flush, rename)."""
    folder = Path(folder)
    temporary = folder / f".tmp-{os.getpid()}-{MANIFEST}"
    temporary.write_text(json.dumps(manifest, indent=2, ensure_ascii=False, default=str), encoding="utf-8")
    _fsync(temporary)
    os.replace(temporary, folder / MANIFEST)
    _fsync(folder)


def read_manifest(folder: str | Path) -> dict[str, Any]:
    """The folder's manifest; :class:`CorpusResultError` when it is missing or not a corpus result."""
    if not Path(folder).is_dir():
        raise CorpusResultError(f"{folder} is not a folder (a corpus result is a folder of Parquet parts).")
    path = Path(folder) / MANIFEST
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise CorpusResultError(f"{folder} is not a corpus result (it has no {MANIFEST}).") from None
    except (OSError, ValueError) as exc:
        raise CorpusResultError(f"{path} cannot be read: {exc}") from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise CorpusResultError(f"{path} is not a textlens corpus manifest.")
    if manifest.get("format_version", 0) > FORMAT_VERSION:
        raise CorpusResultError(
            f"{folder} was written by a newer textlens (format {manifest['format_version']}); upgrade to read it."
        )
    return _current_names(manifest)


def _current_names(manifest: dict[str, Any]) -> dict[str, Any]:
    """A manifest with today's names for the one-pass method: earlier ones said "amortized" and "amortizer"."""
    if "amortizer" in manifest:
        manifest["one_pass"] = manifest.pop("amortizer")
    for settings in (manifest.get("settings"), manifest.get("provenance", {}).get("settings")):
        if isinstance(settings, dict) and settings.get("method") == "amortized":
            settings["method"] = "one-pass"
            settings["one_pass"] = settings.pop("amortizer", "")
    return manifest


def done_row_ids(folder: str | Path) -> set[int]:
    """Row ids already written to the folder's parts (what a resumed run skips).

    Leftover temporary files of a killed run are removed; they never count.
    """
    import pyarrow.parquet as pq

    folder = Path(folder)
    done: set[int] = set()
    if not folder.is_dir():
        return done
    for leftover in folder.glob(".tmp-*"):
        leftover.unlink(missing_ok=True)
    for part in part_files(folder):
        done.update(pq.read_table(part, columns=[ROW_ID]).column(ROW_ID).to_pylist())
    return done


@dataclass(frozen=True, eq=False)
class CorpusResult:
    """A corpus result read back: one row per input row, and the manifest that says how it was made.

    ``frame`` has ``row_id``, every input column, ``predicted_label``, ``score_<label>`` and
    ``base_value_<label>`` per label, ``words`` (list of ``{word, start, end, values}``, values in
    label order), ``converged``, ``unsettled``, ``evals``, ``evals_needed``, ``max_evals``,
    ``truncated``, ``read_until``, ``seconds``, ``explanation`` (the full record as JSON) and
    ``error`` (None, or why the row could not be explained). Rows are sorted by ``row_id``.
    """

    path: Path
    frame: pd.DataFrame
    manifest: dict[str, Any]

    @property
    def labels(self) -> list[str]:
        """The model's labels, in score order."""
        return list(self.manifest["labels"])

    @property
    def text_column(self) -> str:
        """The column holding the explained texts."""
        return self.manifest["text_column"]

    @property
    def label_column(self) -> str | None:
        """The column holding the true labels, if one was given."""
        return self.manifest.get("label_column")

    @property
    def ok(self) -> pd.DataFrame:
        """The rows that were explained (no error)."""
        return self.frame[self.frame["error"].isna()]

    @property
    def bad(self) -> pd.DataFrame:
        """The rows that could not be explained, with their ``error``."""
        return self.frame[self.frame["error"].notna()]


def read_result(path: str | Path, *, columns: list[str] | None = None) -> CorpusResult:
    """Open a corpus result folder written by ``python -m textlens corpus explain``.

    ``columns`` reads only those (``row_id`` and ``error`` always come too), e.g. leave out
    ``explanation`` and ``words`` for a quick table of predictions. The manifest's ``counts`` are
    recomputed from the parts (a killed run may not have updated them): ``rows`` in the input,
    ``done``, ``explained``, ``bad``.
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    folder = Path(path)
    manifest = read_manifest(folder)
    wanted = None if columns is None else list(dict.fromkeys([ROW_ID, *columns, "error"]))
    # Integer and boolean columns keep their type where bad rows leave gaps (not floats and objects).
    nullable = {pa.int64(): pd.Int64Dtype(), pa.bool_(): pd.BooleanDtype()}
    frames = []
    for part in part_files(folder):
        try:
            frames.append(pq.read_table(part, columns=wanted).to_pandas(types_mapper=nullable.get))
        except Exception as exc:  # a damaged file names itself rather than failing the whole read
            raise CorpusResultError(f"{part} cannot be read: {exc}") from exc
    if frames:
        frame = pd.concat(frames, ignore_index=True).sort_values(ROW_ID, kind="stable")
        frame = frame.drop_duplicates(ROW_ID).reset_index(drop=True)
    else:
        frame = pd.DataFrame({ROW_ID: pd.Series(dtype="int64"), "error": pd.Series(dtype="object")})
    manifest = dict(manifest)
    bad = int(frame["error"].notna().sum())
    rows = manifest.get("counts", {}).get("rows", manifest.get("input", {}).get("rows"))
    manifest["counts"] = {"rows": rows, "done": len(frame), "explained": len(frame) - bad, "bad": bad}
    return CorpusResult(folder, frame, manifest)


def explanations(result_or_rows: CorpusResult | pd.DataFrame | Iterable[Mapping[str, Any]]) -> list[Explanation]:
    """The stored :class:`Explanation` records of a result (or of some of its rows), in row order.

    Rows that could not be explained (``error`` set) have none and are left out.
    """
    if isinstance(result_or_rows, CorpusResult):
        result_or_rows = result_or_rows.frame
    if isinstance(result_or_rows, pd.DataFrame):
        if "explanation" not in result_or_rows:
            raise CorpusResultError("These rows were read without their 'explanation' column.")
        stored = result_or_rows["explanation"].tolist()
    else:
        stored = [row.get("explanation") for row in result_or_rows]
    return [Explanation.from_json(text) for text in stored if isinstance(text, str) and text]
