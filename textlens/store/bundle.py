"""A pack as one JSON bundle that imports back exactly on another machine; hostile bundles change nothing."""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

from textlens.store.errors import BundleError
from textlens.store.store import (
    MAX_DESCRIPTION,
    MAX_IMAGE_BYTES,
    MAX_NAME,
    MAX_NOTE,
    Pack,
    Store,
    clean_name,
    clean_text,
    now,
)
from textlens.version import __version__

FORMAT = "textlens-pack"
FORMAT_VERSION = 1
MAX_BUNDLE_BYTES = 200_000_000
MAX_CASES = 2_000
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
_CASE_KEYS = (
    "kind",
    "source",
    "record",
    "target",
    "note",
    "verdict",
    "tags",
    "context",
    "provenance",
    "author",
    "created",
    "updated",
    "image_png",
)


def export_bundle(store: Store, pack_id: int) -> dict[str, Any]:
    """The pack and its cases, in order, as plain JSON types (images as base64 PNG)."""
    pack = store.pack(pack_id)
    parent = store.parent_name(pack)
    cases = []
    for case in store.cases(pack_id):
        cases.append(
            {
                "kind": case.kind,
                "source": case.source,
                "record": case.record,
                "target": case.target,
                "note": case.note,
                "verdict": case.verdict,
                "tags": list(case.tags),
                "context": case.context,
                "provenance": case.provenance,
                "author": case.author,
                "created": case.created,
                "updated": case.updated,
                "image_png": base64.b64encode(case.image).decode("ascii") if case.image is not None else None,
            }
        )
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "exported": now(),
        "textlens": __version__,
        "pack": {
            "name": pack.name,
            "description": pack.description,
            "owner": pack.owner,
            "created": pack.created,
            "updated": pack.updated,
            "parent": parent,
            "origin": pack.origin,
        },
        "cases": cases,
    }


def bundle_json(store: Store, pack_id: int) -> str:
    """:func:`export_bundle` as indented UTF-8 JSON text."""
    return json.dumps(export_bundle(store, pack_id), ensure_ascii=False, indent=1, allow_nan=False)


def _reject_constant(name: str) -> float:
    raise BundleError(f"The bundle contains {name}, which is not valid JSON.")


def parse_bundle(data: bytes | str) -> dict[str, Any]:
    """Parse and check a bundle's shape; :class:`BundleError` with the first problem found."""
    size = len(data.encode() if isinstance(data, str) else data)
    if size > MAX_BUNDLE_BYTES:
        raise BundleError(f"The bundle is {size / 1e6:.0f} MB; at most {MAX_BUNDLE_BYTES // 1_000_000} MB is accepted.")
    try:
        bundle = json.loads(data, parse_constant=_reject_constant)
    except UnicodeDecodeError as exc:
        raise BundleError("The bundle is not UTF-8 text.") from exc
    except json.JSONDecodeError as exc:
        raise BundleError(f"The bundle is not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno}).") from exc
    except RecursionError as exc:
        raise BundleError("The bundle is nested too deeply to be a textlens pack.") from exc
    if not isinstance(bundle, dict) or bundle.get("format") != FORMAT:
        raise BundleError("This is not a textlens pack bundle (its 'format' is not 'textlens-pack').")
    if bundle.get("format_version") != FORMAT_VERSION:
        raise BundleError(
            f"Bundle format version {bundle.get('format_version')!r} is not supported (this textlens reads "
            f"version {FORMAT_VERSION}); export it again with a matching textlens."
        )
    pack, cases = bundle.get("pack"), bundle.get("cases")
    if not isinstance(pack, dict) or not isinstance(cases, list):
        raise BundleError("The bundle needs a 'pack' object and a 'cases' list.")
    if len(cases) > MAX_CASES:
        raise BundleError(f"The bundle has {len(cases):,} cases; at most {MAX_CASES:,} are accepted.")
    clean_name(pack.get("name"))
    for key, limit in (("description", MAX_DESCRIPTION), ("owner", MAX_NAME), ("origin", MAX_DESCRIPTION)):
        clean_text(pack.get(key, ""), f"pack {key}", limit)
    for key in ("created", "updated"):
        clean_text(pack.get(key, ""), f"pack {key} time", 40, required=True)
    for n, case in enumerate(cases, 1):
        if not isinstance(case, dict):
            raise BundleError(f"Case {n} is not an object.")
        missing = [k for k in _CASE_KEYS if k not in case]
        if missing:
            raise BundleError(f"Case {n} lacks {', '.join(missing)}.")
        if not isinstance(case["record"], dict) or not isinstance(case["context"], dict):
            raise BundleError(f"Case {n}: 'record' and 'context' must be objects.")
        if not isinstance(case["provenance"], dict):
            raise BundleError(f"Case {n}: 'provenance' must be an object.")
        clean_text(case["note"], f"note of case {n}", MAX_NOTE)
        for key in ("created", "updated"):
            clean_text(case[key], f"{key} time of case {n}", 40, required=True)
    return bundle


