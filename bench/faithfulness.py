"""Faithfulness of textlens's default explanations against random order, leave-one-out and the preview.

The preview ranks words by leave-one-out values, so its faithfulness is the leave-one-out row; the
bench times it. Results are written (and the table printed) every 10 texts, so a stopped run still
reports what it measured.

Run: nice -n 10 python bench/faithfulness.py --texts ../shared/data/sst2/dev.tsv --json bench/results/faithfulness.json
"""

from __future__ import annotations

import statistics
import time

from common import bench_parser, load_texts, machine, median, verdict, write_json

from textlens import explain, load_classifier
from textlens.text.faithfulness import faithfulness
from textlens.text.preview import preview

METHODS = ("explanation", "random", "loo")


def main() -> None:
    parser = bench_parser(__doc__)
    parser.set_defaults(n_short=100, n_long=0)
    parser.add_argument("--random-orders", type=int, default=5)
    args = parser.parse_args()

    texts, _ = load_texts(args.texts, args.n_short, 0)
    classifier = load_classifier(args.model)
    explain(classifier, "Warm-up text, nothing more.")

    rows = []
    for n, text in enumerate(texts, 1):
        default = explain(classifier, text)
        started = time.perf_counter()
        first_look = preview(classifier, text)
        preview_seconds = time.perf_counter() - started
        target = default.predicted_label
        measured = faithfulness(classifier, default, target, n_random=args.random_orders)
        scores = {"explanation": measured.explanation, "random": measured.random, "loo": measured.loo}
        assert first_look.settings["values"] == "leave-one-out"  # its order is the loo row's
        rows.append(
            {
                "text": text,
                "words": measured.n_words,
                "target": target,
                "score": measured.full_score,
                "explain_seconds": default.seconds,
                "faithfulness_seconds": measured.seconds,
                "faithfulness_rows": measured.rows,
                "preview_seconds": preview_seconds,
                **{f"{m}_comprehensiveness": s.comprehensiveness for m, s in scores.items()},
                **{f"{m}_sufficiency": s.sufficiency for m, s in scores.items()},
                **{f"{m}_deletion_auc": s.deletion_auc for m, s in scores.items()},
                **{f"{m}_insertion_auc": s.insertion_auc for m, s in scores.items()},
            }
        )
        if n % 10 == 0 or n == len(texts):
            report(rows, args.json)


def report(rows: list[dict], path: str | None) -> None:
    """Write the JSON and print the table for the texts measured so far."""

    def med(key: str) -> float:
        return median([r[key] for r in rows])

    summary = {
        m: {
            metric: med(f"{m}_{metric}")
            for metric in ("comprehensiveness", "sufficiency", "deletion_auc", "insertion_auc")
        }
        for m in METHODS
    }
    ratio_of_medians = summary["explanation"]["comprehensiveness"] / summary["random"]["comprehensiveness"]
    per_text = [
        r["explanation_comprehensiveness"] / r["random_comprehensiveness"]
        for r in rows
        if r["random_comprehensiveness"] > 1e-9
    ]
    beats_loo = sum(r["explanation_comprehensiveness"] >= r["loo_comprehensiveness"] - 1e-9 for r in rows)
    result = {
        "machine": machine(),
        "texts": len(rows),
        "median_words": med("words"),
        "medians": summary,
        "comprehensiveness_ratio_of_medians": ratio_of_medians,
        "comprehensiveness_median_per_text_ratio": median(per_text),
        "texts_with_random_comprehensiveness_above_zero": len(per_text),
        "texts_at_least_loo": beats_loo,
        "mean_comprehensiveness": {m: statistics.fmean(r[f"{m}_comprehensiveness"] for r in rows) for m in METHODS},
        "median_seconds": {
            "explain": med("explain_seconds"),
            "faithfulness": med("faithfulness_seconds"),
            "preview": med("preview_seconds"),
        },
        "median_faithfulness_rows": med("faithfulness_rows"),
        "rows": rows,
    }
    write_json(path, result)

    print(f"{len(rows)} SST-2 dev sentences, median {result['median_words']:.0f} words; medians over texts:")
    print(f"{'order':<12} {'compr.':>8} {'suff.':>8} {'del. AUC':>9} {'ins. AUC':>9}")
    for m in METHODS:
        s = summary[m]
        print(
            f"{m:<12} {s['comprehensiveness']:8.3f} {s['sufficiency']:8.3f} "
            f"{s['deletion_auc']:9.3f} {s['insertion_auc']:9.3f}"
        )
    print(f"median per-text ratio explanation / random comprehensiveness: {median(per_text):.2f}")
    print(f"texts where the explanation is at least leave-one-out: {beats_loo} of {len(rows)}")
    print("median seconds: " + ", ".join(f"{k} {v:.3f}" for k, v in result["median_seconds"].items()))
    print(verdict("comprehensiveness / random (ratio of medians)", ratio_of_medians, 3.0, True, "x"))
    print(
        verdict(
            "comprehensiveness - leave-one-out (medians)",
            summary["explanation"]["comprehensiveness"] - summary["loo"]["comprehensiveness"],
            0.0,
            True,
        )
    )


if __name__ == "__main__":
    main()
