"""``python -m textlens pack list|show|add|export|import``: review packs from the command line."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from textlens.errors import TextlensError
from textlens.store import VERDICTS, bundle_json, import_bundle, open_store, provenance_of
from textlens.store.bundle import MAX_BUNDLE_BYTES
from textlens.store.errors import NotFoundError
from textlens.store.tokens import cli_identity_for, token_from_env
from textlens.text.encoder import DEFAULT_MODEL_ID


def add_parser(subparsers) -> None:
    """Add the ``pack`` command group to the main parser's subparsers."""
    pack = subparsers.add_parser("pack", help="review packs: collect, annotate, export and import cases")
    sub = pack.add_subparsers(dest="pack_command", required=True)
    listing = sub.add_parser("list", help="list packs (newest change first)")
    listing.add_argument("--search", default="", help="text in the name, description, owner or tags")
    listing.add_argument("--owner", default="", help="only packs of this owner")
    listing.add_argument("--tag", default="", help="only packs with a case carrying this tag")
    show = sub.add_parser("show", help="print a pack's cases with their verdicts and notes")
    show.add_argument("pack", help="pack name")
    add = sub.add_parser("add", help="explain a text and store it as a case (the pack is made if it is new)")
    add.add_argument("pack", help="pack name")
    add.add_argument("text")
    add.add_argument("--note", default="")
    add.add_argument("--verdict", default="", choices=list(VERDICTS), metavar="VERDICT", help=_verdict_help())
    add.add_argument("--tag", action="append", default=[], help="a tag (repeat for more)")
    add.add_argument("--target", help="class to show (default: the predicted one)")
    add.add_argument("--author", default=None, help=argparse.SUPPRESS)  # ignored: cases carry who acts
    add.add_argument("--model", default=DEFAULT_MODEL_ID, help="'default', a local folder or a hub id")
    export = sub.add_parser("export", help="write a pack as a self-contained HTML report or a JSON bundle")
    export.add_argument("pack", help="pack name")
    export.add_argument("--format", choices=("html", "json"), required=True)
    export.add_argument("--out", required=True, help="file to write")
    imp = sub.add_parser("import", help="add a pack from a JSON bundle (all or nothing)")
    imp.add_argument("path")
    imp.add_argument("--name", help="store it under another name (when the name is taken)")
    changes = sub.add_parser("history", help="who changed what and when in a pack (oldest first)")
    changes.add_argument("pack", help="pack name")
    for p in (listing, show, add, export, imp, changes):
        p.add_argument("--db", default=None, help="database file or URL (default: $TEXTLENS_DB, else the data folder)")


def _verdict_help() -> str:
    return "one of: " + ", ".join(f"{k} ({v.lower()})" for k, v in VERDICTS.items() if k)


def _show(store, name: str) -> None:
    from textlens.text.summary import summarize

    pack = store.pack(name)
    print(f"{pack.name} — owner {pack.owner or '—'}, {pack.created[:16]}, updated {pack.updated[:16]}")
    if pack.description:
        print(pack.description)
    for n, case in enumerate(store.cases(pack.id), 1):
        tags = " ".join(f"#{t}" for t in case.tags)
        print(f"\n{n}. [{case.verdict_label}] {tags}".rstrip())
        if case.kind == "text":
            print(f"   {case.result().text}")
            print(f"   {summarize(case.result(), case.target)}")
        else:
            print(f"   ({case.kind} case, target {case.target})")
        if case.note:
            print("   note: " + case.note.replace("\n", "\n         "))


def _add(store, args) -> None:
    from textlens.text.explain import explain
    from textlens.text.models import load_classifier

    store.identity.require("add_case")  # before the model loads: a refusal says at once how to get a token
    if args.author is not None and args.author != store.identity.name:
        print(f"note: --author is ignored; cases are signed {store.identity.name!r}", file=sys.stderr)
    try:
        pack = store.pack(args.pack)
    except NotFoundError:
        pack = store.create_pack(args.pack)
        print(f"created the pack {pack.name!r}", file=sys.stderr)
    classifier = load_classifier(args.model)
    result = explain(classifier, args.text)
    case = store.add_case(
        pack.id,
        result,
        args.target or result.predicted_label,
        note=args.note,
        verdict=args.verdict,
        tags=args.tag,
        provenance=provenance_of(classifier, result),
        source="cli",
    )
    print(json.dumps({"pack": pack.name, "case": case.position + 1, "target": case.target}, ensure_ascii=False))


def _export(store, args) -> None:
    pack = store.pack(args.pack)
    if args.format == "json":
        text = bundle_json(store, pack.id)
    else:
        from textlens.report.pack import pack_report

        text = pack_report(pack, store.cases(pack.id), parent=store.parent_name(pack))
    try:
        Path(args.out).write_text(text, encoding="utf-8")
    except OSError as exc:
        raise TextlensError(f"Cannot write {args.out}: {exc.strerror}") from exc
    print(f"wrote {args.out}", file=sys.stderr)


def _import(store, args) -> None:
    path = Path(args.path)
    try:
        if path.stat().st_size > MAX_BUNDLE_BYTES:
            raise TextlensError(f"{path} is larger than {MAX_BUNDLE_BYTES // 1_000_000} MB; it is not a pack bundle.")
        data = path.read_bytes()
    except OSError as exc:
        raise TextlensError(f"Cannot read {path}: {exc.strerror}") from exc
    pack = import_bundle(store, data, name=args.name)
    print(json.dumps({"pack": pack.name, "cases": len(store.cases(pack.id))}, ensure_ascii=False))


def _history(store, name: str) -> None:
    pack = store.pack(name)
    numbers = {case.id: n for n, case in enumerate(store.cases(pack.id), 1)}
    for change in store.history(pack_id=pack.id):
        where = f"case {numbers[change.case_id]}" if change.case_id in numbers else ""
        if change.case_id is not None and not where:
            where = "a removed case"
        print("\t".join((change.at[:19].replace("T", " "), change.actor or "—", where or "pack", change.summary)))


def run(args: argparse.Namespace) -> None:
    """Run one ``pack`` command as whoever the command line is (recorded as author and in the history).

    On a team database that is the holder of the personal token in ``$TEXTLENS_TOKEN`` (or the file
    ``$TEXTLENS_TOKEN_FILE``), and without one every change is refused, saying how to get one; on a local
    database it is the login name, as before.
    """
    token = token_from_env()
    with open_store(args.db, token=token) as opened:
        store = opened.as_user(cli_identity_for(opened, token))
        if args.pack_command == "list":
            for p in store.packs(args.search, owner=args.owner, tag=args.tag):
                print(f"{p.name}\t{p.owner or '—'}\t{p.cases} cases\tupdated {p.updated[:16].replace('T', ' ')}")
        elif args.pack_command == "show":
            _show(store, args.pack)
        elif args.pack_command == "add":
            _add(store, args)
        elif args.pack_command == "export":
            _export(store, args)
        elif args.pack_command == "history":
            _history(store, args.pack)
        else:
            _import(store, args)
