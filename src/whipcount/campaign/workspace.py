"""A team's campaigns: the one object the CLI and the web layer call.

:class:`Workspace` joins the campaign store (:mod:`whipcount.campaign.repository`,
every write), the record (read-only) and the campaign models: creation computes the
snapshot (:mod:`whipcount.campaign.snapshot`); the board, targets, scenarios and
briefs are computed from the snapshot and the field data.  Every method returns
library objects or JSON-ready documents; the shells only print them.
"""

from __future__ import annotations

import datetime as dt
import getpass
import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np

from whipcount.campaign import inputs
from whipcount.campaign.arguments import link_roll_calls, reach
from whipcount.campaign.board import Board, rng
from whipcount.campaign.briefs import member_brief, post_brief
from whipcount.campaign.calendar import (
    campaign_day,
    check_day,
    recently_contacted,
)
from whipcount.campaign.goals import Goal
from whipcount.campaign.repository import (
    Argument,
    Campaign,
    CampaignStore,
    Contact,
    MemberState,
    Report,
)
from whipcount.campaign.scale import CLASSES, parse_channel, parse_level, parse_position
from whipcount.campaign.scenarios import scenario, what_it_takes
from whipcount.campaign.sheet import RowEdit, export_sheet, read_sheet, row_edits
from whipcount.campaign.sheet_apply import checked_edits, store_edits
from whipcount.campaign.snapshot import build_snapshot, with_arguments
from whipcount.campaign.spec import (
    CampaignSpec,
    argument_document,
    campaign_summary,
)
from whipcount.campaign.targeting import plan, rank
from whipcount.errors import CampaignInputError, NotFoundError
from whipcount.forecast.data import ForecastData
from whipcount.forecast.model import Progress
from whipcount.forecast.record_forecast import ForecastRequest
from whipcount.forecast.tally import summary
from whipcount.record.reader import Record
from whipcount.settings import Settings


