"""``textlens predict|explain``: labels and scores, or one text's word attributions, as JSON on stdout."""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING

from textlens.cli.one_pass import chosen_method, method_arguments
from textlens.errors import TextlensError
from textlens.text.encoder import DEFAULT_MODEL_ID, PRECISIONS
from textlens.text.multilabel import DEFAULT_THRESHOLD, check_threshold, is_multi_label, predicted_labels

if TYPE_CHECKING:
    from textlens.text.models import Classifier


def add_parser(subparsers) -> None:
    """Add the ``predict`` and ``explain`` commands to the main parser's subparsers."""
    predict = subparsers.add_parser("predict", help="print one JSON object per text with its label and scores")
    predict.add_argument("texts", nargs="*", help="texts to classify")
    predict.add_argument("--file", help="a text file with one text per line (UTF-8, or Windows-1252/Latin-1)")
    explain = subparsers.add_parser("explain", help="print word attributions for one text as JSON")
    explain.add_argument("text")
    explain.add_argument("--target", help="label to explain (default: the predicted one)")
    explain.add_argument("--max-evals", type=int, default=None, help="SHAP's evaluation budget (default: auto)")
    explain.add_argument("--leaves", choices=("words", "tokens"), default="words", help="what SHAP masks")
    method_arguments(
        explain, "exact (SHAP, node-complete) or one-pass (estimated in one pass by the model's trained explainer)"
    )
    for p in (predict, explain):
        p.add_argument("--model", default=DEFAULT_MODEL_ID, help="'default', 'emotion', a local folder or a hub id")
        p.add_argument(
            "--threshold",
            type=float,
            default=DEFAULT_THRESHOLD,
            help="multi-label models only: a label is predicted when its probability reaches this (default: 0.5)",
        )
        p.add_argument(
            "--precision",
            choices=PRECISIONS,
            default="auto",
            help="where forward passes run; auto: bfloat16 on CPUs that do it natively (AMX), else float32",
        )


def read_lines(path: str) -> list[str]:
    """The non-blank lines of a text file, one text each, read by the one reader (its encoding rule:
    UTF-8, else Windows-1252/Latin-1, said on stderr; a binary or empty file refused).
    """
    import sys

    from textlens.dataset.reader import LINES, open_file

    opened = open_file(path, fmt=LINES)
    if opened.encoding_notice:
        print(f"note: {opened.encoding_notice}", file=sys.stderr)
    return [text for frame in opened.chunks() for text in frame["text"]]


def load_for_target(model: str, precision: str, target: str | None) -> Classifier:
    """Load the classifier, and refuse a ``--target`` that is not one of its labels."""
    from textlens.text.models import load_classifier  # torch loads only when a model is needed

    classifier = load_classifier(model, precision=precision)
    if target is not None and target not in classifier.labels:
        raise TextlensError(f"Unknown target {target!r}; this model's labels are: {', '.join(classifier.labels)}.")
    return classifier


def with_labels(out: dict, record, threshold: float) -> dict:
    """``out`` with a multi-label model's predicted labels (``"labels"``, most probable first) and ``"threshold"``;
    unchanged for a single-label model.
    """
    if is_multi_label(record):
        out["labels"] = list(predicted_labels(record, threshold))
        out["threshold"] = threshold
    return out


def run(args: argparse.Namespace) -> None:
    """Run ``predict`` or ``explain``; errors are raised for the entry point to report."""
    try:
        threshold = check_threshold(args.threshold)
    except ValueError as exc:
        raise TextlensError(f"--threshold: {exc}") from None
    if args.command == "predict":
        texts = list(args.texts) + (read_lines(args.file) if args.file else [])
        if not texts:
            raise TextlensError("Give texts to classify, or --file PATH with one text per line.")
        from textlens.text.models import load_classifier

        classifier = load_classifier(args.model, precision=args.precision)
        for prediction in classifier.classify(texts):
            print(json.dumps(with_labels(prediction.cli_dict(), prediction, threshold), ensure_ascii=False))
        return
    from textlens.text.explain import explain

    classifier = load_for_target(args.model, args.precision, args.target)
    if chosen_method(args) == "one-pass":
        from textlens.text.one_pass import require_one_pass

        result = require_one_pass(classifier, args.explainer).explain(classifier, [args.text])[0]
    else:
        result = explain(classifier, args.text, max_evals=args.max_evals or "auto", leaves=args.leaves)
    print(json.dumps(with_labels(result.target_dict(args.target), result, threshold), ensure_ascii=False))
