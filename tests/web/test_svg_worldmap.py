"""The pages' world map: one shape per member, escaped labels, a small document, and a
note instead of a map when the geometry is not installed."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from markupsafe import Markup

from whipcount.geography.world import default_geometry_paths
from whipcount.record.members import directory
from whipcount.web.svg.worldmap import (
    map_geometry,
    name,
    simplify,
    world_map,
)

SVG = "{http://www.w3.org/2000/svg}"
needs_geometry = pytest.mark.skipif(
    not any(p.is_file() for p in default_geometry_paths()),
    reason="the map geometry is not installed (scripts/setup)",
)


def parse(markup: Markup) -> ET.Element:
    """The <svg> element of a map (the note after it, if any, dropped)."""
    text = str(markup)
    return ET.fromstring(text[: text.index("</svg>") + len("</svg>")])


def members_today() -> list[str]:
    return directory().members_on(dt.date(2024, 10, 30))


@needs_geometry
def test_every_member_but_tuvalu_has_one_shape() -> None:
    members = members_today()
    fills = dict.fromkeys(members, "#009E73")
    markup = world_map(fills, labels={"CUB": "Cuba: yes 97%"}, opacity={"USA": 0.25})
    svg = parse(markup)
    shapes = [e for e in svg.iter() if e.get("data-iso3")]
    codes = [e.get("data-iso3") for e in shapes]
    assert len(codes) == len(set(codes)) == len(members) - 1
    assert set(members) - set(codes) == {"TUV"}
    assert "Not on the map: Tuvalu." in str(markup)
    cuba = next(e for e in shapes if e.get("data-iso3") == "CUB")
    assert cuba.tag == SVG + "path" and cuba.get("class") == "member"
    assert cuba.get("data-label") == "Cuba: yes 97%" and cuba.get("fill") == "#009E73"
    usa = next(e for e in shapes if e.get("data-iso3") == "USA")
    assert usa.get("fill-opacity") == "0.25" and usa.get("data-label") == "United States"
    monaco = next(e for e in shapes if e.get("data-iso3") == "MCO")
    assert monaco.tag == SVG + "circle" and "small" in monaco.get("class", "")
    assert svg.get("viewBox", "").startswith("0 0 960 ")
    assert svg.find(SVG + "title") is not None


@needs_geometry
def test_the_map_is_small_and_quick_once_projected() -> None:
    map_geometry()  # projected once per process
    fills = dict.fromkeys(members_today(), "#D55E00")
    markup = world_map(fills)
    assert len(str(markup).encode()) < 200_000
    geometry = map_geometry()
    assert geometry is map_geometry()  # cached
    assert not geometry.shapes["CUB"].small and geometry.shapes["SMR"].small


@needs_geometry
def test_non_members_are_plain_land_and_labels_are_escaped() -> None:
    hostile = '<script>alert("x")</script> & "quotes"'
    markup = world_map({"FRA": '"><script>'}, labels={"FRA": hostile}, selectable=True, id="m2")
    assert "<script>" not in str(markup)
    svg = parse(markup)
    france = [e for e in svg.iter() if e.get("data-iso3")]
    assert [e.get("data-iso3") for e in france] == ["FRA"]
    assert france[0].get("data-label") == hostile
    assert france[0].get("tabindex") == "0" and france[0].get("role") == "button"
    assert len([e for e in svg.iter(SVG + "path") if e.get("class") == "land"]) > 150
    assert svg.get("id") == "m2" and "selectable" in svg.get("class", "")


def test_a_missing_geometry_says_how_to_install_it(tmp_path: Path) -> None:
    markup = world_map({"USA": "#000"}, geometry=tmp_path / "nowhere.json")
    assert 'class="map-missing' in markup
    assert "no map geometry" in markup and "scripts/setup" in markup
    assert "<svg" not in markup


def test_names_fall_back_to_the_code() -> None:
    assert name("CUB") == "Cuba"
    assert name("ZZZ") == "ZZZ"


def test_simplify_keeps_the_ends_and_drops_collinear_points() -> None:
    line = np.array([[0.0, 0.0], [1.0, 0.01], [2.0, 0.0], [3.0, 5.0], [4.0, 0.0]])
    kept = simplify(line, 0.25)
    assert kept.tolist() == [[0.0, 0.0], [2.0, 0.0], [3.0, 5.0], [4.0, 0.0]]
    assert simplify(line[:2], 0.25).tolist() == line[:2].tolist()


@given(
    st.lists(st.tuples(st.floats(-500, 500), st.floats(-500, 500)), min_size=3, max_size=60),
    st.floats(0.01, 5.0),
)
def test_simplified_points_stay_within_tolerance(
    points: list[tuple[float, float]], tol: float
) -> None:
    line = np.array(points)
    kept = simplify(line, tol)
    assert kept[0].tolist() == line[0].tolist() and kept[-1].tolist() == line[-1].tolist()
    assert {tuple(p) for p in kept.tolist()} <= {tuple(p) for p in line.tolist()}
