"""The record's SQLite file: its schema, and how it is opened.

Everything but the importer opens the record read-only (``mode=ro``), as datasette
does with its data files; the importer is the one writer, and writes each import in
one transaction, so a crash or a bad file leaves the previous record intact.

Tables (documented column by column in ``docs/RECORD.md``)::

    meta             key/value: schema_version, record_version
    sources          source name, precedence, description
    members, member_periods, member_keys, regional_groups, blocs, bloc_members
    roll_calls       one row per recorded vote; ``rc`` is an internal integer,
                     ``id`` the stable public id (the resolution symbol where unique)
    roll_call_keys   every key by which a source knows a roll call (rcid:3670, A/RES/74/7)
    source_totals    the totals each source publishes for a roll call
    votes            (rc, member) → vote 1 yes / 2 abstain / 3 no / 8 absent
    conflicts        every disagreement between sources, with both values
    adoptions        resolutions adopted without a vote (where a source lists them)
    series, series_members   the same resolution across sessions
    imports          one row per import of a file: checksum, rows added
    reference_idealpoints, reference_matches   published BSV estimates (not votes)
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from whipcount.errors import RecordMissingError, RecordSchemaError

SCHEMA_VERSION = 1

SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE sources (
    name TEXT PRIMARY KEY, precedence INTEGER NOT NULL, description TEXT NOT NULL
);
CREATE TABLE members (
    code TEXT PRIMARY KEY, iso3 TEXT, iso2 TEXT, cow INTEGER, short_name TEXT NOT NULL,
    official_name TEXT NOT NULL, admitted TEXT NOT NULL, ended TEXT, successor TEXT,
    regional_group TEXT NOT NULL, notes TEXT
);
CREATE TABLE member_periods (code TEXT NOT NULL, start TEXT NOT NULL, "end" TEXT, note TEXT);
CREATE TABLE member_keys (
    scheme TEXT NOT NULL, key TEXT NOT NULL, code TEXT NOT NULL, valid_from TEXT,
    valid_to TEXT, source TEXT
);
CREATE TABLE regional_groups (
    code TEXT NOT NULL, "group" TEXT NOT NULL, start TEXT, "end" TEXT, note TEXT
);
CREATE TABLE blocs (bloc TEXT PRIMARY KEY, name TEXT, kind TEXT, founded TEXT, source TEXT);
CREATE TABLE bloc_members (
    bloc TEXT NOT NULL, code TEXT NOT NULL, start TEXT, "end" TEXT, note TEXT
);
CREATE TABLE roll_calls (
    rc INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    session INTEGER NOT NULL,
    session_kind TEXT NOT NULL CHECK (session_kind IN ('regular', 'special', 'emergency')),
    session_label TEXT NOT NULL,
    date TEXT NOT NULL,
    date_precision TEXT NOT NULL CHECK (date_precision IN ('day', 'approximate')),
    date_min TEXT NOT NULL,
    date_max TEXT NOT NULL,
    rcid INTEGER,
    symbol TEXT,
    source_symbol TEXT,
    draft_symbol TEXT,
    title TEXT,
    description TEXT,
    short_title TEXT,
    agenda_item TEXT,
    committee TEXT,
    meeting TEXT,
    sponsors TEXT,
    subjects TEXT,
    vote_note TEXT,
    me INTEGER, nu INTEGER, di INTEGER, hr INTEGER, co INTEGER, ec INTEGER,
    important_vote INTEGER,
    amendment INTEGER,
    paragraph INTEGER,
    final INTEGER,
    yes INTEGER, no INTEGER, abstain INTEGER, absent INTEGER,
    totals_source TEXT,
    source TEXT NOT NULL,
    import_id INTEGER NOT NULL
);
CREATE INDEX roll_calls_symbol ON roll_calls (symbol);
CREATE INDEX roll_calls_date ON roll_calls (date);
CREATE TABLE roll_call_keys (
    key TEXT PRIMARY KEY, rc INTEGER NOT NULL REFERENCES roll_calls (rc), source TEXT NOT NULL
);
CREATE INDEX roll_call_keys_rc ON roll_call_keys (rc);
CREATE TABLE source_totals (
    rc INTEGER NOT NULL REFERENCES roll_calls (rc), source TEXT NOT NULL,
    yes INTEGER, no INTEGER, abstain INTEGER, absent INTEGER,
    PRIMARY KEY (rc, source)
);
CREATE TABLE votes (
    rc INTEGER NOT NULL REFERENCES roll_calls (rc),
    member TEXT NOT NULL REFERENCES members (code),
    vote INTEGER NOT NULL CHECK (vote IN (1, 2, 3, 8)),
    explicit INTEGER NOT NULL,
    source TEXT NOT NULL,
    reason TEXT,
    PRIMARY KEY (rc, member)
) WITHOUT ROWID;
CREATE INDEX votes_member ON votes (member, rc);
CREATE INDEX votes_implied ON votes (rc, member) WHERE explicit = 0;
CREATE TABLE conflicts (
    id INTEGER PRIMARY KEY,
    rc INTEGER NOT NULL REFERENCES roll_calls (rc),
    member TEXT,
    kind TEXT NOT NULL,
    kept_source TEXT NOT NULL, kept_value TEXT,
    other_source TEXT NOT NULL, other_value TEXT,
    import_id INTEGER NOT NULL
);
CREATE UNIQUE INDEX conflicts_unique ON conflicts (
    rc, IFNULL(member, ''), kind, kept_source, other_source
);
CREATE TABLE adoptions (
    symbol TEXT PRIMARY KEY, date TEXT NOT NULL, session INTEGER NOT NULL, title TEXT,
    adoption_type TEXT, source TEXT NOT NULL
);
CREATE TABLE series (
    id TEXT PRIMARY KEY, title TEXT NOT NULL, first_session INTEGER NOT NULL,
    last_session INTEGER NOT NULL, instances INTEGER NOT NULL
);
CREATE TABLE series_members (
    rc INTEGER PRIMARY KEY REFERENCES roll_calls (rc),
    series_id TEXT NOT NULL REFERENCES series (id),
    session INTEGER NOT NULL,
    link TEXT NOT NULL
);
CREATE INDEX series_members_series ON series_members (series_id);
CREATE TABLE imports (
    id INTEGER PRIMARY KEY,
    started_at TEXT NOT NULL,
    finished_at TEXT NOT NULL,
    source TEXT NOT NULL,
    path TEXT NOT NULL,
    files TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    roll_calls_added INTEGER NOT NULL,
    votes_added INTEGER NOT NULL,
    votes_changed INTEGER NOT NULL,
    conflicts_added INTEGER NOT NULL,
    notes TEXT
);
CREATE TABLE reference_idealpoints (
    subset TEXT NOT NULL, period TEXT NOT NULL, period_value INTEGER NOT NULL,
    member TEXT NOT NULL, cow INTEGER, n_votes REAL, ideal_point REAL,
    q05 REAL, q50 REAL, q95 REAL,
    PRIMARY KEY (subset, period, period_value, member, cow)
);
CREATE TABLE reference_matches (
    rcid1 INTEGER NOT NULL, rcid2 INTEGER NOT NULL, PRIMARY KEY (rcid1, rcid2)
);
"""


