"""Personal tokens: how the command line proves who it is to a team database (only their SHA-256 is stored).

An admin issues a token for one user and role (``textlens token issue``), hands it over once, and can revoke
it. The command line reads it from ``$TEXTLENS_TOKEN`` or from the file ``$TEXTLENS_TOKEN_FILE`` names, and
acts as that user: the store records the token's user as author and in the history, whatever the login
name says. On PostgreSQL the database checks the same token itself (migration 0004), so a client that skips
textlens cannot write under another name either.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import stat
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa

from textlens.store.errors import StoreError
from textlens.store.identity import Identity, Role, cli_identity, login_name, role_named
from textlens.store.schema import tokens
from textlens.store.store import MAX_NAME, Store, clean_text, now
from textlens.store.team import is_team

TOKEN_ENV = "TEXTLENS_TOKEN"
TOKEN_FILE_ENV = "TEXTLENS_TOKEN_FILE"
PREFIX = "tlp_"  # recognisable in a file or a leaked log, so secret scanners can find it
NEEDS_TOKEN = (
    "This is a team database: the command line changes it only as a person an admin has given a personal "
    "token. Ask an admin to run `textlens token issue --user YOUR-EMAIL`, then set TEXTLENS_TOKEN to the "
    "token (or TEXTLENS_TOKEN_FILE to a file only you can read that holds it) and try again."
)


@dataclass(frozen=True)
class Token:
    """One issued token (never the token itself: it is shown once, when issued)."""

    id: int
    user_name: str
    role: Role
    label: str
    created: str
    created_by: str
    expires: str | None
    revoked: str | None
    revoked_by: str

    @property
    def live(self) -> bool:
        """Neither revoked nor expired."""
        return self.revoked is None and (self.expires is None or self.expires > now())


def token_hash(token: str) -> str:
    """The SHA-256 (hex) the store keeps instead of the token (PostgreSQL's writer check computes the same)."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _row(row: sa.Row) -> Token:
    return Token(
        row.id,
        row.user_name,
        role_named(row.role),
        row.label,
        row.created,
        row.created_by,
        row.expires,
        row.revoked,
        row.revoked_by,
    )


def issue_token(
    store: Store, user: str, role: Role | str, *, label: str = "", days: float | None = None
) -> tuple[str, Token]:
    """A new token for ``user`` with ``role`` (the token, shown once, and its record).

    ``days`` limits its life (None: until revoked). Who issued it is the operator's login name: issuing needs
    the database's owner role on PostgreSQL (the only one that may write the tokens table).
    """
    user = clean_text(user, "user name", MAX_NAME, required=True).strip()
    role = role if isinstance(role, Role) else role_named(role)
    label = clean_text(label, "label", MAX_NAME).strip()
    if days is not None and not days > 0:
        raise StoreError("A token's life (--days) must be more than 0 days.")
    expires = None
    if days is not None:
        expires = (datetime.now(UTC) + timedelta(days=days)).isoformat(timespec="microseconds")
    token = PREFIX + secrets.token_urlsafe(32)
    values = dict(
        hash=token_hash(token),
        user_name=user,
        role=role.label,
        label=label,
        created=now(),
        created_by=login_name(),
        expires=expires,
        revoked=None,
        revoked_by="",
    )
    with store._write() as conn:
        token_id = conn.execute(tokens.insert().values(**values).returning(tokens.c.id)).scalar_one()
    record = Token(token_id, user, role, label, values["created"], values["created_by"], expires, None, "")
    return token, record


def revoke_tokens(store: Store, *, token_id: int | None = None, user: str | None = None) -> int:
    """Revoke one token (by id) or every live token of ``user``; how many were live."""
    if (token_id is None) == (user is None):
        raise StoreError("Name one token (--id) or one user (--user) whose tokens to revoke.")
    where = tokens.c.id == token_id if token_id is not None else tokens.c.user_name == user
    with store._write() as conn:
        result = conn.execute(
            tokens.update().where(where, tokens.c.revoked.is_(None)).values(revoked=now(), revoked_by=login_name())
        )
        return result.rowcount


def list_tokens(store: Store, *, every: bool = False) -> list[Token]:
    """Issued tokens, newest first: the live ones, or ``every`` one (revoked and expired too)."""
    with store._read() as conn:
        rows = conn.execute(sa.select(tokens).order_by(tokens.c.id.desc())).all()
    found = [_row(r) for r in rows]
    return found if every else [t for t in found if t.live]


def token_identity(store: Store, token: str) -> Identity | None:
    """Who a token stands for (verified, with its role); None when it is unknown, revoked or expired."""
    if store.backend == "postgresql":  # the command line's role may not read the tokens table, only ask
        query = sa.text("SELECT user_name, role FROM textlens_token_identity(:token)")
        with store._read() as conn:
            row = conn.execute(query, {"token": token}).first()
    else:
        with store._read() as conn:
            row = conn.execute(
                sa.select(tokens.c.user_name, tokens.c.role).where(
                    tokens.c.hash == token_hash(token),
                    tokens.c.revoked.is_(None),
                    sa.or_(tokens.c.expires.is_(None), tokens.c.expires > now()),
                )
            ).first()
    if row is None:
        return None
    return Identity(row.user_name, role_named(row.role), verified=True, via="token")


def token_from_env(env: Mapping[str, str] | None = None) -> str | None:
    """The personal token in ``$TEXTLENS_TOKEN``, else in the file ``$TEXTLENS_TOKEN_FILE`` names; None without.

    The file must be readable by its owner only (like an SSH key): a token others can read is refused.
    """
    env = os.environ if env is None else env
    token = env.get(TOKEN_ENV, "").strip()
    if token:
        return token
    name = env.get(TOKEN_FILE_ENV, "").strip()
    if not name:
        return None
    path = Path(name).expanduser()
    try:
        mode = path.stat().st_mode
        text = path.read_text(encoding="utf-8").strip()
    except OSError as exc:
        raise StoreError(f"{TOKEN_FILE_ENV}: cannot read {path}: {exc.strerror}.") from exc
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise StoreError(f"{TOKEN_FILE_ENV}: {path} can be read by others; run `chmod 600 {path}` first.")
    if not text:
        raise StoreError(f"{TOKEN_FILE_ENV}: {path} is empty.")
    return text


def cli_identity_for(store: Store, token: str | None) -> Identity:
    """Who the command line acts as on ``store``: the token's user, else on a team database nobody who may
    change anything (every refusal says how to get a token), else the login name (:func:`cli_identity`).

    A token that is unknown, revoked or expired is an error, never a silent fallback.
    """
    if token:
        who = token_identity(store, token)
        if who is None:
            raise StoreError(
                "This personal token is not valid here: revoked, expired, mistyped, or issued for another "
                "database. Ask an admin for a new one (`textlens token issue`)."
            )
        return who
    if is_team(store):
        return Identity(login_name() or "cli", Role.VIEWER, verified=True, via="cli", blocked=NEEDS_TOKEN)
    return cli_identity()
