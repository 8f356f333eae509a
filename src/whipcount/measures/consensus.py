"""How many resolutions the General Assembly adopted without a vote in a period.

The State Department's "including consensus" coincidence adds the period's consensus
resolutions to the recorded votes (see :mod:`whipcount.measures.coincidence`).  Their
number comes from the record's ``adoptions`` table (the UN's machine-readable
resolutions, ``adoption_type = 'Without a vote'``), or from the user; it is never
guessed.  The record's count is given only where its sources are complete for the
whole period, which :func:`consensus_count` checks for every regular session that
overlaps the period:

1. resolution numbers (``A/RES/<session>/<n>``, from the adoptions and the recorded
   votes together) run from 1 with no gap whose possible dates touch the period (a
   missing number lies between the dates of its neighbours);
2. the session's records reach within 30 days of the period's end or of the session's
   close, whichever comes first (a source that stops in December lacks the resumed
   part of the session).

Otherwise the count is unknown (``None``) and the with-consensus figures are null;
``found`` still says how many adoptions the record holds.  A period the record does
not reach (one that starts after its last vote or resolution, ends before its first,
runs backwards once clipped to today, or meets no regular session) is unknown too,
"the period lies outside the record": no count, not a count of 0.  Emergency special and
special sessions are counted as found (their few resolutions are numbered separately
and nearly all are recorded votes).  Calendar 2022 gives 244, the figure that
reproduces the 2022 report's table (whose text says 246); 2023 is unknown because
A/RES/78/258, adopted between 22 December 2023 and 9 January 2024, is missing.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from whipcount.measures.selection import LAST_FALL_SESSION_REPORT, Selection
from whipcount.record.codes import session_span
from whipcount.record.reader import Record

_TAIL_GRACE = dt.timedelta(days=30)
_NUMBER = r"^A/RES/(\d+)/(\d+)"
_INDEXES: dict[tuple[str, int], AdoptionIndex] = {}


@dataclass(frozen=True)
class ConsensusCount:
    """The number of consensus resolutions behind an "including consensus" figure."""

    count: int | None  # None: unknown, so the with-consensus figure is null
    source: str  # "record", "given" (by the user) or "none" (no period)
    found: int | None = None  # adoptions without a vote in the record for the period
    why: str | None = None  # why the record's count is unknown

    def document(self) -> dict[str, Any]:
        return {"count": self.count, "source": self.source, "found": self.found, "why": self.why}


def given(count: int) -> ConsensusCount:
    """A count the user states (for example from the report itself)."""
    if count < 0:
        raise ValueError("a consensus count cannot be negative")
    return ConsensusCount(count, "given")


def unknown(why: str) -> ConsensusCount:
    return ConsensusCount(None, "none", why=why)


class AdoptionIndex:
    """The record's adoptions and resolution numbers, read once per record version."""

    def __init__(self, connection: sqlite3.Connection, roll_calls: pd.DataFrame) -> None:
        self.adoptions = pd.read_sql_query(
            "SELECT symbol, date, session, adoption_type FROM adoptions", connection
        )
        numbered = pd.concat(
            [self.adoptions[["symbol", "date"]], roll_calls[["symbol", "date"]]],
            ignore_index=True,
        )
        parts = numbered["symbol"].str.extract(_NUMBER).dropna().astype(int)
        numbered = numbered.loc[parts.index].assign(
            session=parts[0], number=parts[1], date=pd.to_datetime(numbered["date"])
        )
        self.numbers = numbered.groupby(["session", "number"])["date"].min().reset_index()
        days = pd.concat([self.adoptions["date"], roll_calls["date"]]).dropna()
        self.first_day = dt.date.fromisoformat(str(days.min())[:10])
        self.last_day = dt.date.fromisoformat(str(days.max())[:10])
        consensus = self.adoptions["adoption_type"] == "Without a vote"
        self.adoptions = self.adoptions[consensus].reset_index(drop=True)

    @classmethod
    def of(cls, record: Record) -> AdoptionIndex:
        """The index of ``record``, built once per record version."""
        key = (str(record.path), record.version)
        if key not in _INDEXES:
            _INDEXES[key] = cls(record.db, record.matrix().roll_calls)
        return _INDEXES[key]

    def count(
        self, start: dt.date, end: dt.date, sessions: tuple[int, int] | None = None
    ) -> ConsensusCount:
        """Consensus adoptions dated ``start``..``end`` (and in ``sessions``, if given)."""
        dates = self.adoptions["date"]
        inside = (dates >= start.isoformat()) & (dates <= end.isoformat())
        if sessions is not None:
            inside &= self.adoptions["session"].between(*sessions)
        found = int(inside.sum())
        overlapping = _overlapping_sessions(start, end, sessions)
        if start > end or start > self.last_day or end < self.first_day or not overlapping:
            outside = (
                f"the period lies outside the record (its votes and resolutions run from "
                f"{self.first_day} to {self.last_day})"
            )
            return ConsensusCount(None, "record", found, outside)
        for session in overlapping:
            why = self._incomplete(session, start, end)
            if why is not None:
                return ConsensusCount(None, "record", found, why)
        return ConsensusCount(found, "record", found)

    def _incomplete(self, session: int, start: dt.date, end: dt.date) -> str | None:
        rows = self.numbers[self.numbers["session"] == session]
        if rows.empty:
            return f"the record has no resolutions of session {session}"
        numbers = rows["number"].to_numpy()
        days = rows["date"].to_numpy().astype("datetime64[D]")
        first, last = np.datetime64(start, "D"), np.datetime64(end, "D")
        for gap in np.setdiff1d(np.arange(1, int(numbers.max()) + 1), numbers):
            before = days[numbers < gap].max() if (numbers < gap).any() else first
            after = days[numbers > gap].min()
            if before <= last and after >= first:
                return (
                    f"A/RES/{session}/{gap} is missing from the record; it was adopted "
                    f"between {before} and {after}"
                )
        reach = min(end, session_span(session)[1]) - _TAIL_GRACE
        if days.max() < np.datetime64(reach, "D"):
            return f"the record's resolutions of session {session} stop on {days.max()}"
        return None


