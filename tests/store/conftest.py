"""Store fixtures: every store test runs on a SQLite file and on the session's real PostgreSQL server."""

from __future__ import annotations

import pytest

from textlens.store import open_store


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path) -> str:
    """An empty database: a SQLite file, or a fresh database on the session's PostgreSQL server."""
    if request.param == "sqlite":
        return str(tmp_path / "packs.db")
    return request.getfixturevalue("postgres_server").new_database()


@pytest.fixture
def store(db_url):
    s = open_store(db_url)
    yield s
    s.close()
