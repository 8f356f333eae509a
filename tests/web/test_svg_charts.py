"""The pages' charts: accessible SVG (title, desc, axis labels), escaped labels, fixed
output for a fixed input, and every mark inside the viewBox whatever the data."""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET

from hypothesis import given
from hypothesis import strategies as st
from markupsafe import Markup

from whipcount.web.svg.charts import (
    VOTE_COLOURS,
    Line,
    Range,
    bar_chart,
    line_chart,
    nice_ticks,
    range_chart,
    stacked_bars,
)

SVG = "{http://www.w3.org/2000/svg}"


def parse(markup: Markup) -> ET.Element:
    return ET.fromstring(str(markup))


def view_box(svg: ET.Element) -> tuple[float, float]:
    _, _, width, height = (float(v) for v in svg.get("viewBox", "").split())
    return width, height


def coordinates(svg: ET.Element) -> list[tuple[float, float]]:
    """Every x, y of the chart's marks: circles, rects (both corners), polylines."""
    out = []
    for element in svg.iter():
        tag = element.tag.removeprefix(SVG)
        if tag == "circle":
            out.append((float(element.get("cx", 0)), float(element.get("cy", 0))))
        elif tag == "rect":
            x, y = float(element.get("x", 0)), float(element.get("y", 0))
            w, h = float(element.get("width", 0)), float(element.get("height", 0))
            out += [(x, y), (x + w, y + h)]
        elif tag in ("polyline", "polygon"):
            out += [
                (float(a), float(b))
                for a, b in (p.split(",") for p in element.get("points", "").split())
            ]
        elif tag == "line":
            out += [
                (float(element.get("x1", 0)), float(element.get("y1", 0))),
                (float(element.get("x2", 0)), float(element.get("y2", 0))),
            ]
    return out


def inside(svg: ET.Element) -> bool:
    width, height = view_box(svg)
    return all(0 <= x <= width and 0 <= y <= height for x, y in coordinates(svg))


def test_nice_ticks() -> None:
    assert nice_ticks(0, 1) == [0, 0.2, 0.4, 0.6, 0.8, 1.0]
    assert nice_ticks(0, 193) == [0, 50, 100, 150]
    assert nice_ticks(47, 79, 8) == [50, 55, 60, 65, 70, 75]
    assert nice_ticks(3, 3) == [3]


def test_a_line_chart_is_accessible_and_fixed() -> None:
    chart = line_chart(
        [
            Line(
                "Cuba & <friends>",
                [(2000, 0.2), (2001, 0.5), (2002, 1.0)],
                "#0072B2",
                band=[(2000, 0.1, 0.3), (2001, 0.4, 0.6), (2002, 0.9, 1.0)],
            )
        ],
        title="Coincidence <by year>",
        x_label="year",
        y_label="share",
        y_range=(0.0, 1.0),
        percent=True,
    )
    svg = parse(chart)
    assert svg.get("role") == "img" and "chart" in svg.get("class", "")
    assert svg.findtext(SVG + "title") == "Coincidence <by year>"
    assert svg.findtext(SVG + "desc") == "Cuba & <friends>: 3 points"
    texts = [t.text for t in svg.iter(SVG + "text")]
    assert {"year", "share", "0%", "100%", "2000", "2002", "Cuba & <friends>"} <= set(texts)
    assert "<friends>" not in str(chart) and "&lt;friends&gt;" in str(chart)
    polyline = next(svg.iter(SVG + "polyline"))
    assert polyline.get("points") == "48.0,162.8 338.0,107.0 628.0,14.0"
    assert len(list(svg.iter(SVG + "polygon"))) == 1
    assert inside(svg)


