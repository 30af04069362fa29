"""A team database: its settings, and on PostgreSQL the roles that keep the history out of the app's reach.

Three PostgreSQL roles (docs/deployment.md, step 2): the *owner* (migration role) owns the database and every
table, and is the only one that may change the schema, disable a trigger, or issue tokens; the *app* role (the
team server) may read and write packs and cases, record sessions, and only insert into and read the history;
the optional *cli* role (the team's command line) has the same table rights as the app, but the database's
writer check makes it present a personal token and write under that token's name. Neither the app nor the cli
role owns anything, so neither can ``ALTER TABLE history DISABLE TRIGGER`` nor update or delete history rows.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from textlens.store.errors import StoreError
from textlens.store.schema import settings
from textlens.store.store import Store

# What each role may do to each table. Sequences: the serial ids of the tables each role inserts into.
APP_GRANTS = (
    ("SELECT, INSERT, UPDATE, DELETE", "packs, cases"),
    ("SELECT, INSERT", "history"),
    ("SELECT, INSERT, UPDATE", "sessions"),
    ("SELECT", "settings, alembic_version"),
)
CLI_GRANTS = (
    ("SELECT, INSERT, UPDATE, DELETE", "packs, cases"),
    ("SELECT, INSERT", "history"),
    ("SELECT", "settings, alembic_version"),
)
SEQUENCES = "packs_id_seq, cases_id_seq, history_id_seq"
TABLES = "packs, cases, history, sessions, tokens, settings, alembic_version"


def _ident(name: str) -> str:
    """A role name as SQL: letters, digits and underscores only, so it needs no quoting."""
    if not name or not name.replace("_", "").isalnum() or not name.isascii() or name[0].isdigit():
        raise StoreError(f"The role name {name!r} must be letters, digits and underscores (e.g. textlens_app).")
    return name


def grant_sql(app_role: str, cli_role: str | None = None) -> list[str]:
    """The statements that give the app (and cli) role exactly their rights, taking every other right away.

    Run by the owner after every migration (``textlens store migrate --app-role …`` does); docs/deployment.md
    prints them for a DBA who prefers to run them by hand.
    """
    out: list[str] = []
    for role, grants in ((app_role, APP_GRANTS), (cli_role, CLI_GRANTS)):
        if role is None:
            continue
        role = _ident(role)
        out += [
            f"REVOKE ALL ON {TABLES} FROM {role}",
            f"REVOKE ALL ON SEQUENCE {SEQUENCES}, tokens_id_seq FROM {role}",
            *(f"GRANT {rights} ON {tables} TO {role}" for rights, tables in grants),
            f"GRANT USAGE ON SEQUENCE {SEQUENCES} TO {role}",
            f"GRANT EXECUTE ON FUNCTION textlens_token_identity(text) TO {role}",
        ]
    return out


def is_team(store: Store) -> bool:
    """True when the database serves a team (``textlens serve`` or ``textlens store migrate --app-role`` said so)."""
    return setting(store, "team") == "on"


def setting(store: Store, key: str) -> str | None:
    """One of the database's settings (None when unset)."""
    with store._read() as conn:
        return conn.execute(sa.select(settings.c.value).where(settings.c.key == key)).scalar()


def set_settings(store: Store, **values: str) -> None:
    """Write settings (the owner's act on PostgreSQL: the app and cli roles may only read them)."""
    with store._write() as conn:
        for key, value in values.items():
            conn.execute(settings.delete().where(settings.c.key == key))
            conn.execute(settings.insert().values(key=key, value=value))


def setup_roles(store: Store, app_role: str, cli_role: str | None = None) -> list[str]:
    """Grant the app and cli roles their rights and mark the database as a team's; the statements run.

    ``store`` must be connected as the owner (a :class:`StoreError` says so otherwise).
    """
    if store.backend != "postgresql":
        raise StoreError("Database roles (--app-role, --cli-role) are PostgreSQL's; SQLite has none.")
    report = connection_report(store)
    for role in (app_role, cli_role):
        if role is not None and role == report.user:
            raise StoreError(
                f"{role} is the role this command connects as (the owner); the app and cli roles must be others."
            )
    statements = grant_sql(app_role, cli_role)
    try:
        with store.engine.begin() as conn:
            for statement in statements:
                conn.execute(sa.text(statement))
    except sa.exc.DBAPIError as exc:
        raise StoreError(f"Granting the roles failed (connect as the database's owner): {exc.orig}") from exc
    set_settings(store, team="on", app_role=app_role, **({"cli_role": cli_role} if cli_role else {}))
    return statements


@dataclass(frozen=True)
class ConnectionReport:
    """Who a PostgreSQL connection is, and whether that role could rewrite the history."""

    user: str
    superuser: bool
    owns_history: bool
    app_role: str | None

    @property
    def may_rewrite_history(self) -> bool:
        """A superuser or the history's owner can disable its trigger: not a role for the team server."""
        return self.superuser or self.owns_history


def connection_report(store: Store) -> ConnectionReport:
    """Who ``store`` connects as on PostgreSQL, and what the database says the app role is."""
    query = sa.text(
        "SELECT current_user AS user_name, r.rolsuper AS superuser, "
        "COALESCE(pg_get_userbyid(c.relowner) = current_user, false) AS owns_history "
        "FROM pg_roles r LEFT JOIN pg_class c ON c.oid = to_regclass('history') WHERE r.rolname = current_user"
    )
    with store._read() as conn:
        row = conn.execute(query).one()
    return ConnectionReport(row.user_name, bool(row.superuser), bool(row.owns_history), setting(store, "app_role"))


def check_team_server_role(store: Store) -> str | None:
    """Why the team server must not run on this connection (None when it may): on PostgreSQL it must connect as
    the app role of ``textlens store migrate --app-role``, which can neither rewrite the history nor the schema.
    """
    if store.backend != "postgresql":
        return None
    report = connection_report(store)
    how = (
        "Connect as the app role (TEXTLENS_DB=postgresql://textlens_app:…) after granting it its rights with "
        "`textlens store migrate --db OWNER-URL --app-role textlens_app` (docs/deployment.md, step 2)."
    )
    if report.may_rewrite_history:
        what = "a superuser" if report.superuser else "the owner of the history table"
        return (
            f"The team server connects to PostgreSQL as {report.user}, {what}, which could rewrite the history. " + how
        )
    if report.app_role != report.user:
        return f"The team server connects to PostgreSQL as {report.user}, which is not the database's app role. {how}"
    return None
