"""Forecast pages: ``/forecast/series/{series_id}`` (``?session=&as_of=&majority=``) and
``/forecast/draft?draft=&sponsor=&issue=``.

The document is the JSON API's, from the app's shared
:class:`~whipcount.web.api.forecast.ForecastCache` (so a question asked of the page and
of ``/api/forecast`` is computed once, and a warm page costs a dictionary look-up, a
JSON decode and the rendering).  The page shows it as a world map (each member in the
colour of its most likely vote, as opaque as that vote is likely, with every
probability in its tooltip), the simulated tally's 10-90 % ranges beside the votes
needed for adoption, P(adopted), and a sortable table of members with their
probabilities and reasons; then the earlier instances and analogs the forecast leans
on, and a link to start a campaign on the same vote.
"""

from __future__ import annotations

import json
import math
import re
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse
from markupsafe import Markup

from whipcount.forecast.record_forecast import ForecastRequest
from whipcount.web.api.align import IssueCode
from whipcount.web.api.forecast import (
    AsOfQuery,
    ForecastsDep,
    MajorityQuery,
    RecordPathDep,
    SessionQuery,
)
from whipcount.web.deps import SettingsDep
from whipcount.web.pages.home import ISSUES
from whipcount.web.pages.layout import probability, render
from whipcount.web.svg.charts import VOTE_COLOURS, VOTES, Range, bar_chart, range_chart
from whipcount.web.svg.worldmap import name, world_map

router = APIRouter(include_in_schema=False)

Document = dict[str, Any]


@router.get("/forecast/series/{series_id}", response_class=HTMLResponse)
async def series_forecast_page(
    *,
    request: Request,
    series_id: str,
    record: RecordPathDep,
    forecasts: ForecastsDep,
    settings: SettingsDep,
    session: SessionQuery = None,
    as_of: AsOfQuery = None,
    majority: MajorityQuery = "simple",
) -> HTMLResponse:
    """The forecast of a series' next instance (or of ``session``'s), as of ``as_of``."""
    question = ForecastRequest(series=series_id, session=session, as_of=as_of, majority=majority)
    document = json.loads(await forecasts.answer(record, question))
    campaign = {"series": series_id, "session": document["target"]["session"]}
    if as_of is not None:
        campaign["as_of"] = as_of.isoformat()
    return _page(request, document, settings.map_geometry, campaign, majority)


@router.get("/forecast/draft", response_class=HTMLResponse)
async def draft_forecast_page(
    *,
    request: Request,
    draft: Annotated[str, Query(min_length=1, max_length=500)],
    record: RecordPathDep,
    forecasts: ForecastsDep,
    settings: SettingsDep,
    sponsor: Annotated[list[str] | None, Query()] = None,
    issue: Annotated[list[IssueCode] | None, Query()] = None,
    session: SessionQuery = None,
    as_of: AsOfQuery = None,
    majority: MajorityQuery = "simple",
) -> HTMLResponse:
    """The forecast of a new draft; ``sponsor`` may repeat or list codes ("CUB VEN")."""
    sponsors = sponsor_codes(sponsor or [])
    question = ForecastRequest(
        draft=draft.strip(),
        sponsors=sponsors,
        issues=tuple(issue or ()),
        session=session,
        as_of=as_of,
        majority=majority,
    )
    document = json.loads(await forecasts.answer(record, question))
    campaign: dict[str, Any] = {"draft": draft.strip()}
    if sponsors:
        campaign["sponsor"] = list(sponsors)
    if as_of is not None:
        campaign["as_of"] = as_of.isoformat()
    return _page(request, document, settings.map_geometry, campaign, majority)


def sponsor_codes(values: list[str]) -> tuple[str, ...]:
    """Sponsors from repeated or listed values (``["CUB VEN", "bol"]`` → CUB, VEN, BOL)."""
    codes = [code.upper() for value in values for code in re.split(r"[\s,;]+", value) if code]
    return tuple(dict.fromkeys(codes))


def _page(
    request: Request,
    document: Document,
    geometry: Any,
    campaign: dict[str, Any],
    majority: str,
) -> HTMLResponse:
    members = [_member_row(m) for m in document["members"]]
    fills = {m["iso3"]: VOTE_COLOURS[m["likely"]] for m in members}
    labels = {m["iso3"]: m["label"] for m in members}
    opacity = {m["iso3"]: m["p"][m["likely"]] for m in members}
    target = document["target"]
    title = target["title"] or "Untitled draft"
    return render(
        request,
        "forecast.html",
        forecast=document,
        title=title,
        members=sorted(members, key=lambda m: m["name"]),
        leaning={vote: sum(m["likely"] == vote for m in members) for vote in VOTES},
        map=world_map(
            fills,
            labels=labels,
            opacity=opacity,
            title=f"Forecast of each member's vote on {title}",
            geometry=geometry,
        ),
        tally_chart=tally_chart(document, majority),
        distribution_charts=distribution_charts(document, majority),
        needed=votes_needed(document["tally"]["no"]["q50"], majority),
        campaign_url="/campaigns?"
        + urlencode(
            {**campaign, **({"majority": majority} if majority != "simple" else {})}, doseq=True
        )
        + "#new",
        issues=ISSUES,
    )


def _member_row(member: Document) -> Document:
    p = member["p"]
    likely = max(VOTES, key=lambda vote: p[vote])
    title = name(member["iso3"])
    shares = " · ".join(f"{vote} {probability(p[vote])}" for vote in VOTES)
    return {
        **member,
        "name": title,
        "likely": likely,
        "label": f"{title}: {shares}",
    }


def votes_needed(no: float, majority: str) -> int:
    """Yes votes needed to adopt when ``no`` members vote no: more yes than no (simple),
    or at least twice as many (two-thirds of those voting yes or no)."""
    if majority == "two-thirds":
        return max(1, math.ceil(2 * no))  # and at least one yes (forecast.tally.adopted)
    return math.floor(no) + 1


def tally_chart(document: Document, majority: str) -> Markup:
    """The simulated tally's 80 % ranges, medians and means, and the yes needed."""
    tally = document["tally"]
    ranges = [
        Range(
            vote,
            tally[vote]["q10"],
            tally[vote]["q50"],
            tally[vote]["q90"],
            tally[vote]["mean"],
            VOTE_COLOURS[vote],
        )
        for vote in VOTES
    ]
    members = len(document["members"])
    needed = votes_needed(tally["no"]["q50"], majority)
    return range_chart(
        ranges,
        title="Simulated tally: 80% ranges (bars), medians (ticks) and means (dots)",
        x_label="members",
        x_range=(0.0, float(max(members, 1))),
        threshold=float(needed),
        threshold_label=f"{needed} yes needed (if no = {tally['no']['q50']})",
    )


def distribution_charts(document: Document, majority: str) -> list[Markup]:
    """The simulated distributions of the yes and no counts (``tally_distribution``),
    the yes chart with the yes votes needed against the median no."""
    found = document.get("tally_distribution") or {}
    needed = votes_needed(document["tally"]["no"]["q50"], majority)
    charts = []
    for vote in ("yes", "no"):
        if vote not in found:
            continue
        start, shares = found[vote]["from"], found[vote]["p"]
        charts.append(
            bar_chart(
                {start + i: share for i, share in enumerate(shares)},
                title=f"Distribution of the {vote} votes in the simulated tallies",
                x_label=f"{vote} votes",
                y_label="share of simulations",
                colour=VOTE_COLOURS[vote],
                threshold=float(needed) if vote == "yes" else None,
                threshold_label=f"{needed} needed" if vote == "yes" else "",
                percent=True,
            )
        )
    return charts
