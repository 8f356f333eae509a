"""A campaign's clock: its current day, the days field data may carry, and the démarches
left.

*The campaign's day* is today for a live campaign (never later than the vote), and for a
rehearsal of a past vote (``as_of`` set) the day of its latest report or contact, or
``as_of`` before any: a rehearsal advances as its field data is entered, whatever the
calendar says.  Reports and contacts without a date are dated on the campaign's day;
dates after the vote, in the future (live campaigns), or before ``as_of`` (rehearsals) are
refused.

*Démarches left*, what the plan may still spend: for a capacity "in all", the capacity
minus the contacts logged; for a capacity "per week", the capacity times the weeks left
before the vote (counting the current, partial week) minus the contacts logged in the
last seven days (this week's share already spent).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence

from whipcount.campaign.entities import Campaign, Contact, Report
from whipcount.errors import CampaignInputError

#: contacts within this many days before the campaign's day count as this week's
WEEK = 7


def campaign_day(
    campaign: Campaign,
    reports: Sequence[Report],
    contacts: Sequence[Contact],
    *,
    today: dt.date | None = None,
) -> dt.date:
    """The campaign's current day (see the module docstring)."""
    if campaign.as_of is None:
        return min(today or dt.date.today(), campaign.vote_date)
    days = [r.reported_on for r in reports] + [c.on for c in contacts]
    return min(max([campaign.as_of, *days]), campaign.vote_date)


def check_day(
    campaign: Campaign, day: dt.date, what: str, *, today: dt.date | None = None
) -> dt.date:
    """``day`` if field data may carry it, else a clear error."""
    now = today or dt.date.today()
    if campaign.as_of is None and day > now:
        raise CampaignInputError(f"{what} dated {day.isoformat()} is in the future")
    if day > campaign.vote_date:
        raise CampaignInputError(
            f"{what} dated {day.isoformat()} is after the vote on {campaign.vote_date.isoformat()}"
        )
    if campaign.as_of is not None and day < campaign.as_of:
        raise CampaignInputError(
            f"{what} dated {day.isoformat()} is before the campaign's forecast day "
            f"{campaign.as_of.isoformat()} (a rehearsal only takes field data from then on)"
        )
    return day


def demarches_left(campaign: Campaign, contacts: Sequence[Contact], day: dt.date) -> int:
    """The démarches the plan may still use on ``day`` (see the module docstring)."""
    if campaign.capacity_per == "total":
        return max(0, campaign.capacity - len(contacts))
    weeks = math.ceil(max((campaign.vote_date - day).days, 0) / WEEK)
    this_week = sum(1 for c in contacts if day - dt.timedelta(days=WEEK) < c.on <= day)
    return max(0, campaign.capacity * weeks - this_week)


def recently_contacted(contacts: Sequence[Contact], day: dt.date) -> set[str]:
    """Members contacted in the last week: the plan leaves them to their follow-up."""
    return {c.iso3 for c in contacts if day - dt.timedelta(days=WEEK) < c.on <= day}
