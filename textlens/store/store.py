"""Review packs: ordered, annotated cases in SQLite or PostgreSQL; every write one transaction, edits checked."""

from __future__ import annotations

import copy
import json
import logging
import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from textlens.store import db
from textlens.store.errors import (
    BundleError,
    ConflictError,
    DuplicatePackError,
    NotFoundError,
    PermissionDeniedError,
    StoreError,
)
from textlens.store.identity import Identity, Role, local_identity, login_name
from textlens.store.schema import cases, history, packs
from textlens.types import record_from_dict

# The verdicts a case can carry: stable keys (stored, exported) and the words people read.
VERDICTS: dict[str, str] = {
    "": "No verdict yet",
    "right-right": "Right for the right reasons",
    "right-wrong": "Right for the wrong reasons",
    "wrong": "Wrong",
    "label-error": "Label error",
    "follow-up": "Needs follow-up",
}

# Bounds on what one field may hold: a typo'd paste or a hostile bundle cannot fill the database.
MAX_NAME = 200
MAX_DESCRIPTION = 20_000
MAX_NOTE = 100_000
MAX_TAGS = 50
MAX_TAG = 100
MAX_RECORD_BYTES = 8_000_000
MAX_IMAGE_BYTES = 10_000_000
INSUFFICIENT_PRIVILEGE = "42501"  # PostgreSQL's SQLSTATE for a refused privilege (and the writer check's refusals)


def now() -> str:
    """The current UTC time as stored: ISO 8601 with microseconds, sortable as text."""
    return datetime.now(UTC).isoformat(timespec="microseconds")


def default_author() -> str:
    """The login name of whoever runs this process ("" when there is none)."""
    return login_name()


def provenance_of(classifier: Any, record: Any) -> dict[str, Any]:
    """Provenance of a result: :func:`textlens.provenance.provenance` with the record's own settings.

    A model without a fingerprint (e.g. the image model) still records its id, labels, settings,
    library versions and time.
    """
    from textlens.provenance import provenance, versions

    settings = {k: v for k, v in (getattr(record, "settings", None) or {}).items() if k != "precision"}
    try:
        return provenance(classifier, **settings)
    except AttributeError:
        return {
            "model_id": record.model_id,
            "labels": list(getattr(classifier, "labels", record.labels)),
            "precision": (getattr(record, "settings", None) or {}).get("precision", "float32"),
            "settings": settings,
            "versions": versions(),
            "created": datetime.now(UTC).isoformat(timespec="seconds"),
        }


@dataclass(frozen=True)
class Pack:
    """A named, ordered collection of cases for one review."""

    id: int
    name: str
    description: str
    owner: str
    created: str
    updated: str
    version: int
    parent_id: int | None = None
    origin: str = ""
    cases: int = 0  # how many cases it holds (filled in by listings)
    tags: tuple[str, ...] = ()  # every tag used by its cases (filled in by listings)


@dataclass(frozen=True)
class Case:
    """One stored result with its annotation; ``record`` is the result's dict exactly as computed."""

    id: int
    pack_id: int
    position: int
    kind: str
    source: str
    record: dict[str, Any]
    target: str
    note: str
    verdict: str
    tags: tuple[str, ...]
    context: dict[str, Any]
    provenance: dict[str, Any]
    author: str
    image: bytes | None
    created: str
    updated: str
    version: int
    _result: list = field(default_factory=list, repr=False, compare=False)

    def result(self) -> Any:
        """The stored record rebuilt (an ``Explanation``, ``ImageExplanation``, …), never recomputed."""
        if not self._result:
            self._result.append(record_from_dict(self.record))
        return self._result[0]

    @property
    def verdict_label(self) -> str:
        """The verdict in words."""
        return VERDICTS.get(self.verdict, self.verdict)


# What the history says each action did, in words (``Change.summary``).
ACTION_WORDS = {
    "create pack": "created the pack",
    "edit pack": "edited the pack",
    "delete pack": "deleted the pack",
    "import pack": "imported the pack",
    "add case": "added the case",
    "edit case": "changed",
    "remove case": "removed the case",
    "reorder": "reordered the cases",
}


