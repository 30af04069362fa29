"""Accuracy of a textlens classifier on an SST-2 style TSV (``sentence<TAB>label``, 0 = NEGATIVE, 1 = POSITIVE).

Run: python scripts/evaluate_model.py --data ../shared/data/sst2/dev.tsv [--model default]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from textlens import load_classifier  # noqa: E402
from textlens.sst2 import read_sst2  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", required=True)
    parser.add_argument("--model", default="default")
    parser.add_argument(
        "--raw", action="store_true", help="score the PTB-tokenised text as it is, without undoing the tokenisation"
    )
    parser.add_argument("--precision", default="auto", help="auto, float32 or bfloat16 (see textlens.models)")
    args = parser.parse_args()
    texts, labels = read_sst2(args.data, detokenize=not args.raw)
    classifier = load_classifier(args.model, precision=args.precision)
    names = {0: "NEGATIVE", 1: "POSITIVE"}
    started = time.perf_counter()
    predictions = classifier.classify(texts)
    correct = sum(p.label == names[y] for p, y in zip(predictions, labels))
    print(
        json.dumps(
            {
                "model": args.model,
                "data": args.data,
                "detokenized": not args.raw,
                "precision": classifier.precision,
                "rows": len(texts),
                "accuracy": round(correct / len(texts), 4),
                "seconds": round(time.perf_counter() - started, 1),
            }
        )
    )


if __name__ == "__main__":
    main()
