"""Packs and their ordered cases.

Revision ID: 0001
Revises:
Create Date: 2026-11-25
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create the packs and cases tables."""
    op.create_table(
        "packs",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("description", sa.Text, nullable=False),
        sa.Column("owner", sa.String(200), nullable=False),
        sa.Column("created", sa.String(32), nullable=False),
        sa.Column("updated", sa.String(32), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_packs"),
        sa.UniqueConstraint("name", name="uq_packs_name"),
    )
    op.create_table(
        "cases",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("pack_id", sa.Integer, nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("source", sa.String(32), nullable=False),
        sa.Column("record", sa.Text, nullable=False),
        sa.Column("target", sa.String(200), nullable=False),
        sa.Column("note", sa.Text, nullable=False),
        sa.Column("verdict", sa.String(40), nullable=False),
        sa.Column("tags", sa.Text, nullable=False),
        sa.Column("context", sa.Text, nullable=False),
        sa.Column("provenance", sa.Text, nullable=False),
        sa.Column("author", sa.String(200), nullable=False),
        sa.Column("image", sa.LargeBinary, nullable=True),
        sa.Column("created", sa.String(32), nullable=False),
        sa.Column("updated", sa.String(32), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_cases"),
        sa.ForeignKeyConstraint(["pack_id"], ["packs.id"], name="fk_cases_pack_id_packs", ondelete="CASCADE"),
    )
    op.create_index("ix_cases_pack_id", "cases", ["pack_id"])


def downgrade() -> None:
    """Drop both tables."""
    op.drop_index("ix_cases_pack_id", table_name="cases")
    op.drop_table("cases")
    op.drop_table("packs")
