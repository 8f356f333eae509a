"""Account store fixtures: every test runs on SQLite and on PostgreSQL
(``database_url`` and ``postgres_server`` of :mod:`tests.campaign.conftest`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest

from tests.campaign.conftest import database_url, postgres_server  # noqa: F401
from tests.web.team_fixtures import fast_passwords
from whipcount.accounts.store import AccountStore
from whipcount.campaign.repository import CampaignStore


class Clock:
    """A clock the tests move by hand."""

    def __init__(self) -> None:
        self.now = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += dt.timedelta(**delta)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def accounts(database_url: str, clock: Clock) -> Iterator[AccountStore]:  # noqa: F811
    """An account store (fast argon2 parameters, a hand-moved clock) on a new database."""
    with CampaignStore(database_url) as campaigns:
        yield AccountStore(campaigns.engine, passwords=fast_passwords(), clock=clock)
