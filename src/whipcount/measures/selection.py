"""Which roll calls a measure counts: a boolean mask over the rows of the VoteMatrix.

A :class:`Selection` names the roll calls by session range, dates, issue code
(Voeten's ``me nu di hr co ec`` columns), series, the State Department's
"important" flag, final votes only, or the State Department report's own choice of
votes for a year (:func:`report_year_mask`):

- **2017 and later** — the calendar year's recorded plenary votes on whole draft
  resolutions ("final" votes), emergency special sessions included. The reports for
  2019–2023 say so in their methodology sections ("all recorded final plenary votes",
  excluding "procedural motions, preliminary votes"; 2022 report pp. 13–17; 2023 report
  pp. 14–18) and list the votes; in the record this rule selects exactly the
  listed votes that the record holds.
- **2016 and earlier** — "the Plenary votes that were recorded at the fall session"
  of the regular session opened that year, preliminary and partial drafts (amendments,
  separate paragraph votes) included (2016 report pp. 4–5, 29–30).

Rows are also split into periods (a session or a calendar year) for trends, and cells
into the members of a bloc or regional group on each roll call's day
(:func:`group_cells`), so that every measure stays a handful of array operations.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from whipcount.errors import NotFoundError
from whipcount.record.matrix import VoteMatrix
from whipcount.record.members import directory
from whipcount.record.reader import ISSUE_CODES, Record

Period = Literal["session", "year"]

#: The last year whose report used the old selection (the fall part of one session).
LAST_FALL_SESSION_REPORT = 2016
#: The first year of General Assembly votes (the first regular session opened in 1946).
FIRST_YEAR = 1946


@dataclass(frozen=True, kw_only=True)
class Selection:
    """The roll calls to count; every field narrows the selection (``None``: no limit).

    ``sessions`` is an inclusive range of regular session numbers (emergency and
    special sessions count under the regular session in progress); ``since`` and
    ``until`` are inclusive days (approximate dates count only when their whole
    session falls inside); ``report_year`` is the State Department report's own
    selection for that year.  Sessions are numbered from 1 and years start in 1946;
    anything earlier raises :class:`~whipcount.errors.NotFoundError`.
    """

    sessions: tuple[int, int] | None = None
    since: dt.date | None = None
    until: dt.date | None = None
    issue: str | None = None
    series: str | None = None
    important: bool = False
    final_only: bool = False
    report_year: int | None = None

    def __post_init__(self) -> None:
        if self.sessions is not None and min(self.sessions) < 1:
            raise NotFoundError(
                f"no regular session {min(self.sessions)}: sessions are numbered from 1 "
                f"(the first opened in {FIRST_YEAR})"
            )
        if self.report_year is not None and self.report_year < FIRST_YEAR:
            raise NotFoundError(
                f"no votes in {self.report_year}: the General Assembly's votes begin in "
                f"{FIRST_YEAR}"
            )
        if self.report_year is not None and self.report_year > dt.MAXYEAR:
            raise NotFoundError(f"no votes in {self.report_year}: a year has four digits")
        if self.sessions is not None and self.sessions[0] > self.sessions[1]:
            raise ValueError("the session range runs backwards")
        if self.since and self.until and self.since > self.until:
            raise ValueError("since must not come after until")
        if self.issue is not None and self.issue.lower() not in ISSUE_CODES:
            raise NotFoundError(f"no issue code {self.issue!r} (known: {', '.join(ISSUE_CODES)})")

    @property
    def filtered(self) -> bool:
        """Whether a filter other than a period applies (issue, series, important)."""
        return bool(self.issue or self.series or self.important)

    def document(self) -> dict[str, Any]:
        """The selection as a JSON-ready dict."""
        return {
            "sessions": list(self.sessions) if self.sessions else None,
            "since": self.since.isoformat() if self.since else None,
            "until": self.until.isoformat() if self.until else None,
            "issue": self.issue.lower() if self.issue else None,
            "series": self.series,
            "important": self.important,
            "final_only": self.final_only,
            "report_year": self.report_year,
        }


def session_range(text: str | None, session: int | None = None) -> tuple[int, int] | None:
    """The session range of ``--session N`` or ``--sessions A-B`` (``A`` alone: one).

    Raises
    ------
    ValueError
        When ``text`` is neither a number nor a range of two.
    """
    if session is not None:
        return (session, session)
    if not text:
        return None
    low, _, high = text.partition("-")
    try:
        return (int(low), int(high or low))
    except ValueError as error:
        raise ValueError("give a session or a range such as 70-79") from error


def roll_call_mask(record: Record, selection: Selection) -> np.ndarray:
    """Boolean mask over the record's VoteMatrix rows selected by ``selection``."""
    matrix = record.matrix()
    calls = matrix.roll_calls
    mask = np.ones(len(calls), dtype=bool)
    if selection.sessions is not None:
        low, high = selection.sessions
        mask &= calls["session"].between(low, high).to_numpy()
    if selection.since is not None:
        mask &= matrix.since(selection.since)
    if selection.until is not None:
        mask &= (calls["date_max"] <= selection.until.isoformat()).to_numpy()
    if selection.issue is not None:
        mask &= (calls[selection.issue.lower()] == 1).to_numpy()
    if selection.important:
        mask &= (calls["important_vote"] == 1).to_numpy()
    if selection.final_only:
        mask &= (calls["final"] == 1).to_numpy()
    if selection.series is not None:
        mask &= np.isin(calls["rc"].to_numpy(), series_rcs(record, selection.series))
    if selection.report_year is not None:
        mask &= report_year_mask(matrix, selection.report_year)
    return mask


