"""What top-3 share an estimate of a given median r would reach if its errors were plain noise.

Run: python scripts/agreement_ceiling.py --exact WORK/dev_exact

Adds Gaussian noise of a few sizes (a share of each text's own spread of values) to the exact values
of a corpus result, toward each text's predicted class, and prints the median per-text r and the top-3
share that leaves, measured as ``textlens.text.one_pass.agreement`` measures them; and how often the
third and fourth largest exact values are nearly tied (what makes "the top 3" fragile for any estimate).
"""

from __future__ import annotations

import argparse

import numpy as np

from textlens.corpus.result import explanations, read_result
from textlens.text.one_pass import top_overlap


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--exact", required=True, help="a corpus result folder of exact explanations")
    parser.add_argument("--repeats", type=int, default=5, help="noise draws per text")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    values = []
    for record in explanations(read_result(args.exact, columns=["explanation"]).ok):
        i = record.label_index(record.predicted_label)
        v = np.array([w.values[i] for w in record.words])
        if len(v) >= 2 and v.std() > 0:
            values.append(v)
    rng = np.random.default_rng(args.seed)
    print(f"{len(values)} texts of {args.exact}")
    for size in (0.3, 0.4, 0.5, 0.6, 0.7):
        rs, tops = [], []
        for v in values:
            for _ in range(args.repeats):
                noisy = v + rng.normal(0, size * v.std(), len(v))
                rs.append(np.corrcoef(noisy, v)[0, 1])
                tops.append(top_overlap(noisy, v))
        print(f"  noise {size:.1f} x spread: median r {np.median(rs):.3f}, top-3 {np.mean(tops):.1%}")
    gaps = [(s[2] - s[3]) / s[0] for s in (np.sort(np.abs(v))[::-1] for v in values) if len(s) > 3]
    print(f"  third and fourth within a tenth of the largest value: {np.mean(np.array(gaps) < 0.1):.0%} of texts")


if __name__ == "__main__":
    main()
