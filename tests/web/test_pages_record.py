"""The record's pages over the real record: home and search, a series, a roll call on
the map, a country with its alignment; bad input as error pages, not tracebacks."""

from __future__ import annotations

from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from fastapi.testclient import TestClient

from whipcount.settings import Settings
from whipcount.web.app import create_app
from whipcount.web.pages.errors import validation_error

pytestmark = pytest.mark.slow
CUBA = "necessity-ending-economic-commercial-financial-embargo"


class Page(HTMLParser):
    """A page parsed: every element's tag and attributes, the text, and the ids."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.elements: list[tuple[str, dict[str, str]]] = []
        self.texts: list[str] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, {k: v or "" for k, v in attrs}))

    def handle_data(self, data: str) -> None:
        if data.strip():
            self.texts.append(data.strip())

    @property
    def text(self) -> str:
        return " ".join(self.texts)

    def find(self, tag: str, **attrs: str) -> list[dict[str, str]]:
        """Elements ``tag`` whose attributes include ``attrs`` (``class_`` for class)."""
        wanted = {k.rstrip("_").replace("_", "-"): v for k, v in attrs.items()}
        return [
            a
            for t, a in self.elements
            if t == tag and all(a.get(k) == v for k, v in wanted.items())
        ]


def make_app(settings: Settings) -> FastAPI:
    """The app, with the pages' validation handler (a no-op when create_app has it)."""
    app = create_app(settings)
    app.add_exception_handler(RequestValidationError, validation_error)
    return app


@pytest.fixture(scope="module")
def client(record_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    folder = tmp_path_factory.mktemp("pages")
    settings = Settings(record=record_path, database_url=f"sqlite:///{folder / 'c.sqlite'}")
    with TestClient(make_app(settings)) as opened:
        yield opened


def get_page(client: TestClient, url: str, status: int = 200) -> Page:
    response = client.get(url)
    assert response.status_code == status, response.text[:2000]
    assert response.headers["content-type"].startswith("text/html")
    return Page(response.text)


def test_home_has_the_search_the_example_and_the_record(client: TestClient) -> None:
    page = get_page(client, "/")
    assert page.find("form", action="/search")
    assert page.find("a", href=f"/series/{CUBA}")
    assert page.find("form", action="/forecast/draft")
    assert "roll calls" in page.text and "series of recurring resolutions" in page.text


def test_search_finds_the_cuba_series_and_the_country(client: TestClient) -> None:
    page = get_page(client, "/search?q=cuba+embargo")
    links = [a["href"] for a in page.find("a")]
    assert f"/series/{CUBA}" in links and f"/forecast/series/{CUBA}" in links
    assert links.index(f"/series/{CUBA}") < links.index(f"/forecast/series/{CUBA}")
    countries = get_page(client, "/search?q=cuba")
    assert countries.find("a", href="/country/CUB")
    by_code = get_page(client, "/search?q=fra")
    assert by_code.find("a", href="/country/FRA")
    draft = get_page(client, "/search?q=unilateral+coercive+measures")
    assert draft.find("input", name="draft", value="unilateral coercive measures")


def test_the_cuba_series_lists_every_vote_and_charts_the_tally(client: TestClient) -> None:
    page = get_page(client, f"/series/{CUBA}")
    assert "Necessity of ending the economic, commercial and financial embargo" in page.text
    rows = client.get(f"/series/{CUBA}").text
    assert '<a href="/votes/A/RES/79/7">A/RES/79/7</a>' in rows
    session_79 = rows[rows.index("A/RES/79/7</a>") :][:600]
    assert (
        '<td class="num">187</td>\n    <td class="num">2</td>\n    <td class="num">1</td>'
        in session_79
    )
    assert page.find("a", href=f"/forecast/series/{CUBA}")
    assert page.find("a", href=f"/campaigns?series={CUBA}")
    assert page.find("svg", class_="chart bars", role="img")
    assert len(page.find("g", class_="bar")) == len(
        client.get(f"/api/series/{CUBA}").json()["instances"]
    )


def test_a_roll_call_on_the_map(client: TestClient) -> None:
    page = get_page(client, "/votes/A/RES/79/7")
    cuba = page.find("path", class_="member")
    by_code = {a["data-iso3"]: a for a in cuba}
    assert (
        by_code["USA"]["fill"] == "#D55E00" and by_code["USA"]["data-label"] == "United States: no"
    )
    assert by_code["CUB"]["fill"] == "#009E73"
    assert "187 yes, 2 no, 1 abstentions, 3 absent" in page.text
    assert page.find("a", href="/country/ISR")
    assert page.find("a", href=f"/series/{CUBA}")


def test_a_country_with_its_alignment(client: TestClient) -> None:
    page = get_page(client, "/country/cuba?with=United+States&limit=5")
    assert page.find("h1") and "Cuba" in page.text
    assert len(page.find("a", href="/votes/A/RES/79/7")) <= 1
    rows = [a for t, a in page.elements if t == "tr"]
    assert len(rows) == 6  # the header and five votes
    assert page.find("a", href="?limit=20&with=United%20States")
    chart = page.find("svg", class_="chart line")
    assert chart, "the alignment chart"
    assert "Cuba and United States, year by year" in page.text
    # a fit saved beside the session's record (by an earlier test) is drawn as a second
    # line chart; else the page says how to make one
    drawn = len(page.find("svg", class_="chart line")) == 2
    assert drawn != ("whipcount ideal fit" in page.text)


def test_a_bad_comparison_is_said_in_place(client: TestClient) -> None:
    page = get_page(client, "/country/CUB?with=Narnia")
    assert "no member 'Narnia'" in page.text
    same = get_page(client, "/country/CUB?with=cub")
    assert "Cuba" in same.text and same.find("p", class_="error", role="alert")


@pytest.mark.parametrize(
    ("url", "status", "words"),
    [
        ("/series/no-such-series", 404, "no series 'no-such-series'"),
        ("/votes/A/RES/99/999", 404, "no roll call"),
        ("/country/Atlantis", 404, "no member 'Atlantis'"),
        ("/country/CUB?limit=0", 422, "limit"),
        ("/country/CUB?fit=seventy", 422, "fit"),
    ],
)
def test_bad_input_is_an_error_page(client: TestClient, url: str, status: int, words: str) -> None:
    page = get_page(client, url, status)
    assert words in page.text
    assert page.find("a", href="/")


def test_without_a_record_the_pages_say_so(tmp_path: Path) -> None:
    settings = Settings(record=tmp_path / "none.sqlite")
    with TestClient(make_app(settings)) as client:
        page = get_page(client, "/", 503)
        assert "whipcount import" in page.text


def test_without_map_geometry_the_roll_call_page_still_works(
    record_path: Path, tmp_path: Path
) -> None:
    settings = Settings(record=record_path, map_geometry=tmp_path / "missing.json")
    with TestClient(make_app(settings)) as client:
        page = get_page(client, "/votes/A/RES/79/7")
    assert page.find("p", class_="map-missing error", role="note")
    assert "scripts/setup" in page.text
    assert "187 yes" in page.text
