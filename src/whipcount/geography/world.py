"""Country outlines of the world, decoded from a world-atlas TopoJSON file.

The geometry is Natural Earth's admin-0 countries (public domain,
https://www.naturalearthdata.com/) as converted to TopoJSON by Mike Bostock's npm
package ``world-atlas`` (version 2.0.2, ISC licence).  whipcount never downloads it at
run time: ``scripts/setup`` installs the package with npm (``package.json`` and
``package-lock.json`` pin it) into ``node_modules/`` of the checkout, or
``WHIPCOUNT_MAP_GEOMETRY`` names a file (see :func:`geometry_path`).

The file is decoded here following the TopoJSON specification
(https://github.com/topojson/topojson-specification): positions of the shared
``arcs`` are quantized and delta-encoded when the topology has a ``transform`` (each
position is the offset from the previous one; the absolute position is the running
sum times ``scale`` plus ``translate``); a ring lists arc indexes, where a negative
index ``i`` stands for arc ``~i`` reversed, and consecutive arcs share their joining
position.  ``Polygon``, ``MultiPolygon`` and nested ``GeometryCollection`` geometries
are read; a feature's ``id`` is its ISO 3166-1 numeric code as a zero-padded string
(``"004"`` for Afghanistan), mapped to ISO3 with :mod:`pycountry`.

Rings are ``(n, 2)`` arrays of longitude and latitude in degrees, closed (the last
position repeats the first), oriented so that a polygon's outer ring runs
counter-clockwise and its holes clockwise in the lon/lat plane: filling a country's
rings as one path with the non-zero rule leaves its holes (Lesotho in South Africa)
empty.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import pycountry

import whipcount
from whipcount.errors import ConfigError

Rings = list[np.ndarray]

#: The files searched when no geometry is configured, best first.
GEOMETRY_FILES = ("countries-50m.json", "countries-110m.json")

_HOW_TO_GET = (
    "run scripts/setup, which installs the map geometry with npm, "
    "or set WHIPCOUNT_MAP_GEOMETRY to a world-atlas countries-50m.json"
)


def default_geometry_paths() -> list[Path]:
    """Where the geometry is looked for when ``WHIPCOUNT_MAP_GEOMETRY`` is not set:
    ``node_modules/world-atlas/`` of the source checkout (the folder above ``src/``),
    the 1:50m file first, then the 1:110m one."""
    root = Path(whipcount.__file__).resolve().parents[2]
    return [root / "node_modules" / "world-atlas" / name for name in GEOMETRY_FILES]


def geometry_path(configured: Path | None = None) -> Path:
    """The TopoJSON file to read: ``configured`` if given, else the first existing
    default; :class:`~whipcount.errors.ConfigError` saying how to get one if missing."""
    if configured is not None:
        if not configured.is_file():
            raise ConfigError(f"no map geometry at {configured}; {_HOW_TO_GET}")
        return configured
    for candidate in default_geometry_paths():
        if candidate.is_file():
            return candidate
    searched = ", ".join(str(p) for p in default_geometry_paths())
    raise ConfigError(f"the map geometry is not installed (searched: {searched}); {_HOW_TO_GET}")


def load_world(path: Path | None = None) -> dict[str, Rings]:
    """ISO3 code → rings of every country of the geometry that has an ISO 3166 code.

    ``path`` is a world-atlas TopoJSON file (default: :func:`geometry_path`).  Features
    with one code (Australia and its Ashmore and Cartier Islands) are joined; features
    without a code (Kosovo, Somaliland, Northern Cyprus, ...) are left out — they are
    part of :func:`load_land`.  Decoded once per file; the arrays are read-only.
    """
    countries, _ = _decoded(geometry_path(path).resolve())
    return {code: list(rings) for code, rings in countries.items()}


def load_land(path: Path | None = None) -> Rings:
    """Rings of all land (the topology's ``land`` object, or else every country), to
    draw beneath the countries so that territories without a code are not holes."""
    _, land = _decoded(geometry_path(path).resolve())
    return list(land)


@cache
def _decoded(path: Path) -> tuple[dict[str, Rings], Rings]:
    try:
        topology = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise ConfigError(f"cannot read the map geometry {path}: {error}; {_HOW_TO_GET}") from None
    if not isinstance(topology, dict) or "countries" not in topology.get("objects", {}):
        raise ConfigError(f"{path} is not a world-atlas countries file; {_HOW_TO_GET}")
    by_id = decode_topology(topology, "countries")
    countries: dict[str, Rings] = {}
    for feature_id, rings in by_id.items():
        code = iso3_of_numeric(feature_id)
        if code is not None:
            countries.setdefault(code, []).extend(rings)
    if "land" in topology["objects"]:
        land = [ring for rings in decode_topology(topology, "land").values() for ring in rings]
    else:
        land = [ring for rings in by_id.values() for ring in rings]
    for ring in (*land, *(ring for rings in countries.values() for ring in rings)):
        ring.setflags(write=False)
    return countries, land


def iso3_of_numeric(code: str) -> str | None:
    """ISO3 of an ISO 3166-1 numeric code (``"840"`` or ``"004"``); None if unknown."""
    if not code.isdigit():
        return None
    country = pycountry.countries.get(numeric=code.zfill(3))
    return None if country is None else str(country.alpha_3)


def decode_topology(topology: Mapping[str, Any], name: str) -> dict[str, Rings]:
    """The rings of each geometry of the topology's object ``name``, by geometry id
    (``""`` for geometries without one; geometries with the same id are joined)."""
    arcs = decode_arcs(topology["arcs"], topology.get("transform"))
    out: dict[str, Rings] = {}
    for geometry in _flatten([topology["objects"][name]]):
        rings: Rings = []
        for polygon in _polygons(geometry):
            built = [_ring(arcs, indexes) for indexes in polygon if indexes]
            rings += orient(built[:1], hole=False) + orient(built[1:], hole=True)
        if rings:
            out.setdefault(str(geometry.get("id", "")), []).extend(rings)
    return out


def decode_arcs(arcs: list[list[list[float]]], transform: Mapping[str, Any] | None) -> Rings:
    """Absolute lon/lat positions of every arc: delta-decoded and scaled when the
    topology is quantized (has a ``transform``), taken as they are otherwise."""
    if not arcs:
        return []
    lengths = np.array([len(arc) for arc in arcs])
    flat = np.concatenate([np.asarray(arc, dtype=float)[:, :2] for arc in arcs])
    if transform is None:
        return np.split(flat, np.cumsum(lengths)[:-1])
    running = np.cumsum(flat, axis=0)
    ends = np.cumsum(lengths)
    starts = ends - lengths
    # the running sum restarts with each arc: subtract the total of the arcs before it
    before = np.vstack([np.zeros((1, 2)), running[ends[:-1] - 1]])
    absolute = running - np.repeat(before, lengths, axis=0)
    absolute = absolute * np.asarray(transform["scale"], dtype=float) + np.asarray(
        transform["translate"], dtype=float
    )
    return [absolute[start:end] for start, end in zip(starts, ends, strict=True)]


def _flatten(geometries: Iterable[Mapping[str, Any]]) -> Iterator[Mapping[str, Any]]:
    for geometry in geometries:
        if geometry.get("type") == "GeometryCollection":
            yield from _flatten(geometry.get("geometries", []))
        else:
            yield geometry


def _polygons(geometry: Mapping[str, Any]) -> list[list[list[int]]]:
    """The polygons (each a list of rings of arc indexes) of a geometry; none for
    points, lines and null geometries."""
    if geometry.get("type") == "Polygon":
        return [geometry["arcs"]]
    if geometry.get("type") == "MultiPolygon":
        return list(geometry["arcs"])
    return []


def _ring(arcs: Rings, indexes: list[int]) -> np.ndarray:
    """The ring joining arcs ``indexes`` (``~i`` reversed), oriented by its role."""
    pieces = [arcs[i] if i >= 0 else arcs[~i][::-1] for i in indexes]
    ring = np.concatenate([pieces[0], *(piece[1:] for piece in pieces[1:])])
    if len(ring) and not np.array_equal(ring[0], ring[-1]):
        ring = np.vstack([ring, ring[:1]])
    return np.ascontiguousarray(ring)


def signed_area(ring: np.ndarray) -> float:
    """The shoelace area of a closed ring in its own units (positive when the ring runs
    counter-clockwise)."""
    x, y = ring[:, 0], ring[:, 1]
    return 0.5 * float(np.dot(x[:-1], y[1:]) - np.dot(x[1:], y[:-1]))


def orient(rings: Iterable[np.ndarray], *, hole: bool) -> Rings:
    """The rings turned counter-clockwise (outer rings) or clockwise (``hole=True``)."""
    out = []
    for ring in rings:
        counter = signed_area(ring) > 0
        out.append(ring[::-1].copy() if counter == hole else ring)
    return out


def unwrapped(ring: np.ndarray) -> Rings:
    """Copies of a ring whose longitudes run on without jumping at the antimeridian,
    shifted by whole turns so that together they cover the part in [-180, 180]: one
    copy for most rings, two for a ring across the antimeridian (eastern Russia, Fiji).
    A ring around a pole (Antarctica) is closed along the pole.  Drawn in a projection
    and clipped to its outline, the copies show the shape whole."""
    lon = np.unwrap(ring[:, 0], period=360.0)
    lon = lon - 360.0 * np.round((lon.min() + lon.max()) / 720.0)
    lat = ring[:, 1]
    if abs(lon[-1] - lon[0]) > 180.0:  # once around the globe: close along the pole
        pole = 90.0 if lat.mean() > 0 else -90.0
        lon = np.concatenate([lon, [lon[-1], lon[0], lon[0]]])
        lat = np.concatenate([lat, [pole, pole, lat[0]]])
    base = np.column_stack([lon, lat])
    return [
        base + np.array([shift, 0.0])
        for shift in (-360.0, 0.0, 360.0)
        if lon.max() + shift > -180.0 and lon.min() + shift < 180.0
    ]


def representative_point(rings: Rings) -> tuple[float, float]:
    """A point that stands for the shape: the centroid of its largest ring."""
    largest = max(rings, key=lambda ring: abs(signed_area(ring)))
    area = signed_area(largest)
    if area == 0:
        mean = largest.mean(axis=0)
        return float(mean[0]), float(mean[1])
    x, y = largest[:, 0], largest[:, 1]
    cross = x[:-1] * y[1:] - x[1:] * y[:-1]
    cx = float(np.sum((x[:-1] + x[1:]) * cross) / (6 * area))
    cy = float(np.sum((y[:-1] + y[1:]) * cross) / (6 * area))
    return cx, cy
