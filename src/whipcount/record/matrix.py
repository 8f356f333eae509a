"""The record as a dense matrix: roll calls × members, int8 vote codes.

Cells hold :class:`~whipcount.record.codes.Vote` codes (1 yes, 2 abstain, 3 no,
8 absent) and 0 where the state was not a member that day.  Rows follow the
``roll_calls`` index table (chronological), columns the ``members`` table.  The
whole record is about 7,000 × 210 cells, a few MB.

Building it from SQLite takes about a second; the importer therefore saves it beside
the record (``record.sqlite.matrix.npz``, tagged with the record version), and
:func:`load_matrix` reuses that file, or its in-process copy, while the version holds.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from whipcount.record.codes import NOT_MEMBER
from whipcount.record.store import connect_readonly, record_version

ROLL_CALL_INDEX_COLUMNS = (
    "rc, id, session, session_kind, session_label, date, date_precision, date_min, date_max, "
    "symbol, title, final, important_vote, amendment, paragraph, me, nu, di, hr, co, ec, "
    "yes, no, abstain, absent"
)


@dataclass(frozen=True)
class VoteMatrix:
    """Votes of every member on every roll call, with the index tables."""

    votes: np.ndarray  # int8, shape (len(roll_calls), len(members))
    roll_calls: pd.DataFrame  # one row per matrix row
    members: pd.DataFrame  # one row per matrix column
    version: int

    @property
    def shape(self) -> tuple[int, int]:
        return (int(self.votes.shape[0]), int(self.votes.shape[1]))

    def row(self, roll_call_id: str) -> int:
        """The matrix row of the roll call with public id ``roll_call_id``."""
        hits = np.flatnonzero(self.roll_calls["id"].to_numpy() == roll_call_id)
        if not len(hits):
            raise KeyError(roll_call_id)
        return int(hits[0])

    def column(self, code: str) -> int:
        """The matrix column of member ``code``."""
        hits = np.flatnonzero(self.members["code"].to_numpy() == code)
        if not len(hits):
            raise KeyError(code)
        return int(hits[0])

    def before(self, day: dt.date) -> np.ndarray:
        """Rows of roll calls surely held before ``day``: where the date is approximate,
        the whole session must precede it (``date_max < day``), so nothing leaks."""
        mask: np.ndarray = (self.roll_calls["date_max"] < day.isoformat()).to_numpy()
        return mask

    def since(self, day: dt.date) -> np.ndarray:
        """Rows of roll calls surely held on or after ``day`` (``date_min >= day``)."""
        mask: np.ndarray = (self.roll_calls["date_min"] >= day.isoformat()).to_numpy()
        return mask

    def tally(self) -> pd.DataFrame:
        """Counts of yes/no/abstain/absent per roll call, computed from the cells."""
        return pd.DataFrame(
            {
                "yes": (self.votes == 1).sum(axis=1),
                "no": (self.votes == 3).sum(axis=1),
                "abstain": (self.votes == 2).sum(axis=1),
                "absent": (self.votes == 8).sum(axis=1),
            },
            index=self.roll_calls["id"],
        )


_CACHE: dict[tuple[str, int], VoteMatrix] = {}


def cache_path(record: Path) -> Path:
    return record.with_name(record.name + ".matrix.npz")


def _index_tables(connection: sqlite3.Connection) -> tuple[pd.DataFrame, pd.DataFrame]:
    roll_calls = pd.read_sql_query(
        f"SELECT {ROLL_CALL_INDEX_COLUMNS} FROM roll_calls ORDER BY date, rc", connection
    )
    members = pd.read_sql_query(
        "SELECT code, iso3, short_name, regional_group, admitted, ended FROM members ORDER BY code",
        connection,
    )
    return roll_calls, members


def build_matrix(connection: sqlite3.Connection) -> VoteMatrix:
    """Build the matrix from the record's tables."""
    version = record_version(connection)
    roll_calls, members = _index_tables(connection)
    # two scans in primary-key order, single columns: much faster than unpacking tuples
    order = " FROM votes ORDER BY rc, member"
    packed = np.fromiter(
        (r[0] for r in connection.execute("SELECT (rc << 4) | vote" + order)), dtype=np.int64
    )
    codes = [r[0] for r in connection.execute("SELECT member" + order)]
    votes = np.full((len(roll_calls), len(members)), NOT_MEMBER, dtype=np.int8)
    if len(packed):
        row_of = np.full(int(roll_calls["rc"].max()) + 1, -1, dtype=np.int64)
        row_of[roll_calls["rc"].to_numpy()] = np.arange(len(roll_calls))
        cols = pd.Categorical(codes, categories=members["code"]).codes
        votes[row_of[packed >> 4], cols] = (packed & 0xF).astype(np.int8)
    return VoteMatrix(votes, roll_calls, members, version)


def refresh_cache(record: Path) -> VoteMatrix:
    """Rebuild the matrix and save it beside the record."""
    connection = connect_readonly(record)
    try:
        matrix = build_matrix(connection)
    finally:
        connection.close()
    target = cache_path(record)
    temporary = target.with_name(target.name + ".tmp.npz")
    np.savez(
        temporary,
        votes=matrix.votes,
        rc=matrix.roll_calls["rc"].to_numpy(),
        members=matrix.members["code"].to_numpy().astype(str),
        version=np.array(matrix.version),
    )
    temporary.replace(target)
    _CACHE[(str(record), matrix.version)] = matrix
    return matrix


def load_matrix(record: Path) -> VoteMatrix:
    """The record's vote matrix: from memory, the saved cache, or built afresh."""
    connection = connect_readonly(record)
    try:
        version = record_version(connection)
        cached = _CACHE.get((str(record), version))
        if cached is not None:
            return cached
        matrix = _from_cache_file(record, connection, version) or build_matrix(connection)
    finally:
        connection.close()
    _CACHE[(str(record), version)] = matrix
    return matrix


def _from_cache_file(
    record: Path, connection: sqlite3.Connection, version: int
) -> VoteMatrix | None:
    path = cache_path(record)
    if not path.is_file():
        return None
    try:
        with np.load(path) as saved:
            if int(saved["version"]) != version:
                return None
            votes, rc, codes = saved["votes"], saved["rc"], saved["members"]
    except (OSError, ValueError, KeyError):
        return None
    roll_calls, members = _index_tables(connection)
    if not (
        np.array_equal(rc, roll_calls["rc"].to_numpy())
        and np.array_equal(codes, members["code"].to_numpy().astype(str))
    ):
        return None
    return VoteMatrix(votes, roll_calls, members, version)