def _image(value: Any) -> bytes | None:
    if value is None:
        return None
    if not isinstance(value, str) or len(value) > MAX_IMAGE_BYTES * 4 // 3 + 4:
        raise BundleError(f"The image is not base64 text of at most {MAX_IMAGE_BYTES // 1_000_000} MB.")
    try:
        raw = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise BundleError("The image is not valid base64.") from exc
    if not raw.startswith(PNG_MAGIC):
        raise BundleError("The image is not a PNG.")
    return raw


def import_bundle(store: Store, data: bytes | str, *, name: str | None = None) -> Pack:
    """Create a pack from a bundle, all of it in one transaction: on any problem nothing is stored.

    The pack keeps its name (``name`` overrides; a taken name raises), description, and every case field
    exactly, provenance included. Times in a file are not proof either: the pack and its cases are created
    now, on this server, and each case keeps the bundle's ``created`` in its context (``bundle_created``, the
    pack's in the history's import entry). With sign-in (a verified identity) the importer becomes the pack's
    owner and the cases' author: names in a file are not proof of who wrote it, so each case keeps the
    bundle's author in its context (``bundle_author``) and the history says who imported it.
    Importing needs the admin role.
    """
    store.identity.require("import")
    bundle = parse_bundle(data)
    meta = bundle["pack"]
    pack_name = clean_name(name if name is not None else meta["name"])
    verified = store.identity.verified
    parent_id = None
    with store._write() as conn:
        if isinstance(meta.get("parent"), str):
            try:
                parent_id = store._pack(conn, meta["parent"]).id
            except LookupError:
                parent_id = None
        pack = store._insert_pack(
            conn,
            pack_name,
            meta.get("description", ""),
            store.identity.name if verified else meta.get("owner", "").strip(),
            parent_id,
            meta.get("origin", ""),
            now(),
            now(),
        )
        for n, case in enumerate(bundle["cases"], 1):
            context, author = {**case["context"], "bundle_created": case["created"]}, case["author"]
            if verified:
                author = store.identity.name
                if case["author"] and case["author"] != author:
                    context = {**context, "bundle_author": case["author"]}
            try:
                added = store._insert_case(
                    conn,
                    pack.id,
                    case["record"],
                    case["target"],
                    note=case["note"],
                    verdict=case["verdict"],
                    tags=case["tags"],
                    provenance=case["provenance"],
                    author=author,
                    source=case["source"],
                    context=context,
                    image=_image(case["image_png"]),
                )
            except BundleError as exc:
                raise BundleError(f"Case {n}: {exc}") from exc
            store._log_added(conn, added, imported=True)
        details = {
            "cases": len(bundle["cases"]),
            "bundle_owner": meta.get("owner", ""),
            "bundle_created": meta["created"],
            "exported": bundle.get("exported"),
        }
        store._log(conn, "import pack", pack_id=pack.id, pack_name=pack.name, details=details)
    return store.pack(pack.id)
