"""Failure cohorts and the map of a set on 10,000 rows: the cohorts after predictions, the map against predicting.

Run: nice -n 10 python bench/cohorts_speed.py --texts ../shared/data/sst2/train.tsv --json bench/results/cohorts.json

The rows are 10,000 distinct SST-2 sentences (train.tsv: distinct, so the map places 10,000 points; the dev set
repeated would place its 872) with their labels and a random metadata column. Measured, as the Dataset page
runs them:

- predicting the rows: ``predict_rows`` (the page's Predict step);
- the cohorts once the rows are predicted: likely label errors (cleanlab) and ``failure_cohorts`` (target <= 5 s);
- the map: ``map_rows`` (the model over the rows once more for their mean-pooled last hidden state, then PCA,
  exact neighbours and UMAP), the first in this process (umap-learn imported, its numba functions loaded from
  numba's on-disk cache or compiled) and a second one; target: the first <= 2x the time of predicting the rows.
"""

from __future__ import annotations

import time

import numpy as np
from common import bench_parser, machine, verdict, write_json
from dataset_speed import ignore

from textlens import load_classifier
from textlens.dataset import label_issues, predict_rows
from textlens.dataset.cohorts import failure_cohorts
from textlens.text.sst2 import read_sst2

ROWS = 10_000


def distinct_rows(path: str, n: int) -> tuple[list[str], np.ndarray]:
    """The first ``n`` distinct sentences of an SST-2 file and their labels."""
    sentences, labels = read_sst2(path)
    first = {}
    for sentence, label in zip(sentences, labels):
        first.setdefault(sentence, label)
        if len(first) == n:
            break
    return list(first), np.array(list(first.values()))


def seconds(fn):
    """(fn's result, its wall time in seconds)."""
    started = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - started


def main() -> None:
    parser = bench_parser(__doc__)
    parser.add_argument("--rows", type=int, default=ROWS, help="distinct rows")
    args = parser.parse_args()
    classifier = load_classifier(args.model)
    texts, truth = distinct_rows(args.texts, args.rows)
    source = np.random.default_rng(0).choice(["web", "mail", "forum", "press"], len(texts)).tolist()
    classifier.predict(texts[:256])  # warm up
    print(f"{len(texts):,} distinct SST-2 rows, {classifier.model_id} in {classifier.precision}, {machine()}")

    run, predict_s = seconds(lambda: predict_rows(classifier, texts, progress=ignore))
    print(f"  predicting the rows:                      {predict_s:6.2f} s")

    def cohorts():
        issues = label_issues(run.probs, truth, run.labels)
        return failure_cohorts(
            texts, truth, run.predicted, run.confidence, run.labels, meta={"source": source}, issue=issues.issue
        )

    found, cohorts_s = seconds(cohorts)
    _, again_s = seconds(cohorts)
    print(f"  cohorts after predictions (best of two):  {min(cohorts_s, again_s):6.2f} s")
    print(f"    {found.summary()}")
    for cohort in found.cohorts[:3]:
        print(f"    {found.sentence(cohort)}")

    from textlens.dataset.embedding_map import map_rows

    (row_map, _), map_s = seconds(lambda: map_rows(classifier, texts, progress=ignore))
    print(
        f"  the map, first in this process:           {map_s:6.2f} s ({row_map.method}: model once more "
        f"{row_map.embed_seconds:.2f} s, projection {row_map.project_seconds:.2f} s)"
    )
    (warm, _), warm_s = seconds(lambda: map_rows(classifier, texts, progress=ignore))
    print(f"  the map, second:                          {warm_s:6.2f} s (projection {warm.project_seconds:.2f} s)")
    print(f"    {int(row_map.placed.sum()):,} of {len(texts):,} rows placed")
    cohorts_best = min(cohorts_s, again_s)
    print(verdict("cohorts after predictions", cohorts_best, 5.0, False, " s"))
    print(verdict("the map / predicting the rows", map_s / predict_s, 2.0, False, "x"))
    write_json(
        args.json,
        {
            "rows": len(texts),
            "machine": machine(),
            "predict_seconds": predict_s,
            "cohorts_seconds": cohorts_best,
            "cohorts": found.to_dicts(),
            "map_seconds": map_s,
            "map_embed_seconds": row_map.embed_seconds,
            "map_project_seconds": row_map.project_seconds,
            "map_second_seconds": warm_s,
            "map_over_predict": map_s / predict_s,
        },
    )


if __name__ == "__main__":
    main()
