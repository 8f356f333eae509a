"""The campaign pages, in process: each page shows what the JSON API answers.

A rehearsal of the 2024 Cuba embargo vote (as in ``test_api_campaigns``; the forecast
fit saved beside the session's record is shared) is created through the API once; the
tests then read the pages and compare their content with the API's documents.  Field
data is added through the API, as the pages' scripts add it.  Pages do not depend on
the database backend, so this module runs on SQLite only.  The tests run in file order.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from whipcount.accounts.users import User
from whipcount.campaign.scale import POSITIONS
from whipcount.settings import Settings
from whipcount.web.app import create_app
from whipcount.web.pages.campaign_views import board_rows, permissions, tally_bar, urls
from whipcount.web.pages.layout import percent

CUBA = "necessity-ending-economic-commercial-financial-embargo"
NAME = "cuba 2024"  # a space: every URL must quote it
PAGE = "/campaigns/cuba%202024"
API = "/api/campaigns/cuba%202024"
CREATE = {
    "name": NAME, "series": CUBA, "lobbyist": "United States", "goal": "fewer-yes",
    "vote_date": "2024-10-30", "capacity": "3/week", "as_of": "2024-10-01",
}  # fmt: skip
HOSTILE = "<script>alert(1)</script><img src=x onerror=alert(2)>"


@pytest.fixture(scope="module")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    return f"sqlite:///{tmp_path_factory.mktemp('campaigns') / 'campaigns.sqlite'}"


@pytest.fixture(scope="module")
def client(record_path: Path, database_url: str) -> Iterator[TestClient]:
    settings = Settings(record=record_path, database_url=database_url, user="lead", progress=False)
    with TestClient(create_app(settings)) as opened:
        yield opened


@pytest.fixture(scope="module")
def created(client: TestClient) -> dict[str, Any]:
    response = client.post("/api/campaigns", json=CREATE)
    assert response.status_code == 201, response.text
    document: dict[str, Any] = response.json()
    return document


def ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    return response.json()


def page(client: TestClient, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("text/html")
    return response.text


def row_of(text: str, iso3: str) -> str:
    """The board's ``<tr>`` of one member."""
    found = re.search(rf'<tr data-iso3="{iso3}".*?</tr>', text, re.S)
    assert found, iso3
    return found.group(0)


# -- without the record ---------------------------------------------------------------------


def test_urls_quote_the_name_as_one_segment() -> None:
    assert urls("a?b c")["board"] == "/campaigns/a%3Fb%20c"
    assert urls("a?b c")["api"] == "/api/campaigns/a%3Fb%20c"
    assert urls("x")["audit"] == "/audit?campaign=x"


def test_tally_bar_widths_sum_to_the_whole() -> None:
    means = {"yes": 150.0, "no": 30.0, "abstain": 10.0, "absent": 3.0}
    tally = {c: {"mean": m, "q10": 0, "q50": 0, "q90": 0} for c, m in means.items()}
    bar = tally_bar(tally)
    assert [s["vote"] for s in bar] == ["yes", "no", "abstain", "absent"]
    assert sum(s["width"] for s in bar) == pytest.approx(100, abs=0.05)
    assert bar[0]["width"] == pytest.approx(100 * 150 / 193, abs=0.01)


def test_controls_follow_the_roles() -> None:
    member = {"iso3": "BRA", "name": "Brazil", "post": "BRA", "call": "yes",
              "forecast": {"yes": 0.9, "no": 0.0, "abstain": 0.1, "absent": 0.0},
              "p_now": {"yes": 0.5, "no": 0.0, "abstain": 0.5, "absent": 0.0}}  # fmt: skip
    other = {**member, "iso3": "ARG", "name": "Argentina", "post": "ARG"}
    document = {"ask": "abstain", "members": [member, other]}

    def user(role: str, post: str | None = None) -> User:
        return User(id=1, name=role, role=role, post=post, active=True)  # type: ignore[arg-type]

    def reporting(who: User | None) -> dict[str, bool]:
        return {r["iso3"]: r["may_report"] for r in board_rows(document, [], who)}

    assert reporting(None) == {"BRA": True, "ARG": True}  # single-user mode
    assert reporting(user("lead")) == {"BRA": True, "ARG": True}
    assert reporting(user("officer", "BRA")) == {"BRA": True, "ARG": False}
    assert reporting(user("viewer")) == {"BRA": False, "ARG": False}
    assert permissions(user("officer", "BRA")) == {"write": False, "audit": False}
    assert permissions(user("admin")) == {"write": True, "audit": True}


# -- on the real record -----------------------------------------------------------------------