class Workspace:
    """The campaigns of one campaign database, with the record they are about."""

    def __init__(
        self,
        settings: Settings,
        *,
        actor: str | None = None,
        store: CampaignStore | None = None,
    ) -> None:
        self.settings = settings
        self.actor = actor or settings.user or getpass.getuser()
        self._store: CampaignStore | None = store
        self._owned = store is None  # a store passed in is closed by its owner

    @property
    def store(self) -> CampaignStore:
        if self._store is None:
            self._store = CampaignStore.open(self.settings)
        return self._store

    def close(self) -> None:
        if self._store is not None and self._owned:
            self._store.close()
        self._store = None

    def __enter__(self) -> Workspace:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- campaigns --------------------------------------------------------------
    def create(self, spec: CampaignSpec, *, progress: Progress | None = None) -> Campaign:
        """Forecast the vote, estimate persuadability, and store the new campaign."""
        Goal.parse(spec.goal, majority=spec.majority, reference=0)  # refuse a bad goal early
        inputs.campaign_name(spec.name)  # and a bad name, before fitting anything
        if any(c.name.casefold() == spec.name.casefold() for c in self.store.campaigns()):
            raise CampaignInputError(f"a campaign named {spec.name!r} already exists")
        if spec.as_of is not None and spec.vote_date < spec.as_of:
            raise CampaignInputError(
                f"the vote date {spec.vote_date.isoformat()} is before the as-of day "
                f"{spec.as_of.isoformat()}"
            )
        lobbyist = self._member_code(spec.lobbyist)
        request = forecast_request(spec)
        snapshot = build_snapshot(
            self.settings.record, request=request, lobbyist=lobbyist, progress=progress
        )
        return self.store.create_campaign(
            name=spec.name,
            lobbyist=lobbyist,
            goal=spec.goal,
            majority=spec.majority,
            vote_date=spec.vote_date,
            capacity=spec.capacity,
            capacity_per=spec.capacity_per,
            as_of=spec.as_of,
            series=spec.series,
            session=snapshot["forecast"]["target"]["session"],
            draft=spec.draft,
            sponsors=list(spec.sponsors),
            issues=list(spec.issues),
            snapshot=snapshot,
            actor=self.actor,
        )

    def refresh(self, name: str, *, progress: Progress | None = None) -> Campaign:
        """Recompute the snapshot from the record as it is now (after an import, say)."""
        c = self.store.campaign(name)
        request = forecast_request(c)
        linked = [rc for a in self.store.arguments(name) for rc in a.linked]
        snapshot = build_snapshot(
            self.settings.record, request=request, lobbyist=c.lobbyist, linked=linked,
            progress=progress,
        )  # fmt: skip
        return self.store.set_snapshot(name, snapshot=snapshot, actor=self.actor)

    def campaigns(self) -> list[dict[str, Any]]:
        return [campaign_summary(c) for c in self.store.campaigns()]

    def show(self, name: str, *, board: Board | None = None) -> dict[str, Any]:
        """The campaign with its board's tally and odds (``board``: the campaign's board
        already built for this question, else built here)."""
        board = board or self.board(name)
        header = {k: v for k, v in board.header().items() if k != "campaign"}
        return {
            **campaign_summary(board.campaign),
            **header,
            "tally": summary(board.tallies),
            "p_goal": round(board.p_goal, 4),
            "p_adopted": round(board.p_adopted, 4),
            "forecast_p_goal": round(board.goal.p_goal(_forecast_tallies(board)), 4),
            "arguments": [argument_document(a) for a in self.store.arguments(name)],
            "reports": len(board.reports),
            "contacts": len(board.contacts),
            "demarches_left": board.demarches_left,
        }

    # -- field data ---------------------------------------------------------------
    def member(self, name: str, text: str) -> str:
        """A campaign member's ISO3 code from a code or a name (clear error otherwise)."""
        members = self.store.campaign(name).snapshot["members"]
        code = text.strip().upper()
        if code in members:
            return code
        try:
            code = self._member_code(text)
        except CampaignInputError:
            code = ""
        if code in members:
            return code
        raise CampaignInputError(
            f"{text!r} is not a member voting in campaign {name!r} "
            "(give the ISO3 code of a member of the General Assembly on the vote's day)"
        )

    def report(
        self,
        name: str,
        member: str,
        position: str,
        *,
        source: str,
        reliability: float,
        reported_on: dt.date | None = None,
        reporter: str | None = None,
        note: str = "",
        expected_version: int | None = None,
    ) -> Report:
        """File a report on ``member``'s position (dated the campaign's day unless given)."""
        if not source.strip():
            raise CampaignInputError("a report needs a source (who said it)")
        c = self.store.campaign(name)
        return self.store.add_report(
            name,
            iso3=self.member(name, member),
            position=parse_position(position),
            source=source.strip(),
            reliability=reliability,
            reported_on=check_day(c, reported_on or self.day(name), "a report"),
            reporter=reporter or self.actor,
            note=note,
            expected_version=expected_version,
            actor=self.actor,
        )

    def contact(
        self,
        name: str,
        member: str,
        *,
        level: str,
        channel: str,
        on: dt.date | None = None,
        arguments: list[int] | None = None,
        response: str = "",
        follow_up: dt.date | None = None,
        officer: str | None = None,
        note: str = "",
        expected_version: int | None = None,
    ) -> Contact:
        """Log a contact with ``member`` (dated the campaign's day unless given)."""
        c = self.store.campaign(name)
        return self.store.add_contact(
            name,
            iso3=self.member(name, member),
            on=check_day(c, on or self.day(name), "a contact"),
            level=parse_level(level),
            channel=parse_channel(channel),
            arguments=list(arguments or []),
            response=response,
            follow_up=follow_up,
            officer=officer or self.actor,
            note=note,
            expected_version=expected_version,
            actor=self.actor,
        )

    def edit_member(
        self,
        name: str,
        member: str,
        *,
        post: str | None = None,
        note: str | None = None,
        expected_version: int | None = None,
    ) -> MemberState:
        """Assign a member to an embassy (``post``, an ISO3 code) or change its note."""
        changes: dict[str, str] = {}
        if post is not None:
            code = post.strip().upper()
            if code not in self.store.campaign(name).snapshot["members"]:
                raise CampaignInputError(
                    f"post {post!r} is not the ISO3 code of a member state (where the embassy is)"
                )
            changes["post"] = code
        if note is not None:
            changes["note"] = note
        return self.store.edit_member(
            name, iso3=self.member(name, member), expected_version=expected_version,
            actor=self.actor, **changes,
        )  # fmt: skip

    def add_argument(self, name: str, text: str, *, link: str | None = None) -> Argument:
        """An argument of the campaign, linked to the record's roll calls matching ``link``."""
        c = self.store.campaign(name)
        if not text.strip():
            raise CampaignInputError("an argument needs a text")
        linked: list[str] = []
        reached: dict[str, float] = {}
        if link:
            before = dt.date.fromisoformat(c.snapshot["forecast"]["as_of"])
            linked = link_roll_calls(self.settings.record, link, before=before)
            data = ForecastData.from_record(self.settings.record)
            found = reach(
                data, linked, lobbyist=c.lobbyist, members=c.snapshot["members"], before=before
            )
            reached = {k: float(v) for k, v in found.items() if v is not None and math.isfinite(v)}
        added = self.store.add_argument(
            name, text=text.strip(), link_query=link, linked=linked, reach=reached,
            actor=self.actor,
        )  # fmt: skip
        if linked:  # the direction of moves now leans on the arguments' roll calls too
            every = [rc for a in self.store.arguments(name) for rc in a.linked]
            snapshot = with_arguments(
                self.settings.record, c.snapshot, lobbyist=c.lobbyist, linked=every
            )
            self.store.set_snapshot(name, snapshot=snapshot, actor=self.actor)
        return added

    # -- the board and what follows from it --------------------------------------
    def day(self, name: str) -> dt.date:
        """The campaign's current day (:mod:`whipcount.campaign.calendar`)."""
        return campaign_day(
            self.store.campaign(name), self.store.reports(name), self.store.contacts(name)
        )

    def board(self, name: str) -> Board:
        return Board.build(
            self.store.campaign(name),
            self.store.reports(name),
            self.store.members(name),
            contacts=self.store.contacts(name),
        )

    def demarches_left(self, name: str) -> int:
        """Démarches the plan may still use (:mod:`whipcount.campaign.calendar`)."""
        return self.board(name).demarches_left

    def targets(
        self, name: str, *, top: int | None = None, board: Board | None = None
    ) -> dict[str, Any]:
        """Members ranked by the expected change toward the goal per démarche, and the plan
        (which leaves out the members contacted in the last week, awaiting follow-up);
        ``board`` as for :meth:`show`."""
        if top is not None and top < 1:
            raise CampaignInputError(f"top {top}: give a positive number of members")
        return _targets(board or self.board(name), top)

    def scenario(self, name: str, votes: Mapping[str, str]) -> dict[str, Any]:
        """The tally and the goal's probability if these members vote as given."""
        board = self.board(name)
        fixed = {self.member(name, k): _vote_class(v) for k, v in votes.items()}
        result = scenario(
            board.p_now, board.snapshot.members, fixed, board.goal,
            groups=board.snapshot.groups, correlation=board.snapshot.correlation, rng=rng(),
        )  # fmt: skip
        return {
            "campaign": name,
            "goal": board.campaign.goal,
            "fixed": dict(result.fixed),
            "tally": result.tally,
            "p_goal": round(result.p_goal, 4),
            "p_adopted": round(result.p_adopted, 4),
            "board": {"tally": summary(board.tallies), "p_goal": round(board.p_goal, 4)},
        }

    def what_it_takes(
        self, name: str, *, probability: float = 0.5, board: Board | None = None
    ) -> dict[str, Any]:
        """The smallest set of members whose moves reach the goal with ``probability``
        (``board`` as for :meth:`show`)."""
        if not 0 < probability <= 1:
            raise CampaignInputError(f"probability {probability} is not in (0, 1]")
        board = board or self.board(name)
        snap = board.snapshot
        found = what_it_takes(
            board.p_now, snap.persuadability.p_move, snap.members, board.goal,
            probability=probability, groups=snap.groups, correlation=snap.correlation,
            rng=rng(),
        )  # fmt: skip
        return {
            "campaign": name,
            "goal": board.campaign.goal,
            "goal_text": board.goal.describe(),
            "ask": board.goal.ask,
            "probability": probability,
            "p_goal_now": round(board.p_goal, 4),
            "members": found.members,
            "p_goal": round(found.p_goal, 4),
            "reached": found.reached,
            "at_least": found.at_least,
            "minimal": found.minimal,
            "steps": [
                {"iso3": code, "name": snap.name(code), "p_goal": round(p, 4)}
                for code, p in found.steps
            ],
        }

    # -- briefs and the sheet -----------------------------------------------------
    def brief(self, name: str, member: str) -> dict[str, Any]:
        """The brief document of one member (render it with :mod:`~whipcount.campaign.briefing`)."""
        return self._briefs(name, [self.member(name, member)])[0]

    def post_brief(self, name: str, post: str) -> dict[str, Any]:
        """The action request to the embassy ``post``: every member assigned to it."""
        code = post.strip().upper()
        board = self.board(name)
        members = [m["iso3"] for m in board.document()["members"] if m["post"] == code]
        if not members:
            raise CampaignInputError(
                f"no member of campaign {name!r} is assigned to post {post!r} "
                "(each member's post is its own ISO3 code unless the sheet assigns another)"
            )
        return post_brief(board, code, self._briefs(name, members, board=board))

    def _briefs(
        self, name: str, members: list[str], *, board: Board | None = None
    ) -> list[dict[str, Any]]:
        board = board or self.board(name)
        targets = {t["iso3"]: t for t in _targets(board, None)["members"]}
        arguments = self.store.arguments(name)
        contacts, reports = self.store.contacts(name), self.store.reports(name)
        data = ForecastData.from_record(self.settings.record)
        with Record(self.settings.record) as record:
            return [
                member_brief(
                    board,
                    code,
                    data=data,
                    record=record,
                    target=targets.get(code),
                    arguments=arguments,
                    contacts=contacts,
                    reports=reports,
                )
                for code in members
            ]

    def export_sheet(self, name: str, path: Path) -> int:
        """Write the whip sheet (.csv or .xlsx); the number of members written."""
        document = self.board(name).document()
        export_sheet(document, path)
        return len(document["members"])

    def sheet_edits(self, name: str, path: Path) -> list[RowEdit]:
        """The edits of a whip sheet, per member, each with its changed cells (checked)."""
        board = self.board(name)
        edits = row_edits(board.document(), read_sheet(path), today=board.day)
        return checked_edits(board.campaign, edits, path)

    def apply_sheet(self, name: str, edits: list[RowEdit]) -> int:
        """Apply a sheet's edits in one transaction (all or nothing); the writes made."""
        writes = store_edits(edits, reporter=self.actor)
        return len(self.store.apply_edits(name, writes, actor=self.actor))

    def audit(self, name: str | None = None, *, limit: int | None = None) -> list[dict[str, Any]]:
        return [
            {
                "at": e.at.isoformat(timespec="seconds"),
                "actor": e.actor,
                "campaign": e.campaign,
                "entity": e.entity,
                "key": e.entity_key,
                "action": e.action,
                "before": e.before,
                "after": e.after,
            }
            for e in self.store.audit(name, limit=limit)
        ]

    def _member_code(self, text: str) -> str:
        """ISO3 code of a member named or coded by ``text``, from the record."""
        with Record(self.settings.record) as record:
            try:
                code = record.resolve_member(text)
            except NotFoundError as error:
                raise CampaignInputError(str(error)) from error
            iso3 = {str(m["code"]): str(m["iso3"]) for m in record.members()}
        return iso3.get(code, code)