def series_rcs(record: Record, series_id: str) -> np.ndarray:
    """Internal roll-call numbers of a series' instances (``NotFoundError`` if none)."""
    rows = record.db.execute(
        "SELECT rc FROM series_members WHERE series_id = ?", (series_id,)
    ).fetchall()
    if not rows:
        raise NotFoundError(f"no series {series_id!r} (find one with `whipcount series find`)")
    return np.array([r[0] for r in rows], dtype=np.int64)


def report_year_mask(matrix: VoteMatrix, year: int) -> np.ndarray:
    """The State Department report's own selection of votes for ``year`` (see above)."""
    calls = matrix.roll_calls
    in_year = calls["date"].str[:4] == str(year)
    if year <= LAST_FALL_SESSION_REPORT:
        chosen = in_year & (calls["session"] == year - 1945)
    else:
        chosen = in_year & (calls["final"] == 1)
    mask: np.ndarray = chosen.to_numpy(dtype=bool)
    return mask


def period_labels(matrix: VoteMatrix, by: Period) -> np.ndarray:
    """Each row's period: its regular session number, or its calendar year."""
    labels: np.ndarray = (
        matrix.roll_calls["session"].to_numpy(dtype=np.int64)
        if by == "session"
        else matrix.roll_calls["date"].str[:4].astype(int).to_numpy(dtype=np.int64)
    )
    return labels


def known_groups() -> dict[str, str]:
    """Bloc and regional-group names, each with its kind (``bloc`` or ``group``)."""
    members = directory()
    names = {str(b): "bloc" for b in members.blocs["bloc"]}
    names.update({str(g): "group" for g in members.groups["group"] if g != "NONE"})
    return names


def group_cells(matrix: VoteMatrix, rows: np.ndarray, group: str) -> np.ndarray:
    """Boolean (selected rows × members): who belonged to ``group`` on each roll call's day.

    ``group`` is a bloc of ``blocs.csv`` (EU, NATO, AU, …) or a regional group
    (AFRICAN, ASIA_PACIFIC, EASTERN_EUROPEAN, GRULAC, WEOG); memberships are dated, so a
    state counts only on the days it belonged.
    """
    name = group.strip().upper()
    kinds = known_groups()
    if name not in kinds:
        raise NotFoundError(f"no bloc or group {group!r} (known: {', '.join(sorted(kinds))})")
    members = directory()
    table = members.bloc_members if kinds[name] == "bloc" else members.groups
    column = "bloc" if kinds[name] == "bloc" else "group"
    spans = table[table[column] == name]
    days = matrix.roll_calls["date"].to_numpy()[rows].astype(str)
    cells = np.zeros((len(days), matrix.shape[1]), dtype=bool)
    codes = matrix.members["code"].to_numpy()
    for code, start, end in zip(spans["code"], spans["start"], spans["end"], strict=True):
        hits = np.flatnonzero(codes == code)
        if len(hits):  # a dated span of one member: vectorised over the roll calls
            cells[:, hits[0]] |= (days >= (start or "0000")) & (days <= (end or "9999"))
    return cells
