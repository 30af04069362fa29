"""``python -m textlens corpus explain|summary``: explain whole files into resumable Parquet results (local or Ray)."""

from __future__ import annotations

import argparse
import json
import sys

from textlens.cli.dataset import say_guess, text_column_argument
from textlens.cli.one_pass import chosen_method, method_arguments
from textlens.errors import TextlensError
from textlens.text.encoder import DEFAULT_MODEL_ID, PRECISIONS


def _max_evals(value: str) -> int | str:
    if value == "auto":
        return value
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError("expected 'auto' or a whole number") from None
    if number < 4:
        raise argparse.ArgumentTypeError("must be at least 4")
    return number


def add_parser(subparsers) -> None:
    """Add the ``corpus`` command group to the main parser's subparsers."""
    corpus = subparsers.add_parser("corpus", help="explain every row of a file into a resumable Parquet result")
    sub = corpus.add_subparsers(dest="corpus_command", required=True)
    explain = sub.add_parser(
        "explain",
        help="explain every row of INPUT (CSV/TSV/Parquet/JSON lines) into the folder --out",
        description="Explain every row; run the same command again after an interruption to continue.",
    )
    explain.add_argument("input", help="CSV, TSV, Parquet or JSON-lines file")
    text_column_argument(explain)
    explain.add_argument("--label-column", help="column holding the true labels (for accuracy)")
    explain.add_argument("--out", required=True, help="result folder (created, or resumed when it exists)")
    explain.add_argument("--model", default=DEFAULT_MODEL_ID, help="'default', a local folder or a hub id")
    explain.add_argument("--precision", choices=PRECISIONS, default="auto", help="where forward passes run")
    explain.add_argument("--max-evals", type=_max_evals, default="auto", help="SHAP's budget per text: auto or N")
    explain.add_argument("--leaves", choices=("words", "tokens"), default="words", help="what SHAP masks")
    method_arguments(
        explain,
        "exact (SHAP) or one-pass: every row estimated in one pass by the model's trained explainer, "
        "about 150x faster, with its agreement with exact values in the result",
    )
    explain.add_argument("--engine", choices=("local", "ray"), default="local", help="this process, or Ray")
    explain.add_argument("--address", help="Ray cluster address (default: start a local Ray)")
    explain.add_argument("--workers", type=int, default=None, help="Ray actors, each with its own model (default 2)")
    explain.add_argument("--part-rows", type=int, default=None, help="rows per part file (default 64)")
    explain.add_argument("--quiet", action="store_true", help="no progress on stderr")
    summary = sub.add_parser("summary", help="print a result's counts, accuracy and top words per class as JSON")
    summary.add_argument("result", help="result folder")
    summary.add_argument("--top", type=int, default=15, help="words per class")


def run(args: argparse.Namespace) -> None:
    """Run a ``corpus`` command; errors and an interruption (with what it saved) are raised to the entry point."""
    from textlens.corpus import run_corpus, text_column_of
    from textlens.corpus.job import PART_ROWS
    from textlens.corpus.overview import summarize_folder

    if args.corpus_command == "summary":
        print(json.dumps(summarize_folder(args.result, top=args.top), ensure_ascii=False, indent=2))
        return
    if args.workers is not None and args.workers < 1:
        raise TextlensError("--workers must be at least 1.")
    text_column = say_guess(text_column_of(args.input, args.text_column), args.text_column)
    summary = run_corpus(
        args.input,
        args.out,
        text_column=text_column,
        label_column=args.label_column,
        model=args.model,
        precision=args.precision,
        max_evals=args.max_evals,
        leaves=args.leaves,
        method=chosen_method(args),
        explainer=args.explainer,
        engine=args.engine,
        address=args.address,
        workers=args.workers,
        part_rows=args.part_rows or PART_ROWS,
        show_progress=not args.quiet,
    )
    if summary.notice:
        print(f"warning: {summary.notice}", file=sys.stderr)
    print(summary.line(), file=sys.stderr)
    print(json.dumps(summary.to_dict()))
