"""The home page and search: ``/`` and ``/search?q=``.

Home puts the search first (series, countries, drafts), with an example and the
record's status; search answers with the series whose titles match
(:meth:`~whipcount.record.reader.Record.series_find`, as ``whipcount series find``), the
members whose name or code matches (:meth:`~whipcount.record.reader.Record.members`),
and a form to forecast the words as a new draft (``/forecast/draft``).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from whipcount.record.members import normalize_name
from whipcount.record.reader import ISSUE_CODES, Record
from whipcount.web.deps import RecordDep
from whipcount.web.pages.layout import render

router = APIRouter(include_in_schema=False)

#: the example on the home page: the Cuba embargo resolutions, 1992 on
EXAMPLE_SERIES = "necessity-ending-economic-commercial-financial-embargo"
#: Voeten's issue codes, as the draft form offers them
ISSUES = {
    "me": "Middle East",
    "nu": "nuclear weapons",
    "di": "arms control and disarmament",
    "hr": "human rights",
    "co": "colonialism",
    "ec": "economic development",
}


@router.get("/", response_class=HTMLResponse)
def home(request: Request, record: RecordDep) -> HTMLResponse:
    """The search box, an example and the record's status."""
    status = record.status()
    return render(
        request,
        "home.html",
        status=status,
        example=EXAMPLE_SERIES,
        issues=_issues(),
    )


@router.get("/search", response_class=HTMLResponse)
def search(
    request: Request,
    record: RecordDep,
    q: Annotated[str, Query(max_length=200)] = "",
) -> HTMLResponse:
    """Series and members matching ``q``, and a form to forecast it as a draft."""
    words = q.strip()
    series = record.series_find(words, limit=20) if words else []
    members = matching_members(record, words) if words else []
    return render(
        request,
        "search.html",
        q=words,
        series=series,
        members=members,
        issues=_issues(),
    )


def matching_members(record: Record, text: str) -> list[dict[str, Any]]:
    """Members whose code is ``text`` or whose names contain it (folded), current
    members first."""
    folded = normalize_name(text)
    if not folded:
        return []
    found = [
        member
        for member in record.members()
        if folded == member["code"]
        or folded == (member["iso3"] or "")
        or folded in normalize_name(member["short_name"] or "")
        or folded in normalize_name(member["official_name"] or "")
    ]
    return sorted(found, key=lambda m: (m["ended"] is not None, m["short_name"] or ""))


def _issues() -> dict[str, str]:
    return {code: ISSUES.get(code, code) for code in ISSUE_CODES}
