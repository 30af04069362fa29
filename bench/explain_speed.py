"""Explanation speed against the naive recipe, the forward-pass limit, cold start, scaling, many texts, precision.

Run: python bench/explain_speed.py --texts ../shared/data/sst2/dev.tsv --json bench/results/speed.json

Sections 1-5 run textlens in float32, the naive recipe's precision, so they compare engines on the
same arithmetic; section 6 measures what bfloat16 (the default on CPUs with AMX) adds on top.
"""

from __future__ import annotations

import subprocess
import sys
import threading
import time

import numpy as np
import psutil
from common import (
    NaiveRecipe,
    bench_parser,
    load_texts,
    machine,
    median,
    pearson,
    verdict,
    words_of,
    write_json,
)

from textlens import clear_caches, explain, explain_many, load_classifier
from textlens.text.models import native_bfloat16

COLD_SCRIPT = """
import os, time, json
os.environ["HF_HUB_OFFLINE"] = "1"
t0 = time.perf_counter()
from textlens import load_classifier, explain
c = load_classifier("default", precision="float32")
t1 = time.perf_counter()
explain(c, {first!r})
t2 = time.perf_counter()
steady = []
for text in {others!r}:
    s = time.perf_counter(); explain(c, text); steady.append(time.perf_counter() - s)
print(json.dumps({{"start_and_load": t1 - t0, "first": t2 - t1, "steady": steady}}))
"""


def per_row_forward_seconds(classifier, text: str, batch: int = 64, repeats: int = 3) -> float:
    """Best seconds per row for a batch of ``batch`` rows as long as ``text`` (the hardware's rate)."""
    rows = [text] * batch
    classifier.predict(rows)  # warm
    best = float("inf")
    for _ in range(repeats):
        started = time.perf_counter()
        classifier.predict(rows, batch_size=batch)
        best = min(best, time.perf_counter() - started)
    return best / batch


def peak_rss_during(fn) -> tuple[float, float]:
    """(seconds, peak RSS in MB) while ``fn`` runs, sampled every 20 ms."""
    process = psutil.Process()
    peak = process.memory_info().rss
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, process.memory_info().rss)
            time.sleep(0.02)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    started = time.perf_counter()
    fn()
    seconds = time.perf_counter() - started
    done.set()
    sampler.join()
    return seconds, peak / 2**20


def forward_floor(classifier, texts: list[str], evals: list[int]) -> float:
    """Seconds the rows of ``texts`` would take at the best batch-64 rate of each text's length."""
    return sum(n * per_row_forward_seconds(classifier, text) for text, n in zip(texts, evals))


def precision_gain(model: str, short: list[str], long_texts: list[str], target: int) -> dict:
    """The default settings in bfloat16 against float32 on the same texts: time, and how alike the values are."""
    models = {p: load_classifier(model, precision=p) for p in ("float32", "bfloat16")}
    for c in models.values():
        explain(c, "Warm-up text, nothing more.", max_evals=50)
    per_text = []
    for kind, texts in (("short", short), ("long", long_texts)):
        for text in texts:
            clear_caches(*models.values())  # a timing is not helped by an earlier run on the same text
            a, b = (explain(models[p], text) for p in ("float32", "bfloat16"))
            va, vb = (np.array([w.values[target] for w in r.words]) for r in (a, b))
            top = [set(np.argsort(-np.abs(v))[:3]) for v in (va, vb)]
            per_text.append(
                {
                    "kind": kind,
                    "text": text,
                    "evals": b.evals,
                    "float32_seconds": a.seconds,
                    "bfloat16_seconds": b.seconds,
                    "correlation": pearson(va, vb),
                    "top3_same": len(top[0] & top[1]) / min(3, len(va)),
                    "max_abs_difference": float(np.abs(va - vb).max()),
                }
            )
    f32 = sum(r["float32_seconds"] for r in per_text)
    b16 = sum(r["bfloat16_seconds"] for r in per_text)
    print(f"precision: float32 {f32:.1f}s  bfloat16 {b16:.1f}s on {len(per_text)} texts", flush=True)
    sentences = [r for r in per_text if r["kind"] == "short"][:20]
    bound = sum(r["bfloat16_seconds"] for r in sentences) / forward_floor(
        models["bfloat16"], [r["text"] for r in sentences], [r["evals"] for r in sentences]
    )
    return {
        "speedup": f32 / b16,
        "batch_gain_bound": bound,
        "float32_seconds_total": f32,
        "bfloat16_seconds_total": b16,
        "min_correlation": min(r["correlation"] for r in per_text),
        "top3_same": float(np.mean([r["top3_same"] for r in per_text])),
        "max_abs_difference": max(r["max_abs_difference"] for r in per_text),
        "texts": per_text,
    }


