"""One-pass values of long texts against exact ones at the exact explanation's own units (not its words).

Run: python scripts/long_text_units.py --exact WORK/long_exact [--explainer textlens/bundled/one_pass]

At the default budget an exact explanation of a 150-300 word text is not node-complete: its frontier
units (median about 20) each hold a final value, spread evenly over their words for the word view. So
word-level agreement with it measures that spreading as much as the estimate; here each unit's exact
value is compared with the sum of the estimated values of its words.
"""

from __future__ import annotations

import argparse
import json
import os

import numpy as np

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from textlens import load_classifier
from textlens.corpus.result import explanations, read_result
from textlens.text.one_pass import BUNDLED, load_one_pass, top_overlap


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--exact", required=True, help="corpus result folder of exact explanations of long texts")
    parser.add_argument("--explainer", default=str(BUNDLED), help="the one-pass explainer's folder")
    args = parser.parse_args()
    classifier = load_classifier("default")
    exact = explanations(read_result(args.exact, columns=["explanation"]).ok)
    estimated = load_one_pass(args.one_pass).explain(classifier, [e.text for e in exact])
    rs, tops, units = [], [], []
    for est, ref in zip(estimated, exact):
        i = ref.label_index(ref.predicted_label)
        inside = [[w for w in est.words if any(a <= w.start and w.end <= b for a, b in u.spans)] for u in ref.units]
        a = np.array([sum(w.values[i] for w in ws) for ws in inside])
        b = np.array([u.values[i] for u in ref.units])
        units.append(len(b))
        if len(b) > 2 and a.std() > 0 and b.std() > 0:
            rs.append(float(np.corrcoef(a, b)[0, 1]))
        tops.append(top_overlap(a, b))
    print(
        json.dumps(
            {
                "texts": len(exact),
                "node_complete": sum(e.converged for e in exact),
                "median_units": float(np.median(units)),
                "median_r_units": float(np.median(rs)),
                "top3_units": float(np.mean(tops)),
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