def connect_readonly(path: Path) -> sqlite3.Connection:
    """Open the record read-only; ``RecordMissingError`` if there is none."""
    if not path.is_file():
        raise RecordMissingError(
            f"no record at {path}; run `whipcount import` to build it (or set WHIPCOUNT_RECORD)"
        )
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
    check_schema(connection, path)
    return connection


def connect_writer(path: Path) -> sqlite3.Connection:
    """Open (creating if needed) the record for the importer."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fresh = not path.exists() or path.stat().st_size == 0
    connection = sqlite3.connect(path, isolation_level=None)
    connection.execute("PRAGMA journal_mode = DELETE")
    connection.execute("PRAGMA synchronous = NORMAL")
    connection.execute("PRAGMA cache_size = -262144")  # 256 MB: bulk B-tree inserts
    connection.execute("PRAGMA temp_store = MEMORY")
    connection.execute("PRAGMA foreign_keys = OFF")  # checked once per import instead
    if fresh:
        with transaction(connection):
            for statement in SCHEMA.split(";"):
                if statement.strip():
                    connection.execute(statement)
            connection.execute(
                "INSERT INTO meta VALUES ('schema_version', ?), ('record_version', '0')",
                (str(SCHEMA_VERSION),),
            )
    check_schema(connection, path)
    return connection


class transaction:  # noqa: N801 - used like a function: ``with transaction(conn):``
    """``BEGIN IMMEDIATE`` … ``COMMIT``, or ``ROLLBACK`` on any exception."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self.connection = connection

    def __enter__(self) -> sqlite3.Connection:
        self.connection.execute("BEGIN IMMEDIATE")
        return self.connection

    def __exit__(self, kind: object, value: object, traceback: object) -> None:
        if kind is None:
            self.connection.execute("COMMIT")
        else:
            self.connection.execute("ROLLBACK")


def check_schema(connection: sqlite3.Connection, path: Path) -> None:
    try:
        row = connection.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    except sqlite3.DatabaseError as error:
        raise RecordSchemaError(f"{path} is not a whipcount record ({error})") from error
    if row is None or int(row[0]) != SCHEMA_VERSION:
        found = row[0] if row else "none"
        raise RecordSchemaError(
            f"{path} has schema version {found}, this whipcount needs {SCHEMA_VERSION}; "
            "rebuild it with `whipcount import --rebuild`"
        )


def drop_lookup_indexes(connection: sqlite3.Connection) -> None:
    """Drop the indexes that only readers need, for a fast bulk import."""
    connection.execute("DROP INDEX IF EXISTS votes_member")


def create_lookup_indexes(connection: sqlite3.Connection) -> None:
    connection.execute("CREATE INDEX IF NOT EXISTS votes_member ON votes (member, rc)")


def record_version(connection: sqlite3.Connection) -> int:
    row = connection.execute("SELECT value FROM meta WHERE key = 'record_version'").fetchone()
    return int(row[0])
