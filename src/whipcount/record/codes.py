"""Vote codes, session kinds and the General Assembly's session calendar.

Votes are coded as in Voeten's data (Voeten 2013), which most researchers know:
1 = yes, 2 = abstain, 3 = no, 8 = absent (any non-voting: away, present not voting,
or without the right to vote under Article 19).  A member that was not a member on
the day has no vote row at all; in a :class:`~whipcount.record.matrix.VoteMatrix`
that cell is 0.
"""

from __future__ import annotations

import datetime as dt
import enum

from whipcount.errors import NotFoundError


class Vote(enum.IntEnum):
    """One member's vote on one roll call."""

    YES = 1
    ABSTAIN = 2
    NO = 3
    ABSENT = 8

    @property
    def label(self) -> str:
        return self.name.lower()

    @classmethod
    def from_label(cls, label: str) -> Vote:
        return cls[label.strip().upper()]


#: The matrix cell of a state that was not a member that day.
NOT_MEMBER = 0

VOTE_LABELS: dict[int, str] = {v.value: v.label for v in Vote}


class SessionKind(enum.StrEnum):
    """The kinds of General Assembly session."""

    REGULAR = "regular"
    SPECIAL = "special"
    EMERGENCY = "emergency"


class DatePrecision(enum.StrEnum):
    """How far a roll call's date can be trusted."""

    DAY = "day"
    #: The day is unreliable (Voeten's dates before 2003): cut-offs use the session.
    APPROXIMATE = "approximate"


#: Opening dates of regular sessions known exactly; others follow the rules of procedure.
_KNOWN_OPENINGS: dict[int, dt.date] = {
    1: dt.date(1946, 1, 10),
    74: dt.date(2019, 9, 17),
    75: dt.date(2020, 9, 15),
    76: dt.date(2021, 9, 14),
    77: dt.date(2022, 9, 13),
    78: dt.date(2023, 9, 5),
    79: dt.date(2024, 9, 10),
    80: dt.date(2025, 9, 9),
}


#: The last regular session whose span a date can hold (opened in 9998, ending in 9999).
LAST_SESSION = dt.MAXYEAR - 1946


def _tuesday_of_week(year: int, week: int) -> dt.date:
    """Tuesday of the ``week``-th week of September, counting from the first week
    (Monday to Sunday) that contains at least one September working day."""
    first = dt.date(year, 9, 1)
    monday = first - dt.timedelta(days=first.weekday())
    if first.weekday() >= 5:  # 1 September on a weekend: that week has no working day
        monday += dt.timedelta(days=7)
    return monday + dt.timedelta(days=7 * (week - 1) + 1)


def session_opening(session: int) -> dt.date:
    """The opening date of regular session ``session`` (exact where known, otherwise by
    rule 1 of the rules of procedure: the Tuesday of the third week of September, or of
    the second week from 2023 on)."""
    if session < 1:
        raise ValueError(f"no regular session {session}")
    if session > LAST_SESSION + 1:  # the session after the last opens in 9999
        raise _beyond(session)
    if session in _KNOWN_OPENINGS:
        return _KNOWN_OPENINGS[session]
    year = 1945 + session
    return _tuesday_of_week(year, 2 if year >= 2023 else 3)


def session_span(session: int) -> tuple[dt.date, dt.date]:
    """First and last day of regular session ``session`` (the day before the next opens)."""
    if session > LAST_SESSION:
        raise _beyond(session)
    return session_opening(session), session_opening(session + 1) - dt.timedelta(days=1)


def _beyond(session: int) -> NotFoundError:
    return NotFoundError(
        f"no regular session {session}: the last the calendar holds is {LAST_SESSION} "
        f"(opened in {dt.MAXYEAR - 1})"
    )


def regular_session_on(day: dt.date) -> int:
    """The regular session in progress on ``day`` (special sessions meet during one)."""
    session = max(1, day.year - 1945)
    while session > 1 and day < session_opening(session):
        session -= 1
    while day >= session_opening(session + 1):
        session += 1
    return session
