"""The issue's whole journey in a real browser, on a team-mode server: sign in, find the
Cuba embargo series, see its forecast on the map, start a campaign from it, record a
report on the whip board and see the tally change; then an officer signs in and may
report only on the members of their post.

The campaign rehearses the 2024 vote as of 1 October 2024 (the forecast fit for that day
is shared with the other campaign tests through the session's record).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import SCREENSHOTS, ServerThread, free_port
from whipcount.settings import Settings
from whipcount.web.app import create_app
from whipcount.web.auth import account_store

CUBA = "necessity-ending-economic-commercial-financial-embargo"
SECRET = "team-flow-test-secret-3f9a7c1e5b2d4068"
PASSWORD = "correct horse battery"
COLD = 600_000  # a cold forecast fits a model: minutes on a busy machine


@pytest.fixture(scope="module")
def team_url(record_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A team-mode server with a lead and an officer of the embassy in Brasília."""
    folder = tmp_path_factory.mktemp("team")
    settings = Settings(
        record=record_path,
        database_url=f"sqlite:///{folder / 'campaigns.sqlite'}",
        team=True,
        secret_key=SECRET,
    )
    app = create_app(settings)
    accounts = account_store(app)
    accounts.add_user("lead", PASSWORD, role="lead", actor="setup")
    accounts.add_user("brasilia", PASSWORD, role="officer", post="BRA", actor="setup")
    server = ServerThread(app, free_port())
    server.start()
    try:
        yield server.url
    finally:
        server.stop()


@pytest.fixture
def team_page(browser: Any, team_url: str, request: pytest.FixtureRequest) -> Iterator[Any]:
    context = browser.new_context(base_url=team_url, viewport={"width": 1280, "height": 900})
    opened = context.new_page()
    opened.set_default_timeout(30_000)
    opened.set_default_navigation_timeout(COLD)
    shots = SCREENSHOTS / re.sub(r"[^\w.-]+", "_", request.node.name)
    shots.mkdir(parents=True, exist_ok=True)
    opened.shots = shots
    try:
        yield opened
    finally:
        try:
            opened.screenshot(path=str(shots / "last.png"), full_page=False)
        finally:
            context.close()


def shot(page: Any, step: str) -> None:
    page.screenshot(path=str(page.shots / f"{step}.png"), full_page=False)


def sign_in(page: Any, name: str) -> None:
    page.goto("/")
    page.wait_for_url(re.compile(r"/login\?next="))  # every page needs a sign-in
    page.fill("#login-form input[name=name]", name)
    page.fill("#login-form input[name=password]", PASSWORD)
    page.click("#login-form button[type=submit]")
    page.wait_for_url(re.compile(r"/$"))
    assert name in page.inner_text("header .account")


def test_sign_in_find_forecast_campaign_report(team_page: Any) -> None:
    page = team_page
    page.goto("/campaigns")
    assert "/login" in page.url
    page.fill("#login-form input[name=name]", "lead")
    page.fill("#login-form input[name=password]", "wrong password!")
    page.click("#login-form button[type=submit]")
    assert page.locator("#login-error").is_visible()  # refused, still on the sign-in page
    assert "/login" in page.url
    shot(page, "1-refused")

    sign_in(page, "lead")
    shot(page, "2-signed-in")
    page.fill("header form.search input[name=q]", "cuba embargo")
    page.press("header form.search input[name=q]", "Enter")
    page.wait_for_url(re.compile(r"/search\?q="))
    page.locator(f"a[href='/series/{CUBA}']").first.click()
    page.wait_for_url(f"**/series/{CUBA}")
    assert "embargo" in page.inner_text("h1").lower()
    shot(page, "3-series")

    page.click("text=Forecast the next vote", timeout=COLD)  # may fit the forecaster
    page.wait_for_url(f"**/forecast/series/{CUBA}", timeout=COLD)
    cuba = page.locator('svg.map [data-iso3="CUB"]')
    assert cuba.count() == 1
    assert page.locator('svg.map [data-iso3="USA"]').get_attribute("data-label")
    assert "P(adopted)" in page.inner_text("main")
    shot(page, "4-forecast")

    page.click("text=Start a campaign on this vote")
    page.wait_for_url(re.compile(r"/campaigns\?"))
    form = page.locator("#create-campaign")
    assert form.locator("[name=series]").input_value() == CUBA
    form.locator("[name=name]").fill("cuba-team")
    form.locator("[name=lobbyist]").fill("USA")
    form.locator("[name=session]").fill("79")
    form.locator("[name=vote_date]").fill("2024-10-30")
    form.locator("[name=as_of]").fill("2024-10-01")
    form.locator("button[type=submit]").click()
    page.wait_for_url("**/campaigns/cuba-team", timeout=COLD)
    shot(page, "5-board")

    row = page.locator("#board tbody tr").first
    yes_before = float(page.inner_text("[data-mean='yes']"))
    row.locator("button[data-action=edit]").click()
    editor = row.locator(".row-editor")
    editor.locator("select[name=position]").select_option("no")
    editor.locator("input[name=source]").fill("Foreign minister, in person")
    editor.locator("input[name=reliability]").fill("1")
    editor.locator("form[data-form=report] button[type=submit]").click()
    editor.locator(".message").filter(has_text="Recorded").wait_for()
    assert float(page.inner_text("[data-mean='yes']")) < yes_before
    shot(page, "6-reported")


def test_an_officer_reports_only_for_their_post(team_page: Any, team_url: str) -> None:
    page = team_page
    sign_in(page, "brasilia")
    page.goto("/campaigns/cuba-team", timeout=COLD)
    brazil = page.locator("#board tbody tr[data-iso3='BRA']")
    france = page.locator("#board tbody tr[data-iso3='FRA']")
    assert brazil.locator("button[data-action=edit]").count() == 1
    assert france.locator("button[data-action=edit]").count() == 0
    # the API refuses what the page hides, even from the officer's own session
    answer = page.evaluate(
        """async () => {
            const r = await fetch('/api/campaigns/cuba-team/members/FRA/reports', {
              method: 'POST',
              headers: {'Content-Type': 'application/json',
                        'X-CSRF-Token': document.querySelector('meta[name=csrf-token]').content},
              body: JSON.stringify({position: 'no', source: 'x', reliability: 1})});
            return r.status; }"""
    )
    assert answer == 403
    shot(page, "officer-board")