@pytest.mark.slow
def test_list_shows_each_campaign_and_the_create_form(
    client: TestClient, created: dict[str, Any]
) -> None:
    text = page(client, "/campaigns?series=some-series&session=80")
    shown = ok(client.get(API))
    assert f'<a href="{PAGE}">{NAME}</a>' in text
    assert percent(shown["p_goal"], 1) in text and shown["goal_text"] in text
    assert f'<td class="num">{shown["demarches_left"]}</td>' in text
    assert 'id="create-campaign"' in text and 'class="sortable" id="campaigns"' in text
    assert 'name="series" value="some-series"' in text and 'name="session"' in text
    assert 'value="80"' in text
    rehearsal = page(client, "/campaigns?series=s&as_of=2024-10-01&majority=two-thirds")
    assert 'name="as_of" type="date" value="2024-10-01"' in rehearsal
    assert '<option value="two-thirds" selected>' in rehearsal
    assert 'value="series" checked' in rehearsal
    assert '<script src="/static/campaign.js">' in text


@pytest.mark.slow
def test_board_shows_the_tally_the_map_and_every_member(
    client: TestClient, created: dict[str, Any]
) -> None:
    text = page(client, PAGE)
    board = ok(client.get(f"{API}/board"))
    shown = ok(client.get(API))
    assert 'class="sortable whip-board" id="board"' in text
    assert len(re.findall(r'<tr data-iso3="[A-Z]{3}"', text)) == len(board["members"]) == 193
    assert f'id="p-goal">{percent(board["p_goal"], 1)}<' in text
    assert f'id="demarches-left">{shown["demarches_left"]}<' in text
    for vote, numbers in board["tally"].items():
        assert f'data-mean="{vote}">{numbers["mean"]:.1f}<' in text
        assert f'data-range="{vote}">{numbers["q10"]}–{numbers["q90"]}<' in text
    # the map: one shape per member, coloured by the call now
    assert 'id="campaign-map"' in text and 'data-iso3="BRA"' in text
    usa = next(m for m in board["members"] if m["iso3"] == "USA")
    assert usa["call"] == "no"
    assert re.search(r'data-iso3="USA" data-label="[^"]*: no \d+%" fill="#D55E00"', text)
    # the rows: undecided first, with links, votes and an edit button
    brazil = row_of(text, "BRA")
    assert f'href="{PAGE}/members/BRA">Brazil</a>' in brazil
    assert 'data-action="edit"' in brazil and 'data-may-report="1"' in brazil
    first = re.search(r'<tr data-iso3="([A-Z]{3})"', text)
    assert first is not None
    p_ask = {m["iso3"]: m["p_now"]["abstain"] for m in board["members"]}
    assert abs(p_ask[first.group(1)] - 0.5) == min(abs(p - 0.5) for p in p_ask.values())
    # the inline editor: the eight positions, dated the campaign's day
    editor = text[text.index('<template id="row-editor">') :]
    assert re.findall(r'<option value="([^"]+)"', editor)[:8] == list(POSITIONS)
    assert f'name="date" type="date" value="{board["day"]}"' in editor
    assert 'data-form="edit"' in editor
    assert 'href="/audit?campaign=cuba%202024"' in text  # leads see the audit trail


@pytest.mark.slow
def test_board_rows_follow_reports_contacts_and_edits(
    client: TestClient, created: dict[str, Any]
) -> None:
    ok(client.post(f"{API}/arguments", json={"text": "Human rights defenders are jailed"}), 201)
    body = {"position": "lean abstain", "source": "MFA director", "reliability": 0.8,
            "date": "2024-10-08", "version": 1}  # fmt: skip
    filed = ok(client.post(f"{API}/members/BRA/reports", json=body), 201)
    ok(client.post(f"{API}/members/BRA/contacts", json={
        "level": "minister", "channel": "capital", "date": "2024-10-09", "arguments": [1],
        "response": "will consider abstaining", "version": 2}), 201)  # fmt: skip
    ok(client.patch(f"{API}/members/BRA", json={"post": "ARG", "note": "call back", "version": 3}))
    text = page(client, PAGE)
    brazil = row_of(text, "BRA")
    member = filed["member"]
    assert 'data-version="4"' in brazil and '<td data-field="version" class="num">4</td>' in brazil
    assert '<td data-field="post">ARG</td>' in brazil
    assert "lean abstain <small>MFA director · 2024-10-08 · reliability 0.8</small>" in brazil
    assert "2024-10-09 <small>minister, demarche in the capital</small>" in brazil
    assert '<td data-field="note">call back</td>' in brazil
    call = member["call"]
    assert f'<span class="vote {call}">{call}</span> {percent(member["p_now"][call])}' in brazil
    assert 'id="reported">1<' in text


