"""Schemathesis against the OpenAPI schema, in process: the record and series routes
answer what the schema allows, and what it does not, with no server error (5xx).

Schemathesis' own pytest loader for fixtures (``schemathesis.pytest.from_fixture``) does
not run under pytest 9 (it reads the removed ``Node._nodeid``), so each operation's
Hypothesis strategy is driven here directly.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode

from whipcount.settings import Settings
from whipcount.web.app import create_app

pytestmark = pytest.mark.slow

#: the routes of web/api/record.py and web/api/series.py
OURS = re.compile(r"^/api/(record|series|votes|country|members)\b")

#: their paths, from the schema (which does not depend on the record)
SPEC = create_app(Settings(record=Path("unused.sqlite"))).openapi()["paths"]
PATHS = sorted(path for path in SPEC if OURS.match(path))

#: (path, mode): invalid input only where a query parameter constrains it (any text is a
#: valid path parameter, so the other operations have no invalid input to generate)
CASES = [(path, GenerationMode.POSITIVE) for path in PATHS] + [
    (path, GenerationMode.NEGATIVE)
    for path in PATHS
    if any(p["in"] == "query" for p in SPEC[path]["get"].get("parameters", []))
]


@pytest.fixture(scope="module")
def web_schema(record_path: Path) -> schemathesis.BaseSchema:
    app = create_app(Settings(record=record_path))
    return schemathesis.openapi.from_asgi("/api/openapi.json", app)


@pytest.mark.parametrize(("path", "mode"), CASES)
def test_no_server_error(
    web_schema: schemathesis.BaseSchema, path: str, mode: GenerationMode
) -> None:
    operation = web_schema[path]["GET"]

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=20,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    )
    def answers(case: schemathesis.Case[Any]) -> None:
        response = case.call()
        assert response.status_code < 500, (case.as_curl_command(), response.text[:500])

    answers()


def test_the_record_and_series_routes_are_all_checked() -> None:
    assert len(PATHS) == 8 and "/api/votes/{roll_call}" in PATHS
