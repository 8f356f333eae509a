"""A throwaway PostgreSQL cluster for tests, and a fresh database per test.

:func:`start_cluster` runs ``initdb`` and ``pg_ctl`` (as the ``postgres`` OS user when
we are root, since PostgreSQL refuses to run as root) in a new folder under the system
temp folder, with trust authentication, a Unix socket in that folder and a free TCP
port on 127.0.0.1.  ``.ci/run`` starts one the same way (``python -m
tests.campaign.postgres start``) and exports its URL as ``WHIPCOUNT_TEST_DATABASE_URL``.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import psycopg
import sqlalchemy as sa
from psycopg import sql

__all__ = ["Cluster", "find_program", "fresh_database", "start_cluster"]

SEARCH = ("/usr/lib/postgresql/*/bin", "/usr/local/pgsql/bin", "/opt/homebrew/bin")
_OWNER = "postgres"


def find_program(name: str) -> Path | None:
    """A PostgreSQL program on the PATH or in the usual install folders (newest first)."""
    found = shutil.which(name)
    if found:
        return Path(found)
    for pattern in SEARCH:
        root = Path(pattern.split("*")[0])
        candidates = sorted(root.glob("*/bin") if "*" in pattern else [root], reverse=True)
        for folder in candidates:
            if (folder / name).is_file():
                return folder / name
    return None


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _as_owner(command: list[str]) -> list[str]:
    return ["runuser", "-u", _OWNER, "--", *command] if os.geteuid() == 0 else command


@dataclass
class Cluster:
    """A running throwaway cluster; ``url`` connects to its ``postgres`` database."""

    folder: Path
    port: int
    pg_ctl: Path

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://{_OWNER}@127.0.0.1:{self.port}/postgres"

    def stop(self) -> None:
        """Stop the server at once and delete its folder."""
        subprocess.run(
            _as_owner(
                [str(self.pg_ctl), "-D", str(self.folder / "data"), "-m", "immediate", "stop"]
            ),
            check=False,
            capture_output=True,
        )
        shutil.rmtree(self.folder, ignore_errors=True)


def start_cluster() -> Cluster:
    """Create and start a cluster (see the module docstring); raises if it cannot."""
    initdb, pg_ctl = find_program("initdb"), find_program("pg_ctl")
    if initdb is None or pg_ctl is None:
        raise FileNotFoundError("PostgreSQL's initdb and pg_ctl were not found")
    folder = Path(tempfile.mkdtemp(prefix="whipcount-pg-"))
    if os.geteuid() == 0:
        shutil.chown(folder, _OWNER, _OWNER)
    data = folder / "data"
    initialise = [str(initdb), "-D", str(data), "-U", _OWNER, "--auth=trust", "-E", "UTF8"]
    subprocess.run(_as_owner(initialise), check=True, capture_output=True, text=True)
    port = _free_port()
    options = f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off"
    log = folder / "server.log"
    start = [str(pg_ctl), "-D", str(data), "-o", options, "-l", str(log), "-w", "-t", "60", "start"]
    try:
        subprocess.run(_as_owner(start), check=True, capture_output=True, text=True)
    except subprocess.CalledProcessError as error:
        text = log.read_text() if log.exists() else ""
        shutil.rmtree(folder, ignore_errors=True)
        raise RuntimeError(f"PostgreSQL did not start: {error.stderr}\n{text}") from error
    return Cluster(folder=folder, port=port, pg_ctl=pg_ctl)


def _libpq(url: sa.URL) -> str:
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


@contextmanager
def fresh_database(server: str) -> Iterator[str]:
    """A new, empty database on the server whose maintenance URL is ``server``; dropped
    on exit.  Yields its SQLAlchemy URL."""
    maintenance = sa.make_url(server)
    name = f"whipcount_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(_libpq(maintenance), autocommit=True) as connection:
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield maintenance.set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(_libpq(maintenance), autocommit=True) as connection:
            drop = sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            connection.execute(drop)


def main(argv: list[str]) -> int:
    """``start`` prints ``URL FOLDER`` of a new cluster; ``stop FOLDER`` stops it."""
    if argv[:1] == ["start"]:
        cluster = start_cluster()
        print(cluster.url, cluster.folder)
        return 0
    if len(argv) == 2 and argv[0] == "stop":
        pg_ctl = find_program("pg_ctl")
        assert pg_ctl is not None
        Cluster(folder=Path(argv[1]), port=0, pg_ctl=pg_ctl).stop()
        return 0
    print("usage: python -m tests.campaign.postgres start | stop FOLDER", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