@dataclass(frozen=True)
class Change:
    """One entry of the append-only history: who did what, when, to which pack or case."""

    id: int
    at: str
    actor: str
    action: str
    pack_id: int | None
    case_id: int | None
    pack_name: str
    details: dict[str, Any]

    @property
    def summary(self) -> str:
        """What happened, in words: "changed verdict (Wrong → Label error), note"."""
        words = ACTION_WORDS.get(self.action, self.action)
        if self.action == "edit case" or self.action == "edit pack":
            after = self.details.get("after", {})
            before = self.details.get("before", {})
            parts = []
            for name in after:
                if name == "verdict":
                    old, new = VERDICTS.get(before.get(name, ""), ""), VERDICTS.get(after[name], after[name])
                    parts.append(f"verdict ({old} → {new})")
                elif name == "tags":
                    parts.append(f"tags ({', '.join(after[name]) or 'none'})")
                else:
                    parts.append(name)
            return f"{'changed' if self.action == 'edit case' else 'changed the pack'} {', '.join(parts)}".strip()
        return words


def _change_from_row(row: sa.Row) -> Change:
    return Change(
        row.id, row.at, row.actor, row.action, row.pack_id, row.case_id, row.pack_name, json.loads(row.details)
    )


# --- checks shared by the store's writes and bundle import -------------------------------------


def clean_text(value: Any, what: str, limit: int, *, required: bool = False) -> str:
    """``value`` as a string within ``limit`` characters, or a :class:`BundleError` saying what is wrong."""
    if not isinstance(value, str):
        raise BundleError(f"The {what} must be text, not {type(value).__name__}.")
    if "\x00" in value:
        raise BundleError(f"The {what} contains a NUL character, which cannot be stored.")
    if required and not value.strip():
        raise BundleError(f"The {what} is empty.")
    if len(value) > limit:
        raise BundleError(f"The {what} is {len(value):,} characters long; at most {limit:,} are allowed.")
    return value


def clean_name(value: Any, what: str = "pack name") -> str:
    """A pack name: non-empty, one line, at most :data:`MAX_NAME` characters, outer spaces removed."""
    name = clean_text(value, what, MAX_NAME, required=True).strip()
    if any(ch in name for ch in "\r\n"):
        raise BundleError(f"The {what} must be one line.")
    return name


def clean_verdict(value: Any) -> str:
    """One of :data:`VERDICTS`' keys."""
    if value not in VERDICTS:
        known = ", ".join(repr(k) for k in VERDICTS if k)
        raise BundleError(f"Unknown verdict {value!r}; use one of {known} (or '' for none).")
    return value


def clean_tags(value: Any) -> tuple[str, ...]:
    """Tags: distinct, stripped, non-empty, in the order given, at most :data:`MAX_TAGS` of :data:`MAX_TAG` chars."""
    if isinstance(value, str) or not isinstance(value, list | tuple):
        raise BundleError("Tags must be a list of texts.")
    out: list[str] = []
    for tag in value:
        tag = clean_text(tag, "tag", MAX_TAG).strip()
        if any(ch in tag for ch in "\r\n"):
            raise BundleError("A tag must be one line.")
        if tag and tag not in out:
            out.append(tag)
    if len(out) > MAX_TAGS:
        raise BundleError(f"{len(out)} tags; at most {MAX_TAGS} are allowed per case.")
    return tuple(out)


