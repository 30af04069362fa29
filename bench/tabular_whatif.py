"""What-if latency on the Tabular page's core: re-explaining a penguin as its flipper-length slider moves.

    python bench/tabular_whatif.py [--json bench/results/tabular.json]

Prints the time to train (with 5-fold cross-validation), one exact explanation per slider position
(the page's work per slider move, uncached), a prediction alone, and the whole-dataset view.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import time
from pathlib import Path

from textlens.tabular import dataset_view, explain_values, load_table, predict_values, train


def seconds(fn) -> tuple[float, object]:
    """Wall-clock seconds of one call and its result."""
    start = time.perf_counter()
    out = fn()
    return time.perf_counter() - start, out


def cpu_seconds(fn) -> float:
    """CPU seconds of one call (this process): what the work costs when the machine is not shared."""
    start = time.process_time()
    fn()
    return time.process_time() - start


def main() -> None:
    """Run the benchmark and print (and optionally save) its numbers."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", help="write the numbers here")
    parser.add_argument("--row", type=int, default=2, help="the penguin (table row) whose slider moves")
    args = parser.parse_args()

    train_s, model = seconds(lambda: train(load_table("penguins"), "species"))
    values = model.row_values(args.row)
    flipper = model.schema.feature("flipper_length_mm")
    positions = [flipper.low + step for step in range(0, int(flipper.high - flipper.low) + 1, 2)]
    explain_times, explain_cpu, predict_times, gaps = [], [], [], []
    for position in positions:
        changed = {**values, "flipper_length_mm": position}
        took, result = seconds(lambda changed=changed: explain_values(model, changed))
        explain_times.append(took)
        explain_cpu.append(cpu_seconds(lambda changed=changed: explain_values(model, changed)))
        predict_times.append(seconds(lambda changed=changed: predict_values(model, changed))[0])
        gaps.append(
            max(
                abs(result.base_values[i] + sum(f.values[i] for f in result.features) - result.scores[i])
                for i in range(len(result.labels))
            )
        )
    view_s, view = seconds(lambda: dataset_view(model))
    numbers = {
        "machine": f"{platform.machine()}, Python {platform.python_version()}, load average {os.getloadavg()[0]:.1f}",
        "train_and_cv_seconds": round(train_s, 3),
        "cv_accuracy": round(model.cv_accuracy, 4),
        "slider_positions": len(positions),
        "explain_median_ms": round(1000 * statistics.median(explain_times), 1),
        "explain_p90_ms": round(1000 * sorted(explain_times)[int(0.9 * (len(explain_times) - 1))], 1),
        "explain_max_ms": round(1000 * max(explain_times), 1),
        "explain_cpu_median_ms": round(1000 * statistics.median(explain_cpu), 1),
        "predict_median_ms": round(1000 * statistics.median(predict_times), 2),
        "model_rows_per_explanation": 2 ** len(model.features) * len(model.background),
        "max_additivity_gap": max(gaps),
        "dataset_view_rows": len(view.rows),
        "dataset_view_seconds": round(view_s, 2),
    }
    for key, value in numbers.items():
        print(f"{key:>28}: {value}")
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json).write_text(json.dumps(numbers, indent=2))


if __name__ == "__main__":
    main()
