"""The forecast pages over the real record: the Cuba series' next vote and a draft, on
the map, with the tally, P(adopted) and each member's reasons; the page and the JSON
API share one cached forecast; bad input is an error page."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tests.web.test_pages_record import get_page, make_app
from whipcount.settings import Settings
from whipcount.web.pages.forecast import sponsor_codes, votes_needed
from whipcount.web.pages.layout import probability

pytestmark = pytest.mark.slow
CUBA = "necessity-ending-economic-commercial-financial-embargo"


@pytest.fixture(scope="module")
def client(record_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    folder = tmp_path_factory.mktemp("forecast-pages")
    settings = Settings(record=record_path, database_url=f"sqlite:///{folder / 'c.sqlite'}")
    with TestClient(make_app(settings)) as opened:
        yield opened


def test_the_cuba_forecast_page(client: TestClient) -> None:
    page = get_page(client, f"/forecast/series/{CUBA}?session=79&as_of=2024-10-01")
    api = client.get(f"/api/forecast/series/{CUBA}", params={"session": 79, "as_of": "2024-10-01"})
    document = api.json()
    shapes = {a["data-iso3"]: a for a in page.find("path", class_="member")}
    assert shapes["CUB"]["fill"] == "#009E73" and shapes["USA"]["fill"] == "#D55E00"
    usa = next(m for m in document["members"] if m["iso3"] == "USA")
    assert shapes["USA"]["fill-opacity"] == f"{usa['p']['no']:.2f}"
    assert shapes["USA"]["data-label"].startswith("United States: yes ")
    assert "· no " in shapes["USA"]["data-label"]
    assert page.find("circle", class_="member small", data_iso3="MCO")
    adopted = probability(document["p_adopted"])
    assert page.find("div", class_="stat", id="p-adopted")
    assert f"P(adopted) {adopted}" in page.text
    assert page.find("svg", class_="chart ranges", role="img")
    rows = [a for t, a in page.elements if t == "tr" and "data-iso3" in a]
    assert len(rows) == len(document["members"])
    for reason in usa["reasons"]:
        assert reason in page.text
    assert page.find("a", href=f"/campaigns?series={CUBA}&session=79&as_of=2024-10-01#new")
    assert page.find("a", href=f"/series/{CUBA}")


def test_page_and_api_share_one_forecast(client: TestClient) -> None:
    url = f"/forecast/series/{CUBA}"
    get_page(client, url)
    cache = client.app.state.forecasts  # type: ignore[attr-defined]
    count = len(cache.documents)
    assert client.get(f"/api/forecast/series/{CUBA}").status_code == 200
    assert len(cache.documents) == count
    fits = len(cache.fits)
    get_page(client, url)  # warm: the cached document, rendered (speed: benchmarks/)
    assert (len(cache.documents), len(cache.fits)) == (count, fits)


def test_a_draft_forecast_page(client: TestClient) -> None:
    page = get_page(
        client,
        "/forecast/draft?draft=Elimination+of+unilateral+coercive+measures"
        "&sponsor=cub,+VEN&issue=ec",
    )
    assert "Elimination of unilateral coercive measures" in page.text
    assert page.find("input", type="hidden", name="draft")
    assert page.find("input", type="hidden", name="sponsor", value="cub, VEN")
    assert len(page.find("path", class_="member")) > 150
    links = [a["href"] for a in page.find("a") if a["href"].startswith("/campaigns?")]
    assert links and "sponsor=CUB" in links[0] and "sponsor=VEN" in links[0]
    assert "draft=Elimination" in links[0] and "session=" not in links[0]
    # the campaign form opens on the draft, filled in
    form = get_page(client, links[0].split("#")[0])
    assert form.find("input", type="radio", name="vote_kind", value="draft", checked="")
    assert form.find("input", name="draft", value="Elimination of unilateral coercive measures")
    assert form.find("input", name="sponsors", value="CUB, VEN")


@pytest.mark.parametrize(
    ("url", "status", "words"),
    [
        (f"/forecast/series/{CUBA}?as_of=yesterday", 422, "as_of"),
        (f"/forecast/series/{CUBA}?session=0", 422, "session"),
        (f"/forecast/series/{CUBA}?majority=most", 422, "majority"),
        ("/forecast/series/no-such-series", 404, "no series 'no-such-series'"),
        ("/forecast/draft", 422, "draft"),
        ("/forecast/draft?draft=x&issue=zz", 422, "issue"),
    ],
)
def test_bad_forecast_input_is_an_error_page(
    client: TestClient, url: str, status: int, words: str
) -> None:
    page = get_page(client, url, status)
    assert words in page.text


def test_sponsors_and_threshold() -> None:
    assert sponsor_codes(["CUB VEN", "bol", "cub"]) == ("CUB", "VEN", "BOL")
    assert votes_needed(2, "simple") == 3
    assert votes_needed(2.5, "simple") == 3
    assert votes_needed(40, "two-thirds") == 80
    assert votes_needed(40.2, "two-thirds") == 81
    assert votes_needed(0, "two-thirds") == 1  # adoption needs at least one yes
