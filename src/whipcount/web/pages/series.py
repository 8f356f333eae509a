"""A series' page: ``/series/{series_id}``.

Every instance of the series (session, symbol, date, the record's tally beside the
published one) from :meth:`~whipcount.record.reader.Record.series_show` (as
``whipcount series show``), the tally session by session as stacked bars, and the way
on: each roll call's page, the forecast of the next vote, a campaign on it.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from markupsafe import Markup

from whipcount.web.deps import RecordDep
from whipcount.web.pages.layout import render
from whipcount.web.svg.charts import VOTE_COLOURS, VOTES, stacked_bars

router = APIRouter(include_in_schema=False)


@router.get("/series/{series_id}", response_class=HTMLResponse)
def series_page(request: Request, record: RecordDep, series_id: str) -> HTMLResponse:
    """Every instance of a series, its tally over time, links to forecast and campaign."""
    series = record.series_show(series_id)
    return render(request, "series.html", series=series, chart=tally_chart(series))


def tally_chart(series: dict[str, Any]) -> Markup:
    """The record's tally of each instance, by session, yes at the bottom."""
    instances = series["instances"]
    return stacked_bars(
        positions([int(i["session"]) for i in instances]),
        {vote: [float(i["totals"][vote]) for i in instances] for vote in VOTES},
        VOTE_COLOURS,
        title=f"Votes on “{series['title']}”, session by session",
        x_label="session",
        y_label="members",
    )


def positions(sessions: list[int]) -> list[float]:
    """Where each instance's bar stands: at its session, instances of one session side
    by side within it (``[79, 79]`` → ``[78.75, 79.25]``)."""
    out = []
    for index, session in enumerate(sessions):
        same = [i for i, s in enumerate(sessions) if s == session]
        out.append(session + (same.index(index) - (len(same) - 1) / 2) / len(same))
    return out
