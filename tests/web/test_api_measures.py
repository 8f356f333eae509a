"""``/api/align``, ``/api/ideal`` and ``/api/forecast`` against the real record: each
route returns the document the CLI's ``--json`` prints for the same question."""

from __future__ import annotations

import json
import typing
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.cli.running import run
from whipcount.forecast.tally import MAJORITIES
from whipcount.measures.ideal_data import BRIDGES, Bridges
from whipcount.measures.ideal_record import IdealPointSpec, fit_problem, fit_record, load_fit
from whipcount.measures.selection import session_range
from whipcount.record.reader import ISSUE_CODES
from whipcount.settings import Settings
from whipcount.web.api.align import IssueCode
from whipcount.web.api.forecast import ForecastCache
from whipcount.web.app import create_app

pytestmark = pytest.mark.slow
CUBA = "necessity-ending-economic-commercial-financial-embargo"
RECENT = ("--sessions", "70-79")  # the ideal-point fit the CLI tests make too


@pytest.fixture(scope="module")
def client(record_path: Path, raw: Path) -> Iterator[TestClient]:
    with TestClient(create_app(Settings(record=record_path, data=raw))) as client:
        yield client


def cli_json(record: Path, *args: str) -> Any:
    result = run(record, *args, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def ok(client: TestClient, url: str, **params: Any) -> Any:
    response = client.get(url, params=params)
    assert response.status_code == 200, response.text
    return response.json()


def test_the_vocabularies_match_the_library() -> None:
    assert typing.get_args(IssueCode) == ISSUE_CODES
    assert typing.get_args(Bridges) == BRIDGES
    assert MAJORITIES == ("simple", "two-thirds")


def test_session_ranges() -> None:
    assert session_range("70-79") == (70, 79)
    assert session_range("75") == (75, 75)
    assert session_range(None, 78) == (78, 78)
    assert session_range(None) is None
    with pytest.raises(ValueError, match="a range such as 70-79"):
        session_range("x")


# --- align ---------------------------------------------------------------------------
def test_align_pair_and_its_trend(client: TestClient, record_path: Path) -> None:
    pair = ok(client, "/api/align/USA/with/China", session=78)
    assert pair == cli_json(record_path, "align", "USA", "China", "--session", "78")
    assert pair["b"] == "CHN" and pair["roll_calls"] > 0
    given = ok(client, "/api/align/USA/with/GBR", year=2023, consensus=250, formula="state-2022")
    assert given == cli_json(
        record_path, "align", "USA", "GBR", "--year", "2023", "--consensus", "250",
        "--formula", "state-2022",
    )  # fmt: skip
    trend = ok(client, "/api/align/USA/with/CHN/trend", by="year", sessions="75-78")
    assert trend == cli_json(
        record_path, "align", "USA", "CHN", "--by", "year", "--sessions", "75-78"
    )
    assert [r["year"] for r in trend["rows"]][:3] == [2020, 2021, 2022]


def test_align_group_all_and_check(client: TestClient, record_path: Path, raw: Path) -> None:
    group = ok(client, "/api/align/USA/group/EU", year=2022)
    assert group == cli_json(record_path, "align", "USA", "--group", "EU", "--year", "2022")
    assert group["group_members"] == 27
    trend = ok(client, "/api/align/USA/group/NATO/trend", by="session", session=77)
    assert trend == cli_json(
        record_path, "align", "USA", "--group", "NATO", "--by", "session", "--session", "77"
    )
    table = ok(client, "/api/align/CHN/all", year=2016, important=True)
    assert table == cli_json(record_path, "align", "CHN", "--all", "--year", "2016", "--important")
    checked = ok(client, "/api/align/check-state-dept", year=[2022, 2023])
    assert checked == cli_json(
        record_path, "align", "check-state-dept", "--year", "2022", "--year", "2023",
        "--reference", str(raw.parent / "reference"),
    )  # fmt: skip
    assert checked["years"][0]["coincidence_matched"] == 192


@pytest.mark.parametrize(
    ("url", "params", "status", "message"),
    [
        ("/api/align/USA/with/Atlantis", {}, 404, "no member 'Atlantis'"),
        ("/api/align/USA/group/XX", {}, 404, "no bloc or group 'XX'"),
        ("/api/align/USA/with/CHN", {"series": "nope"}, 404, "no series 'nope'"),
        ("/api/align/check-state-dept", {"year": 2018}, 404, "no reference table"),
        ("/api/align/usa/with/United States", {}, 422, "not USA twice"),
        ("/api/align/USA/with/USA/trend", {}, 422, "not USA twice"),
        ("/api/align/USA/with/CHN", {"sessions": "79-70"}, 422, "backwards"),
        ("/api/align/USA/with/CHN", {"since": "2020-01-02", "until": "2020-01-01"}, 422, ""),
        ("/api/align/USA/with/CHN", {"sessions": "x"}, 422, ""),
        ("/api/align/USA/with/CHN", {"year": 1945}, 422, ""),
        ("/api/align/USA/with/CHN", {"formula": "mine"}, 422, ""),
        ("/api/align/USA/all", {"consensus": -1}, 422, ""),
        ("/api/align/USA/group/EU/trend", {"by": "decade"}, 422, ""),
    ],
)
def test_align_refusals(
    client: TestClient, url: str, params: dict[str, Any], status: int, message: str
) -> None:
    response = client.get(url, params=params)
    assert response.status_code == status, response.text
    assert message in json.dumps(response.json())


# --- ideal points ------------------------------------------------------------------------
@pytest.fixture(scope="module")
def recent_fit(record_path: Path) -> IdealPointSpec:
    """The fit of sessions 70-79, as ``whipcount ideal fit --sessions 70-79 --bootstrap 2``
    makes it (the CLI tests' fit, when they ran first)."""
    spec = IdealPointSpec(first_session=70, last_session=79)
    if fit_problem(load_fit(record_path, spec)) is not None:
        fit_record(record_path, spec, replications=2)
    return spec


@pytest.mark.usefixtures("recent_fit")
def test_ideal_points(client: TestClient, record_path: Path) -> None:
    pair = ok(client, "/api/ideal/points", member=["USA", "Russia"], sessions="70-79")
    assert pair == cli_json(record_path, "ideal", "show", "USA", "Russia", *RECENT)
    assert {r["iso3"] for r in pair} == {"USA", "RUS"}
    ranked = ok(client, "/api/ideal/points", sessions="70-79", session=75)
    assert ranked == cli_json(record_path, "ideal", "show", "--all", *RECENT, "--session", "75")
    assert len(ranked) > 190
    assert ok(client, "/api/ideal/points", sessions="70-79", session=999) == []


@pytest.mark.usefixtures("recent_fit")
def test_ideal_validate(client: TestClient, record_path: Path) -> None:
    document = ok(client, "/api/ideal/validate", sessions="70-79")
    assert document == cli_json(record_path, "ideal", "validate", *RECENT)
    assert document["session"]["within_median"] > 0.95


@pytest.mark.usefixtures("recent_fit")
@pytest.mark.parametrize(
    ("url", "params", "status", "message"),
    [
        ("/api/ideal/points", {"sessions": "78-79", "bridges": "none"}, 404, "ideal fit"),
        ("/api/ideal/validate", {"issue": "nu", "sessions": "79"}, 404, "no fit yet"),
        ("/api/ideal/points", {"member": "Atlantis", "sessions": "70-79"}, 404, "Atlantis"),
        ("/api/ideal/points", {"sessions": "79-70"}, 422, "40-79"),
        ("/api/ideal/points", {"sessions": "x-y"}, 422, ""),
        ("/api/ideal/points", {"bridges": "all"}, 422, ""),
        ("/api/ideal/validate", {"issue": "zz"}, 422, ""),
    ],
)
def test_ideal_refusals(
    client: TestClient, url: str, params: dict[str, Any], status: int, message: str
) -> None:
    response = client.get(url, params=params)
    assert response.status_code == status, response.text
    assert message in json.dumps(response.json())


# --- forecasts ---------------------------------------------------------------------------
def test_forecast_a_series_as_of_a_day(client: TestClient, record_path: Path) -> None:
    url, params = f"/api/forecast/series/{CUBA}", {"session": 79, "as_of": "2024-10-01"}
    document = ok(client, url, **params)
    args = ("forecast", "--series", CUBA, "--session", "79", "--as-of", "2024-10-01")
    assert document == cli_json(record_path, *args)
    assert len(document["members"]) == 193 and document["p_adopted"] > 0.99
    cache: ForecastCache = client.app.state.forecasts  # type: ignore[attr-defined]
    assert len(cache.documents) >= 1 and len(cache.fits) == 1
    assert ok(client, url, **params) == document  # from memory
    # another day seeing the same votes: the fit loaded once serves it too
    later = ok(client, url, session=79, as_of="2024-10-02", majority="two-thirds")
    assert later["majority"] == "two-thirds" and later["as_of"] == "2024-10-02"
    assert len(cache.fits) == 1


def test_forecast_a_draft(client: TestClient, record_path: Path) -> None:
    title = "Necessity of ending the embargo imposed against Cuba"
    params = {"draft": title, "sponsor": ["CUB"], "issue": ["ec"], "as_of": "2024-10-01"}
    document = ok(client, "/api/forecast/draft", **params)
    args = ("forecast", "--draft", title, "--sponsor", "CUB", "--issue", "ec")
    assert document == cli_json(record_path, *args, "--as-of", "2024-10-01")
    assert document["target"]["series"] is None and "Cuba" in document["analogs"][0]["title"]


@pytest.mark.parametrize(
    ("url", "params", "status", "message"),
    [
        ("/api/forecast/series/no-such-series", {}, 404, "no series 'no-such-series'"),
        (f"/api/forecast/series/{CUBA}", {"session": 79, "as_of": "2025-01-01"}, 404,
         "was voted on 2024-10-30, before the as-of day 2025-01-01"),
        ("/api/forecast/draft", {"draft": "x", "sponsor": "Atlantis"}, 404, "Atlantis"),
        ("/api/forecast/draft", {}, 422, ""),
        (f"/api/forecast/series/{CUBA}", {"majority": "most"}, 422, ""),
        (f"/api/forecast/series/{CUBA}", {"as_of": "tomorrow"}, 422, ""),
    ],
)  # fmt: skip
def test_forecast_refusals(
    client: TestClient, url: str, params: dict[str, Any], status: int, message: str
) -> None:
    response = client.get(url, params=params)
    assert response.status_code == status, response.text
    assert message in json.dumps(response.json())


def test_the_cache_forgets_the_least_recent() -> None:
    cache = ForecastCache(documents=2)
    for key in ("a", "b", "a", "c"):
        cache.documents.put(key, key.encode())
    assert cache.documents.get("b") is None and cache.documents.get("a") == b"a"
    assert len(cache.documents) == 2
