"""The review-pack tables (SQLAlchemy Core): packs and their ordered cases, each row with a version for edits."""

from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_name)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

# Times are ISO 8601 UTC strings with microseconds: exact and sortable on SQLite and PostgreSQL alike.
TIME = sa.String(32)

packs = sa.Table(
    "packs",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("name", sa.String(200), nullable=False, unique=True),
    sa.Column("description", sa.Text, nullable=False, default=""),
    sa.Column("owner", sa.String(200), nullable=False, default=""),
    sa.Column("created", TIME, nullable=False),
    sa.Column("updated", TIME, nullable=False),
    sa.Column("version", sa.Integer, nullable=False, default=1),
    # Revision 0002: a re-run pack links to the pack it was made from, and says how.
    sa.Column("parent_id", sa.Integer, nullable=True, index=True),
    sa.Column("origin", sa.Text, nullable=False, default=""),
)

cases = sa.Table(
    "cases",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("pack_id", sa.Integer, sa.ForeignKey("packs.id", ondelete="CASCADE"), nullable=False, index=True),
    sa.Column("position", sa.Integer, nullable=False),
    sa.Column("kind", sa.String(32), nullable=False),
    sa.Column("source", sa.String(32), nullable=False, default=""),
    # The record exactly as computed, as JSON text (never recomputed); its "kind" says how to rebuild it.
    sa.Column("record", sa.Text, nullable=False),
    sa.Column("target", sa.String(200), nullable=False),
    sa.Column("note", sa.Text, nullable=False, default=""),
    sa.Column("verdict", sa.String(40), nullable=False, default=""),
    sa.Column("tags", sa.Text, nullable=False, default="[]"),
    sa.Column("context", sa.Text, nullable=False, default="{}"),
    sa.Column("provenance", sa.Text, nullable=False, default="{}"),
    sa.Column("author", sa.String(200), nullable=False, default=""),
    sa.Column("image", sa.LargeBinary, nullable=True),
    sa.Column("created", TIME, nullable=False),
    sa.Column("updated", TIME, nullable=False),
    sa.Column("version", sa.Integer, nullable=False, default=1),
)

# Revision 0003: who changed what and when. Append-only: the store only inserts, and database triggers
# refuse UPDATE and DELETE. Rows outlive their pack and case (no foreign keys), so a deletion is kept too.
history = sa.Table(
    "history",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("at", TIME, nullable=False),
    sa.Column("actor", sa.String(200), nullable=False),
    sa.Column("action", sa.String(40), nullable=False),
    sa.Column("pack_id", sa.Integer, nullable=True, index=True),
    sa.Column("case_id", sa.Integer, nullable=True, index=True),
    sa.Column("pack_name", sa.String(200), nullable=False, default=""),
    sa.Column("details", sa.Text, nullable=False, default="{}"),
)

# Revision 0004: the team server's sign-in sessions, the command line's personal tokens, and settings.
# A session row is the server's record of one sign-in (its id is a hash of the signed sign-in cookie's issuer,
# subject, time and nonce); sign-out, expiry or an admin ends it, and an ended session is refused.
sessions = sa.Table(
    "sessions",
    metadata,
    sa.Column("id", sa.String(64), primary_key=True),
    sa.Column("user_name", sa.String(200), nullable=False, index=True),
    sa.Column("created", TIME, nullable=False),
    sa.Column("expires", TIME, nullable=False),
    sa.Column("last_seen", TIME, nullable=False),
    sa.Column("ended", TIME, nullable=True),
    sa.Column("ended_by", sa.String(200), nullable=False, default=""),
    sa.Column("end_reason", sa.String(40), nullable=False, default=""),
)

# A personal token lets the command line write to a team database as one user; only its SHA-256 is kept.
tokens = sa.Table(
    "tokens",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("hash", sa.String(64), nullable=False, unique=True),
    sa.Column("user_name", sa.String(200), nullable=False, index=True),
    sa.Column("role", sa.String(20), nullable=False),
    sa.Column("label", sa.String(200), nullable=False, default=""),
    sa.Column("created", TIME, nullable=False),
    sa.Column("created_by", sa.String(200), nullable=False, default=""),
    sa.Column("expires", TIME, nullable=True),
    sa.Column("revoked", TIME, nullable=True),
    sa.Column("revoked_by", sa.String(200), nullable=False, default=""),
)

# What kind of database this is: "team" = "on" once it serves a team; on PostgreSQL "app_role" names the
# role the team server connects as (trusted to name its signed-in users), "cli_role" the command line's.
settings = sa.Table(
    "settings",
    metadata,
    sa.Column("key", sa.String(64), primary_key=True),
    sa.Column("value", sa.Text, nullable=False, default=""),
)
