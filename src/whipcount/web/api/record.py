"""Routes of the record: ``whipcount record status|conflicts|tally-check``, ``votes``,
``country`` and ``members``.

Each route opens the record read-only (:data:`~whipcount.web.deps.RecordDep`) and returns
the document the command prints with ``--json`` (``docs/JSON.md``).  An unknown roll
call, member, series or bloc is 404 (mapped by :mod:`whipcount.web.app`); malformed
input is 422.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field, field_validator, model_validator

from whipcount.record.span import parse_sessions
from whipcount.web.deps import RecordDep

router = APIRouter(tags=["record"])

Vote = Literal["yes", "no", "abstain", "absent"]
ConflictKind = Literal["vote", "totals", "date", "membership"]


@router.get("/record/status", response_model=None)
def record_status(record: RecordDep) -> dict[str, Any]:
    """How much the record holds, and every import (``whipcount record status``)."""
    return record.status()


@router.get("/record/conflicts", response_model=None)
def record_conflicts(
    record: RecordDep,
    kind: Annotated[ConflictKind | None, Query(description="Only conflicts of this kind.")] = None,
    roll_call: Annotated[
        str | None, Query(description="Only conflicts on this roll call (id or symbol).")
    ] = None,
    limit: Annotated[int | None, Query(ge=1, description="At most this many rows.")] = None,
) -> list[dict[str, Any]]:
    """Where sources disagree: which value the record kept, and the other
    (``whipcount record conflicts``)."""
    return record.conflicts(kind=kind, roll_call=roll_call, limit=limit)


@router.get("/record/tally-check", response_model=None)
def record_tally_check(record: RecordDep) -> dict[str, Any]:
    """Do the per-member votes reproduce the published totals? Rates and exceptions
    (``whipcount record tally-check``)."""
    return record.tally_check()


@router.get("/votes/{roll_call:path}", response_model=None)
def votes(
    record: RecordDep,
    roll_call: str,
    vote: Annotated[Vote | None, Query(description="Only the members who voted this way.")] = None,
) -> dict[str, Any]:
    """Every member's vote on a roll call: an id, a symbol such as A/RES/79/7, or rcid:N
    (``whipcount votes``)."""
    return record.votes(roll_call, only=vote)


class VoteWindow(BaseModel):
    """Which of a member's votes to list (the options of ``whipcount country``)."""

    series: str | None = Field(default=None, description="Only this series' instances.")
    sessions: str | None = Field(
        default=None, description="Only these regular sessions, e.g. 70-79."
    )
    before: dt.date | None = Field(
        default=None,
        description="Only votes surely held before this date (approximate dates: the "
        "whole session).",
    )
    since: dt.date | None = Field(
        default=None, description="Only votes surely held on or after this date."
    )

    @field_validator("sessions")
    @classmethod
    def _sessions(cls, text: str | None) -> str | None:
        if text:
            parse_sessions(text)  # ValueError: a 422 naming the parameter
        return text

    @model_validator(mode="after")
    def _order(self) -> VoteWindow:
        if self.before and self.since and self.since >= self.before:
            raise ValueError("`since` must come before `before`")
        return self

    @property
    def span(self) -> tuple[int, int] | None:
        """The sessions as ``(first, last)``, or None for all."""
        return parse_sessions(self.sessions) if self.sessions else None


@router.get("/country/{member}", response_model=None)
def country(
    record: RecordDep, member: str, window: Annotated[VoteWindow, Query()]
) -> dict[str, Any]:
    """A member's votes; the member is an ISO3 code or a name (``whipcount country``)."""
    return record.country(
        member,
        series=window.series,
        sessions=window.span,
        before=window.before,
        since=window.since,
    )


@router.get("/members", response_model=None)
def members(
    record: RecordDep,
    on: Annotated[dt.date | None, Query(description="Only the members on this day.")] = None,
    bloc: Annotated[
        str | None, Query(description="Only members of this bloc (EU, NATO, AU, OIC, …).")
    ] = None,
    group: Annotated[
        str | None, Query(description="Only this regional group (AFRICAN, WEOG, …).")
    ] = None,
) -> list[dict[str, Any]]:
    """Member identities: codes, names, admission, end and successor, regional group,
    blocs (``whipcount members``)."""
    return record.members(on=on, bloc=bloc, group=group)
