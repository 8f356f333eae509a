"""Schemathesis against the OpenAPI schema, in process: the align, ideal, forecast and
campaign routes answer what the schema allows, and what it does not, with no server
error (5xx).  As in :mod:`tests.web.test_schema`, each operation's Hypothesis strategy
is driven directly (schemathesis' pytest loader does not run under pytest 9).

The fuzzing is bounded to stay fast on the real record: a few examples per operation;
forecasts pinned to one as-of day (the fit saved for 1 October 2024, shared with the
other tests of a run), so that no request fits a model; and the campaign routes asked
about one campaign, created through the API once on an SQLite database (the Cuba
embargo vote as of that day), with the identities in their paths drawn either from
what the schema allows or from names the record knows, so that the fuzzing reaches the
route logic and not only the 404 of an unknown campaign or member.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode

from whipcount.errors import NotFoundError
from whipcount.measures.selection import Selection
from whipcount.record.codes import LAST_SESSION, session_opening, session_span
from whipcount.settings import Settings
from whipcount.web.app import create_app

pytestmark = pytest.mark.slow

CUBA = "necessity-ending-economic-commercial-financial-embargo"
AS_OF = "2024-10-01"
NAME = "fuzz-cuba"
CREATE = {
    "name": NAME, "series": CUBA, "lobbyist": "United States", "goal": "fewer-yes",
    "vote_date": "2024-10-30", "capacity": "3/week", "as_of": AS_OF,
}  # fmt: skip

#: the routes of web/api/align.py, ideal.py, forecast.py and campaigns.py
OURS = re.compile(r"^/api/(align|ideal|forecast|campaigns|audit)\b")

#: operations left out, and why
EXCLUDED = {
    # creating a campaign forecasts its vote and estimates persuadability: seconds per
    # call, and a fit for any as-of day without a saved one (the fixture creates one)
    ("POST", "/api/campaigns"),
}

#: operations asked fewer times: a second or more per call (a new snapshot, every year's
#: State Department tables)
FEWER = {
    ("POST", "/api/campaigns/{name}/refresh"): 2,
    ("GET", "/api/align/check-state-dept"): 3,
}
EXAMPLES = 10

#: path parameters drawn from these known values as well as from the schema
KNOWN: dict[str, tuple[str, ...]] = {
    "member": ("BRA", "Cuba", "usa"),
    "post": ("URY", "BRA"),
    "a": ("USA", "Cuba"),
    "b": ("CUB", "Brazil"),
    "group": ("EU", "GRULAC", "NAM"),
    "series": (CUBA,),
}

#: the schema's operations (it does not depend on the record)
SPEC = create_app(Settings(record=Path("unused.sqlite"))).openapi()["paths"]
OPERATIONS = sorted(
    (method.upper(), path)
    for path, methods in SPEC.items()
    if OURS.match(path)
    for method in methods
    if (method.upper(), path) not in EXCLUDED
)


def _constrained(method: str, path: str) -> bool:
    """Whether the schema refuses some input of the operation (a query or a body)."""
    operation = SPEC[path][method.lower()]
    parameters = operation.get("parameters", [])
    return "requestBody" in operation or any(p["in"] == "query" for p in parameters)


#: (method, path, mode): invalid input only where the schema can refuse some
CASES = [(method, path, GenerationMode.POSITIVE) for method, path in OPERATIONS] + [
    (method, path, GenerationMode.NEGATIVE)
    for method, path in OPERATIONS
    if _constrained(method, path)
]


@pytest.fixture(scope="module")
def app_settings(record_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """The real record and an SQLite campaign database holding the campaign ``NAME``."""
    url = f"sqlite:///{tmp_path_factory.mktemp('fuzz') / 'campaigns.sqlite'}"
    settings = Settings(record=record_path, database_url=url, user="fuzz", progress=False)
    with TestClient(create_app(settings)) as client:
        response = client.post("/api/campaigns", json=CREATE)
    assert response.status_code == 201, response.text
    return settings


@pytest.fixture(scope="module")
def client(app_settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(app_settings)) as opened:  # closes the campaign store
        yield opened


@pytest.fixture(scope="module")
def web_schema(client: TestClient) -> schemathesis.BaseSchema:
    return schemathesis.openapi.from_asgi("/api/openapi.json", client.app)


def pin(case: schemathesis.Case[Any], data: st.DataObject) -> None:
    """Ask about the campaign ``NAME`` (except to delete it) and the saved fit's day, and
    sometimes about members, groups and series the record knows."""
    parameters = case.path_parameters if isinstance(case.path_parameters, dict) else {}
    for key, known in KNOWN.items():
        if key in parameters:
            parameters[key] = data.draw(st.sampled_from((parameters[key], *known)), label=key)
    if "name" in parameters and case.method.upper() != "DELETE":
        parameters["name"] = NAME
    if case.path.startswith("/api/forecast/") and isinstance(case.query, dict):
        case.query["as_of"] = AS_OF  # any other day may fit a model: a minute or more


@pytest.mark.parametrize(("method", "path", "mode"), CASES)
def test_no_server_error(
    web_schema: schemathesis.BaseSchema, method: str, path: str, mode: GenerationMode
) -> None:
    operation = web_schema[path][method]

    @given(case=operation.as_strategy(generation_mode=mode), data=st.data())
    @settings(
        max_examples=FEWER.get((method, path), EXAMPLES),
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    )
    def answers(case: schemathesis.Case[Any], data: st.DataObject) -> None:
        pin(case, data)
        response = case.call()
        asked = (
            case.method,
            case.formatted_path,
            case.query,
            case.body,
        )  # the curl hides "session"
        assert response.status_code < 500, (asked, response.text[:500])

    answers()


@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("/api/align/USA/with/CUB", {"session": 9000}),
        ("/api/align/USA/all", {"sessions": f"1-{2**64}"}),
        ("/api/align/USA/with/CUB", {"year": 10_000}),
        (f"/api/forecast/series/{CUBA}", {"session": LAST_SESSION + 1, "as_of": AS_OF}),
        ("/api/forecast/draft", {"draft": "x", "session": 2**64, "as_of": AS_OF}),
    ],
)
def test_sessions_and_years_past_the_calendar_are_not_found(
    client: TestClient, path: str, params: dict[str, Any]
) -> None:
    # found by the fuzzing: a session opening after the year 9999 was a server error
    response = client.get(path, params=params)
    assert response.status_code == 404 and response.json()["error"] == "NotFoundError"


def test_an_audit_limit_past_any_sql_integer_is_no_limit(client: TestClient) -> None:
    # found by the fuzzing: SQLite refused the limit (an OverflowError, a server error)
    for path in (f"/api/campaigns/{NAME}/audit", "/api/audit"):
        everything = client.get(path, params={"limit": 2**63})
        assert everything.status_code == 200, everything.text
        assert everything.json() == client.get(path, params={"limit": 10**6}).json() != []


def test_the_calendar_ends_with_the_year_9999() -> None:
    assert session_opening(LAST_SESSION).year == dt.MAXYEAR - 1
    with pytest.raises(NotFoundError, match="no regular session 8055"):
        session_opening(LAST_SESSION + 2)
    with pytest.raises(NotFoundError, match="no regular session 8054"):
        session_span(LAST_SESSION + 1)
    with pytest.raises(NotFoundError, match="no votes in 10000"):
        Selection(report_year=10_000)


def test_the_routes_are_all_checked() -> None:
    assert len(OPERATIONS) == 31  # 32 routes, creation excluded
    assert ("GET", "/api/forecast/series/{series}") in OPERATIONS
    assert ("POST", "/api/campaigns/{name}/sheet") in OPERATIONS
