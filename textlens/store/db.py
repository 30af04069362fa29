"""Opening a review-pack database: where it lives, the engine settings that make writes durable, migrations."""

from __future__ import annotations

import os
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import URL, Engine, make_url

from textlens.store.errors import StoreError

DB_ENV = "TEXTLENS_DB"
MIGRATIONS = Path(__file__).resolve().parent / "migrations"
# Any constant: PostgreSQL's transaction-scoped advisory lock serialises two servers migrating at once.
MIGRATION_LOCK = 0x7E7715
BUSY_TIMEOUT_SECONDS = 30


def default_path() -> Path:
    """The SQLite file used when nothing else is configured: ``packs.db`` in the user's data folder."""
    from platformdirs import user_data_dir

    return Path(user_data_dir("textlens", appauthor=False)) / "packs.db"


def resolve_url(target: str | os.PathLike | None = None) -> URL:
    """The database URL for ``target``, else ``$TEXTLENS_DB``, else the default SQLite file.

    A target with ``://`` is a URL (``sqlite:///…``, ``postgresql+psycopg://user:pw@host/db``);
    anything else is a path to a SQLite file. ``postgresql://`` means the psycopg 3 driver.
    """
    raw = str(target) if target is not None else os.environ.get(DB_ENV, "").strip()
    if not raw:
        return URL.create("sqlite", database=str(default_path()))
    if "://" not in raw:
        return URL.create("sqlite", database=str(Path(raw).expanduser().resolve()))
    try:
        url = make_url(raw)
    except sa.exc.ArgumentError as exc:
        raise StoreError(f"{DB_ENV} / --db is not a database URL or a file path: {exc}") from exc
    if url.drivername in ("postgresql", "postgres"):
        url = url.set(drivername="postgresql+psycopg")
    if url.get_backend_name() not in ("sqlite", "postgresql"):
        raise StoreError(
            f"Review packs are stored in SQLite or PostgreSQL, not {url.get_backend_name()!r} "
            "(use sqlite:///path/packs.db or postgresql+psycopg://user:password@host/database)."
        )
    return url


def describe(url: URL) -> str:
    """Where the packs are, for people: the SQLite file's path, or the server URL without its password."""
    if url.get_backend_name() == "sqlite":
        return url.database or "(in memory)"
    return url.render_as_string(hide_password=True)


def _sqlite_engine(url: URL) -> Engine:
    if url.database and url.database != ":memory:":
        Path(url.database).parent.mkdir(parents=True, exist_ok=True)
    engine = sa.create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_SECONDS})

    @sa.event.listens_for(engine, "connect")
    def _connect(dbapi_connection, _record) -> None:
        # Let SQLAlchemy's "begin" event issue BEGIN itself (pysqlite's own handling delays it).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        # WAL lets readers run beside a writer; synchronous=FULL syncs every commit, so an
        # acknowledged write survives a killed process and a power cut.
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_SECONDS * 1000}")
        cursor.close()

    @sa.event.listens_for(engine, "begin")
    def _begin(connection) -> None:
        # Every write transaction takes the write lock up front (IMMEDIATE): two writers queue instead
        # of one failing half-way with "database is locked" after reading stale rows.
        immediate = connection.get_execution_options().get("textlens_write", False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


def create_engine(url: URL, *, token: str | None = None) -> Engine:
    """An engine for ``url`` with textlens's durability settings (SQLite: WAL, synchronous=FULL, IMMEDIATE writes).

    On PostgreSQL a personal ``token`` is handed to every connection (the ``textlens.token`` setting), where
    the database's own writer check reads it (migration 0004).
    """
    if url.get_backend_name() == "sqlite":
        return _sqlite_engine(url)
    try:
        engine = sa.create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=5)
    except ImportError as exc:
        raise StoreError(f"The database driver is missing: {exc}. Install psycopg[binary].") from exc
    if token:

        @sa.event.listens_for(engine, "connect")
        def _hand_over_token(dbapi_connection, _record) -> None:
            with dbapi_connection.cursor() as cursor:
                cursor.execute("SELECT set_config('textlens.token', %s, false)", (token,))
            dbapi_connection.commit()

    return engine


def _alembic_config():
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def head_revision() -> str:
    """The newest schema revision this textlens knows."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(_alembic_config()).get_current_head()


def current_revision(engine: Engine) -> str | None:
    """The schema revision the database is at (None for an empty database)."""
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def migrate(engine: Engine, revision: str = "head") -> None:
    """Bring the schema to ``revision`` in one transaction (no-op when it is there already).

    Concurrent first opens are safe: SQLite's IMMEDIATE transaction and PostgreSQL's advisory lock
    let one process migrate while the others wait, then find nothing to do.
    """
    from alembic import command
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    config = _alembic_config()
    script = ScriptDirectory.from_config(config)
    known = {rev.revision for rev in script.walk_revisions()}
    with engine.connect().execution_options(textlens_write=True) as connection, connection.begin():
        if connection.dialect.name == "postgresql":
            connection.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
        current = MigrationContext.configure(connection).get_current_revision()
        if current is not None and current not in known:
            raise StoreError(
                f"This database was made by a newer textlens (schema revision {current}); "
                "upgrade textlens to open it. Nothing was changed."
            )
        wanted = script.get_current_head() if revision == "head" else revision
        if current == wanted:
            return
        if connection.dialect.name == "postgresql" and not _may_migrate(connection):
            raise StoreError(
                f"The database's tables are at revision {current or 'none'}, and this textlens needs {wanted}; "
                "the role it connects as may not change them. Run `textlens store migrate --db URL` with the "
                "URL of the role that owns the database (docs/deployment.md, step 2)."
            )
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def _may_migrate(connection) -> bool:
    """True when the connected PostgreSQL role may change the schema: a superuser, or the database's owner."""
    return bool(
        connection.execute(
            sa.text(
                "SELECT r.rolsuper OR d.datdba = r.oid FROM pg_roles r, pg_database d "
                "WHERE r.rolname = current_user AND d.datname = current_database()"
            )
        ).scalar()
    )
