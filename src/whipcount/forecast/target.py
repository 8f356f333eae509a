"""What is forecast: a roll call of the record, the next instance of a series, or a draft.

A :class:`Target` carries only what is known before the vote: the title, the series
(if any), the session, the expected date, the sponsors and issue codes, and the kind
of vote.  Targets built from the record (:meth:`Target.of_row`) are the backtest's;
:meth:`Target.next_instance` and :meth:`Target.draft` are what a delegation asks.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from whipcount.errors import NotFoundError
from whipcount.forecast.data import ForecastData
from whipcount.record.codes import session_opening, session_span
from whipcount.record.reader import ISSUE_CODES

#: A draft's vote is assumed this many days into its session, unless told otherwise.
DRAFT_DAYS = 90


@dataclass(frozen=True)
class Target:
    """One vote to forecast (see the module docstring)."""

    title: str
    session: int
    date: dt.date
    series: str | None = None
    sponsors: frozenset[str] | None = None
    issues: tuple[str, ...] | None = None  # None: not coded
    kind: str = "regular"
    amendment: bool = False
    paragraph: bool = False
    row: int | None = None  # matrix row, for targets of the record

    @classmethod
    def of_row(cls, data: ForecastData, row: int) -> Target:
        frame = data.matrix.roll_calls
        record = frame.iloc[row]
        coded = data.issues[row]
        issues = (
            None
            if np.isnan(coded).all()
            else tuple(c for c, v in zip(ISSUE_CODES, coded, strict=True) if v == 1)
        )
        return cls(
            title=str(record["title"] or ""),
            session=int(record["session"]),
            date=dt.date.fromisoformat(str(record["date"])),
            series=data.series[row],
            sponsors=data.sponsors[row],
            issues=issues,
            kind=str(record["session_kind"]),
            amendment=bool(record["amendment"] == 1),
            paragraph=bool(record["paragraph"] == 1),
            row=row,
        )

    @classmethod
    def next_instance(cls, data: ForecastData, series: str, session: int | None = None) -> Target:
        """The instance of ``series`` voted in ``session`` (default: the session after
        its last instance).  If the record holds that instance, its title, date and
        sponsors are used (they are known before the vote); otherwise the last
        instance's, moved to the new session."""
        rows = data.series_rows.get(series)
        if rows is None:
            raise NotFoundError(f"no series {series!r} (find one with `whipcount series find`)")
        sessions = data.sessions[rows]
        if session is None:
            session = int(sessions.max()) + 1
        held = rows[sessions == session]
        if len(held):
            return cls.of_row(data, int(held[-1]))
        earlier = rows[sessions < session]
        if not len(earlier):
            raise NotFoundError(
                f"series {series!r} has no instance before session {session}: nothing to "
                "forecast it from (describe it as a draft instead)"
            )
        last = cls.of_row(data, int(earlier[-1]))
        return cls(
            title=last.title,
            session=session,
            date=_moved(last.date, last.session, session),
            series=series,
            sponsors=None,
            issues=last.issues,
            kind=last.kind,
        )

    @classmethod
    def draft(
        cls,
        title: str,
        *,
        session: int,
        date: dt.date | None = None,
        not_before: dt.date | None = None,
        sponsors: frozenset[str] | None = None,
        issues: tuple[str, ...] | None = None,
    ) -> Target:
        """A new draft: its title, sponsors and issue codes; voted in ``session`` on
        ``date`` (default: :data:`DRAFT_DAYS` after the session opens, early December, or
        ``not_before`` if that is later)."""
        if not title.strip():
            raise NotFoundError("a draft needs a title")
        for code in issues or ():
            if code not in ISSUE_CODES:
                raise NotFoundError(f"no issue code {code!r}; use one of {', '.join(ISSUE_CODES)}")
        day = date or session_opening(session) + dt.timedelta(days=DRAFT_DAYS)
        if date is None and not_before is not None:
            day = max(day, not_before)
        return cls(title=title, session=session, date=day, sponsors=sponsors, issues=issues)

    def document(self) -> dict[str, object]:
        return {
            "series": self.series,
            "session": self.session,
            "title": self.title,
            "date": self.date.isoformat(),
        }


def _moved(day: dt.date, session: int, to: int) -> dt.date:
    """The same point of the session calendar, ``to - session`` sessions later."""
    offset = day - session_opening(session)
    start, end = session_span(to)
    return min(start + offset, end)
