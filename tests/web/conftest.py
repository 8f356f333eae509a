"""Web fixtures: the campaign database on SQLite and on PostgreSQL, once per module.

``database_url`` follows :mod:`tests.campaign.conftest` (an SQLite file, or a fresh
PostgreSQL database on the server of ``WHIPCOUNT_TEST_DATABASE_URL`` or of a throwaway
cluster, skipped without PostgreSQL outside CI) but lives for a whole test module, so
that a module's routes share one campaign: creating it fits a forecast.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.campaign.conftest import postgres_server  # noqa: F401  (the session's server)
from tests.campaign.postgres import fresh_database


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def database_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """A fresh, empty campaign database on each backend, for one test module."""
    if request.param == "sqlite":
        folder: Path = tmp_path_factory.mktemp("campaigns")
        yield f"sqlite:///{folder / 'campaigns.sqlite'}"
        return
    server = request.getfixturevalue("postgres_server")
    with fresh_database(server) as url:
        yield url
