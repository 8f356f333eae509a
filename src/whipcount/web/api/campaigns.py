"""``/api/campaigns``: every ``whipcount campaign`` command, as the same JSON documents.

Questions are GETs (the board, targets, a scenario, what it takes, briefs, the history,
the audit trail, the whip sheet); writes are POST, PATCH and DELETE with JSON bodies
whose fields are named like the command's options (``version`` is the member version
an edit is based on: a stale one is answered 409 with the versions).  Every route calls
one :class:`~whipcount.campaign.workspace.Workspace` method or a document of
:mod:`whipcount.campaign.documents`; the actor is the workspace's (single-user mode:
``WHIPCOUNT_USER``, else the login name; team mode: the signed-in user).  A whip sheet
is uploaded as the raw request body with ``?format=csv|xlsx``.

In team mode the routes' dependencies (:mod:`whipcount.web.permissions`) let every
user read, leads and admins write and read the audit trail, and officers report and log
contacts for the members of their post; the POST scenario is a question, open to all.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, Query, Request, Response
from pydantic import BaseModel, Field, model_validator

from whipcount.campaign import documents
from whipcount.campaign.briefing import render
from whipcount.campaign.spec import CampaignSpec, parse_capacity
from whipcount.forecast.tally import Majority
from whipcount.web.deps import WorkspaceDep
from whipcount.web.permissions import AuditReader, CampaignWriter, MemberReporter, filed_by

router = APIRouter(tags=["campaigns"])

Document = dict[str, Any]
BriefFormat = Literal["json", "markdown", "html", "pdf"]
MEDIA = {
    "markdown": "text/markdown; charset=utf-8",
    "html": "text/html; charset=utf-8",
    "pdf": "application/pdf",
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
_BRIEF_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"content": {MEDIA[k]: {} for k in ("markdown", "html", "pdf")}}
}


class CampaignIn(BaseModel):
    """What ``whipcount campaign create`` asks for: a series (or a draft), the lobbyist,
    the goal, the vote's day and the team's capacity (``N`` or ``N/week``)."""

    name: str
    series: str | None = None
    session: int | None = None
    draft: str | None = None
    sponsors: list[str] = Field(default_factory=list)
    lobbyist: str
    goal: str = Field(description="fewer-yes | more-yes | yes-below:N | yes-above:N | adopt "
                      "| defeat")  # fmt: skip
    vote_date: dt.date
    capacity: str = Field(description="Démarches the team can make: N in all, or N/week.")
    as_of: dt.date | None = None
    majority: Majority = "simple"

    @model_validator(mode="after")
    def _one_vote(self) -> CampaignIn:
        if (self.series is None) == (self.draft is None):
            raise ValueError("give a series or a draft")
        return self

    def spec(self) -> CampaignSpec:
        number, per = parse_capacity(self.capacity)
        return CampaignSpec(
            name=self.name, lobbyist=self.lobbyist, goal=self.goal, vote_date=self.vote_date,
            capacity=number, capacity_per=per, series=self.series, session=self.session,
            draft=self.draft, sponsors=tuple(self.sponsors), as_of=self.as_of,
            majority=self.majority,
        )  # fmt: skip


class ArgumentIn(BaseModel):
    """An argument, linked to the roll calls whose title or subjects match ``link``."""

    text: str
    link: str | None = None


class ReportIn(BaseModel):
    """A field report of a member's position on the scale (yes ... no, absent)."""

    position: str
    source: str
    reliability: float
    date: dt.date | None = None
    reporter: str | None = None
    note: str = ""
    version: int | None = None


class ContactIn(BaseModel):
    """A contact with a member's government (a démarche, a call, a letter)."""

    level: str
    channel: str
    date: dt.date | None = None
    arguments: list[int] = Field(default_factory=list)
    response: str = ""
    follow_up: dt.date | None = None
    officer: str | None = None
    note: str = ""
    version: int | None = None


class MemberEdit(BaseModel):
    """A member's embassy (``post``, ISO3) or its note on the board."""

    post: str | None = None
    note: str | None = None
    version: int | None = None

    @model_validator(mode="after")
    def _something(self) -> MemberEdit:
        if self.post is None and self.note is None:
            raise ValueError("give post or note")
        return self


class ScenarioIn(BaseModel):
    """How some members vote: ``{"BRA": "abstain", "ARG": "no"}``."""

    votes: dict[str, str] = Field(min_length=1)


# -- campaigns ---------------------------------------------------------------------------


@router.get("/campaigns", summary="List campaigns (campaign list)", response_model=None)
def list_campaigns(ws: WorkspaceDep) -> list[Document]:
    """Every campaign of the database (``whipcount campaign list --json``)."""
    return ws.campaigns()


@router.post(
    "/campaigns",
    summary="Create a campaign (campaign create)",
    response_model=None,
    status_code=201,
    dependencies=[CampaignWriter],
)
def create_campaign(body: CampaignIn, ws: WorkspaceDep) -> Document:
    """Create a campaign: forecast its vote and estimate who can be moved (this fits a
    forecast; a minute or more without a saved fit).  Answers as ``show``."""
    ws.create(body.spec())
    return ws.show(body.name)


