"""``textlens one-pass train``: exact explanations of a file (resumable), then a one-pass explainer trained on them."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from textlens.cli.dataset import say_guess, text_column_argument
from textlens.text.encoder import DEFAULT_MODEL_ID, PRECISIONS

EXACT = "exact"  # the corpus result inside --out: the training data, resumable


METHODS = ("exact", "one-pass", "amortized")  # "amortized": the earlier name of one-pass, still taken


def method_arguments(parser: argparse.ArgumentParser, help: str) -> None:
    """``--method exact|one-pass`` and ``--explainer DIR`` (the one-pass explainer's folder), for explain and corpus."""
    parser.add_argument("--method", choices=METHODS, default="exact", help=help)
    parser.add_argument(
        "--explainer",
        "--amortizer",  # the earlier name
        dest="explainer",
        help="folder of the one-pass explainer (default: the one found for the model)",
    )


def chosen_method(args: argparse.Namespace) -> str:
    """``exact`` or ``one-pass`` (what the earlier name ``amortized`` means)."""
    return "exact" if args.method == "exact" else "one-pass"


def add_parser(subparsers) -> None:
    """Add the ``one-pass`` command group to the main parser (``amortize``, its earlier name, is mapped to it)."""
    group = subparsers.add_parser("one-pass", help="train a one-pass explainer for a model (earlier: amortize)")
    sub = group.add_subparsers(dest="one_pass_command", required=True)
    train = sub.add_parser(
        "train",
        help="explain every row of --data exactly (resumable), train on them, measure agreement on held-out rows",
        description="Explain every row of --data exactly into OUT/exact (run again after an interruption to "
        "continue), train a head on the explanations and measure its agreement on held-out rows. The dashboard "
        "and `textlens explain --method one-pass` find OUT when it is in TEXTLENS_ONE_PASS or named "
        "textlens-one-pass inside the model's folder.",
    )
    train.add_argument("--data", required=True, help="CSV, TSV, Parquet or JSON-lines file of texts")
    text_column_argument(train)
    train.add_argument("--out", required=True, help="folder for the explainer (and its training data, OUT/exact)")
    train.add_argument("--model", default=DEFAULT_MODEL_ID, help="'default', a local folder or a hub id")
    train.add_argument("--precision", choices=PRECISIONS, default="auto", help="where forward passes run")
    train.add_argument("--held-out", type=float, default=0.1, help="share of rows kept out to measure agreement")
    train.add_argument("--steps", type=int, default=None, help="training steps (default 1200)")
    train.add_argument("--seed", type=int, default=0, help="seed of the split and the training")
    train.add_argument("--quiet", action="store_true", help="no progress on stderr")


def run(args: argparse.Namespace) -> None:
    """Run ``one-pass train``; errors and an interruption (with what it saved) are raised to the entry point."""
    from textlens.corpus import run_corpus, text_column_of
    from textlens.corpus.one_pass import train_on_result
    from textlens.corpus.progress import ProgressLine
    from textlens.errors import TextlensError
    from textlens.text.models import load_classifier
    from textlens.text.one_pass import STEPS

    if not 0 < args.held_out < 1:
        raise TextlensError("--held-out must be between 0 and 1 (a share of the rows).")
    text_column = say_guess(text_column_of(args.data, args.text_column), args.text_column)
    classifier = load_classifier(args.model, precision=args.precision)
    out = Path(args.out)
    summary = run_corpus(
        args.data,
        out / EXACT,
        text_column=text_column,
        classifier=classifier,
        show_progress=not args.quiet,
    )
    if summary.notice:
        print(f"warning: {summary.notice}", file=sys.stderr)
    steps = args.steps or STEPS
    line = ProgressLine(steps, 0, enabled=not args.quiet, unit="steps")
    if not args.quiet:
        print("Training the one-pass explainer…", file=sys.stderr, flush=True)
    line.start()
    explainer = train_on_result(
        classifier,
        out / EXACT,
        held_out=args.held_out,
        data=Path(args.data).name,
        seed=args.seed,
        steps=steps,
        progress=lambda done, _total: line.update(done - line.now),
    )
    line.finish()
    explainer.save(out)
    agreement = explainer.agreement[0]
    print(agreement.sentence(), file=sys.stderr)
    print(json.dumps({"out": str(out), "agreement": agreement.__dict__, "training": explainer.training}))
