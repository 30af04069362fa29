"""Accuracy, base values and faithfulness of a textlens classifier on an SST-2 style TSV (``sentence<TAB>label``).

Run: python scripts/evaluate_model.py --data ../shared/data/sst2/dev.tsv [--model default]
     python scripts/evaluate_model.py --data ../shared/data/sst2/dev.tsv --adapter OLD_DIR --adapter NEW_DIR

Prints one JSON line per model with issue 20's figures:

- ``accuracy``: SST-2 accuracy (0 = NEGATIVE, 1 = POSITIVE);
- ``base_value``: P(POSITIVE) of every text with all its words hidden, exactly as the explainer hides them
  (its own masker), i.e. the base value every explanation starts from; the share within 0.35-0.65;
- ``all_masked``: P(POSITIVE) of 1 to 50 mask tokens alone (range and share within 0.4-0.6), and of
  60 to 500 (review length, every 20);
- ``long_base_value``: the base value of 50 review-length texts (150-400 words, dev sentences joined);
- ``faithfulness`` (on ``--faithfulness`` sentences, 100 by default): ERASER's comprehensiveness and
  sufficiency as the trust panel measures them (``textlens.text.faithfulness``: AOPC over the top 1, 5, 10,
  20 and 50 % of words by SHAP value toward the predicted label, hidden as the explainer hides them),
  and the share of the way from 0.5 to the output that
  the word values carry, ``|sum of word values| / |P(POSITIVE) - 0.5|``, for texts predicted positive and
  negative. The base value measured here is checked against the explanations' own base values.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import time
from pathlib import Path

import numpy as np

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from textlens import explain, load_classifier
from textlens.text import models as textlens_models
from textlens.text.explain import masked_texts  # the explainer's own masked rows: base values match
from textlens.text.faithfulness import REMOVALS
from textlens.text.faithfulness import faithfulness as textlens_faithfulness
from textlens.text.sst2 import long_reviews, read_sst2


def base_values(classifier, texts: list[str]) -> np.ndarray:
    """P(POSITIVE) of each text with every word hidden, by the explainer's masker (the SHAP base value)."""
    return classifier.predict(masked_texts(classifier, texts))[:, classifier.labels.index("POSITIVE")]


def all_masked(classifier, lengths: range) -> np.ndarray:
    """P(POSITIVE) of ``n`` mask tokens alone, for each ``n`` of ``lengths``."""
    rows = [" ".join([classifier.mask_token] * n) for n in lengths]
    return classifier.predict(rows)[:, classifier.labels.index("POSITIVE")]


def spread(values: np.ndarray, low: float, high: float) -> dict:
    """Median, range and the share of ``values`` within [low, high]."""
    return {
        "median": round(float(np.median(values)), 3),
        "min": round(float(values.min()), 3),
        "max": round(float(values.max()), 3),
        f"share_in_{low}_{high}": round(float(np.mean((values >= low) & (values <= high))), 4),
    }


