"""The record and forecast pages in a real browser: from the home page's search to the
Cuba embargo series and its forecast on the map, with tooltips and a sortable table."""

from __future__ import annotations

from typing import Any

CUBA = "necessity-ending-economic-commercial-financial-embargo"
#: a cold forecast fits a model (about half a minute; minutes on a busy machine)
COLD = 600_000


def test_search_to_series_to_forecast(page: Any) -> None:
    page.goto("/")
    page.fill("#q-home", "cuba embargo")
    page.press("#q-home", "Enter")
    page.wait_for_url("**/search?q=cuba+embargo")
    page.click(f"#series-results a[href='/series/{CUBA}']")
    page.wait_for_url(f"**/series/{CUBA}")
    assert "embargo" in page.inner_text("h1")
    assert page.locator("table#instances a[href='/votes/A/RES/79/7']").count() == 1
    assert page.locator("svg.chart.bars g.bar").count() > 25
    page.click("text=Forecast the next vote", timeout=COLD)
    page.wait_for_url(f"**/forecast/series/{CUBA}", timeout=COLD)
    cuba = page.locator("svg.map path.member[data-iso3='CUB']")
    assert cuba.count() == 1
    assert cuba.get_attribute("fill") == "#009E73"
    colour = cuba.evaluate("element => getComputedStyle(element).fill")
    assert colour == "rgb(0, 158, 115)"
    assert page.locator("svg.map path.member[data-iso3='USA']").get_attribute("fill") == "#D55E00"
    adopted = page.inner_text("#p-adopted")
    assert adopted.endswith("%") and 90 <= int(adopted.strip("<>%")) <= 100


def test_a_tooltip_follows_the_pointer(page: Any) -> None:
    page.goto(f"/forecast/series/{CUBA}", timeout=COLD)
    tooltip = page.locator(".tooltip")
    page.locator("svg.map path.member[data-iso3='BRA']").hover()
    tooltip.wait_for(state="visible")
    text = tooltip.inner_text()
    assert text.startswith("Brazil: yes ") and "absent" in text
    page.mouse.move(5, 5)
    tooltip.wait_for(state="hidden")


def test_the_members_table_sorts(page: Any) -> None:
    page.goto(f"/forecast/series/{CUBA}", timeout=COLD)
    table = page.locator("table#forecast-members")

    def column(index: int) -> list[str]:
        cells = table.locator(f"tbody tr td:nth-child({index})")
        return [
            str(v)
            for v in cells.evaluate_all(
                "cells => cells.map(c => c.dataset.sort ?? c.textContent.trim())"
            )
        ]

    table.locator("th", has_text="P(no)").click()
    ascending = [float(v) for v in column(4)]
    assert ascending == sorted(ascending)
    assert table.locator("th", has_text="P(no)").get_attribute("aria-sort") == "ascending"
    table.locator("th", has_text="P(no)").click()
    descending = [float(v) for v in column(4)]
    assert descending == sorted(descending, reverse=True)
    first = table.locator("tbody tr").first.get_attribute("data-iso3")
    assert first in ("USA", "ISR")


def test_the_warm_forecast_page_loads_completely(page: Any) -> None:
    """The page's load event fires with every part in place (its speed is measured by
    benchmarks/page_load.py, never asserted by a test)."""
    url = f"/forecast/series/{CUBA}"
    page.goto(url, timeout=COLD)  # warm the forecast and the map
    page.goto(url, wait_until="load")
    timing: dict[str, Any] = page.evaluate(
        "() => { const t = performance.getEntriesByType('navigation')[0];"
        " return {load: t.loadEventEnd, status: t.responseStatus}; }"
    )
    assert timing["load"] > 0
    assert page.locator('svg.map [data-iso3="CUB"]').count() == 1
    assert page.locator("svg.chart").count() >= 3  # the tally and two distributions
