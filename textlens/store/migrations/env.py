"""Alembic environment: migrations run on the connection textlens.store.db hands over (never from an ini file)."""

from __future__ import annotations

from alembic import context

from textlens.store.schema import metadata

connection = context.config.attributes["connection"]
# render_as_batch: SQLite cannot ALTER most things in place; batch mode copies the table instead.
context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
