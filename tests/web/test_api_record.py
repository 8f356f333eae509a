"""The record and series routes answer with the CLI's ``--json`` documents, in process."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.cli.running import run
from whipcount.settings import Settings
from whipcount.web.app import create_app

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def client(record_path: Path) -> Iterator[TestClient]:
    with TestClient(create_app(Settings(record=record_path))) as opened:
        yield opened


def cli_json(record_path: Path, *args: str) -> Any:
    result = run(record_path, *args, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def get_ok(client: TestClient, url: str, **params: str) -> Any:
    response = client.get(url, params=params)
    assert response.status_code == 200, response.text
    return response.json()


def test_record_status_is_the_cli_document(client: TestClient, record_path: Path) -> None:
    document = get_ok(client, "/api/record/status")
    assert document == cli_json(record_path, "record", "status")
    assert document["roll_calls"] > 6600


def test_record_conflicts_is_the_cli_document(client: TestClient, record_path: Path) -> None:
    rows = get_ok(client, "/api/record/conflicts", kind="totals", limit="5")
    assert rows == cli_json(record_path, "record", "conflicts", "--kind", "totals", "--limit", "5")
    assert len(rows) == 5 and {r["kind"] for r in rows} == {"totals"}
    one = rows[0]["roll_call"]
    on_one = get_ok(client, "/api/record/conflicts", roll_call=one)
    assert on_one == cli_json(record_path, "record", "conflicts", "--roll-call", one)
    assert on_one and {r["roll_call"] for r in on_one} == {one}


def test_record_tally_check_is_the_cli_document(client: TestClient, record_path: Path) -> None:
    document = get_ok(client, "/api/record/tally-check")
    assert document == cli_json(record_path, "record", "tally-check")
    assert document["published"]["matched"] <= document["published"]["roll_calls"]


def test_votes_take_a_symbol_with_slashes(client: TestClient, record_path: Path) -> None:
    document = get_ok(client, "/api/votes/A/RES/79/7", vote="no")
    assert document == cli_json(record_path, "votes", "A/RES/79/7", "--vote", "no")
    assert {v["member"] for v in document["votes"]} == {"USA", "ISR"}
    every = get_ok(client, "/api/votes/A/RES/79/7")
    assert every["counted"]["yes"] == 187 and len(every["votes"]) > 190


def test_country_is_the_cli_document(client: TestClient, record_path: Path) -> None:
    document = get_ok(client, "/api/country/United States", sessions="78-79", since="2023-12-01")
    expected = cli_json(
        record_path, "country", "United States", "--sessions", "78-79", "--since", "2023-12-01"
    )
    assert document == expected
    assert document["member"]["code"] == "USA"
    assert document["votes"] and all(v["date"] >= "2023-12-01" for v in document["votes"])


def test_country_on_one_series(client: TestClient, record_path: Path) -> None:
    series = "necessity-ending-economic-commercial-financial-embargo"
    document = get_ok(client, "/api/country/CUB", series=series, before="2000-01-01")
    expected = cli_json(record_path, "country", "CUB", "--series", series, "--before", "2000-01-01")
    assert document == expected
    assert document["series"] == series and len(document["votes"]) == 8


def test_members_is_the_cli_document(client: TestClient, record_path: Path) -> None:
    rows = get_ok(client, "/api/members", on="2021-01-01", bloc="eu")
    assert rows == cli_json(record_path, "members", "--on", "2021-01-01", "--bloc", "eu")
    assert len(rows) == 27 and all("EU" in r["blocs"] for r in rows)
    weog = get_ok(client, "/api/members", group="WEOG", on="2020-01-01")
    assert weog == cli_json(record_path, "members", "--group", "WEOG", "--on", "2020-01-01")


def test_series_find_and_show_are_the_cli_documents(client: TestClient, record_path: Path) -> None:
    found = get_ok(client, "/api/series/find", words="cuba embargo", limit="3")
    assert found == cli_json(record_path, "series", "find", "cuba", "embargo", "--limit", "3")
    shown = get_ok(client, f"/api/series/{found[0]['id']}")
    assert shown == cli_json(record_path, "series", "show", found[0]["id"])
    assert shown["instances"][-1]["symbol"] == "A/RES/79/7"


@pytest.mark.parametrize(
    "url",
    [
        "/api/votes/A/RES/0/0",
        "/api/series/no-such-series",
        "/api/country/Atlantis",
        "/api/country/CUB?series=no-such-series",
        "/api/members?bloc=NO_SUCH_BLOC",
        "/api/record/conflicts?roll_call=A/RES/0/0",
    ],
)
def test_unknown_identities_are_404(client: TestClient, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 404
    assert response.json()["error"] == "NotFoundError"
    assert response.json()["detail"].startswith("no ")


@pytest.mark.parametrize(
    "url",
    [
        "/api/record/conflicts?kind=rumour",
        "/api/record/conflicts?limit=0",
        "/api/votes/A/RES/79/7?vote=maybe",
        "/api/country/CUB?sessions=seventy",
        "/api/country/CUB?sessions=79-70",
        "/api/country/CUB?since=2020-01-01&before=2020-01-01",
        "/api/country/CUB?before=yesterday",
        "/api/members?on=2020-13-01",
        "/api/series/find",
        "/api/series/find?words=cuba&limit=0",
    ],
)
def test_malformed_input_is_422(client: TestClient, url: str) -> None:
    assert client.get(url).status_code == 422


def test_the_sessions_message_is_the_clis(client: TestClient, record_path: Path) -> None:
    detail = client.get("/api/country/CUB", params={"sessions": "79-70"}).json()["detail"]
    assert "the range runs backwards" in detail[0]["msg"]
    result = run(record_path, "country", "CUB", "--sessions", "79-70")
    assert result.exit_code == 2 and "the range runs backwards" in result.output


def test_a_missing_record_is_503(tmp_path: Path) -> None:
    with TestClient(create_app(Settings(record=tmp_path / "none.sqlite"))) as client:
        response = client.get("/api/record/status")
    assert response.status_code == 503
    assert "whipcount import" in response.json()["detail"]


def test_routes_are_documented(client: TestClient) -> None:
    paths = client.get("/api/openapi.json").json()["paths"]
    ours = {p: v for p, v in paths.items() if p.startswith(("/api/record", "/api/series"))}
    ours |= {p: v for p, v in paths.items() if p.startswith(("/api/votes", "/api/country"))}
    ours["/api/members"] = paths["/api/members"]
    assert "/api/votes/{roll_call}" in ours and len(ours) == 8
    for operations in ours.values():
        assert operations["get"]["description"] and operations["get"]["summary"]
