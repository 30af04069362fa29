"""``corpus summary``: counts, accuracy against true labels, and the words that drive each class, as plain JSON."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from textlens.corpus.reader import ROW_ID
from textlens.corpus.result import CorpusResult, part_files, read_manifest, read_result
from textlens.dataset.labels import NO_LABEL, match_labels
from textlens.text.wordstats import WordTally

TOP_WORDS = 15


def summarize_result(result: CorpusResult, *, top: int = TOP_WORDS, min_inputs: int = 2) -> dict[str, Any]:
    """A result's counts, prediction counts, accuracy (when it has true labels) and top words per class.

    Each class's words are those with the largest mean value toward it over the rows predicted as it
    (a word counts once it occurs in ``min_inputs`` rows): the Dataset page's word aggregate.
    """
    manifest, frame, labels = result.manifest, result.ok, result.labels
    predicted = frame["predicted_label"].astype(str).to_numpy()
    out: dict[str, Any] = {
        "result": str(result.path),
        "input": manifest.get("input", {}).get("name"),
        "model_id": manifest.get("model_id"),
        "model_fingerprint": manifest.get("model_fingerprint"),
        "precision": manifest.get("precision"),
        "settings": manifest.get("settings"),
        "method": manifest.get("settings", {}).get("method", "exact"),
        "agreement": manifest.get("one_pass", {}).get("trust"),  # how far one-pass values agree with exact ones
        "counts": manifest["counts"],
        "input_notice": manifest.get("input", {}).get("notice"),
        "complete": manifest["counts"]["done"] == manifest["counts"]["rows"],
        "predicted": {label: int((predicted == label).sum()) for label in labels},
        "converged": int(frame["converged"].fillna(False).astype(bool).sum()) if len(frame) else 0,
    }
    label_column = result.label_column
    if label_column and label_column in frame:
        truth, match = match_labels(frame[label_column].tolist(), labels)
        known = truth != NO_LABEL
        predicted_index = np.array([labels.index(p) for p in predicted], dtype=np.int64)
        correct = int((truth[known] == predicted_index[known]).sum())
        out["accuracy"] = correct / int(known.sum()) if known.any() else None
        out["labelled_rows"] = int(known.sum())
        out["label_match"] = match.message()
        out["label_note"] = match.note()  # "0 → NEGATIVE, 1 → POSITIVE, by the model's label order." or None
    out["words_driving_each_class"] = class_words(result.path, labels, top=top, min_inputs=min_inputs)
    return out


def summarize_folder(path: str | Path, *, top: int = TOP_WORDS, min_inputs: int = 2) -> dict[str, Any]:
    """:func:`summarize_result` of a result folder, reading only the columns it needs: memory stays
    bounded by the vocabulary and the row count, not by the stored explanations.
    """
    manifest = read_manifest(path)
    columns = ["predicted_label", "converged", *([manifest["label_column"]] if manifest.get("label_column") else [])]
    return summarize_result(read_result(path, columns=columns), top=top, min_inputs=min_inputs)


def class_words(path: str | Path, labels: list[str], *, top: int, min_inputs: int) -> dict[str, list[dict[str, Any]]]:
    """Per class, the words with the largest mean value toward it over the rows predicted as it.

    Streams the result's parts one at a time and reads only each row's words (not its full
    explanation record), so a million-row result is summarised in bounded memory.
    """
    import pyarrow.parquet as pq

    tallies = {label: WordTally() for label in labels}
    seen: set[int] = set()  # a retried block may have been written twice; each row counts once
    for part in part_files(path):
        rows = pq.read_table(part, columns=[ROW_ID, "predicted_label", "words", "error"]).to_pylist()
        for row in rows:
            if row["error"] is not None or row["words"] is None or row[ROW_ID] in seen:
                continue
            seen.add(row[ROW_ID])
            label = str(row["predicted_label"])
            index = labels.index(label)
            tallies[label].add((w["word"], w["values"][index]) for w in row["words"])
    return {
        label: [
            {"word": s.word, "mean": s.mean, "inputs": s.inputs, "occurrences": s.occurrences}
            for s in [s for s in tally.stats(min_inputs) if s.mean > 0][:top]
        ]
        for label, tally in tallies.items()
    }