def _overlapping_sessions(
    start: dt.date, end: dt.date, sessions: tuple[int, int] | None
) -> list[int]:
    if start > end:
        return []
    first, last = max(1, start.year - 1946), end.year - 1945
    found = [s for s in range(first, last + 1) if _overlaps(session_span(s), start, end)]
    if sessions is not None:
        found = [s for s in found if sessions[0] <= s <= sessions[1]]
    return found


def _overlaps(span: tuple[dt.date, dt.date], start: dt.date, end: dt.date) -> bool:
    return span[0] <= end and span[1] >= start


def consensus_for(index: AdoptionIndex, selection: Selection) -> ConsensusCount:
    """The record's consensus count for the period ``selection`` spans."""
    if selection.filtered:
        return unknown("adoptions without a vote carry no issue codes, series or flags")
    period = period_of(selection)
    if period is None:
        return unknown("the selection has no period (give sessions, dates or a year)")
    sessions = selection.sessions
    year = selection.report_year
    if year is not None and year <= LAST_FALL_SESSION_REPORT:
        sessions = (year - 1945, year - 1945)
    return index.count(*period, sessions)


def period_of(selection: Selection) -> tuple[dt.date, dt.date] | None:
    """The days a selection spans (``None`` when nothing bounds it)."""
    sessions, year = selection.sessions, selection.report_year
    if year is not None and year <= LAST_FALL_SESSION_REPORT and sessions is None:
        sessions = (year - 1945, year - 1945)
    if sessions is None and year is None and not (selection.since or selection.until):
        return None
    start, end = dt.date(1945, 10, 24), dt.date.today()
    if sessions is not None:
        start, end = session_span(sessions[0])[0], session_span(sessions[1])[1]
    if year is not None:
        start, end = max(start, dt.date(year, 1, 1)), min(end, dt.date(year, 12, 31))
    start = max(start, selection.since) if selection.since else start
    end = min(end, selection.until) if selection.until else end
    return start, min(end, dt.date.today())
