"""An append-only history of who changed what and when.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

_SQLITE_GUARDS = [
    f"CREATE TRIGGER history_no_{verb.lower()} BEFORE {verb} ON history "
    "BEGIN SELECT RAISE(ABORT, 'the history is append-only'); END"
    for verb in ("UPDATE", "DELETE")
]
_POSTGRES_GUARD = """
CREATE FUNCTION textlens_history_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the history is append-only';
END $$;
CREATE TRIGGER history_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON history
    FOR EACH STATEMENT EXECUTE FUNCTION textlens_history_append_only();
"""


def upgrade() -> None:
    """Create the history table and the triggers that refuse to change or delete its rows."""
    op.create_table(
        "history",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("at", sa.String(32), nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("action", sa.String(40), nullable=False),
        sa.Column("pack_id", sa.Integer, nullable=True),
        sa.Column("case_id", sa.Integer, nullable=True),
        sa.Column("pack_name", sa.String(200), nullable=False, server_default=""),
        sa.Column("details", sa.Text, nullable=False, server_default="{}"),
        sa.PrimaryKeyConstraint("id", name="pk_history"),
    )
    op.create_index("ix_history_pack_id", "history", ["pack_id"])
    op.create_index("ix_history_case_id", "history", ["case_id"])
    if op.get_bind().dialect.name == "postgresql":
        op.execute(_POSTGRES_GUARD)
    else:
        for statement in _SQLITE_GUARDS:
            op.execute(statement)


def downgrade() -> None:
    """Drop the history (and its guards)."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER history_append_only ON history")
        op.execute("DROP FUNCTION textlens_history_append_only()")
    op.drop_index("ix_history_case_id", "history")
    op.drop_index("ix_history_pack_id", "history")
    op.drop_table("history")
