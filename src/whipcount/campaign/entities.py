"""What the campaign store returns: frozen dataclasses, never database rows.

Each has a ``document()``: the JSON-ready form that the audit trail stores and the
shells print (dates as ISO strings, times as ISO strings in UTC).  Times are
timezone-aware UTC whichever database they came from.

The ``*Edit`` classes are the rows of a whole sheet handed to
:meth:`whipcount.campaign.repository.CampaignStore.apply_edits`, each with the member
version it was read at (``expected_version``).
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "UNSET",
    "Argument",
    "AuditEntry",
    "Campaign",
    "Contact",
    "ContactEdit",
    "Edit",
    "MemberEdit",
    "MemberState",
    "Report",
    "ReportEdit",
    "utc",
]


class Unset(enum.Enum):
    """The type of :data:`UNSET`: "leave this field as it is"."""

    UNSET = "unset"

    def __repr__(self) -> str:
        return "UNSET"


UNSET = Unset.UNSET


def utc(value: dt.datetime) -> dt.datetime:
    """``value`` as an aware UTC time (SQLite hands back naive UTC times)."""
    if value.tzinfo is None:
        return value.replace(tzinfo=dt.UTC)
    return value.astimezone(dt.UTC)


def _day(value: dt.date | None) -> str | None:
    return None if value is None else value.isoformat()


@dataclass(frozen=True)
class Campaign:
    """A campaign: the vote it is about, its goal and capacity, and its snapshot."""

    id: int
    name: str
    lobbyist: str
    goal: str
    majority: str
    vote_date: dt.date
    capacity: int
    capacity_per: str
    as_of: dt.date | None
    series: str | None
    session: int | None
    draft: str | None
    sponsors: list[str]
    issues: list[str]
    snapshot: dict[str, Any] = field(repr=False)
    created_at: dt.datetime
    created_by: str
    updated_at: dt.datetime
    updated_by: str
    version: int

    @property
    def members(self) -> list[str]:
        """The ISO3 codes of the snapshot's members, in its order."""
        return [str(code) for code in self.snapshot["members"]]

    @classmethod
    def from_row(cls, row: Mapping[Any, Any]) -> Campaign:
        values = {name: row[name] for name in cls.__dataclass_fields__}
        for name in ("created_at", "updated_at"):
            values[name] = utc(values[name])
        values["sponsors"] = list(values["sponsors"])
        values["issues"] = list(values["issues"])
        return cls(**values)

    def document(self, *, snapshot: bool = False) -> dict[str, Any]:
        """JSON-ready fields; the snapshot itself only if asked for."""
        out: dict[str, Any] = {
            "id": self.id,
            "name": self.name,
            "lobbyist": self.lobbyist,
            "goal": self.goal,
            "majority": self.majority,
            "vote_date": self.vote_date.isoformat(),
            "capacity": self.capacity,
            "capacity_per": self.capacity_per,
            "as_of": _day(self.as_of),
            "series": self.series,
            "session": self.session,
            "draft": self.draft,
            "sponsors": list(self.sponsors),
            "issues": list(self.issues),
            "members": len(self.members),
            "created_at": self.created_at.isoformat(),
            "created_by": self.created_by,
            "updated_at": self.updated_at.isoformat(),
            "updated_by": self.updated_by,
            "version": self.version,
        }
        if snapshot:
            out["snapshot"] = self.snapshot
        return out


@dataclass(frozen=True)
class Argument:
    """An argument of the campaign, the roll calls it rests on and whom it may reach.

    ``reach`` maps members to a score; ``None`` where the score is unknown (a member that
    never voted on the linked roll calls)."""

    id: int
    campaign: str
    text: str
    link_query: str | None
    linked: list[str]
    reach: dict[str, float | None]
    created_at: dt.datetime
    created_by: str

    def document(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "campaign": self.campaign,
            "text": self.text,
            "link_query": self.link_query,
            "linked": list(self.linked),
            "reach": dict(self.reach),
            "created_at": self.created_at.isoformat(),
            "created_by": self.created_by,
        }


@dataclass(frozen=True)
class Report:
    """A field report: where a source places a member on the position scale."""

    id: int
    campaign: str
    iso3: str
    position: str
    source: str
    reliability: float
    reported_on: dt.date
    reporter: str
    note: str
    created_at: dt.datetime
    created_by: str

    def document(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "campaign": self.campaign,
            "iso3": self.iso3,
            "position": self.position,
            "source": self.source,
            "reliability": self.reliability,
            "reported_on": self.reported_on.isoformat(),
            "reporter": self.reporter,
            "note": self.note,
            "created_at": self.created_at.isoformat(),
            "created_by": self.created_by,
        }


@dataclass(frozen=True)
class Contact:
    """A démarche or other contact with a member, and its response."""

    id: int
    campaign: str
    iso3: str
    on: dt.date
    level: str
    channel: str
    arguments: list[int]
    response: str
    follow_up: dt.date | None
    officer: str
    note: str
    created_at: dt.datetime
    created_by: str

    def document(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "campaign": self.campaign,
            "iso3": self.iso3,
            "on": self.on.isoformat(),
            "level": self.level,
            "channel": self.channel,
            "arguments": list(self.arguments),
            "response": self.response,
            "follow_up": _day(self.follow_up),
            "officer": self.officer,
            "note": self.note,
            "created_at": self.created_at.isoformat(),
            "created_by": self.created_by,
        }


@dataclass(frozen=True)
class MemberState:
    """A member's state on a campaign's board; ``version`` counts the changes to it."""

    iso3: str
    post: str
    note: str
    version: int
    updated_at: dt.datetime
    updated_by: str

    def document(self) -> dict[str, Any]:
        return {
            "iso3": self.iso3,
            "post": self.post,
            "note": self.note,
            "version": self.version,
            "updated_at": self.updated_at.isoformat(),
            "updated_by": self.updated_by,
        }


@dataclass(frozen=True)
class AuditEntry:
    """One change: who made it, when, and the entity before and after (JSON, or None)."""

    id: int
    at: dt.datetime
    actor: str
    campaign: str | None
    entity: str
    entity_key: str
    action: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None

    def document(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "at": self.at.isoformat(),
            "actor": self.actor,
            "campaign": self.campaign,
            "entity": self.entity,
            "entity_key": self.entity_key,
            "action": self.action,
            "before": self.before,
            "after": self.after,
        }


@dataclass(frozen=True)
class ReportEdit:
    """A sheet row that adds a report."""

    iso3: str
    position: str
    source: str
    reliability: float
    reported_on: dt.date
    reporter: str
    note: str = ""
    expected_version: int | None = None


@dataclass(frozen=True)
class ContactEdit:
    """A sheet row that records a contact."""

    iso3: str
    on: dt.date
    level: str
    channel: str
    response: str
    officer: str
    arguments: list[int] = field(default_factory=list)
    follow_up: dt.date | None = None
    note: str = ""
    expected_version: int | None = None


@dataclass(frozen=True)
class MemberEdit:
    """A sheet row that changes a member's post or note (``UNSET`` leaves it)."""

    iso3: str
    post: str | Unset = UNSET
    note: str | Unset = UNSET
    expected_version: int | None = None


Edit = ReportEdit | ContactEdit | MemberEdit
