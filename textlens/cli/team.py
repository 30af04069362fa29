"""``textlens token|session|store``: an admin's commands for a team database (docs/deployment.md).

``token`` issues, lists and revokes the personal tokens the command line writes with; ``session`` lists the
team server's sign-ins and ends a user's; ``store`` migrates the schema as the owner role and grants the app
and command-line roles their rights. They act with the database URL they are given (``--db``, else
``$TEXTLENS_DB``): on PostgreSQL that role's rights decide what they may do (tokens: the owner's only).
"""

from __future__ import annotations

import argparse
import sys

from textlens.errors import TextlensError
from textlens.store import Identity, Role, open_store
from textlens.store import db as store_db
from textlens.store.identity import login_name
from textlens.store.sessions import end_sessions_of, live_sessions
from textlens.store.team import connection_report, grant_sql, is_team, setting, setup_roles
from textlens.store.tokens import issue_token, list_tokens, revoke_tokens

DB_HELP = "database file or URL (default: $TEXTLENS_DB); on PostgreSQL the owner role's URL for tokens"


def add_parser(subparsers) -> None:
    """Add the ``token``, ``session`` and ``store`` command groups to the main parser's subparsers."""
    token = subparsers.add_parser("token", help="personal tokens the command line writes to a team database with")
    sub = token.add_subparsers(dest="token_command", required=True)
    issue = sub.add_parser("issue", help="issue a token for one user (printed once, only its hash is kept)")
    issue.add_argument("--user", required=True, help="the user it names, as the server records them (their email)")
    issue.add_argument("--role", default="reviewer", choices=["viewer", "reviewer", "admin"], help="default reviewer")
    issue.add_argument("--label", default="", help="what it is for, e.g. 'laptop' (shown by `token list`)")
    issue.add_argument("--days", type=float, default=None, help="valid for this many days (default: until revoked)")
    revoke = sub.add_parser("revoke", help="revoke one token (--id) or every token of a user (--user)")
    which = revoke.add_mutually_exclusive_group(required=True)
    which.add_argument("--id", type=int, dest="token_id", help="the token's id (see `token list`)")
    which.add_argument("--user", help="revoke every live token of this user")
    listing = sub.add_parser("list", help="list live tokens (never the tokens themselves)")
    listing.add_argument("--all", action="store_true", help="also revoked and expired ones")

    session = subparsers.add_parser("session", help="the team server's sign-in sessions")
    sub = session.add_subparsers(dest="session_command", required=True)
    sessions_list = sub.add_parser("list", help="live sessions, most recently seen first")
    end = sub.add_parser("end", help="end every session of a user: their open pages ask them to sign in again")
    end.add_argument("--user", required=True, help="the user as the server records them (their email)")

    store = subparsers.add_parser("store", help="the pack database: migrate it and set up a team's roles")
    sub = store.add_subparsers(dest="store_command", required=True)
    migrate = sub.add_parser(
        "migrate",
        help="bring the tables to this textlens's schema (as the owner role) and grant the app and cli roles",
        description="Run as the role that owns the database. With --app-role (PostgreSQL) the app role gets "
        "exactly its rights (insert and read the history, never change it) and the database becomes a team "
        "database: the command line then writes only with a personal token.",
    )
    migrate.add_argument("--app-role", help="the PostgreSQL role the team server connects as")
    migrate.add_argument("--cli-role", help="the PostgreSQL role the team's command line connects as (optional)")
    migrate.add_argument(
        "--print-sql", action="store_true", help="only print the GRANT statements (for a DBA to run), change nothing"
    )
    status = sub.add_parser("status", help="schema revision, team mode and who this URL connects as")
    for p in (issue, revoke, listing, sessions_list, end, migrate, status):
        p.add_argument("--db", default=None, help=DB_HELP)


def _operator() -> Identity:
    # Whoever holds this database URL acts with its rights; their login name is what the records say.
    return Identity(login_name() or "cli", Role.ADMIN, verified=True, via="cli")


def _token(store, args) -> None:
    if args.token_command == "issue":
        token, record = issue_token(store, args.user, args.role, label=args.label, days=args.days)
        until = f", until {record.expires[:16].replace('T', ' ')} UTC" if record.expires else ""
        print(
            f"token {record.id} for {record.user_name} ({record.role.label}{until}); it is shown only now: "
            "hand it over privately, to be kept in TEXTLENS_TOKEN or a file of mode 600 named by TEXTLENS_TOKEN_FILE",
            file=sys.stderr,
        )
        print(token)
    elif args.token_command == "revoke":
        count = revoke_tokens(store, token_id=args.token_id, user=args.user)
        print(f"revoked {count} token{'s' * (count != 1)}", file=sys.stderr)
    else:
        for t in list_tokens(store, every=args.all):
            state = "revoked" if t.revoked else "live" if t.live else "expired"
            expires = t.expires[:16].replace("T", " ") if t.expires else "never"
            created = t.created[:16].replace("T", " ")
            fields = (str(t.id), t.user_name, t.role.label, t.label or "—", created, t.created_by, expires, state)
            print("\t".join(fields))


def _session(store, args) -> None:
    if args.session_command == "end":
        count = end_sessions_of(store, args.user)
        print(f"ended {count} session{'s' * (count != 1)} of {args.user}", file=sys.stderr)
        return
    for s in live_sessions(store):
        times = (s.created, s.last_seen, s.expires)
        print("\t".join((s.user_name, *(t[:19].replace("T", " ") for t in times))))


def _store(args) -> None:
    if args.store_command == "migrate" and args.print_sql:
        if not args.app_role:
            raise TextlensError("--print-sql needs --app-role (the team server's role).")
        print(";\n".join(grant_sql(args.app_role, args.cli_role)) + ";")
        return
    with open_store(args.db, identity=_operator()) as store:  # opening migrates, as the role it connects as
        if args.store_command == "migrate":
            if args.app_role or args.cli_role:
                if not args.app_role:
                    raise TextlensError("--cli-role needs --app-role (the team server's role).")
                setup_roles(store, args.app_role, args.cli_role)
                roles = f"{args.app_role} (app)" + (f" and {args.cli_role} (cli)" if args.cli_role else "")
                print(f"granted {roles} their rights; this is a team database", file=sys.stderr)
            print(f"schema at revision {store_db.current_revision(store.engine)} ({store.backend})", file=sys.stderr)
            return
        print(f"revision\t{store_db.current_revision(store.engine)}")
        print(f"backend\t{store.backend}")
        print(f"team\t{'yes' if is_team(store) else 'no'}")
        if store.backend == "postgresql":
            report = connection_report(store)
            print(f"connected as\t{report.user}{' (superuser)' if report.superuser else ''}")
            print(f"may rewrite the history\t{'yes' if report.may_rewrite_history else 'no'}")
            print(f"app role\t{setting(store, 'app_role') or '—'}")
            print(f"cli role\t{setting(store, 'cli_role') or '—'}")


def run(args: argparse.Namespace) -> None:
    """Run one ``token``, ``session`` or ``store`` command with the given database's rights."""
    if args.command == "store":
        _store(args)
        return
    with open_store(args.db, identity=_operator()) as store:
        if args.command == "token":
            _token(store, args)
        else:
            _session(store, args)
