"""How settled textlens's default explanation is: agreement with a converged reference, and its cost.

Run: python bench/explain_stability.py --texts ../shared/data/sst2/dev.tsv --json bench/results/stability.json
"""

from __future__ import annotations

import numpy as np
from common import (
    NaiveRecipe,
    bench_parser,
    load_texts,
    machine,
    median,
    pearson,
    verdict,
    write_json,
)

from textlens import clear_caches, explain, load_classifier


def top3(values: np.ndarray) -> set[int]:
    return set(np.argsort(-np.abs(values))[:3].tolist())


def compare(default, reference, label: int) -> tuple[float, bool]:
    a = np.array([w.values[label] for w in default.words])
    b = np.array([w.values[label] for w in reference.words])
    return pearson(a, b), top3(a) == top3(b)


def main() -> None:
    parser = bench_parser(__doc__)
    parser.add_argument("--reference-evals", type=int, default=4000)
    parser.add_argument(
        "--long-reference-evals", type=int, default=2000, help="reference budget for long texts (each row ~30 ms)"
    )
    args = parser.parse_args()

    short, long_texts = load_texts(args.texts, args.n_short, args.n_long)
    classifier = load_classifier(args.model)
    naive = NaiveRecipe(classifier)
    explain(classifier, "Warm-up text, nothing more.")
    naive.explain("Warm-up text, nothing more.", 50)

    rows = []
    for kind, texts in (("short", short), ("long", long_texts)):
        for text in texts:
            clear_caches(classifier)  # a timing is not helped by an earlier run on the same text
            default = explain(classifier, text)
            label = default.label_index(None)
            # The reference: the word tree expanded in full, or as far as the reference budget goes.
            budget = args.reference_evals if kind == "short" else args.long_reference_evals
            reference = default if default.converged else explain(classifier, text, max_evals=budget)
            # A cross-check on the guide's own terms (short texts): subword leaves at the reference budget.
            tokens_ref = explain(classifier, text, max_evals=budget, leaves="tokens") if kind == "short" else reference
            _, _, naive_seconds = naive.explain(text, 500)
            corr, same_top3 = compare(default, reference, label)
            corr_tok, same_top3_tok = compare(default, tokens_ref, label)
            rows.append(
                {
                    "kind": kind,
                    "words": len(default.words),
                    "seconds": default.seconds,
                    "naive500_seconds": naive_seconds,
                    "evals": default.evals,
                    "converged": default.converged,
                    "unsettled": default.unsettled,
                    "reference_converged": reference.converged,
                    "correlation": corr,
                    "top3_same": same_top3,
                    "tokens4000_correlation": corr_tok,
                    "tokens4000_top3_same": same_top3_tok,
                }
            )
            r = rows[-1]
            print(
                f"{kind:5} {r['words']:4d} words  {r['seconds']:6.2f}s (naive500 {naive_seconds:5.2f}s)  "
                f"converged {str(r['converged']):5}  unsettled {r['unsettled']:.3f}  corr {corr:.4f}  "
                f"top3 {'same' if same_top3 else 'DIFF'}  vs tokens@{args.reference_evals}: {corr_tok:.3f}",
                flush=True,
            )

    def summary(kind: str) -> dict:
        part = [r for r in rows if r["kind"] == kind]
        return {
            "texts": len(part),
            "top3_agreement": sum(r["top3_same"] for r in part) / len(part),
            "median_correlation": median([r["correlation"] for r in part]),
            "min_correlation": min(r["correlation"] for r in part),
            "converged_fraction": sum(r["converged"] for r in part) / len(part),
            "median_unsettled": median([r["unsettled"] for r in part]),
            "median_seconds": median([r["seconds"] for r in part]),
            "time_vs_naive500": median([r["seconds"] / r["naive500_seconds"] for r in part]),
            "tokens4000_top3_agreement": sum(r["tokens4000_top3_same"] for r in part) / len(part),
            "tokens4000_median_correlation": median([r["tokens4000_correlation"] for r in part]),
        }

    short_summary, long_summary = summary("short"), summary("long") if long_texts else {}
    results = {
        "command": "python bench/explain_stability.py --texts ../shared/data/sst2/dev.tsv --json PATH",
        "machine": machine(),
        "reference": (
            f"word tree fully expanded, else max_evals={args.reference_evals} (short) / "
            f"{args.long_reference_evals} (long)"
        ),
        **{
            k: short_summary[k] for k in ("top3_agreement", "median_correlation", "min_correlation", "time_vs_naive500")
        },
        "short": short_summary,
        "long": long_summary,
        "texts": rows,
    }
    print()
    print(verdict("short texts: top-3 words same as reference", short_summary["top3_agreement"], 0.95, True))
    print(verdict("short texts: median correlation with reference", short_summary["median_correlation"], 0.995, True))
    print(verdict("short texts: time / naive recipe at max_evals 500", short_summary["time_vs_naive500"], 0.5, False))
    if long_summary:
        print(
            f"long texts: top-3 same {long_summary['top3_agreement']:.0%}, median correlation "
            f"{long_summary['median_correlation']:.3f}, median unsettled {long_summary['median_unsettled']:.1%}, "
            f"{long_summary['median_seconds']:.1f} s each ({long_summary['time_vs_naive500']:.2f}x naive500)"
        )
    write_json(args.json, results)


if __name__ == "__main__":
    main()