@router.get("/campaigns/{name}", summary="Show a campaign (campaign show)", response_model=None)
def show_campaign(name: str, ws: WorkspaceDep) -> Document:
    """One campaign: its vote, goal, count, arguments and activity (``campaign show``)."""
    return ws.show(name)


@router.post(
    "/campaigns/{name}/refresh",
    summary="Refresh a campaign's forecast (campaign refresh)",
    response_model=None,
    dependencies=[CampaignWriter],
)
def refresh_campaign(name: str, ws: WorkspaceDep) -> Document:
    """Recompute the forecast and persuadability from the record as it is now."""
    ws.refresh(name)
    return ws.show(name)


@router.delete(
    "/campaigns/{name}",
    summary="Delete a campaign (campaign delete)",
    response_model=None,
    dependencies=[CampaignWriter],
)
def delete_campaign(name: str, ws: WorkspaceDep) -> Document:
    """Delete a campaign and its field data (the audit trail keeps the record)."""
    ws.store.campaign(name)  # 404 when there is none
    ws.store.delete_campaign(name, actor=ws.actor)
    return {"deleted": name}


@router.get(
    "/audit",
    summary="The whole audit trail (campaign audit)",
    response_model=None,
    dependencies=[AuditReader],
)
def audit_all(ws: WorkspaceDep, limit: Annotated[int, Query(ge=1)] = 50) -> list[Document]:
    """The audit trail of every campaign, newest first (``campaign audit --json``)."""
    return ws.audit(None, limit=limit)


@router.get(
    "/campaigns/{name}/audit",
    summary="A campaign's audit trail (campaign audit NAME)",
    response_model=None,
    dependencies=[AuditReader],
)
def audit(name: str, ws: WorkspaceDep, limit: Annotated[int, Query(ge=1)] = 50) -> list[Document]:
    """One campaign's audit trail, newest first: who changed what, before and after."""
    ws.store.campaign(name)
    return ws.audit(name, limit=limit)


# -- arguments and the field ---------------------------------------------------------------


@router.get(
    "/campaigns/{name}/arguments",
    summary="List arguments (campaign argument list)",
    response_model=None,
)
def list_arguments(name: str, ws: WorkspaceDep) -> list[Document]:
    """The campaign's arguments (``campaign argument list --json``)."""
    return documents.arguments(ws, name)


@router.post(
    "/campaigns/{name}/arguments",
    summary="Add an argument (campaign argument add)",
    response_model=None,
    status_code=201,
    dependencies=[CampaignWriter],
)
def add_argument(name: str, body: ArgumentIn, ws: WorkspaceDep) -> Document:
    """Add an argument, linked to the matching roll calls (``campaign argument add``)."""
    return documents.added_argument(ws.add_argument(name, body.text, link=body.link))


@router.post(
    "/campaigns/{name}/members/{member}/reports",
    summary="File a report (campaign report)",
    response_model=None,
    status_code=201,
    dependencies=[MemberReporter],
)
def report(request: Request, name: str, member: str, body: ReportIn, ws: WorkspaceDep) -> Document:
    """File a report of the member's position; answers with its row of the board now."""
    reporter = filed_by(request, body.reporter, "reporter")
    added = ws.report(
        name, member, body.position, source=body.source, reliability=body.reliability,
        reported_on=body.date, reporter=reporter, note=body.note,
        expected_version=body.version,
    )  # fmt: skip
    return documents.filed_report(ws, name, added)


@router.post(
    "/campaigns/{name}/members/{member}/contacts",
    summary="Log a contact (campaign contact)",
    response_model=None,
    status_code=201,
    dependencies=[MemberReporter],
)
def contact(
    request: Request, name: str, member: str, body: ContactIn, ws: WorkspaceDep
) -> Document:
    """Log a contact with the member's government (``campaign contact --json``)."""
    officer = filed_by(request, body.officer, "officer")
    added = ws.contact(
        name, member, level=body.level, channel=body.channel, on=body.date,
        arguments=body.arguments, response=body.response, follow_up=body.follow_up,
        officer=officer, note=body.note, expected_version=body.version,
    )  # fmt: skip
    return added.document()


@router.patch(
    "/campaigns/{name}/members/{member}",
    summary="Edit a member (campaign edit)",
    response_model=None,
    dependencies=[CampaignWriter],
)
def edit_member(name: str, member: str, body: MemberEdit, ws: WorkspaceDep) -> Document:
    """Assign the member to an embassy or change its note (``campaign edit --json``)."""
    state = ws.edit_member(name, member, post=body.post, note=body.note,
                           expected_version=body.version)  # fmt: skip
    return state.document()