def test_stacked_bars_stack_in_order() -> None:
    chart = stacked_bars(
        [78.0, 79.0],
        {"yes": [187.0, 187.0], "no": [2.0, 2.0], "abstain": [1.0, 1.0], "absent": [3.0, 3.0]},
        VOTE_COLOURS,
        title="Cuba",
        x_label="session",
        y_label="members",
    )
    svg = parse(chart)
    bars = [g for g in svg.iter(SVG + "g") if g.get("class") == "bar"]
    assert [g.get("data-x") for g in bars] == ["78", "79"]
    rects = list(bars[1].iter(SVG + "rect"))
    assert [r.get("fill") for r in rects] == [VOTE_COLOURS[v] for v in VOTE_COLOURS]
    assert [r.findtext(SVG + "title") for r in rects][:2] == [
        "session 79: yes 187",
        "session 79: no 2",
    ]
    tops = [float(r.get("y", 0)) for r in rects]
    assert tops == sorted(tops, reverse=True)  # each part above the one before
    assert inside(svg)


def test_a_distribution_with_its_threshold() -> None:
    chart = bar_chart(
        {100: 0.1, 101: 0.5, 102: 0.4},
        title="Yes votes",
        x_label="yes",
        y_label="share of draws",
        colour="#009E73",
        threshold=97,
        threshold_label="97 needed",
        percent=True,
    )
    svg = parse(chart)
    assert len(list(svg.iter(SVG + "rect"))) == 3
    threshold = next(g for g in svg.iter(SVG + "g") if g.get("class") == "threshold")
    assert threshold.findtext(SVG + "text") == "97 needed"
    assert inside(svg)


def test_a_range_chart() -> None:
    chart = range_chart(
        [Range("yes", 178, 184, 187, 183.2, "#009E73"), Range("no", 2, 2, 3, 2.1, "#D55E00")],
        title="Tally",
        x_label="members",
        x_range=(0, 193),
        threshold=3,
        threshold_label="3 yes needed",
    )
    svg = parse(chart)
    rows = [g for g in svg.iter(SVG + "g") if g.get("class") == "range"]
    assert [g.get("data-name") for g in rows] == ["yes", "no"]
    assert "yes: mean 183.2, median 184, 80% between 178 and 187" in svg.findtext(SVG + "desc", "")
    assert inside(svg)


finite = st.floats(-1e6, 1e6, allow_nan=False)


@given(
    st.lists(st.lists(st.tuples(finite, finite), max_size=30), min_size=1, max_size=4),
    st.one_of(st.none(), st.just((0.0, 1.0))),
)
def test_line_marks_stay_in_the_view_box(
    series: list[list[tuple[float, float]]], y_range: tuple[float, float] | None
) -> None:
    lines = [Line(f"s{i}", points, "#000") for i, points in enumerate(series)]
    svg = parse(line_chart(lines, title="t", x_label="x", y_label="y", y_range=y_range))
    assert inside(svg)


@given(
    st.lists(st.integers(0, 200), min_size=1, max_size=40, unique=True),
    st.floats(0, 1e4, allow_nan=False),
    st.integers(-50, 300),
)
def test_bars_stay_in_the_view_box(keys: list[int], scale: float, threshold: int) -> None:
    values = {k: scale * (i % 5) for i, k in enumerate(keys)}
    svg = parse(
        bar_chart(values, title="t", x_label="x", y_label="y", colour="#000", threshold=threshold)
    )
    assert inside(svg)
    stacked = stacked_bars(
        [float(k) for k in keys],
        {"a": list(values.values())},
        {"a": "#000"},
        title="t",
        x_label="x",
        y_label="y",
    )
    assert inside(parse(stacked))


@given(st.lists(st.tuples(finite, finite, finite), min_size=1, max_size=5))
def test_ranges_stay_in_the_view_box(rows: list[tuple[float, float, float]]) -> None:
    ranges = []
    for i, row in enumerate(rows):
        low, middle, high = sorted(row)
        ranges.append(Range(f"r{i}", low, middle, high, mean=row[0], colour="#000"))
    svg = parse(range_chart(ranges, title="t", x_label="x", x_range=(0, 193), threshold=97))
    assert inside(svg)
    assert all(math.isfinite(x) for xy in coordinates(svg) for x in xy)