def _vote_class(text: str) -> str:
    vote = text.strip().lower()
    if vote not in CLASSES:
        raise CampaignInputError(f"{text!r} is not a vote; use one of: {', '.join(CLASSES)}")
    return vote


def _forecast_tallies(board: Board) -> Any:
    from whipcount.campaign.board import DRAWS
    from whipcount.forecast.tally import counts, simulate

    snap = board.snapshot
    return counts(simulate(snap.p, snap.groups, snap.correlation, rng(), DRAWS))


def forecast_request(vote: CampaignSpec | Campaign) -> ForecastRequest:
    """The forecast a campaign (or its spec) is about."""
    return ForecastRequest(
        series=vote.series,
        session=vote.session,
        draft=vote.draft,
        sponsors=tuple(vote.sponsors),
        issues=tuple(vote.issues),
        as_of=vote.as_of,
        majority=vote.majority,
    )


def _targets(board: Board, top: int | None) -> dict[str, Any]:
    """The targets document of ``board`` (see :meth:`Workspace.targets`)."""
    snap = board.snapshot
    persuade = snap.persuadability
    why = [persuade.why(i) for i in range(len(snap.members))]
    rows = rank(board.p_now, persuade.p_move, persuade.follow, board.goal, snap.members,
                why=why)  # fmt: skip
    contacted = recently_contacted(board.contacts, board.day)
    chosen = plan(
        board.p_now, persuade.p_move, persuade.follow, board.goal, snap.members,
        capacity=board.demarches_left, groups=snap.groups,
        correlation=snap.correlation, rng=rng(),
        already=np.array([code in contacted for code in snap.members]),
    )  # fmt: skip
    shown = rows[:top] if top else rows
    return {
        "campaign": board.campaign.name,
        "goal": board.campaign.goal,
        "goal_text": board.goal.describe(),
        "ask": board.goal.ask,
        "p_goal": round(board.p_goal, 4),
        "members": [
            {
                "iso3": r.iso3,
                "name": snap.name(r.iso3),
                "p_now": r.p_now,
                "p_move": round(r.p_move, 4),
                "expected_gain": round(r.expected_gain, 4),
                "reasons": r.reasons,
            }
            for r in shown
        ],
        "plan": {
            "members": chosen.members,
            "demarches": len(chosen.members),
            "demarches_left": board.demarches_left,
            "left_out": sorted(contacted),
            "expected_tally": chosen.expected_tally,
            "p_goal": round(chosen.p_goal, 4),
            "p_goal_before": round(chosen.p_goal_before, 4),
            "expected_gain": round(chosen.expected_gain, 4),
            "exact": chosen.exact,
        },
    }
