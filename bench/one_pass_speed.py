"""One-pass word values: against exact explanations per text, and over 10,000 rows against predicting them.

Run: nice -n 10 python bench/one_pass_speed.py --texts ../shared/data/sst2/dev.tsv \
         --row-texts ../shared/data/sst2/train.tsv --json bench/results/one_pass.json

Needs a trained explainer for the model (the bundled one ships with textlens; another model's folder is
given with --explainer). Three measurements in one run, on SST-2 dev sentences:

- texts per second of exact explanations (``explain_many``, node-complete, max_evals auto) on ``--exact``
  sentences, against the one-pass explainer on the same sentences: the speed-up (target >= 100x);
- the Dataset page's word drivers over ``--rows`` rows of ``--row-texts`` (repeated if it is shorter):
  the one-pass values of every row and the word statistics over them, against predicting those rows
  (``predict_rows``), the page's own first step (target <= 2x). SST-2 train sentences are all distinct:
  the explainer predicts each distinct word by itself once, so a repeated dev set would flatter it.

The one-pass explainer is loaded afresh before each timed run, as a new session starts: on the dev
sentences the words it ships with (SST-2 train's, each one's output by itself) are looked up and every
other word is predicted by itself once; the word drivers start with none, so every word is predicted.
"""

from __future__ import annotations

import time

from common import bench_parser, machine, verdict, write_json
from dataset_speed import ignore, rows_of

from textlens import load_classifier
from textlens.dataset import predict_rows
from textlens.text.explain import explain_many
from textlens.text.one_pass import find_one_pass, load_one_pass
from textlens.text.wordstats import word_statistics

ROWS = 10_000
EXACT = 40


def main() -> None:
    parser = bench_parser(__doc__)
    parser.add_argument("--rows", type=int, default=ROWS, help="rows for the word drivers")
    parser.add_argument("--row-texts", help="SST-2-style TSV of those rows (default: --texts, repeated)")
    parser.add_argument("--exact", type=int, default=EXACT, help="sentences explained exactly for the speed-up")
    parser.add_argument("--explainer", help="the explainer's folder (default: the one found for the model)")
    args = parser.parse_args()
    classifier = load_classifier(args.model)

    def fresh():
        return load_one_pass(args.one_pass) if args.one_pass else find_one_pass(classifier)

    explainer = fresh()
    if explainer is None:
        raise SystemExit(f"No one-pass explainer for {args.model}: train one (textlens one-pass train).")
    sample = rows_of(args.texts, args.exact)[0]
    texts, _ = rows_of(args.row_texts or args.texts, args.rows)
    print(f"{len(texts):,} rows, {args.exact} exact SST-2 dev sentences, {classifier.precision}, {machine()}")
    explain_many(classifier, sample[:3])  # warm up shap and the model
    explainer.explain(classifier, sample[:8])

    started = time.perf_counter()
    explain_many(classifier, sample)
    exact_rate = len(sample) / (time.perf_counter() - started)
    explainer = fresh()
    started = time.perf_counter()
    explainer.explain(classifier, sample)
    one_pass_rate = len(sample) / (time.perf_counter() - started)
    speedup = one_pass_rate / exact_rate
    print(f"  exact:    {exact_rate:8.2f} texts/s")
    print(f"  one pass: {one_pass_rate:8.2f} texts/s")
    print(verdict("one-pass / exact texts per second", speedup, 100, True, "x"))

    started = time.perf_counter()
    predict_rows(classifier, texts, progress=ignore)
    predict = time.perf_counter() - started
    # Without the words it ships with: every word of the rows is predicted by itself once, as for a file
    # in another domain (and SST-2 train's words are the ones it ships): the slower case.
    explainer = fresh()
    explainer.known.clear()
    started = time.perf_counter()
    estimated = explainer.explain(classifier, texts)
    target = classifier.labels[-1]
    word_statistics(estimated, target, 3)
    drivers = time.perf_counter() - started
    print(f"  predict {len(texts):,} rows:               {predict:6.2f} s")
    print(f"  one-pass word drivers over them:     {drivers:6.2f} s")
    met = len(explainer.known)
    print(f"  words predicted by themselves on the way: {met:,} (none looked up)")
    ratio = drivers / predict
    print(verdict("word drivers / predicting the rows", ratio, 2.0, False, "x"))
    write_json(
        args.json,
        {
            "rows": len(texts),
            "row_texts": args.row_texts or args.texts,
            "exact_texts": len(sample),
            "machine": machine(),
            "exact_texts_per_second": exact_rate,
            "one_pass_texts_per_second": one_pass_rate,
            "speedup": speedup,
            "predict_seconds": predict,
            "word_drivers_seconds": drivers,
            "ratio": ratio,
            "words_predicted": met,
        },
    )


if __name__ == "__main__":
    main()
