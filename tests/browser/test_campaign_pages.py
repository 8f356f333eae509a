"""The campaign pages in a real browser: create a campaign from the form, sort the whip
board, record a report inline and see the tally change without a reload, refuse a
stale edit, build a scenario by clicking members, and show a hostile note as text.

The campaigns rehearse the 2024 Cuba embargo vote as of 1 October 2024 (the forecast
fit for that day is saved beside the session's record, shared with the API tests).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import httpx2
import pytest

CUBA = "necessity-ending-economic-commercial-financial-embargo"
NAME = "cuba-browser"
BOARD = f"/campaigns/{NAME}"
#: creating a campaign may fit a forecast (half a minute; minutes on a busy machine)
COLD = 600_000
HOSTILE = "<script>alert(1)</script><img src=x onerror=alert(2)>"
COLOURS = {"yes": "#009E73", "no": "#D55E00", "abstain": "#E69F00", "absent": "#6E6E6E"}


def spec(name: str) -> dict[str, Any]:
    return {
        "name": name, "series": CUBA, "lobbyist": "USA", "goal": "fewer-yes",
        "vote_date": "2024-10-30", "capacity": "3/week", "as_of": "2024-10-01",
    }  # fmt: skip


@pytest.fixture(scope="module")
def api(server_url: str) -> Iterator[httpx2.Client]:
    with httpx2.Client(base_url=server_url, timeout=COLD / 1000) as client:
        yield client


@pytest.fixture(scope="module")
def campaign(api: httpx2.Client) -> str:
    """The campaign the board tests use, created through the API."""
    if api.get(f"/api/campaigns/{NAME}").status_code == 404:
        response = api.post("/api/campaigns", json=spec(NAME))
        assert response.status_code == 201, response.text
    return NAME


@pytest.fixture
def dialogs(page: Any) -> list[str]:
    """The messages of every dialog (alert, confirm) the page opens; each is dismissed."""
    seen: list[str] = []

    def dismiss(dialog: Any) -> None:
        seen.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", dismiss)
    return seen


def mean(page: Any, vote: str) -> float:
    return float(page.inner_text(f"[data-mean='{vote}']"))


def test_create_a_campaign_from_the_form(page: Any) -> None:
    page.goto(f"/campaigns?series={CUBA}")
    form = page.locator("#create-campaign")
    assert form.locator("[name=series]").input_value() == CUBA
    assert form.locator("[data-threshold]").is_hidden()
    form.locator("[name=goal]").select_option("yes-below")
    assert form.locator("[data-threshold]").is_visible()
    form.locator("[name=goal]").select_option("fewer-yes")
    form.locator("[name=name]").fill("cuba-form")
    form.locator("[name=lobbyist]").fill("United States")
    form.locator("[name=vote_date]").fill("2024-10-30")
    form.locator("[name=as_of]").fill("2024-10-01")
    form.locator("button[type=submit]").click()
    assert form.locator(".working").is_visible()
    page.wait_for_url("**/campaigns/cuba-form", timeout=COLD)
    assert page.inner_text("h1") == "cuba-form"
    assert page.locator("#board tbody tr").count() == 193
    # the same name again: the API's refusal is shown beside the form
    page.goto("/campaigns")
    assert page.locator("#campaigns a", has_text="cuba-form").count() == 1
    form = page.locator("#create-campaign")
    form.locator("[name=name]").fill("CUBA-FORM")
    form.locator("[name=lobbyist]").fill("USA")
    form.locator("[name=series]").fill(CUBA)
    form.locator("[name=vote_date]").fill("2024-10-30")
    form.locator("button[type=submit]").click()
    error = form.locator(".error")
    error.wait_for(state="visible", timeout=COLD)
    assert "already exists" in error.inner_text()
    assert form.locator("button[type=submit]").is_enabled()


def test_the_whip_board_sorts(page: Any, campaign: str) -> None:
    page.goto(BOARD)
    table = page.locator("table#board")

    def column(index: int) -> list[str]:
        cells = table.locator(f"tbody tr td:nth-child({index})")
        script = "cells => cells.map(c => c.dataset.sort ?? c.textContent.trim())"
        return [str(v) for v in cells.evaluate_all(script)]

    first = column(1)
    table.locator("th", has_text="Member").click()
    names = column(1)
    by_locale = page.evaluate("names => [...names].sort((a, b) => a.localeCompare(b))", names)
    assert len(names) == 193 and names == by_locale != first
    assert names[0] == "Afghanistan" and names[-1] == "Zimbabwe"
    table.locator("th", has_text="P(abstain)").click()
    odds = [float(v) for v in column(5)]
    assert odds == sorted(odds) and odds[0] < odds[-1]
    table.locator("th", has_text="P(abstain)").click()
    assert [float(v) for v in column(5)] == sorted(odds, reverse=True)
    assert table.locator("th", has_text="P(abstain)").get_attribute("aria-sort") == "descending"


def test_record_a_report_and_see_the_tally_change(page: Any, campaign: str) -> None:
    page.goto(BOARD)
    page.evaluate("window.notReloaded = true")
    row = page.locator("#board tbody tr").first  # the member nearest even odds
    iso3 = row.get_attribute("data-iso3")
    yes_before, p_before = mean(page, "yes"), page.inner_text("#p-goal")
    now_before = row.locator("[data-field=now]").inner_text()
    row.locator("button[data-action=edit]").click()
    editor = row.locator(".row-editor")
    editor.locator("select[name=position]").select_option("abstain")
    editor.locator("input[name=source]").fill("MFA director, via embassy")
    editor.locator("input[name=reliability]").fill("1")
    editor.locator("form[data-form=report] button[type=submit]").click()
    message = editor.locator(".message")
    message.filter(has_text="Recorded").wait_for()
    assert page.evaluate("window.notReloaded") is True  # updated in place
    assert mean(page, "yes") < yes_before
    assert page.inner_text("#p-goal") != p_before or p_before == "100.0%"
    assert row.locator("[data-field=now]").inner_text() != now_before
    assert row.locator("[data-field=version]").inner_text() == "2"
    assert row.locator("[data-field=report]").inner_text().startswith("abstain MFA director")
    assert page.inner_text("#reported") == "1"
    call = row.locator("[data-field=now] .vote").inner_text()
    shape = page.locator(f"svg.map [data-iso3='{iso3}']")
    colour = shape.evaluate("element => getComputedStyle(element).fill")
    red, green, blue = (int(COLOURS[call][i : i + 2], 16) for i in (1, 3, 5))
    assert colour == f"rgb({red}, {green}, {blue})"
    assert f": {call} " in str(shape.get_attribute("data-label"))


def test_a_stale_edit_asks_for_a_reload(page: Any, campaign: str, api: httpx2.Client) -> None:
    page.goto(BOARD)
    row = page.locator("#board tbody tr[data-iso3='ALB']")
    read = int(str(row.get_attribute("data-version")))
    row.locator("button[data-action=edit]").click()
    # someone else edits Albania after the page was read
    other = {"note": "seen by a colleague", "version": read}
    assert api.patch(f"/api/campaigns/{NAME}/members/ALB", json=other).status_code == 200
    editor = row.locator(".row-editor")
    editor.locator("input[name=note]").fill("met the minister")
    editor.locator("form[data-form=edit] button[type=submit]").click()
    message = editor.locator(".message")
    message.filter(has_text="Changed by someone else").wait_for()
    text = message.inner_text()
    assert f"you read version {read}" in text and f"now at version {read + 1}" in text
    assert row.locator("[data-field=note]").inner_text() == ""  # nothing applied
    with page.expect_navigation():
        message.locator("button", has_text="reload").click()
    note = page.locator("#board tbody tr[data-iso3='ALB'] [data-field=note]")
    assert note.inner_text() == "seen by a colleague"


def test_clicking_members_in_the_scenario_builder_changes_the_tally(
    page: Any, campaign: str
) -> None:
    page.goto(f"{BOARD}/scenario")
    yes_before, p_before = mean(page, "yes"), page.inner_text("#p-goal")
    brazil = page.locator("svg.map [data-iso3='BRA']")
    for _ in range(3):  # (forecast) -> yes -> no -> abstain
        brazil.click()
    page.locator("#scenario-table button[data-iso3='IND']").click()  # -> yes
    page.locator("#scenario-table button[data-iso3='IND']").click()  # -> no
    fixed = page.locator("#scenario-fixed")
    fixed.filter(has_text="2 members set: BRA abstain, IND no.").wait_for()
    page.wait_for_function("!document.getElementById('scenario').classList.contains('computing')")
    assert mean(page, "yes") < yes_before - 1
    assert page.inner_text("#p-goal") != p_before
    assert page.inner_text("#scenario-table button[data-iso3='BRA']") == "abstain"
    assert "selected" in str(brazil.get_attribute("class"))
    page.click("#scenario-reset")
    fixed.filter(has_text="No member set").wait_for()
    page.wait_for_function("!document.getElementById('scenario').classList.contains('computing')")
    assert mean(page, "yes") == yes_before and page.inner_text("#p-goal") == p_before


def test_a_hostile_note_shows_as_text(page: Any, campaign: str, dialogs: list[str]) -> None:
    page.goto(BOARD)
    row = page.locator("#board tbody tr[data-iso3='CUB']")
    row.locator("button[data-action=edit]").click()
    editor = row.locator(".row-editor")
    editor.locator("input[name=note]").fill(HOSTILE)
    editor.locator("form[data-form=edit] button[type=submit]").click()
    editor.locator(".message").filter(has_text="Saved").wait_for()
    note = row.locator("[data-field=note]")
    assert note.inner_text() == HOSTILE and note.locator("img, script").count() == 0
    page.reload()
    assert (
        page.locator("#board tbody tr[data-iso3='CUB'] [data-field=note]").inner_text() == HOSTILE
    )
    page.goto(f"{BOARD}/members/CUB")
    assert page.inner_text("#member-note") == HOSTILE
    assert page.locator("#member-note img, #member-note script").count() == 0
    report = page.locator("form[data-form=report]")
    report.locator("input[name=source]").fill(HOSTILE)
    with page.expect_navigation():  # the page reloads with the new report
        report.locator("button[type=submit]").click()
    assert page.locator("#reports tbody td", has_text="onerror").inner_text() == HOSTILE
    page.goto(f"{BOARD}/print/brief/CUB")
    assert HOSTILE in page.inner_text("body")
    page.wait_for_timeout(300)  # an injected onerror would have fired by now
    assert dialogs == []
    assert not re.search(r"<img src=x", page.content())
