"""``textlens dataset …``: a labelled file, read, matched and predicted as the Dataset page does it.

``label-issues`` prints the likely label errors as JSON lines, most likely first, and a summary line. A new
subcommand adds a ``(add_parser, run)`` pair to :data:`SUBCOMMANDS`; :func:`file_arguments` and
:func:`predicted_file` give it the page's reader, label matcher and predictions.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from typing import Any

from textlens.errors import InputFileError
from textlens.text.encoder import DEFAULT_MODEL_ID, PRECISIONS


@dataclass(frozen=True, eq=False)
class PredictedFile:
    """A labelled file's texts, label indices (-1: none or unmatched) and every row's predictions."""

    texts: list[object]
    truth: Any  # numpy array of label indices
    run: Any  # textlens.dataset.RowPredictions


def file_arguments(parser: argparse.ArgumentParser) -> None:
    """FILE, its text and label columns, and the model: what every ``dataset`` subcommand reads."""
    parser.add_argument("file", help="CSV, TSV, Parquet or JSON-lines file with a header")
    parser.add_argument("--text-column", required=True, help="column holding the texts")
    parser.add_argument("--label-column", required=True, help="column holding the labels (names or ids)")
    parser.add_argument("--model", default=DEFAULT_MODEL_ID, help="'default', a local folder or a hub id")
    parser.add_argument("--precision", choices=PRECISIONS, default="auto", help="where forward passes run")


def predicted_file(args: argparse.Namespace) -> PredictedFile:
    """Read ``args.file`` with the page's reader, match its labels to the model's and predict every row.

    The reader's notices and the label matcher's message go to stderr; no matched label is an error.
    """
    from textlens.dataset import match_labels, predict_rows, read_labelled
    from textlens.dataset.load import check_column
    from textlens.text.models import load_classifier

    labelled = read_labelled(args.file)
    for column, what in ((args.text_column, "the text column"), (args.label_column, "the label column")):
        check_column(column, labelled.columns, what, labelled.name)
    classifier = load_classifier(args.model, precision=args.precision)
    truth, match = match_labels(labelled.frame[args.label_column].tolist(), classifier.labels)
    for warning in labelled.warnings:  # rows and lines disagree: the numbers below may be off
        print(f"warning: {warning}", file=sys.stderr)
    for notice in (*labelled.notices, match.message() or "", match.note()):
        if notice:
            print(f"note: {notice}", file=sys.stderr)
    if match.matched == 0:
        raise InputFileError(f"No label in {args.label_column!r} matches the model's ({', '.join(classifier.labels)}).")
    texts = labelled.frame[args.text_column].tolist()
    return PredictedFile(texts, truth, predict_rows(classifier, texts))


def add_label_issues(sub) -> None:
    parser = sub.add_parser(
        "label-issues",
        help="rows whose label is probably wrong (cleanlab), most likely first, as JSON lines, then a summary",
    )
    file_arguments(parser)
    parser.add_argument("--top", type=int, default=None, help="print only the N most likely label errors")


def run_label_issues(args: argparse.Namespace) -> None:
    from textlens.dataset import label_issues

    predicted = predicted_file(args)
    issues = label_issues(predicted.run.probs, predicted.truth, predicted.run.labels)
    for row in issues.rows(predicted.texts, args.top):
        print(json.dumps(row, ensure_ascii=False))
    print(json.dumps({**issues.summary_dict(), "message": issues.summary()}, ensure_ascii=False))


# Each subcommand: (adds its parser, runs it). In the order ``textlens dataset --help`` lists them.
SUBCOMMANDS = {"label-issues": (add_label_issues, run_label_issues)}


def add_parser(subparsers) -> None:
    """Add the ``dataset`` command group to the main parser's subparsers."""
    dataset = subparsers.add_parser("dataset", help="a labelled file read and predicted as the Dataset page does")
    sub = dataset.add_subparsers(dest="dataset_command", required=True)
    for add, _ in SUBCOMMANDS.values():
        add(sub)


def run(args: argparse.Namespace) -> None:
    """Run a ``dataset`` subcommand; errors are raised for the entry point to report."""
    SUBCOMMANDS[args.dataset_command][1](args)
