"""The documents behind the briefs: one member's, and one embassy's action request.

:func:`member_brief` gathers what an officer takes into a meeting: the member's current
assessment, its votes on the series next to the lobbying delegation's, its alignment
with the delegation (overall, year by year, on the arguments' roll calls), the
arguments most likely to reach it, the contacts and reports so far, and why it is a
target.  :func:`post_brief` is the instruction to one embassy, covering the members
assigned to that post.  :mod:`whipcount.campaign.briefing` renders both as Markdown,
HTML or PDF.  Only votes before the campaign's forecast day are read.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import numpy as np

from whipcount.campaign.arguments import best_arguments
from whipcount.campaign.board import Board
from whipcount.campaign.repository import Argument, Contact, Report
from whipcount.forecast.data import CLASSES, ForecastData
from whipcount.record.reader import Record

#: instances of the series shown in a brief, newest first
RECORD_ROWS = 8
#: years of alignment shown
TREND_YEARS = 6
#: days before the vote by which embassies are asked to report
REPORT_LEAD_DAYS = 7


def member_brief(
    board: Board,
    iso3: str,
    *,
    data: ForecastData,
    record: Record,
    target: Mapping[str, Any] | None,
    arguments: list[Argument],
    contacts: list[Contact],
    reports: list[Report],
) -> dict[str, Any]:
    """The brief document of member ``iso3`` (shape in ``docs/JSON.md``)."""
    snap = board.snapshot
    i = snap.index[iso3]
    row = board.member_row(i)
    day = snap.as_of
    identity = next(
        (m for m in record.members(on=min(day, dt.date.today())) if m["iso3"] == iso3), {}
    )
    latest = board.latest.get(iso3)
    return {
        "campaign": board.header(),
        "member": {
            "iso3": iso3,
            "name": snap.name(iso3),
            "post": row["post"],
            "group": identity.get("regional_group"),
            "blocs": list(identity.get("blocs", [])),
        },
        "p_now": row["p_now"],
        "forecast": row["forecast"],
        "call": row["call"],
        "ask": board.goal.ask,
        "position": None
        if latest is None
        else {
            "position": latest.position,
            "source": latest.source,
            "reliability": latest.reliability,
            "reported_on": latest.reported_on.isoformat(),
            "reporter": latest.reporter,
        },
        "record": series_record(
            data, snap.target.get("series"), iso3, board.campaign.lobbyist, before=day
        ),
        "alignment": alignment(data, iso3, board.campaign.lobbyist, arguments, before=day),
        "persuadability": {
            "p_move": round(float(snap.persuadability.p_move[i]), 4),
            "expected_gain": target["expected_gain"] if target else None,
            "why": snap.persuadability.why(i),
            "sentence": target["reasons"][0] if target and target["reasons"] else None,
        },
        "arguments": [
            {"id": a.id, "text": a.text, "reach": a.reach.get(iso3), "linked": len(a.linked)}
            for a in best_arguments(arguments, iso3)
        ],
        "contacts": [_contact(c, arguments) for c in contacts if c.iso3 == iso3],
        "reports": [
            {
                "reported_on": r.reported_on.isoformat(),
                "position": r.position,
                "source": r.source,
                "reliability": r.reliability,
                "reporter": r.reporter,
                "note": r.note,
            }
            for r in reports
            if r.iso3 == iso3
        ],
    }


def post_brief(board: Board, post: str, members: list[dict[str, Any]]) -> dict[str, Any]:
    """The action request to the embassy ``post`` for its members' briefs."""
    report_by = board.campaign.vote_date - dt.timedelta(days=REPORT_LEAD_DAYS)
    return {
        "campaign": board.header(),
        "post": post,
        "members": members,
        "report_by": max(report_by, board.day).isoformat(),
        "generated": dt.date.today().isoformat(),
    }


def series_record(
    data: ForecastData, series: str | None, iso3: str, lobbyist: str, *, before: dt.date
) -> list[dict[str, Any]]:
    """The member's and the lobbyist's votes on the series' instances before ``before``."""
    if series is None or series not in data.series_rows:
        return []
    rows = data.series_rows[series]
    rows = rows[data.before(before)[rows]][::-1][:RECORD_ROWS]
    member, ours = _column(data, iso3), _column(data, lobbyist)
    calls = data.matrix.roll_calls
    out = []
    for r in rows:
        out.append(
            {
                "session": int(calls["session"].iloc[r]),
                "date": str(calls["date"].iloc[r])[:10],
                "roll_call": str(calls["id"].iloc[r]),
                "vote": _label(data, r, member),
                "lobbyist_vote": _label(data, r, ours),
                **{k: _count(calls[k].iloc[r]) for k in ("yes", "no", "abstain")},
            }
        )
    return out


def alignment(
    data: ForecastData,
    iso3: str,
    lobbyist: str,
    arguments: list[Argument],
    *,
    before: dt.date,
) -> dict[str, Any]:
    """Share of identical votes (both voting yes, no or abstain) with the lobbyist:
    over the last three years, year by year, and on the arguments' roll calls."""
    a, b = _column(data, iso3), _column(data, lobbyist)
    if a is None or b is None:
        return {"overall": None, "recent_years": [], "on_arguments": None}
    seen = data.before(before)
    years = np.array([int(str(d)[:4]) for d in data.matrix.roll_calls["date"]])
    last = before.year
    recent = seen & (years > last - 3)  # this calendar year and the two before
    trend = [
        {"year": year, "agreement": _agreement(data, seen & (years == year), a, b)}
        for year in range(last - TREND_YEARS, last + 1)
    ]
    linked = {rc for arg in arguments for rc in arg.linked}
    on_args = seen & data.matrix.roll_calls["id"].isin(linked).to_numpy()
    return {
        "overall": _agreement(data, recent, a, b),
        "recent_years": [t for t in trend if t["agreement"] is not None],
        "on_arguments": _agreement(data, on_args, a, b) if linked else None,
    }


def _agreement(data: ForecastData, rows: np.ndarray, a: int, b: int) -> float | None:
    x, y = data.outcome[rows, a], data.outcome[rows, b]
    both = (x >= 0) & (x <= 2) & (y >= 0) & (y <= 2)
    if not both.any():
        return None
    return round(float(np.mean(x[both] == y[both])), 4)


def _column(data: ForecastData, iso3: str) -> int | None:
    found = np.flatnonzero(data.matrix.members["iso3"].to_numpy().astype(str) == iso3)
    return int(found[0]) if len(found) else None


def _label(data: ForecastData, row: int, column: int | None) -> str | None:
    if column is None:
        return None
    k = int(data.outcome[row, column])
    return CLASSES[k] if k >= 0 else None


def _count(value: object) -> int | None:
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return None if np.isnan(number) else int(number)


def _contact(c: Contact, arguments: list[Argument]) -> dict[str, Any]:
    texts = {a.id: a.text for a in arguments}
    return {
        "on": c.on.isoformat(),
        "level": c.level,
        "channel": c.channel,
        "arguments": [texts.get(k, f"#{k}") for k in c.arguments],
        "response": c.response,
        "follow_up": c.follow_up.isoformat() if c.follow_up else None,
        "officer": c.officer,
        "note": c.note,
    }
