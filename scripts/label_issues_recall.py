"""How well the Dataset page's likely label errors find labels flipped on purpose, on SST-2 dev.

Run: python scripts/label_issues_recall.py --data ../shared/data/sst2/dev.tsv [--flip 0.05] [--seed 0 1 2]

Predicts every sentence once with the bundled model (``textlens.dataset.predict_rows``); then per seed
flips a share of the labels, ranks likely label errors with ``textlens.dataset.label_issues`` and prints
one JSON line: rows, flipped, recall of the flipped rows in the top k (k = number flipped),
the share of flipped rows flagged at all, rows flagged, the estimated label-noise rate and the
model's accuracy on the original labels. The dev set is out of sample for the bundled model (trained on
SST-2 train), as confident learning asks.
"""

from __future__ import annotations

import argparse
import json
import os
import time

import numpy as np

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from textlens import load_classifier
from textlens.dataset import label_issues, predict_rows
from textlens.text.sst2 import read_sst2


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", required=True, help="SST-2 style TSV (sentence<TAB>label)")
    parser.add_argument("--model", default="default")
    parser.add_argument("--flip", type=float, default=0.05, help="share of labels to flip")
    parser.add_argument("--seed", type=int, nargs="+", default=[0], help="one line per seed")
    args = parser.parse_args()
    texts, labels = read_sst2(args.data)
    original = np.array(labels)
    classifier = load_classifier(args.model)
    started = time.perf_counter()
    run = predict_rows(classifier, texts)
    predict_seconds = time.perf_counter() - started
    for seed in args.seed:
        flipped = np.random.default_rng(seed).choice(len(texts), round(args.flip * len(texts)), replace=False)
        given = original.copy()
        given[flipped] = 1 - given[flipped]
        started = time.perf_counter()
        issues = label_issues(run.probs, given, run.labels)
        rank_seconds = time.perf_counter() - started
        k = len(flipped)
        top = np.array(issues.ranked[:k], dtype=np.int64)
        result = {
            "rows": len(texts),
            "flipped": k,
            "seed": seed,
            "recall_at_k": round(float(np.isin(top, flipped).mean()), 4) if k else None,
            "flipped_flagged": round(float(issues.issue[flipped].mean()), 4) if k else None,
            "flagged": issues.count,
            "noise_rate": round(issues.noise_rate, 4),
            "accuracy_on_original_labels": round(float((run.predicted == original).mean()), 4),
            "predict_seconds": round(predict_seconds, 1),
            "rank_seconds": round(rank_seconds, 2),
        }
        print(json.dumps(result))


if __name__ == "__main__":
    main()
