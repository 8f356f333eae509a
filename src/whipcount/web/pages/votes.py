"""A roll call's page: ``/votes/{roll_call}`` (an id, a symbol such as A/RES/79/7, or a
source key such as rcid:3670).

Who voted how, from :meth:`~whipcount.record.reader.Record.votes` (as ``whipcount
votes``): on the world map (each member in its vote's colour), as the tally, and as
lists of members grouped by vote.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from whipcount.web.deps import RecordDep, SettingsDep
from whipcount.web.pages.layout import render
from whipcount.web.svg.charts import VOTE_COLOURS, VOTES
from whipcount.web.svg.worldmap import world_map

router = APIRouter(include_in_schema=False)


@router.get("/votes/{roll_call:path}", response_class=HTMLResponse)
def roll_call_page(
    request: Request, record: RecordDep, settings: SettingsDep, roll_call: str
) -> HTMLResponse:
    """A roll call: its map, tally and every member's vote."""
    document = record.votes(roll_call)
    groups: dict[str, list[dict[str, Any]]] = {vote: [] for vote in VOTES}
    for row in document["votes"]:
        groups.setdefault(row["vote"], []).append(row)
    for rows in groups.values():
        rows.sort(key=lambda r: r["name"] or r["member"])
    fills = {r["member"]: VOTE_COLOURS.get(r["vote"], "#6E6E6E") for r in document["votes"]}
    labels = {r["member"]: f"{r['name']}: {r['vote']}" for r in document["votes"]}
    title = f"How members voted on {document['symbol'] or document['id']}"
    return render(
        request,
        "votes.html",
        roll_call=document,
        groups=groups,
        map=world_map(fills, labels=labels, title=title, geometry=settings.map_geometry),
    )