@router.get(
    "/campaigns/{name}/members/{member}/history",
    summary="A member's history (campaign history)",
    response_model=None,
)
def history(name: str, member: str, ws: WorkspaceDep) -> Document:
    """Every report and contact on the member (``campaign history --json``)."""
    return documents.member_history(ws, name, member)


# -- the count and the plan -----------------------------------------------------------------


@router.get(
    "/campaigns/{name}/board", summary="The whip board (campaign board)", response_model=None
)
def board(name: str, ws: WorkspaceDep) -> Document:
    """The whip board: every member's forecast, latest report, odds now and version."""
    return ws.board(name).document()


@router.get(
    "/campaigns/{name}/targets",
    summary="Targets and the plan (campaign targets)",
    response_model=None,
)
def targets(
    name: str, ws: WorkspaceDep, top: Annotated[int | None, Query(ge=1)] = None
) -> Document:
    """Members ranked by expected change toward the goal per démarche, and the plan."""
    return ws.targets(name, top=top)


@router.get(
    "/campaigns/{name}/scenario", summary="A scenario (campaign scenario)", response_model=None
)
def scenario(
    name: str,
    ws: WorkspaceDep,
    votes: Annotated[list[str], Query(min_length=1, description="ISO3=VOTE, repeated")],
) -> Document:
    """The tally if these members vote as given (``campaign scenario NAME ISO3=VOTE ...``)."""
    return ws.scenario(name, documents.parse_votes(votes))


@router.post(
    "/campaigns/{name}/scenario",
    summary="A scenario, votes in the body (campaign scenario)",
    response_model=None,
)
def scenario_of(name: str, body: ScenarioIn, ws: WorkspaceDep) -> Document:
    """As the GET, with the votes as a JSON object ``{"ISO3": "vote"}``."""
    return ws.scenario(name, {k.upper(): v for k, v in body.votes.items()})


@router.get(
    "/campaigns/{name}/what-it-takes",
    summary="What it takes (campaign what-it-takes)",
    response_model=None,
)
def what_it_takes(name: str, ws: WorkspaceDep, probability: float = 0.5) -> Document:
    """The smallest set of members whose moves reach the goal with this probability."""
    return ws.what_it_takes(name, probability=probability)


# -- briefs and the whip sheet ----------------------------------------------------------------


@router.get(
    "/campaigns/{name}/members/{member}/brief",
    summary="A member's brief (campaign brief NAME MEMBER)",
    response_model=None,
    responses=_BRIEF_RESPONSES,
)
def brief(name: str, member: str, ws: WorkspaceDep, format: BriefFormat = "json") -> Any:
    """A member's brief: its document, or rendered as Markdown, HTML or PDF."""
    return _rendered(ws.brief(name, member), "member", format)


@router.get(
    "/campaigns/{name}/posts/{post}/brief",
    summary="An embassy's action request (campaign brief NAME --post ISO3)",
    response_model=None,
    responses=_BRIEF_RESPONSES,
)
def post_brief(name: str, post: str, ws: WorkspaceDep, format: BriefFormat = "json") -> Any:
    """An embassy's action request (every member assigned to ``post``), as ``brief``."""
    return _rendered(ws.post_brief(name, post), "post", format)


@router.get(
    "/campaigns/{name}/sheet",
    summary="Download the whip sheet (campaign export)",
    response_class=Response,
    responses={200: {"content": {MEDIA["csv"]: {}, MEDIA["xlsx"]: {}}}},
)
def export_sheet(name: str, ws: WorkspaceDep, format: documents.SheetFormat = "csv") -> Response:
    """The whip sheet as a CSV or XLSX download, to edit and import back."""
    data = documents.sheet_bytes(ws, name, format)
    filename = re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip("-") or "campaign"
    disposition = f'attachment; filename="{filename}.{format}"'
    return Response(data, media_type=MEDIA[format], headers={"Content-Disposition": disposition})


@router.post(
    "/campaigns/{name}/sheet",
    summary="Import a whip sheet (campaign import)",
    response_model=None,
    dependencies=[CampaignWriter],
)
def import_sheet(
    name: str,
    data: Annotated[bytes, Body(media_type="application/octet-stream")],
    ws: WorkspaceDep,
    *,
    format: documents.SheetFormat = "csv",
    dry_run: bool = False,
    yes: bool = False,
) -> Document:
    """Import an edited whip sheet (the file as the request body): ``dry_run=true`` only
    shows the changed cells, ``yes=true`` applies them, all or nothing."""
    if dry_run == yes:
        raise _invalid("give yes=true to apply or dry_run=true to only show", "yes")
    return documents.import_sheet_bytes(ws, name, data, format, apply=yes)


def _rendered(document: Document, kind: str, format: BriefFormat) -> Any:
    if format == "json":
        return document
    return Response(render(document, kind=kind, format=format), media_type=MEDIA[format])


def _invalid(message: str, field: str) -> Exception:
    from fastapi.exceptions import RequestValidationError

    return RequestValidationError(
        [{"type": "value_error", "loc": ("query", field), "msg": message, "input": None}]
    )
