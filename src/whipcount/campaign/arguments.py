"""A campaign's arguments: the past roll calls each is linked to, and whom it may reach.

An argument ("Cuba supports Russia's war against Ukraine") may be linked to past roll
calls by a query on the record (``"Ukraine"``): :func:`link_roll_calls` returns the
roll calls whose title, description, short title or subjects contain every word of the
query (case-insensitive), or whose issue code the query names (``"human rights"``,
``"hr"``, ``"nuclear"`` …), among the votes before a day.

:func:`reach` says how far an argument is likely to carry with each member: on the
linked roll calls, its agreement with the lobbying delegation (Voeten's index
``A = 1 - mean |v_i - v_L|`` on the yes 1, abstain ½, no 0 scale, the votes both cast)
minus its agreement over the last three years of every roll call before the day,
shrunk toward zero by the number of linked votes::

    reach_i = n / (n + K) * (A_i(linked) - A_i(overall)),    K = 5

A positive value means the member sides with the lobbyist on this argument's subject
more than it usually does: the argument speaks to it.  NaN where the member and the
lobbyist never both voted on a linked roll call.  :func:`best_arguments` sorts a
campaign's arguments by their reach for one member.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Protocol, TypeVar

import numpy as np

from whipcount.errors import CampaignInputError
from whipcount.forecast.data import ForecastData
from whipcount.record.reader import Record

#: Names of the record's issue codes, as a query may spell them.
ISSUE_NAMES: dict[str, str] = {
    "me": "middle east",
    "nu": "nuclear",
    "di": "disarmament",
    "hr": "human rights",
    "co": "colonialism",
    "ec": "economic development",
}
#: Linked votes at which the linked agreement and the overall one weigh the same.
REACH_SHRINK = 5.0
#: Voeten's scores of the classes yes, no, abstain (absent: NaN).
SCORE = np.array([1.0, 0.0, 0.5, np.nan])

_TEXT = "lower(coalesce(title,'') || ' ' || coalesce(description,'') || ' ' || "
_TEXT += "coalesce(short_title,'') || ' ' || coalesce(subjects,''))"


def _words(query: str) -> list[str]:
    return [w for w in re.split(r"[^\w'’-]+", query.lower()) if w]


def _issue_of(query: str) -> str | None:
    key = " ".join(_words(query))
    for code, name in ISSUE_NAMES.items():
        if key in (code, name):
            return code
    return None


def link_roll_calls(path: Path, query: str, *, before: dt.date | None = None) -> list[str]:
    """Ids of the roll calls before ``before`` that match ``query`` (see the module
    docstring), in date order.

    Raises
    ------
    CampaignInputError
        The query is empty, or no roll call before the day matches it.
    """
    words = _words(query)
    if not words:
        raise CampaignInputError("an argument's query needs at least one word")
    conditions = [f"instr({_TEXT}, ?) > 0" for _ in words]
    where = "(" + " AND ".join(conditions) + ")"
    issue = _issue_of(query)
    if issue is not None:
        where = f"({where} OR {issue} = 1)"
    parameters: list[str] = list(words)
    if before is not None:
        where += " AND date_max < ?"
        parameters.append(before.isoformat())
    with Record(path) as record:
        rows = record.db.execute(
            f"SELECT id FROM roll_calls WHERE {where} ORDER BY date, rc", parameters
        ).fetchall()
    if not rows:
        when = f" before {before.isoformat()}" if before is not None else ""
        raise CampaignInputError(
            f"no roll call{when} matches {query!r} (every word must appear in the title, "
            "description or subjects); try fewer or other words"
        )
    return [str(r[0]) for r in rows]


def _scores(outcome: np.ndarray) -> np.ndarray:
    """Voeten scores of classes (NaN for absences and non-members)."""
    out: np.ndarray = np.where(outcome >= 0, SCORE[np.clip(outcome, 0, 3)], np.nan)
    return out


def agreement_with(scores: np.ndarray, lobbyist: int) -> tuple[np.ndarray, np.ndarray]:
    """Each column's agreement with column ``lobbyist`` over ``scores`` (rows x members,
    NaN where not cast), and the number of roll calls both cast."""
    both = ~np.isnan(scores) & ~np.isnan(scores[:, [lobbyist]])
    distance = np.where(both, np.abs(scores - scores[:, [lobbyist]]), 0.0)
    n = both.sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        agreement: np.ndarray = np.where(n > 0, 1.0 - distance.sum(axis=0) / n, np.nan)
    return agreement, n


def rows_of(data: ForecastData, roll_call_ids: Sequence[str]) -> np.ndarray:
    """Matrix rows of roll-call ids (unknown ids are left out)."""
    ids = data.matrix.roll_calls["id"].astype(str).to_numpy()
    rows: np.ndarray = np.flatnonzero(np.isin(ids, list(roll_call_ids)))
    return rows


def reach(
    data: ForecastData,
    roll_call_ids: Sequence[str],
    *,
    lobbyist: str,
    members: list[str],
    before: dt.date | None = None,
) -> dict[str, float]:
    """Per member (ISO3 or member code), how much more it sides with ``lobbyist`` on the
    linked roll calls than overall (the module docstring's ``reach``; NaN where it never
    voted on them with the lobbyist).  The overall agreement counts the three years
    before ``before`` (default: the last linked roll call's day)."""
    columns = member_columns(data, [lobbyist, *members])
    own, wanted = columns[0], columns[1:]
    linked = rows_of(data, roll_call_ids)
    if before is not None:
        linked = linked[data.before(before)[linked]]
    if not len(linked):
        return dict.fromkeys(members, math.nan)
    last = max(str(d) for d in data.date_max[linked])
    day = before or dt.date.fromisoformat(last) + dt.timedelta(days=1)
    start = (day - dt.timedelta(days=3 * 365)).isoformat()
    overall_rows = np.flatnonzero(data.before(day) & (data.date_min >= start))
    a_link, n_link = agreement_with(_scores(data.outcome[linked]), own)
    a_all, _ = agreement_with(_scores(data.outcome[overall_rows]), own)
    weight = n_link / (n_link + REACH_SHRINK)
    value = weight * (a_link - np.nan_to_num(a_all, nan=0.5))
    return {m: float(value[c]) for m, c in zip(members, wanted, strict=True)}


def member_columns(data: ForecastData, names: list[str]) -> list[int]:
    """Matrix columns of members given by member code or ISO3."""
    iso3 = data.matrix.members["iso3"].astype(str).to_numpy()
    out = []
    for name in names:
        hits = np.flatnonzero((data.codes == name) | (iso3 == name))
        if not len(hits):
            raise CampaignInputError(f"{name!r} is not a member of the record")
        out.append(int(hits[0]))
    return out


class HasReach(Protocol):
    """An argument as the campaign stores it: anything with a ``reach`` mapping."""

    @property
    def reach(self) -> Mapping[str, float | None]: ...


ArgumentT = TypeVar("ArgumentT", bound="HasReach | tuple[str, str, Mapping[str, float | None]]")


def _reach_of(argument: HasReach | tuple[str, str, Mapping[str, float | None]], iso3: str) -> float:
    reaches = argument[2] if isinstance(argument, tuple) else argument.reach
    value = reaches.get(iso3)
    return math.nan if value is None else float(value)


def best_arguments(arguments: Sequence[ArgumentT], iso3: str) -> list[ArgumentT]:
    """The arguments (objects with a ``reach`` mapping, or ``(id, text, reach)``
    tuples), those most likely to reach ``iso3`` first (highest reach); those with no
    reach for it (None, NaN or missing) come last, in their given order."""
    keyed = []
    for position, argument in enumerate(arguments):
        value = _reach_of(argument, iso3)
        known = not math.isnan(value)
        keyed.append(((0 if known else 1, -value if known else 0.0, position), argument))
    keyed.sort(key=lambda pair: pair[0])
    return [argument for _, argument in keyed]
