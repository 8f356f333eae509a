"""Checking an edit of a campaign member (a report, a contact, a board edit) before
anything is written: the member must be in the campaign's snapshot, the position on the
scale, the reliability in [0, 1], the contact's level and channel known and its
arguments the campaign's own.  Each ``*_values`` function returns the columns to store.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from whipcount.campaign import inputs, tables
from whipcount.campaign.entities import Campaign, ContactEdit, Edit, MemberEdit, ReportEdit, Unset
from whipcount.campaign.scale import parse_channel, parse_level, parse_position
from whipcount.errors import CampaignInputError

__all__ = [
    "contact_values",
    "expected_version",
    "member",
    "member_values",
    "prepare",
    "report_values",
]


def member(campaign: Campaign, iso3: object) -> str:
    """``iso3`` upper-cased, if it is one of the campaign's members."""
    code = inputs.code(iso3, "member")
    if code not in set(campaign.members):
        raise CampaignInputError(
            f"{code} is not a member of campaign {campaign.name!r} "
            f"(its snapshot lists {len(campaign.members)} members)"
        )
    return code


def expected_version(value: object) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise CampaignInputError(f"expected_version must be a whole number >= 1, not {value!r}")
    return value


def report_values(campaign: Campaign, edit: ReportEdit) -> dict[str, Any]:
    return {
        "campaign_id": campaign.id,
        "iso3": member(campaign, edit.iso3),
        "position": parse_position(inputs.text(edit.position, "position")),
        "source": inputs.text(edit.source, "source"),
        "reliability": inputs.reliability(edit.reliability),
        "reported_on": inputs.day(edit.reported_on, "reported_on"),
        "reporter": inputs.text(edit.reporter, "reporter"),
        "note": inputs.text(edit.note, "note"),
    }


def contact_values(
    connection: sa.Connection, campaign: Campaign, edit: ContactEdit
) -> dict[str, Any]:
    on = inputs.day(edit.on, "contact date")
    follow_up = inputs.optional_day(edit.follow_up, "follow_up")
    if follow_up is not None and follow_up < on:
        raise CampaignInputError(f"follow_up {follow_up} is before the contact on {on}")
    ids = list(edit.arguments) if isinstance(edit.arguments, list | tuple) else None
    if ids is None or any(isinstance(i, bool) or not isinstance(i, int) for i in ids):
        raise CampaignInputError(
            f"arguments must be a list of argument ids, not {edit.arguments!r}"
        )
    table = tables.arguments
    known = set(
        connection.execute(
            sa.select(table.c.id).where(table.c.campaign_id == campaign.id, table.c.id.in_(ids))
        ).scalars()
    )
    unknown = [i for i in ids if i not in known]
    if unknown:
        raise CampaignInputError(
            f"campaign {campaign.name!r} has no argument {', '.join(map(str, unknown))}"
        )
    return {
        "campaign_id": campaign.id,
        "iso3": member(campaign, edit.iso3),
        "contacted_on": on,
        "level": parse_level(inputs.text(edit.level, "level")),
        "channel": parse_channel(inputs.text(edit.channel, "channel")),
        "arguments": ids,
        "response": inputs.text(edit.response, "response"),
        "follow_up": follow_up,
        "officer": inputs.text(edit.officer, "officer"),
        "note": inputs.text(edit.note, "note"),
    }


def member_values(campaign: Campaign, edit: MemberEdit) -> dict[str, Any]:
    values: dict[str, Any] = {"iso3": member(campaign, edit.iso3)}
    if not isinstance(edit.post, Unset):
        values["post"] = inputs.code(edit.post, "post")
    if not isinstance(edit.note, Unset):
        values["note"] = inputs.text(edit.note, "note")
    if len(values) == 1:
        raise CampaignInputError(f"nothing to change for {values['iso3']}: give a post or a note")
    return values


def prepare(connection: sa.Connection, campaign: Campaign, edit: Edit) -> dict[str, Any]:
    if isinstance(edit, ReportEdit):
        return report_values(campaign, edit)
    if isinstance(edit, ContactEdit):
        return contact_values(connection, campaign, edit)
    if isinstance(edit, MemberEdit):
        return member_values(campaign, edit)
    raise CampaignInputError(f"not an edit: {edit!r}")
