"""A re-run pack links to its parent pack and says how it was made.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add packs.parent_id (indexed) and packs.origin."""
    with op.batch_alter_table("packs") as batch:
        batch.add_column(sa.Column("parent_id", sa.Integer, nullable=True))
        batch.add_column(sa.Column("origin", sa.Text, nullable=False, server_default=""))
        batch.create_index("ix_packs_parent_id", ["parent_id"])


def downgrade() -> None:
    """Remove the lineage columns."""
    with op.batch_alter_table("packs") as batch:
        batch.drop_index("ix_packs_parent_id")
        batch.drop_column("origin")
        batch.drop_column("parent_id")
