"""A throwaway PostgreSQL server for the tests: Debian's binaries, a temp folder, 127.0.0.1 on a free port."""

from __future__ import annotations

import glob
import itertools
import os
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest

USER = "textlens"


def binaries() -> Path | None:
    """The newest ``/usr/lib/postgresql/*/bin`` that has initdb and pg_ctl, or None."""
    found = [Path(p) for p in glob.glob("/usr/lib/postgresql/*/bin") if (Path(p) / "initdb").exists()]
    return max(found, key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0) if found else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass(frozen=True)
class TeamDatabase:
    """A team database's URLs and role names: the owner (migration role), the app's and the command line's."""

    owner_url: str
    app_url: str
    cli_url: str
    owner: str
    app: str
    cli: str


class Server:
    """One running cluster; :meth:`new_database` hands each test an empty database."""

    def __init__(self) -> None:
        bin_dir = binaries()
        if bin_dir is None:
            pytest.skip("PostgreSQL binaries not found under /usr/lib/postgresql/*/bin (apt-get install postgresql)")
        self.bin = bin_dir
        self.root = Path(tempfile.mkdtemp(prefix="textlens-pg-"))
        # initdb refuses to run as root: then the cluster belongs to Debian's "postgres" user.
        self.prefix: list[str] = []
        if os.geteuid() == 0:
            if shutil.which("runuser") is None:
                pytest.skip("running as root without runuser: cannot start PostgreSQL as another user")
            shutil.chown(self.root, "postgres", "postgres")
            self.prefix = ["runuser", "-u", "postgres", "--"]
        self.data = self.root / "data"
        self.port = _free_port()
        self._names = itertools.count(1)
        self._run("initdb", "-D", str(self.data), "-U", USER, "-A", "trust", "-E", "UTF8", "--locale=C", "-N")
        options = f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.root} -c max_connections=60"
        self._run("pg_ctl", "-D", str(self.data), "-o", options, "-l", str(self.root / "log"), "-w", "start")

    def _run(self, program: str, *args: str) -> None:
        result = subprocess.run([*self.prefix, str(self.bin / program), *args], capture_output=True, text=True)
        if result.returncode != 0:
            raise RuntimeError(f"{program} failed: {result.stderr or result.stdout}")

    def url(self, database: str) -> str:
        """The SQLAlchemy URL of one database on this server."""
        return f"postgresql+psycopg://{USER}@127.0.0.1:{self.port}/{database}"

    def new_database(self) -> str:
        """Create an empty database and return its URL."""
        name = f"t{next(self._names)}"
        self.admin_sql(f"CREATE DATABASE {name}")
        return self.url(name)

    def admin_sql(self, *statements: str) -> None:
        """Run statements as the cluster's superuser, outside a transaction (CREATE ROLE, CREATE DATABASE)."""
        import psycopg

        with psycopg.connect(f"host=127.0.0.1 port={self.port} user={USER} dbname=postgres", autocommit=True) as c:
            for statement in statements:
                c.execute(statement)

    def team_database(self) -> TeamDatabase:
        """A database set up as docs/deployment.md says: owned by a migration role, used by an app and a cli role.

        The roles are made fresh (roles are the cluster's, shared by every test); the login is ``trust``, so
        the passwords the guide sets are not needed here. The tables are not created yet.
        """
        n = next(self._names)
        owner, app, cli, name = f"owner{n}", f"app{n}", f"cli{n}", f"team{n}"
        self.admin_sql(
            *(f"CREATE ROLE {role} LOGIN" for role in (owner, app, cli)),
            f"CREATE DATABASE {name} OWNER {owner}",
        )
        url = f"postgresql+psycopg://{{}}@127.0.0.1:{self.port}/{name}"
        return TeamDatabase(url.format(owner), url.format(app), url.format(cli), owner, app, cli)

    def stop(self) -> None:
        """Stop the server and delete its folder."""
        try:
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)


@pytest.fixture(scope="session")
def postgres_server():
    """A PostgreSQL server for the whole session (skipped with the reason where the binaries are absent)."""
    server = Server()
    try:
        yield server
    finally:
        server.stop()
