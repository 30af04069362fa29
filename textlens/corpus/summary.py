"""``corpus summary``: counts, accuracy against true labels, and the words that drive each class, as plain JSON."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..dataset.labels import NO_LABEL, match_labels
from ..wordstats import word_statistics
from .result import CorpusResult, explanations

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
        "counts": manifest["counts"],
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
    explained = explanations(frame)
    words: dict[str, list[dict[str, Any]]] = {}
    for label in labels:
        rows = [e for e, p in zip(explained, predicted) if p == label]
        stats = [s for s in word_statistics(rows, label, min_inputs) if s.mean > 0][:top]
        words[label] = [
            {"word": s.word, "mean": s.mean, "inputs": s.inputs, "occurrences": s.occurrences} for s in stats
        ]
    out["words_driving_each_class"] = words
    return out
