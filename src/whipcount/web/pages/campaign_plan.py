"""The campaign's planning pages: targets and the plan, the scenario builder, print views.

``/campaigns/{name}/plan`` shows ``campaign targets`` (members ranked by the expected
change toward the goal of one démarche, each with its reason, and the plan for the
démarches left with the expected tally and P(goal) before and after);
``/campaigns/{name}/scenario`` is the scenario builder (a map and a table where a click
cycles a member's vote; its script asks the scenario route of the JSON API for the
tally) beside ``campaign what-it-takes``; ``/campaigns/{name}/print/brief/{iso3}`` and
``/print/post/{post}`` are a member's brief and a post's action request as the
self-contained, print-ready HTML of :mod:`whipcount.campaign.briefing` (the same page
``campaign brief --format html`` writes: no navigation, A4 print rules).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from whipcount.campaign.briefing import render as render_brief
from whipcount.web.deps import WorkspaceDep
from whipcount.web.pages.campaign_views import board_map, permissions, tally_bar, urls
from whipcount.web.pages.layout import render

router = APIRouter(include_in_schema=False)

#: targets shown on the plan page unless ``?top=`` asks for more (0: every member)
TOP = 30


def _user(request: Request) -> Any:
    return getattr(request.state, "user", None)


@router.get("/campaigns/{name}/plan", response_class=HTMLResponse)
def plan_page(
    request: Request,
    name: str,
    ws: WorkspaceDep,
    top: int = TOP,
) -> HTMLResponse:
    """Ranked targets with their reasons, and the plan for the démarches left."""
    board = ws.board(name)  # one board for every part of the page
    shown = ws.show(name, board=board)
    targets = ws.targets(name, top=top or None, board=board)
    names = {code: board.snapshot.name(code) for code in targets["plan"]["members"]}
    plan = targets["plan"]
    return render(
        request,
        "campaign_plan.html",
        page="plan",
        subtitle="Targets and plan",
        campaign=shown,
        targets=targets,
        plan=plan,
        plan_members=[{"iso3": code, "name": names.get(code, code)} for code in plan["members"]],
        before=tally_bar(shown["tally"]),
        after=tally_bar(plan["expected_tally"]),
        top=top,
        urls=urls(name),
        may=permissions(_user(request)),
    )


@router.get("/campaigns/{name}/scenario", response_class=HTMLResponse)
def scenario_page(
    request: Request,
    name: str,
    ws: WorkspaceDep,
    probability: float = 0.5,
) -> HTMLResponse:
    """The scenario builder and what it would take to reach the goal."""
    board = ws.board(name)
    document = board.document()
    shown = ws.show(name, board=board)
    rows = sorted(document["members"], key=lambda m: m["name"])
    geometry = getattr(request.app.state.settings, "map_geometry", None)
    return render(
        request,
        "campaign_scenario.html",
        page="scenario",
        subtitle="Scenario builder",
        campaign=shown,
        board=document,
        rows=rows,
        tally=tally_bar(document["tally"]),
        takes=ws.what_it_takes(name, probability=probability, board=board),
        map=board_map(document["members"], geometry=geometry, id="scenario-map", selectable=True),
        urls=urls(name),
        may=permissions(_user(request)),
    )


@router.get("/campaigns/{name}/print/brief/{member}", response_class=HTMLResponse)
def brief_print(name: str, member: str, ws: WorkspaceDep) -> HTMLResponse:
    """A member's brief, ready to print (``campaign brief NAME MEMBER --format html``)."""
    return HTMLResponse(render_brief(ws.brief(name, member), kind="member", format="html"))


@router.get("/campaigns/{name}/print/post/{post}", response_class=HTMLResponse)
def post_print(name: str, post: str, ws: WorkspaceDep) -> HTMLResponse:
    """An embassy's action request, ready to print (``campaign brief NAME --post ISO3``)."""
    return HTMLResponse(render_brief(ws.post_brief(name, post), kind="post", format="html"))
