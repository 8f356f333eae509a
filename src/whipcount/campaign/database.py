"""Connecting to the campaign database: engines, transactions, migrations, checks.

The campaign database is an SQLite file (``campaigns.sqlite`` in the user data folder)
unless ``WHIPCOUNT_DATABASE_URL`` names another SQLAlchemy URL, typically PostgreSQL
(``postgresql+psycopg://user@host/db``).

- **SQLite** connections enforce foreign keys, use the write-ahead log (readers never
  block the writer), wait up to :data:`BUSY_TIMEOUT` seconds for a lock, and open every
  write transaction with ``BEGIN IMMEDIATE``: concurrent writers queue for the write lock
  at the start of their transaction instead of failing half-way with "database is
  locked".  pysqlite's own transaction handling is switched off so that these
  statements are the only ones issued.
- **PostgreSQL** runs at its default isolation (read committed); the optimistic version
  check is a conditional ``UPDATE`` whose row lock serialises concurrent writers of a
  member.
- **Migrations** run to Alembic's head when a store is opened (:func:`upgrade`): one
  read of the version table when the database is up to date; otherwise the whole
  upgrade in one write transaction (under an advisory lock on PostgreSQL), so that two
  processes opening a new database at once do not both create it.  Alembic is
  configured in code (no ``alembic.ini``), its output is swallowed, and logging is left
  as the application set it.
"""

from __future__ import annotations

import io
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util.exc import CommandError

from whipcount.errors import CampaignError
from whipcount.settings import user_data_dir

__all__ = [
    "BUSY_TIMEOUT",
    "alembic_config",
    "create_engine",
    "default_url",
    "integrity_problems",
    "reading",
    "redacted",
    "revision",
    "upgrade",
    "writing",
]

#: seconds an SQLite connection waits for another writer before giving up
BUSY_TIMEOUT = 60.0
MIGRATIONS = Path(__file__).resolve().parents[1] / "migrations"
#: the key of the PostgreSQL advisory lock held while migrating
_MIGRATION_LOCK = 0x57C0
_WRITE = "whipcount_write"


def default_url() -> str:
    """``sqlite:///<user data folder>/campaigns.sqlite``."""
    return f"sqlite:///{user_data_dir() / 'campaigns.sqlite'}"


def redacted(url: str | sa.URL) -> str:
    """The URL with its password hidden, for messages."""
    return sa.make_url(url).render_as_string(hide_password=True)


def create_engine(url: str) -> sa.Engine:
    """An engine for ``url``, set up as the module docstring says."""
    parsed = sa.make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return sa.create_engine(parsed, pool_pre_ping=True)
    memory = parsed.database in (None, "", ":memory:")
    engine = sa.create_engine(
        parsed,
        connect_args={"timeout": BUSY_TIMEOUT, "check_same_thread": False},
        poolclass=sa.StaticPool if memory else sa.QueuePool,
    )
    sa.event.listen(engine, "connect", _sqlite_connect)
    sa.event.listen(engine, "begin", _sqlite_begin)
    return engine


def _sqlite_connect(dbapi_connection: Any, _record: object) -> None:
    dbapi_connection.isolation_level = None  # we issue BEGIN ourselves
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT * 1000)}")
        _wal(cursor)
    finally:
        cursor.close()


def _wal(cursor: Any) -> None:
    """Switch to WAL.  Two processes creating the file at once can make the switch fail
    at once with "database is locked" (SQLite does not wait on it as it waits for other
    locks), so it is retried until the busy timeout."""
    deadline = time.monotonic() + BUSY_TIMEOUT
    while True:
        try:
            cursor.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) or time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def _sqlite_begin(connection: sa.Connection) -> None:
    write = connection.get_execution_options().get(_WRITE, False)
    connection.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


@contextmanager
def writing(engine: sa.Engine) -> Iterator[sa.Connection]:
    """A connection in a write transaction: committed on success, rolled back on error."""
    with engine.connect() as connection:
        connection.execution_options(**{_WRITE: True})
        with connection.begin():
            yield connection


@contextmanager
def writing_or(engine: sa.Engine, error: type[Exception]) -> Iterator[sa.Connection]:
    """:func:`writing`, with a constraint the change breaks (a taken name, a missing
    row) raised as ``error`` naming the conflict, the stores' one way to say so."""
    try:
        with writing(engine) as connection:
            yield connection
    except sa.exc.IntegrityError as conflict:
        raise error(f"the change conflicts with the database: {conflict.orig}") from conflict


@contextmanager
def reading(engine: sa.Engine) -> Iterator[sa.Connection]:
    """A connection in a read transaction (one consistent view of the database)."""
    with engine.connect() as connection, connection.begin():
        yield connection


def alembic_config(connection: sa.Connection | None = None, url: str | None = None) -> Config:
    """Alembic's configuration in code: the bundled scripts, a connection or a URL.

    For developers: ``command.revision(alembic_config(url=...), message=..., autogenerate=True)``
    drafts a new migration against a database at the current head; with ``sql=True``,
    ``command.upgrade`` writes the SQL script to ``config.output_buffer``."""
    config = Config(stdout=io.StringIO(), output_buffer=io.StringIO())
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("path_separator", "os")
    if url is not None:
        config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    config.attributes["connection"] = connection
    return config


def head() -> str:
    """The newest migration's revision id."""
    found = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert found is not None
    return found


def revision(connection: sa.Connection) -> str | None:
    """The revision the database is at (None for an empty database)."""
    return MigrationContext.configure(connection).get_current_revision()


def upgrade(engine: sa.Engine) -> None:
    """Migrate the database to the newest revision (nothing to do when it is there)."""
    target = head()
    try:
        with reading(engine) as connection:
            if revision(connection) == target:
                return
        with writing(engine) as connection:
            if engine.dialect.name == "postgresql":
                connection.execute(
                    sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": _MIGRATION_LOCK}
                )
            current = revision(connection)
            if current == target:
                return
            command.upgrade(alembic_config(connection), "head")
    except CommandError as error:
        raise CampaignError(
            f"the campaign database {redacted(engine.url)} is at a revision this version of "
            f"whipcount does not know ({error}); upgrade whipcount"
        ) from error


def integrity_problems(engine: sa.Engine) -> list[str]:
    """What the database's own checks find wrong (empty when all is well).

    SQLite: ``PRAGMA integrity_check`` and ``PRAGMA foreign_key_check``.  PostgreSQL
    enforces its constraints on every write, so only the migration revision is checked
    there."""
    problems: list[str] = []
    with reading(engine) as connection:
        if engine.dialect.name == "sqlite":
            rows = connection.exec_driver_sql("PRAGMA integrity_check").scalars().all()
            problems += [str(row) for row in rows if row != "ok"]
            for row in connection.exec_driver_sql("PRAGMA foreign_key_check").all():
                problems.append(f"foreign key: {tuple(row)}")
        current = revision(connection)
    if current != head():
        problems.append(f"database at revision {current}, expected {head()}")
    return problems