@pytest.mark.slow
def test_member_page_shows_the_history_and_the_forms(
    client: TestClient, created: dict[str, Any]
) -> None:
    text = page(client, f"{PAGE}/members/brazil")  # a name works as in the CLI
    assert "<h1>Brazil <small>· cuba 2024</small></h1>" in text
    assert "<td>2024-10-08</td><td>lean abstain</td><td>MFA director</td>" in text
    assert "<td>Human rights defenders are jailed</td><td>will consider abstaining</td>" in text
    for form in ("report", "contact", "edit"):
        assert f'data-form="{form}"' in text
    assert 'name="arguments" value="1"' in text
    assert f'href="{PAGE}/print/brief/BRA"' in text and f'href="{PAGE}/print/post/ARG"' in text
    assert f'href="{API}/members/BRA/brief?format=pdf"' in text
    assert 'data-version="4"' in text


@pytest.mark.slow
def test_plan_page_shows_targets_and_the_plan(client: TestClient, created: dict[str, Any]) -> None:
    targets = ok(client.get(f"{API}/targets"))
    text = page(client, f"{PAGE}/plan")
    plan = targets["plan"]
    assert f'id="p-before">{percent(plan["p_goal_before"], 1)}<' in text
    assert f'id="p-after">{percent(plan["p_goal"], 1)}<' in text
    assert f"The plan for the {plan['demarches_left']} démarche" in text
    assert len(re.findall(r'<tr data-iso3="', text)) == 30
    best = targets["members"][0]
    assert html.escape(best["reasons"][0], quote=False) in text
    for code in plan["members"]:
        assert f'href="{PAGE}/members/{code}"' in text
    everyone = page(client, f"{PAGE}/plan?top=0")
    assert len(re.findall(r'<tr data-iso3="', everyone)) == len(targets["members"])
    assert "show every member" not in everyone


@pytest.mark.slow
def test_scenario_page_offers_every_member_and_what_it_takes(
    client: TestClient, created: dict[str, Any]
) -> None:
    text = page(client, f"{PAGE}/scenario?probability=0.9")
    takes = ok(client.get(f"{API}/what-it-takes", params={"probability": 0.9}))
    assert len(re.findall(r'class="secondary vote-toggle" data-iso3="', text)) == 193
    assert 'class="map selectable" id="scenario-map"' in text and 'role="button"' in text
    assert '<script src="/static/campaign_scenario.js">' in text
    assert f'data-api="{API}"' in text
    if takes["reached"] and takes["members"]:
        assert f'data-members="{" ".join(takes["members"])}"' in text
        for step in takes["steps"]:
            assert f'<li data-iso3="{step["iso3"]}">' in text
    assert "is not in (0, 1]" in page(client, f"{PAGE}/scenario?probability=2", 422)
    assert "give a positive number" in page(client, f"{PAGE}/plan?top=-1", 422)


@pytest.mark.slow
def test_print_views_are_the_briefs_without_navigation(
    client: TestClient, created: dict[str, Any]
) -> None:
    brief = page(client, f"{PAGE}/print/brief/BRA")
    assert brief == client.get(f"{API}/members/BRA/brief?format=html").text
    assert 'class="site"' not in brief and "@page" in brief
    post = page(client, f"{PAGE}/print/post/ARG")
    assert post == client.get(f"{API}/posts/ARG/brief?format=html").text
    assert "Brazil" in post


@pytest.mark.slow
def test_a_hostile_note_is_text_on_every_page(client: TestClient, created: dict[str, Any]) -> None:
    version = next(m for m in ok(client.get(f"{API}/board"))["members"] if m["iso3"] == "CUB")
    ok(client.patch(f"{API}/members/CUB", json={"note": HOSTILE, "version": version["version"]}))
    body = {"position": "yes", "source": HOSTILE, "reliability": 0.5, "date": "2024-10-08"}
    ok(client.post(f"{API}/members/CUB/reports", json=body), 201)
    escaped = html.escape(HOSTILE, quote=False)
    for url in (PAGE, f"{PAGE}/members/CUB", f"{PAGE}/print/brief/CUB"):
        text = page(client, url)
        assert "<script>alert" not in text and "<img src=x" not in text, url
        assert escaped in text or html.escape(HOSTILE) in text, url


@pytest.mark.slow
def test_errors_are_pages(client: TestClient, created: dict[str, Any]) -> None:
    missing = page(client, "/campaigns/no-such-campaign", 404)
    assert "no-such-campaign" in missing and 'role="alert"' in missing
    assert "not a member" in page(client, f"{PAGE}/members/ZZZ", 422)
    assert "no member" in page(client, f"{PAGE}/print/post/ZZZ", 422)
