"""Two models on one labelled set: 10,000 rows through both, against the two forward passes alone; page latency.

Run: nice -n 10 python bench/compare_speed.py --texts ../shared/data/sst2/dev.tsv --json bench/results/compare.json

The baseline is the two models' forward passes alone (texts pre-tokenized in length-sorted batches, at
each model's own batch size); the measured path is what the Dataset page and ``textlens dataset compare``
do: ``predict_rows`` with both models, then ``compare_runs`` (label alignment, the rows table with both
models, flips, McNemar, the interval) and the slices compared. Model B is a second copy of the bundled
model (the same size and cost as any bundled-size model B). The ratio is taken in one run.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from common import bench_parser, machine, verdict, write_json
from dataset_speed import forward_seconds, ignore, rows_of, timed

from textlens import load_classifier
from textlens.dataset import predict_rows
from textlens.dataset.compare import BROKEN, compare_runs
from textlens.dataset.slices import set_slices

ROWS = 10_000
REPEATS = 2  # the machine is shared: the best of two runs of each measurement


def main() -> None:
    parser = bench_parser(__doc__)
    parser.add_argument("--rows", type=int, default=ROWS, help="rows to predict (the dev set repeated)")
    parser.add_argument("--repeats", type=int, default=REPEATS, help="best of this many interleaved runs")
    parser.add_argument("--model-b", default="default", help="model B (default: a second copy of the bundled model)")
    args = parser.parse_args()
    a, b = load_classifier(args.model), load_classifier(args.model_b)
    texts, labels = rows_of(args.texts, args.rows)
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(
        {
            "text": texts,
            "label": [str(y) for y in labels],
            "source": rng.choice(["web", "mail", "forum", "press"], len(texts)),
        }
    )
    for model in (a, b):
        model.predict(texts[:256])  # warm up
    print(f"{len(texts):,} SST-2 dev rows (dev repeated), A {a.model_id} / B {b.model_id}, {a.precision}, {machine()}")

    def forward_both() -> float:
        return forward_seconds(a, texts, a.batch_size) + forward_seconds(b, texts, b.batch_size)

    runs = {}

    def full() -> float:
        import time

        started = time.perf_counter()
        runs["a"] = predict_rows(a, texts, progress=ignore)
        runs["b"] = predict_rows(b, texts, progress=ignore)
        comparison = compare_runs(frame, "text", "label", runs["a"], runs["b"])
        comparison.slices(set_slices(frame, "text", ["source"], "not"))
        return time.perf_counter() - started

    forward, measured = [], []
    for _ in range(args.repeats):  # interleaved, so a busy spell on the shared machine hits both alike
        forward.append(forward_both())
        measured.append(full())
    base, total = min(forward), min(measured)
    print(f"  two forward passes only:                  {base:6.2f} s")
    print(f"  both models predicted and compared:       {total:6.2f} s")
    ratio = total / base
    print(verdict("comparison time / two forward passes", ratio, 1.3, False, "x"))

    run_a, run_b = runs["a"], runs["b"]
    comparison = compare_runs(frame, "text", "label", run_a, run_b)
    slices = set_slices(frame, "text", ["source"], "not")
    latency = {
        "compare_runs_ms": timed(lambda: compare_runs(frame, "text", "label", run_a, run_b), 3),
        "slices_compared_ms": timed(lambda: comparison.slices(slices), 3),
        "flip_filter_ms": timed(lambda: comparison.results[comparison.codes == BROKEN], 5),
    }
    for name, ms in latency.items():
        print(f"  {name}: {ms:8.1f} ms")
    write_json(
        args.json,
        {
            "rows": len(texts),
            "repeats": args.repeats,
            "machine": machine(),
            "forward_seconds": base,
            "compare_seconds": total,
            "ratio": ratio,
            **latency,
        },
    )


if __name__ == "__main__":
    main()
