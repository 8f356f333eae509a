"""The dashboard's frame: static files, the API reference page, error pages, navigation."""

from __future__ import annotations

import re
from pathlib import Path
from types import SimpleNamespace

import pytest
from fastapi.testclient import TestClient

from whipcount.settings import Settings
from whipcount.web.app import STATIC, create_app
from whipcount.web.pages.layout import TEMPLATES, navigation, percent, probability


@pytest.fixture
def client(tmp_path: Path) -> TestClient:
    settings = Settings(
        record=tmp_path / "record.sqlite", database_url=f"sqlite:///{tmp_path / 'c.sqlite'}"
    )
    return TestClient(create_app(settings))


def test_static_files_are_served_with_their_types(client: TestClient) -> None:
    css = client.get("/static/whipcount.css")
    assert css.status_code == 200
    assert css.headers["content-type"].startswith("text/css")
    script = client.get("/static/whipcount.js")
    assert script.status_code == 200
    assert "javascript" in script.headers["content-type"]
    assert "X-CSRF-Token" in script.text


def test_nothing_is_loaded_from_another_host() -> None:
    """Every script, style and image comes from this server: no CDN, no font service."""
    external = re.compile(r"""(src|href)\s*=\s*["']?(https?:)?//""", re.IGNORECASE)
    imports = re.compile(r"""(@import|url\()\s*["']?(https?:)?//""", re.IGNORECASE)
    for path in [*TEMPLATES.glob("*.html"), *STATIC.glob("*")]:
        text = path.read_text(encoding="utf-8")
        assert not external.search(text), path
        assert not imports.search(text), path
        assert 'fetch("http' not in text, path


def test_api_reference_page_lists_every_route(client: TestClient) -> None:
    page = client.get("/api/docs")
    assert page.status_code == 200
    schema = client.get("/api/openapi.json").json()
    for path, operations in schema["paths"].items():
        for method in operations:
            assert f"<code>{method.upper()} {path}</code>" in page.text
    assert "cdn" not in page.text.lower()


def test_unknown_page_is_an_html_page_for_browsers_and_json_for_the_api(
    client: TestClient,
) -> None:
    page = client.get("/no/such/page", headers={"accept": "text/html"})
    assert page.status_code == 404
    assert page.headers["content-type"].startswith("text/html")
    assert "Not Found" in page.text
    api = client.get("/api/no/such/route", headers={"accept": "text/html"})
    assert api.status_code == 404
    assert api.json() == {"detail": "Not Found"}


def test_navigation_follows_the_role() -> None:
    def labels(user: object) -> list[str]:
        return [link.label for link in navigation(user)]

    assert labels(None) == ["Search", "Campaigns", "Audit"]
    assert labels(SimpleNamespace(role="viewer")) == ["Search", "Campaigns"]
    assert labels(SimpleNamespace(role="officer")) == ["Search", "Campaigns"]
    assert labels(SimpleNamespace(role="lead")) == ["Search", "Campaigns", "Audit"]
    assert labels(SimpleNamespace(role="admin")) == ["Search", "Campaigns", "Audit", "Users"]


@pytest.mark.parametrize(
    ("value", "digits", "shown"),
    [(0.934, 0, "93%"), (0.934, 1, "93.4%"), (None, 0, "—"), (1.0, 0, "100%"), (0.0, 0, "0%")],
)
def test_percent(value: float | None, digits: int, shown: str) -> None:
    assert percent(value, digits) == shown


@pytest.mark.parametrize("path", ["/api/docs", "/static/whipcount.css", "/api/no/such/route"])
def test_every_response_carries_the_security_headers(client: TestClient, path: str) -> None:
    response = client.get(path)
    policy = response.headers["content-security-policy"]
    assert "script-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["x-frame-options"] == "DENY"


def test_no_template_has_an_inline_script() -> None:
    """Inline scripts would be refused by the Content-Security-Policy: scripts are files."""
    for path in TEMPLATES.glob("*.html"):
        text = path.read_text(encoding="utf-8")
        for tag in re.findall(r"<script\b[^>]*>", text):
            assert "src=" in tag or 'type="application/json"' in tag, (path, tag)
        assert not re.search(r"\son[a-z]+\s*=", text), path  # no onclick= handlers


@pytest.mark.parametrize(
    ("p", "shown"),
    [(0.996, ">99%"), (1.0, "100%"), (0.004, "<1%"), (0.0, "0%"), (0.5, "50%"), (0.994, "99%")],
)
def test_probability_never_rounds_to_certainty(p: float, shown: str) -> None:
    assert probability(p) == shown
