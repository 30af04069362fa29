"""Sign-in sessions the team server can end: one record per sign-in, checked on every page run.

Streamlit's ``st.login`` keeps the signed-in user in a signed cookie for 30 days, and ``st.logout`` only deletes
that cookie from the browser that signs out: a copy of the cookie would still sign in. This is the layer on top:
each sign-in gets a session id, the SHA-256 of what its cookie carries from the identity provider's token (issuer,
subject, issue time and the nonce of that one sign-in), so the id is in the signed cookie and cannot be made up.
The server keeps a record per id; sign-out, the lifetime running out or an admin ends it, and an ended session is
refused for good, whoever presents its cookie.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa

from textlens.store.errors import StoreError
from textlens.store.schema import sessions
from textlens.store.store import Store, now

DEFAULT_HOURS = 8.0  # a working day
# Streamlit's sign-in cookie lasts 30 days; a longer lifetime would outlive it anyway.
MAX_HOURS = 24.0 * 30
TOUCH_SECONDS = 60  # how stale "last seen" may get before a page run writes it again
# Why a session ended, in the words the sign-in screen uses.
REASONS = {
    "signed out": "you signed out",
    "ended by an admin": "an admin ended it",
    "expired": "it reached the end of its lifetime",
}


class SessionEnded(StoreError):
    """A sign-in's session that is over: signed out, ended by an admin, or past its lifetime."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(f"This session has ended: {REASONS.get(reason, reason)}.")


@dataclass(frozen=True)
class Session:
    """The server's record of one sign-in."""

    id: str
    user_name: str
    created: str
    expires: str
    last_seen: str
    ended: str | None = None
    ended_by: str = ""
    end_reason: str = ""


def session_hours(value: Any) -> float:
    """A session lifetime in hours from a setting (None: the default); a :class:`StoreError` when out of range."""
    if value is None or value == "":
        return DEFAULT_HOURS
    try:
        hours = float(value)
    except (TypeError, ValueError):
        raise StoreError(f"The session lifetime {value!r} is not a number of hours.") from None
    if not 0 < hours <= MAX_HOURS:
        raise StoreError(f"The session lifetime must be more than 0 and at most {MAX_HOURS:g} hours, not {value!r}.")
    return hours


def session_id(claims: Mapping[str, Any]) -> str:
    """The id of the sign-in whose token carried ``claims``: a hash of issuer, subject, issue time and nonce.

    The nonce is the random value of that one sign-in (OpenID Connect puts it in the token), so every sign-in,
    also the same user's next one, gets a new id.
    """
    parts = [claims.get(k) for k in ("iss", "sub", "iat", "nonce", "auth_time")]
    if claims.get("sub") is None or claims.get("iat") is None:
        raise StoreError("The identity provider's token has no subject or issue time; sign in again.")
    return hashlib.sha256(json.dumps(parts, default=str).encode()).hexdigest()


def _time(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def _row(row: sa.Row) -> Session:
    return Session(
        row.id, row.user_name, row.created, row.expires, row.last_seen, row.ended, row.ended_by, row.end_reason
    )


def check_session(
    store: Store, sid: str, user: str, *, signed_in_at: float | None = None, hours: float = DEFAULT_HOURS
) -> Session:
    """The live session ``sid`` of ``user``, recorded when first seen; :class:`SessionEnded` when it is over.

    ``signed_in_at`` is the sign-in's time (the token's ``iat``, seconds since 1970): the lifetime counts from
    it, so a cookie cannot be kept alive by use, nor start a new session after its record was removed.
    A page run usually only reads; it writes when the session is new, has just expired, or was last seen more
    than a minute ago.
    """
    moment = datetime.now(UTC)
    start = datetime.fromtimestamp(signed_in_at, UTC) if signed_in_at is not None else moment
    expires = _time(min(start, moment) + timedelta(hours=hours))
    stamp = _time(moment)
    with store._read() as conn:
        row = conn.execute(sa.select(sessions).where(sessions.c.id == sid)).first()
    if row is None:
        if expires <= stamp:
            raise SessionEnded("expired")
        try:
            with store._write() as conn:
                conn.execute(
                    sessions.insert().values(id=sid, user_name=user, created=stamp, expires=expires, last_seen=stamp)
                )
            return Session(sid, user, stamp, expires, stamp)
        except StoreError as exc:  # another tab of the same sign-in recorded it first: check that record
            if not isinstance(exc.__cause__, sa.exc.IntegrityError):
                raise
            with store._read() as conn:
                row = conn.execute(sa.select(sessions).where(sessions.c.id == sid)).one()
    session = _row(row)
    if session.user_name != user:  # the same sign-in cannot change hands
        raise SessionEnded("ended by an admin")
    if session.ended is not None:
        raise SessionEnded(session.end_reason or "ended by an admin")
    if min(session.expires, expires) <= stamp:
        with store._write() as conn:
            conn.execute(
                sessions.update()
                .where(sessions.c.id == sid, sessions.c.ended.is_(None))
                .values(ended=stamp, end_reason="expired")
            )
        raise SessionEnded("expired")
    if (moment - datetime.fromisoformat(session.last_seen)).total_seconds() > TOUCH_SECONDS:
        with store._write() as conn:
            conn.execute(sessions.update().where(sessions.c.id == sid).values(last_seen=stamp))
    return session


def end_session(store: Store, sid: str, reason: str = "signed out") -> None:
    """End one session (the store's own user's: sign-out); nothing happens when it has ended already."""
    with store._write() as conn:
        conn.execute(
            sessions.update()
            .where(sessions.c.id == sid, sessions.c.ended.is_(None))
            .values(ended=now(), ended_by=store.identity.name, end_reason=reason)
        )


def end_sessions_of(store: Store, user: str) -> int:
    """End every live session of ``user`` (an admin's act); how many were live."""
    store.identity.require("end_sessions")
    with store._write() as conn:
        result = conn.execute(
            sessions.update()
            .where(sessions.c.user_name == user, sessions.c.ended.is_(None))
            .values(ended=now(), ended_by=store.identity.name, end_reason="ended by an admin")
        )
        return result.rowcount


def live_sessions(store: Store) -> list[Session]:
    """Sessions that have not ended nor expired, most recently seen first."""
    with store._read() as conn:
        rows = conn.execute(
            sa.select(sessions)
            .where(sessions.c.ended.is_(None), sessions.c.expires > now())
            .order_by(sessions.c.last_seen.desc())
        ).all()
    return [_row(r) for r in rows]
