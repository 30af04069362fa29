"""``textlens reattach``: give a result saved under textlens's earlier model identity the model's identity now."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from textlens.text.encoder import DEFAULT_MODEL_ID, PRECISIONS


def add_parser(subparsers) -> None:
    """Add the ``reattach`` command to the main parser's subparsers."""
    cmd = subparsers.add_parser(
        "reattach",
        help="re-attach a one-pass explainer or corpus result saved under the earlier model identity",
        description="Earlier textlens named a model by a hash that included the folder it was installed in and "
        "its loading precision, so results saved elsewhere no longer match it. Say, once, that FOLDER (a one-pass "
        "explainer from `one-pass train`, with its exact/ training data, or a corpus result) was made with "
        "--model: it is given the model's identity now, the old one kept in its card or manifest.",
    )
    cmd.add_argument("folder", help="a one-pass explainer folder (explainer.json) or a corpus result folder")
    cmd.add_argument("--model", default=DEFAULT_MODEL_ID, help="'default', a local folder or a hub id")
    cmd.add_argument("--precision", choices=PRECISIONS, default="auto", help="where forward passes run")


def run(args: argparse.Namespace) -> None:
    """Re-attach what FOLDER holds; prints one JSON line per re-attached item."""
    from textlens.corpus.identity import reattach_corpus
    from textlens.corpus.result import MANIFEST, read_manifest
    from textlens.errors import TextlensError
    from textlens.text.models import load_classifier
    from textlens.text.one_pass import CARD_FILE, card_path, find_one_pass, load_one_pass, reattach_one_pass

    folder = Path(args.folder)
    heads = [folder] if card_path(folder).is_file() else []
    results = [f for f in (folder, folder / "exact") if (f / MANIFEST).is_file()]
    if not heads and not results:
        raise TextlensError(f"{folder} holds neither a one-pass explainer ({CARD_FILE}) nor a corpus result.")
    classifier = load_classifier(args.model, precision=args.precision)
    for head in heads:
        card = reattach_one_pass(head, classifier)
        print(json.dumps({"reattached": str(head), "kind": "one-pass explainer", "fingerprint": card["fingerprint"]}))
    for result in results:
        named = read_manifest(result).get("one_pass", {}).get("folder")
        extra = [*heads, *([named] if named else [])]
        one_pass = load_one_pass(heads[0]) if heads else find_one_pass(classifier, extra)
        manifest = reattach_corpus(result, classifier, one_pass)
        print(
            json.dumps(
                {"reattached": str(result), "kind": "corpus result", "fingerprint": manifest["model_fingerprint"]}
            )
        )