def faithfulness(classifier, texts: list[str]) -> dict:
    """ERASER metrics and the share of attribution carried by word values, over ``texts``.

    The metrics are measured twice: with removed words masked as the explainer masks them (the
    Trust tab's numbers), and with removed words deleted (ERASER's own reading), which no model's
    reading of the mask token can bias. Each is given per predicted class beside a random word
    order's, so that what a model gives every order for free (e.g. masked text read as positive) shows.
    """
    pos = classifier.labels.index("POSITIVE")
    share, base_gap = {"POSITIVE": [], "NEGATIVE": []}, []
    names = ("comp", "suff", "random_comp", "random_suff")
    metrics = {r: {c: {m: [] for m in names} for c in share} for r in REMOVALS}
    masked_bases = base_values(classifier, texts)
    for text, masked_base in zip(texts, masked_bases):
        exp = explain(classifier, text)
        for removal in REMOVALS:
            trust = textlens_faithfulness(classifier, exp, removal=removal)
            e, r = trust.explanation, trust.random
            values = (e.comprehensiveness, e.sufficiency, r.comprehensiveness, r.sufficiency)
            for name, value in zip(names, values):
                metrics[removal][exp.predicted_label][name].append(value)
        base_gap.append(abs(exp.base_values[pos] - masked_base))
        word_sum = sum(w.values[pos] for w in exp.words)
        away = abs(exp.scores[pos] - 0.5)
        if away > 0.05:  # near 0.5 the ratio means nothing
            share[exp.predicted_label].append(abs(word_sum) / away)

    def summary(by_class: dict) -> dict:
        def mean(name: str, classes=tuple(by_class)) -> float:
            return round(float(np.mean([v for c in classes for v in by_class[c][name]])), 4)

        return {
            "comprehensiveness": mean("comp"),
            "sufficiency": mean("suff"),
            "random_comprehensiveness": mean("random_comp"),
            "random_sufficiency": mean("random_suff"),
            "by_predicted_class": {
                c: {"texts": len(m["comp"]), **{name: mean(name, (c,)) for name in m}}
                for c, m in by_class.items()
                if m["comp"]
            },
        }

    return {
        "texts": len(texts),
        **{f"removal_{removal}": summary(metrics[removal]) for removal in REMOVALS},
        "word_share_median": {k: round(float(np.median(v)), 3) for k, v in share.items() if v},
        "word_share_texts": {k: len(v) for k, v in share.items()},
        "base_value_check_max_diff": float(max(base_gap)),
    }


def load(model: str, adapter: str | None, precision: str):
    """The classifier; with ``adapter``, the bundled model with that adapter folder instead of the shipped one."""
    if adapter:
        textlens_models.DEFAULT_ADAPTER_DIR = Path(adapter).resolve()
    return load_classifier(model, precision=precision)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", required=True)
    parser.add_argument("--model", default="default")
    parser.add_argument(
        "--adapter",
        action="append",
        default=[],
        help="an adapter folder to use with the bundled encoder instead of the shipped one (repeat to compare)",
    )
    parser.add_argument(
        "--raw", action="store_true", help="score the PTB-tokenised text as it is, without undoing the tokenisation"
    )
    parser.add_argument(
        "--precision", default="float32", help="float32 (default: the reference figures), bfloat16 or auto"
    )
    parser.add_argument("--faithfulness", type=int, default=100, help="sentences explained for faithfulness; 0 = skip")
    parser.add_argument("--seed", type=int, default=0, help="which sentences are explained")
    args = parser.parse_args()
    texts, labels = read_sst2(args.data, detokenize=not args.raw)
    names = {0: "NEGATIVE", 1: "POSITIVE"}
    sample = random.Random(args.seed).sample(texts, min(args.faithfulness, len(texts)))
    long_texts = long_reviews(texts, 50, random.Random(args.seed))
    for adapter in args.adapter or [None]:
        classifier = load(args.model, adapter, args.precision)
        started = time.perf_counter()
        predictions = classifier.classify(texts)
        correct = sum(p.label == names[y] for p, y in zip(predictions, labels))
        row = {
            "model": args.model,
            "adapter": adapter,
            "data": args.data,
            "detokenized": not args.raw,
            "precision": classifier.precision,
            "rows": len(texts),
            "accuracy": round(correct / len(texts), 4),
        }
        if "POSITIVE" in classifier.labels and classifier.mask_token:
            row["base_value"] = spread(base_values(classifier, texts), 0.35, 0.65)
            row["all_masked_1_to_50"] = spread(all_masked(classifier, range(1, 51)), 0.4, 0.6)
            row["all_masked_60_to_500"] = spread(all_masked(classifier, range(60, 501, 20)), 0.4, 0.6)
            row["long_base_value"] = spread(base_values(classifier, long_texts), 0.35, 0.65)
            if args.faithfulness:
                row["faithfulness"] = faithfulness(classifier, sample)
        row["seconds"] = round(time.perf_counter() - started, 1)
        print(json.dumps(row), flush=True)


if __name__ == "__main__":
    main()
