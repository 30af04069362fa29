"""Sign-in sessions the server can end, personal tokens for the command line, and the database's settings.

On PostgreSQL the database itself also checks who writes: a role that neither owns the tables nor is the
team server's (``settings.app_role``) may only write with a valid personal token in the connection's
``textlens.token`` setting, and only under that token's name and role (see docs/deployment.md).

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

# The stored time format (textlens.store.store.now) as PostgreSQL writes it, to compare token expiry as text.
_NOW = """to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"+00:00"')"""

# SECURITY DEFINER: the command line's role may not read the tokens table, only ask whether one token is valid.
_TOKEN_IDENTITY = f"""
CREATE FUNCTION {{s}}.textlens_token_identity(token text) RETURNS TABLE (user_name text, role text)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
    SELECT t.user_name::text, t.role::text FROM {{s}}.tokens t
    WHERE t.hash = encode(sha256(convert_to(token, 'UTF8')), 'hex')
      AND t.revoked IS NULL AND (t.expires IS NULL OR t.expires > {_NOW})
$$;
REVOKE ALL ON FUNCTION {{s}}.textlens_token_identity(text) FROM PUBLIC;
"""

_CHECK_WRITER = """
CREATE FUNCTION {s}.textlens_check_writer() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    who record;
    needs_token text := 'writes to this team database need a personal token: ask an admin for one '
        || '(textlens token issue) and set TEXTLENS_TOKEN or TEXTLENS_TOKEN_FILE';
BEGIN
    -- Trusted to name users: a superuser, the tables' owner (the migration role) and the team server's role.
    IF (SELECT rolsuper FROM pg_roles WHERE rolname = session_user)
       OR session_user = (SELECT pg_get_userbyid(relowner) FROM pg_class WHERE oid = TG_RELID)
       OR EXISTS (SELECT 1 FROM {s}.settings WHERE key = 'app_role' AND value = session_user) THEN
        RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
    END IF;
    SELECT * INTO who FROM {s}.textlens_token_identity(coalesce(current_setting('textlens.token', true), ''));
    IF NOT FOUND THEN
        RAISE EXCEPTION '%', needs_token USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF who.role NOT IN ('reviewer', 'admin') THEN
        RAISE EXCEPTION '% is a % here: changes need the reviewer role', who.user_name, who.role
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF TG_OP = 'DELETE' AND who.role <> 'admin' THEN
        RAISE EXCEPTION '% is a % here: removing needs the admin role', who.user_name, who.role
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF TG_TABLE_NAME = 'history' THEN
        IF NEW.actor IS DISTINCT FROM who.user_name THEN
            RAISE EXCEPTION 'the token is %''s: the history cannot name %', who.user_name, NEW.actor
                USING ERRCODE = 'insufficient_privilege';
        END IF;
    ELSIF TG_TABLE_NAME = 'cases' AND TG_OP = 'INSERT' THEN
        IF NEW.author IS DISTINCT FROM who.user_name THEN
            RAISE EXCEPTION 'the token is %''s: a case cannot be signed %', who.user_name, NEW.author
                USING ERRCODE = 'insufficient_privilege';
        END IF;
    ELSIF TG_TABLE_NAME = 'cases' AND TG_OP = 'UPDATE' THEN
        IF NEW.author IS DISTINCT FROM OLD.author THEN
            RAISE EXCEPTION 'a case''s author cannot be changed' USING ERRCODE = 'insufficient_privilege';
        END IF;
    ELSIF TG_TABLE_NAME = 'packs' AND TG_OP = 'INSERT' THEN
        IF NEW.owner IS DISTINCT FROM who.user_name THEN
            RAISE EXCEPTION 'the token is %''s: a pack cannot be owned by %', who.user_name, NEW.owner
                USING ERRCODE = 'insufficient_privilege';
        END IF;
    ELSIF TG_TABLE_NAME = 'packs' AND TG_OP = 'UPDATE' THEN
        IF NEW.owner IS DISTINCT FROM OLD.owner AND who.role <> 'admin' THEN
            RAISE EXCEPTION 'handing a pack to another owner needs the admin role'
                USING ERRCODE = 'insufficient_privilege';
        END IF;
    END IF;
    RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END $$;
REVOKE ALL ON FUNCTION {s}.textlens_check_writer() FROM PUBLIC;
CREATE TRIGGER packs_writer BEFORE INSERT OR UPDATE OR DELETE ON {s}.packs
    FOR EACH ROW EXECUTE FUNCTION {s}.textlens_check_writer();
CREATE TRIGGER cases_writer BEFORE INSERT OR UPDATE OR DELETE ON {s}.cases
    FOR EACH ROW EXECUTE FUNCTION {s}.textlens_check_writer();
CREATE TRIGGER history_writer BEFORE INSERT ON {s}.history
    FOR EACH ROW EXECUTE FUNCTION {s}.textlens_check_writer();
"""


def _schema() -> str:
    bind = op.get_bind()
    schema = bind.execute(sa.text("SELECT current_schema()")).scalar_one()
    return bind.dialect.identifier_preparer.quote_identifier(schema)


def upgrade() -> None:
    """Create the sessions, tokens and settings tables (and on PostgreSQL the writer checks)."""
    op.create_table(
        "sessions",
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("user_name", sa.String(200), nullable=False),
        sa.Column("created", sa.String(32), nullable=False),
        sa.Column("expires", sa.String(32), nullable=False),
        sa.Column("last_seen", sa.String(32), nullable=False),
        sa.Column("ended", sa.String(32), nullable=True),
        sa.Column("ended_by", sa.String(200), nullable=False, server_default=""),
        sa.Column("end_reason", sa.String(40), nullable=False, server_default=""),
        sa.PrimaryKeyConstraint("id", name="pk_sessions"),
    )
    op.create_index("ix_sessions_user_name", "sessions", ["user_name"])
    op.create_table(
        "tokens",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.Column("user_name", sa.String(200), nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("label", sa.String(200), nullable=False, server_default=""),
        sa.Column("created", sa.String(32), nullable=False),
        sa.Column("created_by", sa.String(200), nullable=False, server_default=""),
        sa.Column("expires", sa.String(32), nullable=True),
        sa.Column("revoked", sa.String(32), nullable=True),
        sa.Column("revoked_by", sa.String(200), nullable=False, server_default=""),
        sa.PrimaryKeyConstraint("id", name="pk_tokens"),
        sa.UniqueConstraint("hash", name="uq_tokens_hash"),
    )
    op.create_index("ix_tokens_user_name", "tokens", ["user_name"])
    op.create_table(
        "settings",
        sa.Column("key", sa.String(64), nullable=False),
        sa.Column("value", sa.Text, nullable=False, server_default=""),
        sa.PrimaryKeyConstraint("key", name="pk_settings"),
    )
    if op.get_bind().dialect.name == "postgresql":
        schema = _schema()
        op.execute(_TOKEN_IDENTITY.replace("{s}", schema))
        op.execute(_CHECK_WRITER.replace("{s}", schema))


def downgrade() -> None:
    """Drop the writer checks and the three tables."""
    if op.get_bind().dialect.name == "postgresql":
        for table in ("packs", "cases", "history"):
            op.execute(f"DROP TRIGGER {table}_writer ON {table}")
        op.execute("DROP FUNCTION textlens_check_writer()")
        op.execute("DROP FUNCTION textlens_token_identity(text)")
    op.drop_table("settings")
    op.drop_index("ix_tokens_user_name", "tokens")
    op.drop_table("tokens")
    op.drop_index("ix_sessions_user_name", "sessions")
    op.drop_table("sessions")
