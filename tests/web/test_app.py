"""The application shell: the schema, the error statuses, the store's lifetime."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from whipcount.errors import (
    CampaignInputError,
    CampaignNotFoundError,
    ConfigError,
    NotFoundError,
    RecordMissingError,
    StaleEditError,
)
from whipcount.settings import Settings
from whipcount.web.app import ROUTERS, create_app, status_of


def test_the_schema_and_its_reference_are_served(tmp_path: Path) -> None:
    with TestClient(create_app(Settings(record=tmp_path / "none.sqlite"))) as client:
        schema = client.get("/api/openapi.json")
        assert schema.status_code == 200
        assert schema.json()["info"]["title"] == "whipcount"
        assert client.get("/api/docs").status_code == 200


@pytest.mark.parametrize(
    ("error", "status"),
    [
        (StaleEditError("BRA changed", iso3="BRA", expected=1, current=2), 409),
        (NotFoundError("no series"), 404),
        (CampaignNotFoundError("no campaign"), 404),
        (CampaignInputError("bad"), 422),
        (RecordMissingError("no record"), 503),
        (ConfigError("bad setting"), 400),
    ],
)
def test_domain_errors_map_to_statuses(error: Exception, status: int) -> None:
    assert status_of(error) == status  # type: ignore[arg-type]


def test_every_router_is_mounted_under_api() -> None:
    app = create_app(Settings())
    paths = {getattr(route, "path", "") for route in app.routes}
    api = {p for p in paths if p.startswith("/api/")}
    assert api, paths
    assert len(ROUTERS) == len(set(ROUTERS))