def _json(value: Any) -> str:
    # allow_nan=False: NaN/Infinity are not JSON, and another machine's parser would reject the bundle.
    try:
        return json.dumps(value, ensure_ascii=False, allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise BundleError(f"This value cannot be stored as JSON: {exc}") from exc


def _record_json(record: Any) -> tuple[str, str]:
    """(kind, JSON text) of a result record or of a record dict, checked to rebuild."""
    data = record if isinstance(record, dict) else record.to_dict()
    kind = data.get("kind")
    if not isinstance(kind, str) or not kind:
        raise BundleError("The stored result has no 'kind'.")
    text = _json(data)
    if len(text.encode()) > MAX_RECORD_BYTES:
        raise BundleError(f"The result is larger than {MAX_RECORD_BYTES // 1_000_000} MB; it cannot be stored.")
    if isinstance(record, dict):
        try:
            record_from_dict(json.loads(text))
        except Exception as exc:  # any failure to rebuild means the dict is not a valid record
            raise BundleError(f"The stored result is not a valid textlens {kind!r} record ({exc}).") from exc
    return kind, text


def _labels_of(data: dict[str, Any]) -> list[str]:
    labels = data.get("labels", [])
    return [str(x) for x in labels] if isinstance(labels, list | tuple) else []


def _case_from_row(row: sa.Row) -> Case:
    return Case(
        id=row.id,
        pack_id=row.pack_id,
        position=row.position,
        kind=row.kind,
        source=row.source,
        record=json.loads(row.record),
        target=row.target,
        note=row.note,
        verdict=row.verdict,
        tags=tuple(json.loads(row.tags)),
        context=json.loads(row.context),
        provenance=json.loads(row.provenance),
        author=row.author,
        image=bytes(row.image) if row.image is not None else None,
        created=row.created,
        updated=row.updated,
        version=row.version,
    )


def _pack_from_row(row: sa.Row, count: int = 0, tags: Sequence[str] = ()) -> Pack:
    return Pack(
        row.id,
        row.name,
        row.description,
        row.owner,
        row.created,
        row.updated,
        row.version,
        row.parent_id,
        row.origin,
        count,
        tuple(tags),
    )


class Store:
    """Review packs in one database. Thread-safe: every method runs in its own transaction.

    Every change is made as :attr:`identity` (see :meth:`as_user`): its role decides what is allowed
    (:class:`~textlens.store.errors.PermissionDeniedError` says why not), its name is what the
    history, and the author and owner fields, record.
    """

    def __init__(
        self,
        target: str | os.PathLike | None = None,
        *,
        migrate: bool = True,
        identity: Identity | None = None,
        token: str | None = None,
    ) -> None:
        self.identity = identity if identity is not None else local_identity()
        self.url = db.resolve_url(target)
        self.location = db.describe(self.url)
        self.engine = db.create_engine(self.url, token=token)
        if migrate:
            try:
                db.migrate(self.engine)
            except sa.exc.OperationalError as exc:
                self.engine.dispose()
                raise StoreError(f"Cannot open the pack database at {self.location}: {exc.orig}") from exc

    @property
    def backend(self) -> str:
        """``"sqlite"`` or ``"postgresql"``."""
        return self.url.get_backend_name()

    def close(self) -> None:
        """Release every pooled connection (also those of the views :meth:`as_user` made)."""
        self.engine.dispose()

    def as_user(self, identity: Identity) -> Store:
        """The store acting as ``identity``: the same database and connections, that user's rights and name."""
        view = copy.copy(self)
        view.identity = identity
        return view

    def _log(
        self,
        conn: Connection,
        action: str,
        *,
        pack_id: int | None,
        pack_name: str,
        case_id: int | None = None,
        details: dict[str, Any] | None = None,
        at: str | None = None,
    ) -> None:
        """Append one entry to the history, in the transaction of the change it records."""
        conn.execute(
            history.insert().values(
                at=at or now(),
                actor=self.identity.name,
                action=action,
                pack_id=pack_id,
                case_id=case_id,
                pack_name=pack_name,
                details=_json(details or {}),
            )
        )

    def history(self, *, pack_id: int | None = None, case_id: int | None = None) -> list[Change]:
        """The history, oldest first: of one pack (its cases included), of one case, or of everything."""
        query = sa.select(history).order_by(history.c.id)
        if pack_id is not None:
            query = query.where(history.c.pack_id == pack_id)
        if case_id is not None:
            query = query.where(history.c.case_id == case_id)
        with self._read() as conn:
            return [_change_from_row(r) for r in conn.execute(query).all()]

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *_exc) -> None:
        self.close()

    # --- transactions ------------------------------------------------------------------------------

    def _failed(self, exc: sa.exc.DBAPIError) -> StoreError:
        """The error to raise for a database failure: where and why for admins, the server's log for others."""
        if self.identity.role >= Role.ADMIN:
            return StoreError(f"The pack database at {self.location} failed: {exc.orig}")
        # The driver's message can name hosts and paths, which only admins see (in the page or the log).
        logging.getLogger(__name__).warning("The pack database at %s failed: %s", self.location, exc.orig)
        return StoreError("The pack database failed; the server's log says why (tell an admin of this server).")

    def _refused(self, exc: sa.exc.DBAPIError) -> StoreError:
        """The error for a database failure: a refusal by the database's own rules says why, in its words."""
        if getattr(exc.orig, "sqlstate", None) == INSUFFICIENT_PRIVILEGE:
            # The writer check's and PostgreSQL's own refusals name a table or a user, never a host or a path.
            return PermissionDeniedError(f"The database refused the change: {exc.orig.diag.message_primary}.")
        if isinstance(exc, sa.exc.IntegrityError):
            return StoreError(f"The database refused the change: {exc.orig}")
        return self._failed(exc)

    @contextmanager
    def _write(self) -> Iterator[Connection]:
        """One write transaction: committed when the block ends, rolled back on any error."""
        try:
            with self.engine.connect().execution_options(textlens_write=True) as conn, conn.begin():
                yield conn
        except sa.exc.DBAPIError as exc:
            raise self._refused(exc) from exc

    @contextmanager
    def _read(self) -> Iterator[Connection]:
        try:
            with self.engine.connect() as conn, conn.begin():
                yield conn
        except sa.exc.DBAPIError as exc:
            raise self._refused(exc) from exc

    # --- packs ---------------------------------------------------------------------------------------

    def create_pack(
        self, name: str, description: str = "", owner: str | None = None, *, parent_id: int | None = None, origin=""
    ) -> Pack:
        """A new empty pack owned by this store's user; :class:`DuplicatePackError` when the name is taken.

        ``owner`` is honoured only in the local mode without sign-in (see :meth:`Identity.author`).
        """
        self.identity.require("create_pack")
        name = clean_name(name)
        description = clean_text(description, "description", MAX_DESCRIPTION)
        owner = clean_text(self.identity.author(owner), "owner name", MAX_NAME).strip()
        origin = clean_text(origin, "origin", MAX_DESCRIPTION)
        with self._write() as conn:
            pack = self._insert_pack(conn, name, description, owner, parent_id, origin, now(), now())
            self._log(conn, "create pack", pack_id=pack.id, pack_name=pack.name, details={"origin": origin})
            return pack

    def _insert_pack(self, conn, name, description, owner, parent_id, origin, created, updated) -> Pack:
        if conn.execute(sa.select(packs.c.id).where(packs.c.name == name)).first() is not None:
            raise DuplicatePackError(f"A pack named {name!r} exists already; pick another name.")
        values = dict(
            name=name,
            description=description,
            owner=owner,
            created=created,
            updated=updated,
            version=1,
            parent_id=parent_id,
            origin=origin,
        )
        pack_id = conn.execute(packs.insert().values(**values).returning(packs.c.id)).scalar_one()
        return Pack(id=pack_id, **values)

    def pack(self, key: int | str) -> Pack:
        """A pack by id or by exact name; :class:`NotFoundError` if there is none."""
        with self._read() as conn:
            return self._pack(conn, key)

    def _pack(self, conn: Connection, key: int | str, *, lock: bool = False) -> Pack:
        where = packs.c.id == key if isinstance(key, int) else packs.c.name == key
        query = sa.select(packs).where(where)
        if lock:  # PostgreSQL: writers to one pack queue here (SQLite's IMMEDIATE already serialises)
            query = query.with_for_update()
        row = conn.execute(query).first()
        if row is None:
            raise NotFoundError(f"There is no pack {key!r}." if isinstance(key, str) else "That pack no longer exists.")
        return _pack_from_row(row)

    def parent_name(self, pack: Pack) -> str | None:
        """The name of the pack ``pack`` was made from (None if it has no parent, or it was deleted)."""
        if pack.parent_id is None:
            return None
        try:
            return self.pack(pack.parent_id).name
        except NotFoundError:
            return None

    def packs(self, search: str = "", *, owner: str = "", tag: str = "") -> list[Pack]:
        """Every pack, newest change first, with case counts and tags; filtered by text in name, owner, tag.

        ``search`` matches any of name, description, owner and tags (case-insensitive substring);
        ``owner`` and ``tag`` must match exactly (tag case-insensitively).
        """
        with self._read() as conn:
            rows = conn.execute(sa.select(packs).order_by(packs.c.updated.desc(), packs.c.id.desc())).all()
            tag_rows = conn.execute(sa.select(cases.c.pack_id, cases.c.tags)).all()
        counts: dict[int, int] = {}
        tags: dict[int, list[str]] = {}
        for pack_id, tag_json in tag_rows:
            counts[pack_id] = counts.get(pack_id, 0) + 1
            for t in json.loads(tag_json):
                if t not in tags.setdefault(pack_id, []):
                    tags[pack_id].append(t)
        out = [_pack_from_row(r, counts.get(r.id, 0), sorted(tags.get(r.id, []), key=str.casefold)) for r in rows]
        needle = search.strip().casefold()
        if needle:
            out = [p for p in out if any(needle in s.casefold() for s in (p.name, p.description, p.owner, *p.tags))]
        if owner.strip():
            out = [p for p in out if p.owner == owner.strip()]
        if tag.strip():
            out = [p for p in out if tag.strip().casefold() in {t.casefold() for t in p.tags}]
        return out

    def update_pack(self, pack_id: int, version: int, **changes: str) -> Pack:
        """Rename or re-describe a pack (``name``, ``description``, ``owner``), checked against ``version``.

        With sign-in, only an admin hands a pack to another owner.
        """
        unknown = set(changes) - {"name", "description", "owner"}
        if unknown:
            raise TypeError(f"unknown pack fields: {', '.join(sorted(unknown))}")
        self.identity.require("update_pack")
        if "owner" in changes and self.identity.verified:
            self.identity.require("delete_pack")  # giving a pack away is an admin's act
        if "name" in changes:
            changes["name"] = clean_name(changes["name"])
        if "description" in changes:
            changes["description"] = clean_text(changes["description"], "description", MAX_DESCRIPTION)
        if "owner" in changes:
            changes["owner"] = clean_text(changes["owner"], "owner name", MAX_NAME).strip()
        with self._write() as conn:
            current = self._pack(conn, pack_id, lock=True)
            if current.version != version:
                raise StoreError(
                    f"The pack {current.name!r} was changed meanwhile by someone else; reload and try again."
                )
            if "name" in changes and changes["name"] != current.name:
                taken = conn.execute(sa.select(packs.c.id).where(packs.c.name == changes["name"])).first()
                if taken is not None:
                    raise DuplicatePackError(f"A pack named {changes['name']!r} exists already; pick another name.")
            conn.execute(
                packs.update()
                .where(packs.c.id == pack_id)
                .values(**changes, updated=now(), version=packs.c.version + 1)
            )
            before = {k: getattr(current, k) for k in changes}
            self._log(
                conn,
                "edit pack",
                pack_id=pack_id,
                pack_name=changes.get("name", current.name),
                details={"before": before, "after": dict(changes)},
            )
            return self._pack(conn, pack_id)

    def delete_pack(self, pack_id: int) -> None:
        """Delete a pack and its cases (packs made from it keep existing, unlinked); the history keeps them."""
        self.identity.require("delete_pack")
        with self._write() as conn:
            pack = self._pack(conn, pack_id, lock=True)
            count = conn.execute(sa.select(sa.func.count()).where(cases.c.pack_id == pack_id)).scalar_one()
            self._log(conn, "delete pack", pack_id=pack_id, pack_name=pack.name, details={"cases": count})
            # Cases are deleted explicitly rather than by ON DELETE CASCADE: SQLite enforces foreign
            # keys only with a pragma, which would also make table-rebuilding migrations delete rows.
            conn.execute(cases.delete().where(cases.c.pack_id == pack_id))
            conn.execute(packs.update().where(packs.c.parent_id == pack_id).values(parent_id=None))
            conn.execute(packs.delete().where(packs.c.id == pack_id))

    # --- cases ---------------------------------------------------------------------------------------

    def add_case(
        self,
        pack_id: int,
        record: Any,
        target: str | None = None,
        *,
        note: str = "",
        verdict: str = "",
        tags: Sequence[str] = (),
        provenance: dict[str, Any] | None = None,
        author: str | None = None,
        source: str = "",
        context: dict[str, Any] | None = None,
        image: bytes | None = None,
    ) -> Case:
        """Append a result to a pack, exactly as computed, with its annotation and provenance.

        ``record`` is a result record (``Explanation``, ``ImageExplanation``, …) or its dict;
        ``target`` the class it was shown for (default: the record's top label); ``image`` the
        image itself (PNG bytes) for image cases; ``context`` where it came from (row name, true label).
        The author is this store's user (``author`` is honoured only in the local mode without sign-in).
        """
        self.identity.require("add_case")
        with self._write() as conn:
            case = self._insert_case(
                conn,
                pack_id,
                record,
                target,
                note=note,
                verdict=verdict,
                tags=tags,
                provenance=provenance,
                author=self.identity.author(author),
                source=source,
                context=context,
                image=image,
            )
            self._log_added(conn, case)
            return case

    def _log_added(self, conn: Connection, case: Case, **extra: Any) -> None:
        details = {"position": case.position + 1, "target": case.target, "source": case.source, **extra}
        details.update({k: v for k, v in (("note", case.note), ("verdict", case.verdict)) if v})
        if case.tags:
            details["tags"] = list(case.tags)
        name = conn.execute(sa.select(packs.c.name).where(packs.c.id == case.pack_id)).scalar_one()
        self._log(conn, "add case", pack_id=case.pack_id, pack_name=name, case_id=case.id, details=details)

    def _insert_case(
        self,
        conn: Connection,
        pack_id: int,
        record: Any,
        target: str | None,
        *,
        note: str,
        verdict: str,
        tags: Sequence[str],
        provenance: dict[str, Any] | None,
        author: str,
        source: str,
        context: dict[str, Any] | None,
        image: bytes | None,
    ) -> Case:
        kind, record_text = _record_json(record)
        data = json.loads(record_text)
        labels = _labels_of(data)
        if target is None:
            scores = data.get("scores") or [0]
            target = labels[max(range(len(scores)), key=scores.__getitem__)] if labels else ""
        target = clean_text(target, "target class", MAX_NAME)
        if labels and target not in labels:
            raise BundleError(f"The target {target!r} is not one of the result's labels ({', '.join(labels)}).")
        if image is not None:
            if not isinstance(image, bytes | bytearray) or len(image) > MAX_IMAGE_BYTES:
                raise BundleError(f"The image must be at most {MAX_IMAGE_BYTES // 1_000_000} MB of PNG bytes.")
            image = bytes(image)
        stamp = now()
        values = dict(
            pack_id=pack_id,
            kind=kind,
            source=clean_text(source, "source", 32),
            record=record_text,
            target=target,
            note=clean_text(note, "note", MAX_NOTE),
            verdict=clean_verdict(verdict),
            tags=_json(list(clean_tags(tags))),
            context=_json(context or {}),
            provenance=_json(provenance or {}),
            author=clean_text(author, "author name", MAX_NAME).strip(),
            image=image,
            created=stamp,
            updated=stamp,
            version=1,
        )
        self._pack(conn, pack_id, lock=True)
        last = conn.execute(sa.select(sa.func.max(cases.c.position)).where(cases.c.pack_id == pack_id)).scalar()
        values["position"] = 0 if last is None else last + 1
        case_id = conn.execute(cases.insert().values(**values).returning(cases.c.id)).scalar_one()
        conn.execute(packs.update().where(packs.c.id == pack_id).values(updated=stamp))
        return self._case(conn, case_id)

    def _case(self, conn: Connection, case_id: int) -> Case:
        row = conn.execute(sa.select(cases).where(cases.c.id == case_id)).first()
        if row is None:
            raise NotFoundError("That case no longer exists (it was removed).")
        return _case_from_row(row)

    def case(self, case_id: int) -> Case:
        """One case by id."""
        with self._read() as conn:
            return self._case(conn, case_id)

    def cases(self, pack_id: int, *, verdict: str | None = None) -> list[Case]:
        """The pack's cases in order, optionally only those with one verdict."""
        query = sa.select(cases).where(cases.c.pack_id == pack_id)
        if verdict is not None:
            query = query.where(cases.c.verdict == verdict)
        with self._read() as conn:
            self._pack(conn, pack_id)
            rows = conn.execute(query.order_by(cases.c.position, cases.c.id)).all()
        return [_case_from_row(r) for r in rows]

    def update_case(
        self,
        case_id: int,
        version: int,
        *,
        note: str | None = None,
        verdict: str | None = None,
        tags: Sequence[str] | None = None,
    ) -> Case:
        """Change a case's note, verdict or tags if it is still at ``version``; else :class:`ConflictError`.

        The check and the write are one conditional UPDATE, so two sessions can never both succeed
        from the same version: one of them gets the conflict with both texts. The history records the
        fields that changed, before and after, and who changed them.
        """
        self.identity.require("update_case")
        yours: dict[str, Any] = {}
        if note is not None:
            yours["note"] = clean_text(note, "note", MAX_NOTE)
        if verdict is not None:
            yours["verdict"] = clean_verdict(verdict)
        if tags is not None:
            yours["tags"] = clean_tags(tags)
        values = {k: (_json(list(v)) if k == "tags" else v) for k, v in yours.items()}
        stamp = now()
        with self._write() as conn:
            row = conn.execute(sa.select(cases).where(cases.c.id == case_id)).first()
            # Same version means same content (every edit bumps it), so this is what the edit replaces.
            before = _case_from_row(row) if row is not None else None
            result = conn.execute(
                cases.update()
                .where(cases.c.id == case_id, cases.c.version == version)
                .values(**values, updated=stamp, version=cases.c.version + 1)
            )
            if result.rowcount != 1:
                row = conn.execute(sa.select(cases).where(cases.c.id == case_id)).first()
                raise ConflictError(yours, _case_from_row(row) if row is not None else None)
            case = self._case(conn, case_id)
            conn.execute(packs.update().where(packs.c.id == case.pack_id).values(updated=stamp))
            old = {k: (list(getattr(before, k)) if k == "tags" else getattr(before, k)) for k in yours}
            new = {k: (list(v) if k == "tags" else v) for k, v in yours.items()}
            changed = [k for k in new if new[k] != old[k]]
            if changed:
                name = conn.execute(sa.select(packs.c.name).where(packs.c.id == case.pack_id)).scalar_one()
                self._log(
                    conn,
                    "edit case",
                    pack_id=case.pack_id,
                    pack_name=name,
                    case_id=case_id,
                    details={"before": {k: old[k] for k in changed}, "after": {k: new[k] for k in changed}},
                    at=stamp,
                )
            return case

    def remove_case(self, case_id: int) -> None:
        """Remove a case from its pack (the others keep their order); the history keeps what it said."""
        self.identity.require("remove_case")
        with self._write() as conn:
            case = self._case(conn, case_id)
            name = conn.execute(sa.select(packs.c.name).where(packs.c.id == case.pack_id)).scalar_one()
            details = {"target": case.target, "note": case.note, "verdict": case.verdict, "author": case.author}
            self._log(conn, "remove case", pack_id=case.pack_id, pack_name=name, case_id=case_id, details=details)
            conn.execute(cases.delete().where(cases.c.id == case_id))
            conn.execute(packs.update().where(packs.c.id == case.pack_id).values(updated=now()))

    def reorder(self, pack_id: int, case_ids: Sequence[int]) -> list[Case]:
        """Put the pack's cases in the order of ``case_ids``, which must be exactly its current cases."""
        self.identity.require("reorder")
        with self._write() as conn:
            pack = self._pack(conn, pack_id, lock=True)
            current = conn.execute(sa.select(cases.c.id).where(cases.c.pack_id == pack_id)).scalars().all()
            if sorted(current) != sorted(case_ids) or len(set(case_ids)) != len(case_ids):
                raise StoreError("The pack's cases changed meanwhile (added or removed); reload and reorder again.")
            for position, case_id in enumerate(case_ids):
                conn.execute(cases.update().where(cases.c.id == case_id).values(position=position))
            conn.execute(packs.update().where(packs.c.id == pack_id).values(updated=now()))
            self._log(conn, "reorder", pack_id=pack_id, pack_name=pack.name, details={"order": list(case_ids)})
        return self.cases(pack_id)

    def move_case(self, case_id: int, offset: int) -> list[Case]:
        """Move a case ``offset`` places up (negative) or down within its pack."""
        case = self.case(case_id)
        ids = [c.id for c in self.cases(case.pack_id)]
        i = ids.index(case_id)
        j = max(0, min(len(ids) - 1, i + offset))
        ids.insert(j, ids.pop(i))
        return self.reorder(case.pack_id, ids)


def open_store(
    target: str | os.PathLike | None = None, *, identity: Identity | None = None, token: str | None = None
) -> Store:
    """Open (and create or migrate) the pack database at ``target``, ``$TEXTLENS_DB`` or the default file.

    ``identity`` is who acts (default: the local one-person mode, every right, names as given); ``token`` a
    personal token that PostgreSQL's writer check sees on every connection (the command line's).
    """
    return Store(target, identity=identity, token=token)
