"""Dataset page speed: predicting 10,000 SST-2 rows against the forward-pass limit, and filters on 10,000 rows.

Run: nice -n 10 python bench/dataset_speed.py --texts ../shared/data/sst2/dev.tsv --json bench/results/dataset.json

The forward-pass limit is the time of the model's forward passes alone (texts pre-tokenized in
length-sorted batches, no tokenizing, no softmax, no bookkeeping) at the best batch size; textlens's
``predict_rows`` (tokenizing, sorting, batching, progress) is measured against it at that batch size.
"""

from __future__ import annotations

import time

import numpy as np
import pandas as pd
import torch
from common import bench_parser, machine, verdict, write_json

from textlens import load_classifier
from textlens.dataset import (
    RowPredictions,
    compute_metrics,
    length_slices,
    metadata_slices,
    pattern_slice,
    predict_rows,
    predicted_index,
    results_frame,
    slice_metrics,
    truth_index,
)
from textlens.text.sst2 import read_sst2

BATCH_SIZES = (16, 32, 64, 128, 256)
ROWS = 10_000
REPEATS = 2  # the machine is shared: the best of two runs of each measurement


def rows_of(path: str, n: int) -> tuple[list[str], list[int]]:
    """``n`` dev sentences and labels, the dev set repeated as often as needed."""
    sentences, labels = read_sst2(path)
    reps = n // len(sentences) + 1
    return (sentences * reps)[:n], (list(labels) * reps)[:n]


def forward_seconds(classifier, texts: list[str], batch_size: int) -> float:
    """Seconds of the model's forward passes alone over ``texts`` in length-sorted batches."""
    order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
    batches = [
        classifier.tokenizer(
            [texts[i] for i in order[s : s + batch_size]],
            padding=True,
            truncation=True,
            max_length=classifier.max_length,
            return_tensors="pt",
        )
        for s in range(0, len(order), batch_size)
    ]
    bf16 = classifier.precision == "bfloat16"
    started = time.perf_counter()
    with torch.inference_mode(), torch.autocast("cpu", dtype=torch.bfloat16, enabled=bf16):
        for enc in batches:
            classifier.model(**enc)
    return time.perf_counter() - started


def ignore(*_args) -> None:
    """A progress callback, so the measured run pays for progress reporting as the page does."""


def timed(fn, repeats: int = 5) -> float:
    """Best wall time of ``fn()`` over ``repeats`` runs, in milliseconds."""
    best = float("inf")
    for _ in range(repeats):
        started = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - started)
    return best * 1000


def main() -> None:
    parser = bench_parser(__doc__)
    parser.add_argument("--rows", type=int, default=ROWS, help="rows to predict (the dev set repeated)")
    parser.add_argument("--batch-sizes", default=",".join(map(str, BATCH_SIZES)), help="comma-separated")
    args = parser.parse_args()
    rows = args.rows
    sizes = [int(b) for b in args.batch_sizes.split(",")]
    classifier = load_classifier(args.model)
    texts, labels = rows_of(args.texts, rows)
    classifier.predict(texts[:256])  # warm up

    print(f"{rows:,} SST-2 dev rows (dev repeated), {classifier.model_id}, {classifier.precision}, {machine()}")
    forward = {}
    for b in sizes:
        forward[b] = min(forward_seconds(classifier, texts, b) for _ in range(REPEATS))
        print(f"  forward passes only, batch {b:>3}: {forward[b]:6.2f} s = {rows / forward[b]:7.0f} rows/s")
    best = min(forward, key=forward.get)
    runs = {}
    for b in sorted({best, classifier.batch_size}):
        seconds = [predict_rows(classifier, texts, batch_size=b, progress=ignore).seconds for _ in range(REPEATS)]
        runs[b] = min(seconds)
        print(f"  predict_rows, batch {b:>3}:          {runs[b]:6.2f} s = {rows / runs[b]:7.0f} rows/s")
    ratio = runs[best] / forward[best]
    print(verdict("predict_rows time / forward-pass limit at the best batch size", ratio, 1.3, False, "x"))

    # Latency of the page's table, slices and confusion filter on 10,000 predicted rows (the
    # predictions above repeated when fewer rows were predicted).
    run = predict_rows(classifier, texts, batch_size=best)
    reps = ROWS // rows + 1
    run = RowPredictions(run.labels, np.tile(run.probs, (reps, 1))[:ROWS], (run.errors * reps)[:ROWS])
    texts, labels = (texts * reps)[:ROWS], (labels * reps)[:ROWS]
    rows = ROWS
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(
        {
            "text": texts,
            "label": [str(y) for y in labels],
            "source": rng.choice(["web", "mail", "forum", "press"], rows),
        }
    )
    names = classifier.labels
    latency = {}
    latency["results table + label matching"] = timed(lambda: results_frame(frame, "text", run, "label"))
    results, _ = results_frame(frame, "text", run, "label")
    truth, predicted = truth_index(results, names), predicted_index(results, names)
    confidence = results["confidence"].to_numpy(dtype=float)
    latency["metrics (confusion, per class, calibration)"] = timed(
        lambda: compute_metrics(truth, predicted, confidence, names)
    )

    def slices():
        found = length_slices(texts) + metadata_slices(results["source"].tolist(), "source")
        found.append(pattern_slice(texts, "not"))
        return slice_metrics(found, truth, predicted, confidence, names)

    latency["slices (length, metadata, keyword) + metrics"] = timed(slices)

    def confusion_filter():
        mask = (truth == 0) & (predicted == 1)
        return results[mask].sort_values("confidence", ascending=False).head(100)

    latency["confusion-cell filter + most confident errors"] = timed(confusion_filter)
    latency[f"text search over {rows:,} rows"] = timed(
        lambda: results[results["text"].str.contains("not", case=False, regex=False)]
    )
    for name, ms in latency.items():
        print(f"  {name}: {ms:.1f} ms")
    print(verdict("slowest table/slice/filter step", max(latency.values()) / 1000, 1.0, False, " s"))
    write_json(
        args.json,
        {
            "machine": machine(),
            "rows": args.rows,
            "precision": classifier.precision,
            "forward_seconds": forward,
            "predict_seconds": runs,
            "best_batch": best,
            "ratio": ratio,
            "rows_per_second": args.rows / runs[best],
            "latency_ms": latency,
        },
    )


if __name__ == "__main__":
    main()
