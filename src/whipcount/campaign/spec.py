"""What a campaign is asked to be: the creation spec, the capacity syntax, and the
summaries that list campaigns and their arguments."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from whipcount.campaign.entities import Argument, Campaign
from whipcount.errors import CampaignInputError


@dataclass(frozen=True, kw_only=True)
class CampaignSpec:
    """What ``campaign create`` asks for (see :meth:`Workspace.create`)."""

    name: str
    lobbyist: str
    goal: str
    vote_date: dt.date
    capacity: int
    capacity_per: str = "total"  # or "week"
    series: str | None = None
    session: int | None = None
    draft: str | None = None
    sponsors: tuple[str, ...] = ()
    issues: tuple[str, ...] = ()
    as_of: dt.date | None = None
    majority: str = "simple"


def parse_capacity(text: str) -> tuple[int, str]:
    """``"12"`` (démarches in all) or ``"3/week"`` (per week) -> (number, "total"|"week")."""
    raw = text.strip().lower().replace(" ", "")
    per = "total"
    for suffix in ("/week", "perweek", "/w", "aweek"):
        if raw.endswith(suffix):
            raw, per = raw[: -len(suffix)], "week"
            break
    if not raw.isdigit() or int(raw) < 1:
        raise CampaignInputError(
            f"capacity {text!r} is not a number of démarches: give N (in all) or N/week"
        )
    return int(raw), per


def campaign_summary(c: Campaign) -> dict[str, Any]:
    target = c.snapshot["forecast"]["target"]
    return {
        "name": c.name,
        "series": c.series,
        "session": c.session,
        "draft": c.draft,
        "title": target.get("title"),
        "lobbyist": c.lobbyist,
        "goal": c.goal,
        "majority": c.majority,
        "vote_date": c.vote_date.isoformat(),
        "capacity": c.capacity,
        "capacity_per": c.capacity_per,
        "as_of": c.as_of.isoformat() if c.as_of else None,
        "created_at": c.created_at.isoformat(timespec="seconds"),
        "created_by": c.created_by,
    }


def argument_document(a: Argument) -> dict[str, Any]:
    return {
        "id": a.id,
        "text": a.text,
        "link": a.link_query,
        "linked": len(a.linked),
        "reached": len(a.reach),
    }
