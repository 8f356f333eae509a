"""The world map geometry: the installed world-atlas file and a hand-written topology."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from whipcount.errors import ConfigError
from whipcount.geography import (
    default_geometry_paths,
    equal_earth,
    geometry_path,
    load_land,
    load_world,
    representative_point,
)
from whipcount.geography.world import (
    decode_topology,
    iso3_of_numeric,
    signed_area,
    unwrapped,
)

# A square from four quantized, delta-encoded arcs, and a triangle that uses one of
# them reversed (~1 = -2): with scale (0.5, 0.25) and translate (10, 20) the square is
# lon 10..12, lat 20..21.
TINY = {
    "type": "Topology",
    "transform": {"scale": [0.5, 0.25], "translate": [10, 20]},
    "arcs": [
        [[0, 0], [4, 0]],  # (10, 20) -> (12, 20)
        [[4, 0], [0, 4]],  # (12, 20) -> (12, 21)
        [[4, 4], [-4, 0]],  # (12, 21) -> (10, 21)
        [[0, 4], [0, -2], [0, -2]],  # (10, 21) -> (10, 20.5) -> (10, 20)
        [[4, 0], [4, 2]],  # (12, 20) -> (14, 20.5)
        [[8, 2], [-4, 2]],  # (14, 20.5) -> (12, 21)
    ],
    "objects": {
        "countries": {
            "type": "GeometryCollection",
            "geometries": [
                {"type": "Polygon", "id": "250", "arcs": [[0, 1, 2, 3]]},
                {"type": "MultiPolygon", "id": "840", "arcs": [[[4, 5, -2]]]},
                {"type": "Polygon", "arcs": [[0, 1, 2, 3]], "properties": {"name": "no id"}},
                {"type": "Point", "id": "076", "coordinates": [1, 1]},
                {"type": None, "id": "124"},
            ],
        }
    },
}


def test_the_tiny_topology_decodes_exactly() -> None:
    decoded = decode_topology(TINY, "countries")
    assert set(decoded) == {"250", "840", ""}
    [square] = decoded["250"]
    expected = [[10, 20], [12, 20], [12, 21], [10, 21], [10, 20.5], [10, 20]]
    np.testing.assert_allclose(square, expected)
    [triangle] = decoded["840"]
    # arc 4, arc 5, then arc 1 reversed: (12, 21) -> (12, 20); shared points not repeated
    np.testing.assert_allclose(triangle, [[12, 20], [14, 20.5], [12, 21], [12, 20]])
    assert signed_area(square) == pytest.approx(2.0)  # outer rings run counter-clockwise
    assert signed_area(triangle) == pytest.approx(1.0)


def test_an_unquantized_topology_and_holes() -> None:
    topology = {
        "arcs": [
            [[0, 0], [0, 4], [4, 4], [4, 0], [0, 0]],  # clockwise outer ring
            [[1, 1], [2, 1], [2, 2], [1, 2], [1, 1]],  # counter-clockwise hole
        ],
        "objects": {"x": {"type": "Polygon", "id": "4", "arcs": [[0], [1]]}},
    }
    outer, hole = decode_topology(topology, "x")["4"]
    assert signed_area(outer) == pytest.approx(16.0)  # turned counter-clockwise
    assert signed_area(hole) == pytest.approx(-1.0)  # holes clockwise
    assert iso3_of_numeric("4") == "AFG"  # ids are zero-padded in world-atlas, or not


def test_the_tiny_topology_from_a_file(tmp_path: Path) -> None:
    path = tmp_path / "tiny.json"
    path.write_text(json.dumps(TINY))
    world = load_world(path)
    assert set(world) == {"FRA", "USA"}
    land = load_land(path)  # no "land" object: every country's rings
    assert len(land) == 3
    assert world["FRA"][0].flags.writeable is False
    world.clear()  # a caller's copy: the cache is untouched
    assert set(load_world(path)) == {"FRA", "USA"}


def test_a_missing_file_says_how_to_get_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with pytest.raises(ConfigError, match=r"run scripts/setup, which installs the map geometry"):
        load_world(tmp_path / "missing.json")
    monkeypatch.setattr(
        "whipcount.geography.world.default_geometry_paths", lambda: [tmp_path / "none.json"]
    )
    with pytest.raises(ConfigError, match=r"not installed.*WHIPCOUNT_MAP_GEOMETRY"):
        geometry_path()
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    with pytest.raises(ConfigError, match="cannot read the map geometry"):
        load_world(bad)
    other = tmp_path / "other.json"
    other.write_text(json.dumps({"type": "Topology", "objects": {}, "arcs": []}))
    with pytest.raises(ConfigError, match="not a world-atlas countries file"):
        load_world(other)


def test_the_installed_geometry() -> None:
    path = geometry_path()
    assert path == default_geometry_paths()[0]  # scripts/setup installs countries-50m
    world = load_world()
    assert len(world) > 200
    for code in ("USA", "FRA", "BRA", "IND", "AFG"):
        rings = world[code]
        assert rings
        for ring in rings:
            assert ring.shape[1] == 2
            assert np.array_equal(ring[0], ring[-1])
            assert (np.abs(ring[:, 0]) <= 180).all()
            assert (np.abs(ring[:, 1]) <= 90).all()
    lon, lat = representative_point(world["FRA"])  # mainland France, not French Guiana
    assert -5 < lon < 8 and 42 < lat < 51
    lon, lat = representative_point(world["BRA"])
    assert -60 < lon < -45 and -15 < lat < -5
    assert {"ZAF", "LSO"} <= set(world)
    assert any(signed_area(ring) < 0 for ring in world["ZAF"])  # the hole for Lesotho
    assert len(load_land()) > 1000


def test_antimeridian_rings_unwrap_into_copies() -> None:
    world = load_world()
    copies = [len(unwrapped(ring)) for ring in world["RUS"]]
    assert 2 in copies  # Chukotka runs across the antimeridian
    for ring in world["FRA"]:
        [same] = unwrapped(ring)
        np.testing.assert_array_equal(same, ring)
    around = max(world["ATA"], key=len)  # Antarctica runs once around the pole
    [closed] = unwrapped(around)
    assert closed[-2, 1] == -90 and closed[-3, 1] == -90


def test_equal_earth_is_equal_area() -> None:
    lat = np.linspace(-90, 90, 2001)
    lon = np.concatenate([np.full_like(lat, 180.0), np.full_like(lat, -180.0)])
    x, y = equal_earth(lon, np.concatenate([lat, lat[::-1]]))
    ring = np.column_stack([x, y])
    ring = np.vstack([ring, ring[:1]])
    assert abs(signed_area(ring)) == pytest.approx(4 * np.pi, rel=1e-5)
    x, y = equal_earth(np.array([0.0, 180.0]), np.array([0.0, 0.0]))
    assert x[0] == 0 and x[1] == pytest.approx(2.7066, abs=1e-4)


def test_the_setting_names_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from whipcount.settings import Settings

    monkeypatch.delenv("WHIPCOUNT_MAP_GEOMETRY", raising=False)
    assert Settings().map_geometry is None
    path = tmp_path / "tiny.json"
    path.write_text(json.dumps(TINY))
    monkeypatch.setenv("WHIPCOUNT_MAP_GEOMETRY", str(path))
    configured = Settings().map_geometry
    assert configured == path
    assert geometry_path(configured) == path
    assert set(load_world(configured)) == {"FRA", "USA"}
