"""The campaign's clock: its day, the days field data may carry, the démarches left."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from whipcount.campaign.calendar import (
    campaign_day,
    check_day,
    demarches_left,
    recently_contacted,
)
from whipcount.campaign.entities import Campaign, Contact, Report
from whipcount.errors import CampaignInputError

NOW = dt.datetime(2026, 11, 30, tzinfo=dt.UTC)
VOTE = dt.date(2024, 10, 30)
REHEARSAL = Campaign(
    id=1, name="cuba", lobbyist="USA", goal="fewer-yes", majority="simple", vote_date=VOTE,
    capacity=3, capacity_per="week", as_of=dt.date(2024, 10, 1), series="s", session=79,
    draft=None, sponsors=[], issues=[], snapshot={"members": ["BRA", "ALB"]},
    created_at=NOW, created_by="lead", updated_at=NOW, updated_by="lead", version=1,
)  # fmt: skip


def contact(on: dt.date, iso3: str = "ALB") -> Contact:
    return Contact(
        id=1, campaign="cuba", iso3=iso3, on=on, level="minister", channel="call",
        arguments=[], response="", follow_up=None, officer="o", note="", created_at=NOW,
        created_by="o",
    )  # fmt: skip


def report(on: dt.date) -> Report:
    return Report(
        id=1, campaign="cuba", iso3="BRA", position="no", source="s", reliability=0.5,
        reported_on=on, reporter="r", note="", created_at=NOW, created_by="r",
    )  # fmt: skip


def test_a_rehearsal_moves_with_its_field_data() -> None:
    assert campaign_day(REHEARSAL, [], []) == dt.date(2024, 10, 1)
    day = campaign_day(REHEARSAL, [report(dt.date(2024, 10, 8))], [contact(dt.date(2024, 10, 10))])
    assert day == dt.date(2024, 10, 10)


def test_a_live_campaign_runs_on_today_until_the_vote() -> None:
    live = dataclasses.replace(REHEARSAL, as_of=None, vote_date=dt.date(2026, 12, 15))
    assert campaign_day(live, [], [], today=dt.date(2026, 11, 30)) == dt.date(2026, 11, 30)
    assert campaign_day(live, [], [], today=dt.date(2027, 1, 1)) == dt.date(2026, 12, 15)
    with pytest.raises(CampaignInputError, match="in the future"):
        check_day(live, dt.date(2026, 12, 10), "a report", today=dt.date(2026, 11, 30))


def test_days_outside_the_campaign_are_refused() -> None:
    assert check_day(REHEARSAL, dt.date(2024, 10, 5), "a report") == dt.date(2024, 10, 5)
    with pytest.raises(CampaignInputError, match="after the vote on 2024-10-30"):
        check_day(REHEARSAL, dt.date(2026, 11, 30), "a report")
    with pytest.raises(CampaignInputError, match="before the campaign's forecast day"):
        check_day(REHEARSAL, dt.date(1990, 1, 1), "a contact")


def test_demarches_left_per_week_and_in_all() -> None:
    day = dt.date(2024, 10, 10)
    contacts = [contact(dt.date(2024, 10, 2), "BRA"), contact(day)]
    # 20 days to the vote: 3 weeks of 3, less this week's one contact
    assert demarches_left(REHEARSAL, contacts, day) == 8
    assert recently_contacted(contacts, day) == {"ALB"}
    in_all = dataclasses.replace(REHEARSAL, capacity=10, capacity_per="total")
    assert demarches_left(in_all, contacts, day) == 8
    assert demarches_left(in_all, contacts * 6, day) == 0
    assert demarches_left(REHEARSAL, [], VOTE) == 0