def main() -> None:
    parser = bench_parser(__doc__)
    parser.add_argument("--max-evals", type=int, default=500)
    args = parser.parse_args()

    short, long_texts = load_texts(args.texts, args.n_short, args.n_long)
    classifier = load_classifier(args.model, precision="float32")
    explain(classifier, "Warm-up text, nothing more.", max_evals=50)
    target = classifier.labels.index("POSITIVE") if "POSITIVE" in classifier.labels else 0

    # 1-2. Naive recipe against textlens at the same budget, and against the forward-pass limit.
    naive = NaiveRecipe(classifier)
    naive.explain("Warm-up text, nothing more.", max_evals=50)
    rows = []
    for kind, texts in (("short", short), ("long", long_texts)):
        for text in texts:
            clear_caches(classifier)
            ours = explain(classifier, text, max_evals=args.max_evals, leaves="tokens", engine="shap")
            values, _, naive_seconds = naive.explain(text, args.max_evals)
            ours_values = np.array([w.values for w in ours.words])
            per_row = per_row_forward_seconds(classifier, text[: ours.read_until] if ours.truncated else text)
            rows.append(
                {
                    "kind": kind,
                    "words": len(text.split()),
                    "textlens_seconds": ours.seconds,
                    "naive_seconds": naive_seconds,
                    "correlation": pearson(ours_values[:, target], values[:, target]),
                    "evals": ours.evals,
                    "per_row_seconds": per_row,
                    "limit_ratio": ours.seconds / (ours.evals * per_row),
                    "truncated": ours.truncated,
                    "tokens": len(classifier.tokenizer(text, verbose=False)["input_ids"]),
                }
            )
            print(
                f"{kind:5} {rows[-1]['words']:4d} words  textlens {ours.seconds:6.2f}s  naive {naive_seconds:6.2f}s  "
                f"corr {rows[-1]['correlation']:.4f}  limit x{rows[-1]['limit_ratio']:.2f}",
                flush=True,
            )
    ours_median = median([r["textlens_seconds"] for r in rows])
    naive_median = median([r["naive_seconds"] for r in rows])
    speedups = [r["naive_seconds"] / r["textlens_seconds"] for r in rows]

    # 3. Cold start: a fresh process, from load to the first finished explanation, against the steady state.
    script = COLD_SCRIPT.format(first=short[0], others=short[1:6])
    cold = __import__("json").loads(
        subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout
    )
    cold_over_steady = cold["first"] / median(cold["steady"])

    # 4. Scaling with length (textlens default settings), and at the model's maximum length.
    scaling = []
    source = short + long_texts
    for n in (10, 50, 150, 400, 1000):
        text = words_of(source[0], n, source)
        clear_caches(classifier)
        outcome: list = []
        seconds, peak = peak_rss_during(lambda t=text, out=outcome: out.append(explain(classifier, t)))
        r = outcome[0]
        scaling.append(
            {
                "words": n if n < 1000 else f"{n} (cut at {classifier.max_length} tokens)",
                "seconds": seconds,
                "peak_rss_mb": peak,
                "evals": r.evals,
                "converged": r.converged,
                "unsettled": r.unsettled,
                "truncated": r.truncated,
            }
        )
        print(f"scaling {n:5d} words  {seconds:6.2f}s  peak RSS {peak:7.0f} MB  evals {r.evals}", flush=True)

    # 5. Many texts: 20 in one call against one at a time.
    many = short[:20]
    clear_caches(classifier)
    started = time.perf_counter()
    singles = [explain(classifier, text) for text in many]
    one_by_one = time.perf_counter() - started
    clear_caches(classifier)
    started = time.perf_counter()
    explain_many(classifier, many)
    together = time.perf_counter() - started
    batch_gain = one_by_one / together
    # The most any batching could gain: every row at the best batch-64 rate of its text's length.
    # ``many`` are the first texts of ``rows``, whose best rates section 1 measured already.
    batch_gain_bound = one_by_one / sum(e.evals * r["per_row_seconds"] for e, r in zip(singles, rows))

    # 6. Precision: the default settings in bfloat16 against float32, where the CPU does bfloat16 natively.
    precision = precision_gain(args.model, short, long_texts[:3], target) if native_bfloat16() else None

    results = {
        "command": "python bench/explain_speed.py --texts ../shared/data/sst2/dev.tsv --json PATH",
        "machine": machine(),
        "max_evals": args.max_evals,
        "speedup_vs_naive": naive_median / ours_median,
        "speedup_per_text_median": median(speedups),
        "min_correlation": min(r["correlation"] for r in rows),
        "limit_ratio": median([r["limit_ratio"] for r in rows]),
        "cold_over_steady": cold_over_steady,
        "cold": cold,
        "batch_gain": batch_gain,
        "batch_gain_bound": batch_gain_bound,
        "many_texts_seconds": {"one_at_a_time": one_by_one, "one_call": together},
        "seconds_per_explanation": ours_median,
        "naive_seconds_per_explanation": naive_median,
        "short_median_seconds": {
            "textlens": median([r["textlens_seconds"] for r in rows if r["kind"] == "short"]),
            "naive": median([r["naive_seconds"] for r in rows if r["kind"] == "short"]),
        },
        "long_median_seconds": {
            "textlens": median([r["textlens_seconds"] for r in rows if r["kind"] == "long"]),
            "naive": median([r["naive_seconds"] for r in rows if r["kind"] == "long"]),
        },
        "scaling": scaling,
        "precision": precision,
        "texts": rows,
    }
    print()
    print(f"median seconds per explanation: textlens {ours_median:.2f}  naive {naive_median:.2f}")
    print(verdict("speedup vs naive (ratio of medians)", results["speedup_vs_naive"], 3.0, True, "x"))
    print(verdict("min correlation with naive", results["min_correlation"], 0.99, True))
    print(verdict("time / forward-pass limit (median)", results["limit_ratio"], 1.3, False, "x"))
    print(verdict("cold first / steady", cold_over_steady, 1.5, False, "x"))
    print(verdict("20 texts: one call vs one at a time", batch_gain, 1.3, True, "x"))
    print(f"     (bound for any batching of these 20: {batch_gain_bound:.2f}x)")
    flagged = all(r["truncated"] == (r["tokens"] > classifier.max_length) for r in rows)
    results["every_cut_flagged"] = flagged
    print(f"{'PASS' if flagged else 'SHORT'} every text beyond {classifier.max_length} tokens is flagged as cut")
    if precision is None:
        print("bfloat16: not native on this CPU, not measured (textlens runs float32 here)")
    else:
        print(
            f"bfloat16 (default settings): {precision['speedup']:.2f}x float32's speed, "
            f"min correlation {precision['min_correlation']:.4f}, top-3 words same {precision['top3_same']:.0%}; "
            f"bound for batching 20 sentences in bfloat16: {precision['batch_gain_bound']:.2f}x"
        )
    write_json(args.json, results)


if __name__ == "__main__":
    main()
