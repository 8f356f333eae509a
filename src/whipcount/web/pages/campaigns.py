"""The campaign pages: the list of campaigns, a campaign's whip board, a member's file.

``/campaigns`` lists the campaigns (``campaign list`` with each one's ``show``) and
offers the create form; ``/campaigns/{name}`` is the whip board (``campaign board`` and
``show``: the tally, P(goal), the map and the sortable table of members with inline
reports and edits); ``/campaigns/{name}/members/{iso3}`` is one member's history
(``campaign history``) with the report, contact and edit forms.  The pages only read;
their scripts (``static/campaign.js``) write through the JSON API
(:mod:`whipcount.web.api.campaigns`), which checks every permission again: the pages
merely hide the controls a user may not use (:mod:`whipcount.accounts.roles`).  The
plan, the scenario builder and the print views are in
:mod:`whipcount.web.pages.campaign_plan`.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from whipcount.accounts.roles import can_report
from whipcount.campaign import documents
from whipcount.campaign.scale import CHANNELS, LEVELS, POSITIONS
from whipcount.campaign.spec import campaign_summary
from whipcount.web.deps import WorkspaceDep
from whipcount.web.pages.campaign_views import (
    board_map,
    board_rows,
    permissions,
    tally_bar,
    urls,
)
from whipcount.web.pages.layout import render

router = APIRouter(include_in_schema=False)

#: the goals the create form offers (``yes-below`` and ``yes-above`` take a number)
GOALS = (
    ("fewer-yes", "fewer yes votes than last time"),
    ("more-yes", "more yes votes than last time"),
    ("yes-below", "fewer yes votes than N"),
    ("yes-above", "more yes votes than N"),
    ("adopt", "the resolution is adopted"),
    ("defeat", "the resolution is defeated"),
)


def _user(request: Request) -> Any:
    return getattr(request.state, "user", None)


@router.get("/campaigns", response_class=HTMLResponse)
def campaigns_page(
    request: Request,
    ws: WorkspaceDep,
    *,
    series: str | None = None,
    session: int | None = None,
    draft: Annotated[str | None, Query(max_length=500)] = None,
    sponsor: Annotated[list[str] | None, Query()] = None,
    as_of: dt.date | None = None,
    majority: Literal["simple", "two-thirds"] = "simple",
) -> HTMLResponse:
    """Every campaign with its goal, P(goal), day and démarches left; the create form,
    filled in with the vote a forecast page links from (a series and session, or a
    draft and its sponsors; the as-of day and the majority)."""
    shown = [ws.show(c["name"]) for c in ws.campaigns()]
    rows = [{**c, "urls": urls(c["name"])} for c in shown]
    return render(
        request,
        "campaigns.html",
        campaigns=rows,
        goals=GOALS,
        prefill={
            "kind": "draft" if draft else "series",
            "series": series or "",
            "session": "" if session is None else session,
            "draft": draft or "",
            "sponsors": ", ".join(sponsor or []),
            "as_of": "" if as_of is None else as_of.isoformat(),
            "majority": majority,
        },
        may=permissions(_user(request)),
    )


@router.get("/campaigns/{name}", response_class=HTMLResponse)
def board_page(request: Request, name: str, ws: WorkspaceDep) -> HTMLResponse:
    """The whip board: tally, P(goal), the map and every member's row (inline edits)."""
    board = ws.board(name)
    document = board.document()
    shown = ws.show(name, board=board)
    user = _user(request)
    rows = board_rows(document, board.contacts, user)
    geometry = getattr(request.app.state.settings, "map_geometry", None)
    return render(
        request,
        "campaign.html",
        page="board",
        subtitle="",
        campaign=shown,
        board=document,
        rows=rows,
        tally=tally_bar(document["tally"]),
        map=board_map(document["members"], geometry=geometry),
        positions=POSITIONS,
        urls=urls(name),
        may=permissions(user),
    )


@router.get("/campaigns/{name}/members/{member}", response_class=HTMLResponse)
def member_page(request: Request, name: str, member: str, ws: WorkspaceDep) -> HTMLResponse:
    """A member's file: the assessment now, its reports and contacts, and the forms."""
    code = ws.member(name, member)
    board = ws.board(name)
    row = board.member_row(board.snapshot.index[code])
    history = documents.member_history(ws, name, code)
    arguments = documents.arguments(ws, name)
    texts = {a["id"]: a["text"] for a in arguments}
    contacts = [
        {**c, "argument_texts": [texts.get(i, f"#{i}") for i in c["arguments"]]}
        for c in reversed(history["contacts"])
    ]
    user = _user(request)
    return render(
        request,
        "campaign_member.html",
        page="member",
        subtitle=row["name"],
        campaign={**campaign_summary(board.campaign), **board.header()},
        member=row,
        reports=list(reversed(history["reports"])),
        contacts=contacts,
        arguments=arguments,
        positions=POSITIONS,
        levels=LEVELS,
        channels=CHANNELS,
        urls=urls(name),
        may={**permissions(user), "report": can_report(user, row["post"])},
    )
