"""The command line: ``python -m textlens predict|explain``, printing JSON on stdout."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence

from textlens.cli import corpus as cli_corpus
from textlens.cli import faithfulness as cli_faithfulness
from textlens.cli import pack as cli_pack
from textlens.cli import tabular as cli_tabular
from textlens.errors import TextlensError
from textlens.text.encoder import DEFAULT_MODEL_ID
from textlens.text.models import PRECISIONS, load_classifier


def _read_lines(path: str) -> list[str]:
    from textlens.errors import InputFileError

    try:
        with open(path, encoding="utf-8") as handle:
            lines = [line.rstrip("\r\n") for line in handle]
    except FileNotFoundError as exc:
        raise InputFileError(f"No such file: {path}") from exc
    except UnicodeDecodeError as exc:
        raise InputFileError(f"{path} is not UTF-8 text.") from exc
    except OSError as exc:
        raise InputFileError(f"{path} cannot be read: {exc.strerror}") from exc
    texts = [line for line in lines if line.strip()]
    if not texts:
        raise InputFileError(f"{path} has no texts in it (one text per line is expected).")
    return texts


def _parser() -> argparse.ArgumentParser:
    # "textlens" when run as the console script, "python -m textlens" otherwise.
    prog = "textlens" if os.path.basename(sys.argv[0]) == "textlens" else "python -m textlens"
    parser = argparse.ArgumentParser(prog=prog, description="Classify texts and explain why.")
    sub = parser.add_subparsers(dest="command", required=True)
    predict = sub.add_parser("predict", help="print one JSON object per text with its label and scores")
    predict.add_argument("texts", nargs="*", help="texts to classify")
    predict.add_argument("--file", help="a UTF-8 file with one text per line")
    explain = sub.add_parser("explain", help="print word attributions for one text as JSON")
    explain.add_argument("text")
    explain.add_argument("--target", help="label to explain (default: the predicted one)")
    explain.add_argument("--max-evals", type=int, default=None, help="SHAP's evaluation budget (default: auto)")
    explain.add_argument("--leaves", choices=("words", "tokens"), default="words", help="what SHAP masks")
    for p in (predict, explain):
        p.add_argument("--model", default=DEFAULT_MODEL_ID, help="'default', a local folder or a hub id")
        p.add_argument(
            "--precision",
            choices=PRECISIONS,
            default="auto",
            help="where forward passes run; auto: bfloat16 on CPUs that do it natively (AMX), else float32",
        )
    cli_pack.add_parser(sub)
    cli_corpus.add_parser(sub)
    cli_faithfulness.add_parser(sub)
    cli_tabular.add_parser(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; returns the process exit code (errors print one line on stderr)."""
    args = _parser().parse_args(argv)
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    if args.command == "pack":
        return cli_pack.run(args)
    if args.command == "corpus":
        return cli_corpus.run(args)
    if args.command == "faithfulness":
        return cli_faithfulness.run(args)
    if args.command == "tabular":
        return cli_tabular.run(args)
    try:
        if args.command == "predict":
            texts = list(args.texts) + (_read_lines(args.file) if args.file else [])
            if not texts:
                raise TextlensError("Give texts to classify, or --file PATH with one text per line.")
            classifier = load_classifier(args.model, precision=args.precision)
            for prediction in classifier.classify(texts):
                print(json.dumps(prediction.cli_dict(), ensure_ascii=False))
        else:
            from textlens.text.explain import explain

            classifier = load_classifier(args.model, precision=args.precision)
            if args.target is not None:
                classifier_labels = classifier.labels
                if args.target not in classifier_labels:
                    raise TextlensError(
                        f"Unknown target {args.target!r}; this model's labels are: {', '.join(classifier_labels)}."
                    )
            result = explain(classifier, args.text, max_evals=args.max_evals or "auto", leaves=args.leaves)
            print(json.dumps(result.target_dict(args.target), ensure_ascii=False))
    except TextlensError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    return 0
