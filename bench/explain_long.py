"""Long texts sharpening: time to the first exact view, share resolved over time, and the refinement check.

Run: nice -n 10 python bench/explain_long.py --texts ../shared/data/sst2/dev.tsv --json bench/results/long.json
"""

from __future__ import annotations

import time

from common import bench_parser, load_texts, machine, median, write_json

from textlens import explain, load_classifier
from textlens.caches import state_of
from textlens.text.explain import planned_evals, refine

MARKS = (5.0, 15.0, 30.0)


def refinement_gap(coarse, fine) -> float:
    """Largest |unit of ``coarse`` - sum of the units of ``fine`` inside it| over units and labels."""
    worst = 0.0
    for unit in coarse.units:
        inside = [u for u in fine.units if unit.start <= u.start and u.end <= unit.end]
        assert sum(u.words for u in inside) == unit.words, "the finer frontier must split every coarse unit"
        for i in range(len(coarse.labels)):
            worst = max(worst, abs(sum(u.values[i] for u in inside) - unit.values[i]))
    return worst


def main() -> None:
    parser = bench_parser(__doc__)
    parser.add_argument("--seconds", type=float, default=max(MARKS), help="refinement time per text")
    parser.add_argument("--check-budget", type=int, default=100, help="B of the B vs 4B refinement check")
    parser.add_argument("--precision", default="float32")
    args = parser.parse_args()
    _, texts = load_texts(args.texts, 0, args.n_long)
    classifier = load_classifier(args.model, precision=args.precision)
    explain(classifier, "Warm-up text, nothing more.", max_evals=50)

    rows = []
    for n, text in enumerate(texts):
        state_of(classifier).entries.clear()  # no rows from an earlier run
        steps: list[tuple[float, float, int, int]] = []
        views = []
        started = time.perf_counter()

        def record(result, views=views, steps=steps, started=started) -> None:
            views.append(result)
            steps.append((time.perf_counter() - started, 1 - result.unsettled, result.evals, len(result.units)))

        full = planned_evals(classifier, text, 10**12)
        state = refine(classifier, text, max_evals=full, seconds=args.seconds, on_step=record)
        shares = {f"resolved_share_{int(m)}s": max((s[1] for s in steps if s[0] <= m), default=0.0) for m in MARKS}
        in_run_gap = max(refinement_gap(a, b) for a, b in zip(views, views[1:])) if len(views) > 1 else 0.0

        state_of(classifier).entries.clear()
        coarse = explain(classifier, text, max_evals=args.check_budget)
        state_of(classifier).entries.clear()
        fine = explain(classifier, text, max_evals=4 * args.check_budget)
        row = {
            "words": len(state.result.words),
            "first_view_seconds": steps[0][0] if steps else None,
            "first_view_units": steps[0][3] if steps else None,
            **shares,
            "steps": len(steps),
            "evals": state.result.evals,
            "evals_for_every_word": full,
            "resolved_words": state.result.resolved_words,
            "complete": state.complete,
            "gap_between_steps": in_run_gap,
            "gap_b_vs_4b": refinement_gap(coarse, fine),
            "units_b": len(coarse.units),
            "units_4b": len(fine.units),
        }
        rows.append(row)
        print(
            f"text {n + 1}: {row['words']} words, first view {row['first_view_seconds']:.2f} s "
            f"({row['first_view_units']} units), resolved share "
            + " / ".join(f"{row[f'resolved_share_{int(m)}s']:.0%}" for m in MARKS)
            + f" at {'/'.join(str(int(m)) for m in MARKS)} s, B vs 4B gap {row['gap_b_vs_4b']:.1e}",
            flush=True,
        )

    summary = {
        "median_first_view_seconds": median([r["first_view_seconds"] for r in rows]),
        "max_first_view_seconds": max(r["first_view_seconds"] for r in rows),
        **{f"median_resolved_share_{int(m)}s": median([r[f"resolved_share_{int(m)}s"] for r in rows]) for m in MARKS},
        "max_gap_between_steps": max(r["gap_between_steps"] for r in rows),
        "max_gap_b_vs_4b": max(r["gap_b_vs_4b"] for r in rows),
        "refinement_check_passes": all(r["gap_b_vs_4b"] <= 1e-5 and r["gap_between_steps"] <= 1e-5 for r in rows),
    }
    print(summary)
    write_json(
        args.json,
        {"machine": machine(), "precision": args.precision, "check_budget": args.check_budget, "summary": summary}
        | {"texts": rows},
    )


if __name__ == "__main__":
    main()
