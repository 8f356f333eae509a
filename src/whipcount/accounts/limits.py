"""Login rate limiting: failed sign-ins counted in the database, per name and address.

Each attempt is counted as a failure *before* its password is checked, in the same
write transaction as the check of the limit (serialised: SQLite's ``BEGIN IMMEDIATE``,
PostgreSQL's advisory lock :data:`LOCK_KEY`), so that a burst of simultaneous guesses
cannot all pass the limit; a right password then takes its own row back.  A sign-in is
refused before its password is checked when, in the last
:data:`WINDOW`, there were :data:`PER_NAME` failures for the name tried or
:data:`PER_ADDRESS` failures from the client's address.  The limit per address is
higher than per name because a whole embassy may sit behind one address; the limit per
name stops a guesser who spreads over many addresses.  The failures are rows of
``login_failures``, so every server process of a deployment counts the same ones.  A
successful sign-in clears its name's failures; rows older than the window are deleted
as new failures come in.

The wait announced (``Retry-After``) is the time until enough failures have left the
window for one more attempt to be considered.
"""

from __future__ import annotations

import datetime as dt
import math

import sqlalchemy as sa

from whipcount.accounts.tables import login_failures
from whipcount.campaign.entities import utc

__all__ = [
    "LOCK_KEY",
    "PER_ADDRESS",
    "PER_NAME",
    "WINDOW",
    "clear",
    "lock",
    "record_failure",
    "retry_after",
]

WINDOW = dt.timedelta(minutes=15)
PER_NAME = 5
PER_ADDRESS = 20
#: the PostgreSQL advisory lock serialising the sign-in bookkeeping ("wcsignin")
LOCK_KEY = 0x7763_7369_676E


def lock(connection: sa.Connection) -> None:
    """Serialise sign-in bookkeeping for the rest of this transaction (PostgreSQL; on
    SQLite the write transaction already holds the database's one write lock)."""
    if connection.dialect.name == "postgresql":
        connection.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": LOCK_KEY})


def retry_after(
    connection: sa.Connection, *, name: str, address: str, now: dt.datetime
) -> int | None:
    """Seconds to wait before the next sign-in for ``name`` from ``address`` is
    considered, or None when it may be tried now."""
    table = login_failures
    waits = [
        _wait(connection, table.c.name == name, PER_NAME, now),
        _wait(connection, table.c.address == address, PER_ADDRESS, now),
    ]
    found = [wait for wait in waits if wait is not None]
    return max(found) if found else None


def _wait(
    connection: sa.Connection, which: sa.ColumnElement[bool], limit: int, now: dt.datetime
) -> int | None:
    table = login_failures
    recent = (
        connection.execute(
            sa.select(table.c.at)
            .where(which, table.c.at > now - WINDOW)
            .order_by(table.c.at.desc())
            .limit(limit)
        )
        .scalars()
        .all()
    )
    if len(recent) < limit:
        return None
    oldest = utc(recent[-1])
    return max(1, math.ceil((oldest + WINDOW - now).total_seconds()))


def record_failure(connection: sa.Connection, *, name: str, address: str, now: dt.datetime) -> int:
    """Count one failed sign-in (its row id), and forget the failures that left the
    window."""
    table = login_failures
    connection.execute(sa.delete(table).where(table.c.at <= now - WINDOW))
    inserted = connection.execute(
        sa.insert(table).values(name=name, address=address, at=now).returning(table.c.id)
    )
    return int(inserted.scalar_one())


def clear(connection: sa.Connection, *, name: str, attempt: int | None = None) -> None:
    """Forget the failures of ``name`` and the row of this ``attempt`` (after a right
    password)."""
    table = login_failures
    which = table.c.name == name
    if attempt is not None:
        which = sa.or_(which, table.c.id == attempt)
    connection.execute(sa.delete(table).where(which))
