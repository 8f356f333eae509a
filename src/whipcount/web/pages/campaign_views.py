"""What the campaign pages show, shaped from the library's documents for the templates.

The campaign pages (:mod:`whipcount.web.pages.campaigns`,
:mod:`whipcount.web.pages.campaign_plan`) ask :class:`~whipcount.campaign.workspace.Workspace`
and :mod:`whipcount.campaign.documents` their questions; this module only arranges the
answers for display: the tally as a bar, the board's rows with each member's last
contact and what the viewer may change, the map's colours, and the URLs of a campaign
(names are quoted as one path segment, so a name with a space, ? or # works; a new
campaign's name may not hold / or \\, which no route could tell from a path separator).
It computes nothing a command does not also print.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import quote

from markupsafe import Markup

from whipcount.accounts.roles import can_report, can_view_audit, can_write_campaigns
from whipcount.campaign.entities import Contact
from whipcount.campaign.scale import CLASSES
from whipcount.web.svg.worldmap import world_map

#: each vote's colour on the map (the CLI's charts and whipcount.css: Okabe-Ito)
VOTE_COLOURS: dict[str, str] = {
    "yes": "#009E73",
    "no": "#D55E00",
    "abstain": "#E69F00",
    "absent": "#6E6E6E",
}


def campaign_url(name: str) -> str:
    """The board page of campaign ``name``."""
    return "/campaigns/" + quote(name, safe="")


def api_url(name: str) -> str:
    """The JSON API of campaign ``name``."""
    return "/api/campaigns/" + quote(name, safe="")


def urls(name: str) -> dict[str, str]:
    """Every page and route of a campaign the templates link to."""
    base = campaign_url(name)
    return {
        "board": base,
        "plan": base + "/plan",
        "scenario": base + "/scenario",
        "members": base + "/members/",
        "brief": base + "/print/brief/",
        "post": base + "/print/post/",
        "api": api_url(name),
        "audit": "/audit?campaign=" + quote(name, safe=""),
    }


def tally_bar(tally: Mapping[str, Mapping[str, float | int]]) -> list[dict[str, Any]]:
    """The expected tally as the segments of a bar: vote, mean, 10-90 % range, width (%)."""
    total = sum(float(tally[c]["mean"]) for c in CLASSES) or 1.0
    return [
        {
            "vote": c,
            "mean": float(tally[c]["mean"]),
            "q10": int(tally[c]["q10"]),
            "q90": int(tally[c]["q90"]),
            "width": round(100 * float(tally[c]["mean"]) / total, 2),
        }
        for c in CLASSES
    ]


def last_contacts(contacts: Iterable[Contact]) -> dict[str, Contact]:
    """Each member's latest contact (by day, then by entry)."""
    latest: dict[str, Contact] = {}
    for contact in sorted(contacts, key=lambda c: (c.on, c.id)):
        latest[contact.iso3] = contact
    return latest


def board_rows(
    document: Mapping[str, Any], contacts: Iterable[Contact], user: Any
) -> list[dict[str, Any]]:
    """The board's member rows, undecided first (the odds of the ask nearest even, as the
    CLI's board), each with its last contact and whether ``user`` may report on it."""
    ask = str(document["ask"])
    latest = last_contacts(contacts)
    rows = []
    for member in document["members"]:
        contact = latest.get(member["iso3"])
        rows.append(
            {
                **member,
                "p_call": member["p_now"][member["call"]],
                "forecast_call": max(CLASSES, key=lambda c: member["forecast"][c]),
                "p_ask": member["p_now"][ask],
                "contact": contact.document() if contact else None,
                "may_report": can_report(user, member["post"]),
            }
        )
    rows.sort(key=lambda r: abs(r["p_ask"] - 0.5))
    return rows


def map_fills(members: Iterable[Mapping[str, Any]]) -> dict[str, str]:
    """Each member's colour on the map: its most likely vote now."""
    return {m["iso3"]: VOTE_COLOURS[m["call"]] for m in members}


def map_labels(members: Iterable[Mapping[str, Any]]) -> dict[str, str]:
    """Each member's tooltip on the map: its name, its call and the call's probability."""
    return {
        m["iso3"]: f"{m['name']}: {m['call']} {100 * m['p_now'][m['call']]:.0f}%" for m in members
    }


def map_opacity(members: Iterable[Mapping[str, Any]]) -> dict[str, float]:
    """Each member's shade on the map: the probability of its call (at least 0.3, so that
    a toss-up still shows its colour; the page's script uses the same rule)."""
    return {m["iso3"]: max(0.3, float(m["p_now"][m["call"]])) for m in members}


def board_map(
    members: list[Mapping[str, Any]],
    *,
    geometry: Path | None,
    id: str = "campaign-map",
    selectable: bool = False,
) -> Markup:
    """The world map of the members coloured by their most likely vote now."""
    return world_map(
        map_fills(members),
        labels=map_labels(members),
        opacity=map_opacity(members),
        selectable=selectable,
        id=id,
        title="Each member's most likely vote now",
        geometry=geometry,
    )


def permissions(user: Any) -> dict[str, bool]:
    """What ``user`` (None: single-user mode) may do on the campaign pages."""
    return {"write": can_write_campaigns(user), "audit": can_view_audit(user)}
