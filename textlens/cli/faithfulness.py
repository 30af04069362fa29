"""``python -m textlens faithfulness TEXT``: how much the explanation's top words really move the model, as JSON."""

from __future__ import annotations

import argparse
import json

from textlens.cli.text import load_for_target
from textlens.errors import TextlensError
from textlens.text.encoder import DEFAULT_MODEL_ID, PRECISIONS
from textlens.text.faithfulness import REMOVALS


def add_parser(subparsers) -> argparse.ArgumentParser:
    """Add the ``faithfulness`` command to the CLI's subparsers."""
    parser = subparsers.add_parser(
        "faithfulness",
        help="explain one text and print comprehensiveness, sufficiency and deletion/insertion areas as JSON",
        description="Explain TEXT, then measure whether its top words really move the model: ERASER "
        "comprehensiveness and sufficiency (rationales of 1/5/10/20/50 %% of the words) against random "
        "and leave-one-out word orders, and the areas under the deletion and insertion curves.",
    )
    parser.add_argument("text")
    parser.add_argument("--target", help="label to measure (default: the predicted one)")
    parser.add_argument("--model", default=DEFAULT_MODEL_ID, help="'default', a local folder or a hub id")
    parser.add_argument("--max-evals", type=int, default=None, help="SHAP's evaluation budget (default: auto)")
    parser.add_argument("--random-orders", type=int, default=5, help="random orders averaged for the baseline")
    parser.add_argument("--seed", type=int, default=0, help="seed of the first random order")
    parser.add_argument("--precision", choices=PRECISIONS, default="auto", help="where forward passes run")
    parser.add_argument(
        "--removal",
        choices=REMOVALS,
        default="mask",
        help="how removed words are removed: masked as the explainer masks them (default) or deleted",
    )
    return parser


def run(args: argparse.Namespace) -> None:
    """Run the command; errors are raised for the entry point to report."""
    from textlens.text.explain import explain
    from textlens.text.faithfulness import faithfulness

    if args.random_orders < 1:
        raise TextlensError("--random-orders must be at least 1.")
    classifier = load_for_target(args.model, args.precision, args.target)
    explanation = explain(classifier, args.text, max_evals=args.max_evals or "auto")
    result = faithfulness(
        classifier, explanation, args.target, n_random=args.random_orders, seed=args.seed, removal=args.removal
    )
    print(json.dumps(result.summary_dict(), ensure_ascii=False))
