"""A member's page: ``/country/{member}`` (an ISO3 code or a name).

Three parts, each from the library the CLI uses:

* its votes, latest first (:meth:`~whipcount.record.reader.Record.country`, as
  ``whipcount country``), ``limit`` at a time with a control to show more;
* its alignment with another state year by year (``?with=USA``:
  :func:`~whipcount.measures.alignment.align_trend`, as ``whipcount align A B --by
  year``), as a line of coincidence and of agreement;
* its ideal-point trajectory with a 95 % band (the saved fit of
  :mod:`whipcount.measures.ideal_record`, as ``whipcount ideal show``; with ``with``,
  the other state's beside it).

Ideal points are never fitted here: a fit takes a minute or two, far too long for a
page, so like the JSON API the page shows the saved fit (``?fit=70-79`` picks the fit of
those sessions; default: all sessions) and otherwise says which command makes it.  A
bad ``with`` or a missing fit is said in its own part; the rest of the page stands.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse
from markupsafe import Markup

from whipcount.errors import NotFoundError
from whipcount.measures import alignment
from whipcount.measures.ideal_record import (
    IdealPointSpec,
    current_fit,
    session_bounds,
    show_points,
)
from whipcount.record.reader import Record
from whipcount.web.api.align import SESSIONS_PATTERN
from whipcount.web.deps import RecordDep
from whipcount.web.pages.layout import render
from whipcount.web.svg.charts import Line, line_chart
from whipcount.web.svg.worldmap import name

router = APIRouter(include_in_schema=False)

#: the colours of the member and of the state it is compared with
OWN, OTHER = "#0072B2", "#CC79A7"
#: z for the ideal points' 95 % band
Z95 = 1.96


@router.get("/country/{member}", response_class=HTMLResponse)
def country_page(
    *,
    request: Request,
    record: RecordDep,
    member: str,
    limit: Annotated[int, Query(ge=1, le=100_000, description="Votes shown.")] = 50,
    other: Annotated[str | None, Query(alias="with", max_length=100)] = None,
    fit: Annotated[str | None, Query(pattern=SESSIONS_PATTERN)] = None,
) -> HTMLResponse:
    """A member's latest votes, its alignment with ``with`` and its ideal points."""
    document = record.country(member)
    code = document["member"]["code"]
    votes = list(reversed(document["votes"]))
    trend, trend_error = _alignment(record, code, other.strip() if other else "")
    codes = [code] + ([trend["b"]] if trend else [])
    ideal, ideal_error = _ideal(record, codes, fit)
    return render(
        request,
        "country.html",
        country=document,
        code=code,
        votes=votes[:limit],
        total=len(votes),
        limit=limit,
        other=other or "",
        fit=fit or "",
        trend=trend,
        trend_chart=_trend_chart(trend) if trend else None,
        trend_error=trend_error,
        ideal_chart=ideal,
        ideal_error=ideal_error,
    )


def _alignment(record: Record, code: str, other: str) -> tuple[dict[str, Any] | None, str]:
    """The year-by-year alignment with ``other`` (None and why not, if it cannot be)."""
    if not other:
        return None, ""
    try:
        first, second = alignment.distinct_pair(record, code, other)
        return alignment.align_trend(record, first, second, by="year"), ""
    except (NotFoundError, ValueError) as error:
        return None, str(error)


def _trend_chart(trend: dict[str, Any]) -> Markup:
    rows = trend["rows"]

    def points(field: str) -> list[tuple[float, float]]:
        return [(float(r["year"]), float(r[field])) for r in rows if r.get(field) is not None]

    return line_chart(
        [
            Line("coincidence (votes only)", points("coincidence"), OWN),
            Line("agreement (Voeten’s index)", points("agreement"), OTHER),
        ],
        title=f"{name(trend['a'])} and {name(trend['b'])}, year by year",
        x_label="year",
        y_label="share of votes",
        y_range=(0.0, 1.0),
        percent=True,
    )


def _ideal(record: Record, codes: list[str], fit: str | None) -> tuple[Markup | None, str]:
    """The members' ideal-point chart from the saved fit, or why there is none."""
    try:
        first, last = session_bounds(fit)
        stored = current_fit(record.path, IdealPointSpec(None, "both", first, last))
        rows = show_points(stored, codes)
    except (NotFoundError, ValueError) as error:
        return None, str(error)
    lines = []
    for code, colour in zip(codes, (OWN, OTHER), strict=False):
        own = [r for r in rows if r["iso3"] == code]
        band = [
            (float(r["session"]), r["ideal"] - Z95 * r["se"], r["ideal"] + Z95 * r["se"])
            for r in own
            if r["se"] is not None
        ]
        points = [(float(r["session"]), float(r["ideal"])) for r in own]
        lines.append(Line(name(code), points, colour, band))
    chart = line_chart(
        lines,
        title="Ideal point by session (shaded: 95% interval)",
        x_label="session",
        y_label="ideal point",
    )
    return chart, ""
