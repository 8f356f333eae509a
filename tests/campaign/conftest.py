"""Campaign database fixtures: every store test runs on SQLite and on PostgreSQL.

``database_url`` is a fresh, empty database: an SQLite file under ``tmp_path``, or a new
PostgreSQL database on the server of ``WHIPCOUNT_TEST_DATABASE_URL`` (a maintenance
URL, e.g. ``postgresql+psycopg://postgres@127.0.0.1:5432/postgres``) or, when that is
not set, on a throwaway cluster started for the session (:mod:`tests.campaign.postgres`).
Without PostgreSQL the PostgreSQL tests are skipped, except in CI (``CI`` set), where
that is a failure.  ``store`` is a :class:`CampaignStore` on that database holding one
small campaign (:data:`CAMPAIGN`, members :data:`MEMBERS`).
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from tests.campaign.postgres import find_program, fresh_database, start_cluster
from whipcount.campaign.repository import Campaign, CampaignStore

CAMPAIGN = "cuba embargo"
MEMBERS = ("ARG", "BRA", "CUB", "FRA", "USA")
ACTOR = "tester"


def snapshot(members: tuple[str, ...] = MEMBERS) -> dict[str, Any]:
    """A small snapshot: the members, their names and a flat forecast."""
    return {
        "version": 1,
        "members": list(members),
        "names": {code: code.title() for code in members},
        "forecast": {"p": [[0.25, 0.25, 0.25, 0.25] for _ in members]},
        "reference_yes": 3,
    }


def campaign_fields(**changes: Any) -> dict[str, Any]:
    """The keyword arguments of ``create_campaign`` for a small campaign."""
    fields: dict[str, Any] = {
        "name": CAMPAIGN,
        "lobbyist": "USA",
        "goal": "fewer-yes",
        "majority": "simple",
        "vote_date": dt.date(2026, 11, 3),
        "capacity": 10,
        "capacity_per": "total",
        "as_of": dt.date(2026, 10, 1),
        "series": "cuba embargo",
        "session": 81,
        "draft": None,
        "sponsors": ["CUB"],
        "issues": ["ec"],
        "snapshot": snapshot(),
        "actor": ACTOR,
    }
    fields.update(changes)
    return fields


def _in_ci() -> bool:
    return os.environ.get("CI", "").lower() not in ("", "0", "false")


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    """The maintenance URL of a PostgreSQL server (see the module docstring)."""
    configured = os.environ.get("WHIPCOUNT_TEST_DATABASE_URL")
    if configured:
        yield configured
        return
    if find_program("initdb") is None or find_program("pg_ctl") is None:
        reason = (
            "PostgreSQL is not installed (no initdb/pg_ctl): install it or set "
            "WHIPCOUNT_TEST_DATABASE_URL to a server's maintenance URL"
        )
        if _in_ci():
            pytest.fail(f"CI must test PostgreSQL: {reason}")
        pytest.skip(reason)
    cluster = start_cluster()
    try:
        yield cluster.url
    finally:
        cluster.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Any) -> Iterator[str]:
    """A fresh, empty campaign database on each backend."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'campaigns.sqlite'}"
        return
    server = request.getfixturevalue("postgres_server")
    with fresh_database(server) as url:
        yield url


@pytest.fixture
def store(database_url: str) -> Iterator[CampaignStore]:
    """A store holding the campaign :data:`CAMPAIGN` of :data:`MEMBERS`."""
    with CampaignStore(database_url) as opened:
        opened.create_campaign(**campaign_fields())
        yield opened


@pytest.fixture
def new_campaign(store: CampaignStore) -> Callable[..., Campaign]:
    """Create another campaign in ``store`` (``campaign_fields`` with changes)."""

    def create(**changes: Any) -> Campaign:
        return store.create_campaign(**campaign_fields(**changes))

    return create
