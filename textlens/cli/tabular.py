"""``python -m textlens tabular explain``: one table row's Shapley values as JSON."""

from __future__ import annotations

import argparse
import json

from textlens.errors import TextlensError


def add_parser(subparsers) -> None:
    """Add the ``tabular`` command group to the main parser's subparsers."""
    tabular = subparsers.add_parser("tabular", help="explain a classifier trained on a table (CSV/Parquet or penguins)")
    sub = tabular.add_subparsers(dest="tabular_command", required=True)
    explain = sub.add_parser("explain", help="train on the table, explain one row, print JSON")
    explain.add_argument("--data", required=True, help="'penguins' (bundled) or a CSV/TSV/Parquet file")
    explain.add_argument("--target", help="the column to predict (default for penguins: species)")
    explain.add_argument("--row", type=int, required=True, help="row number in the table, from 0")
    explain.add_argument("--class", dest="label", help="class to explain (default: the predicted one)")
    explain.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="change an input before explaining (repeatable); NAME= with nothing after it means missing",
    )


def parse_set(assignment: str, names: tuple[str, ...]) -> tuple[str, str | None]:
    """``name=value`` -> (name, value or None for missing); a name may itself contain "=" if it is a column."""
    cuts = [i for i, ch in enumerate(assignment) if ch == "="]
    for cut in cuts:
        if assignment[:cut] in names:
            value = assignment[cut + 1 :]
            return assignment[:cut], (value if value != "" else None)
    if not cuts:
        raise TextlensError(f"--set needs NAME=VALUE; got {assignment!r}.")
    name = assignment[: cuts[0]]
    raise TextlensError(f"--set {name!r}: no such input; the inputs are: {', '.join(names)}.")


def run(args: argparse.Namespace) -> None:
    """Run ``tabular explain``; errors are raised for the entry point to report."""
    from textlens.tabular import PENGUINS, explain_row, load_table, train

    table = load_table(args.data)
    target = args.target or ("species" if args.data == PENGUINS else None)
    if target is None:
        raise TextlensError("Give --target COLUMN: the column the model should predict.")
    model = train(table, target)
    overrides = dict(parse_set(item, model.schema.names) for item in args.set)
    result = explain_row(model, args.row, overrides)
    print(json.dumps(result.target_dict(args.label), ensure_ascii=False))
