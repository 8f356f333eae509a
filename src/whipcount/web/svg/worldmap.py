"""The world map of the pages: inline SVG, one shape per member, coloured by the caller.

The outlines are the geometry the CLI's maps use (:func:`whipcount.geography.load_world`:
Natural Earth via world-atlas, installed by ``scripts/setup``, never downloaded), in the
Equal Earth projection (:func:`whipcount.geography.equal_earth`), cropped to latitudes
58° S - 84° N like the CLI's maps, scaled to a viewBox :data:`WIDTH` (960) units wide.

Why the 1:50m file, simplified, rather than the 1:110m one: the 1:110m file lacks
about forty members (Andorra, Malta, Singapore, most island states), which then could
not even be placed as dots; the 1:50m file has every member but Tuvalu, but projected
as it is its path data weighs about 1 MB.  Simplified on the screen's grid instead —
Douglas-Peucker at :data:`TOLERANCE` (a quarter of a unit), coordinates rounded to a
tenth and written relative (``l``) — the countries weigh about 120 KB and a whole map
about 145 KB, so a page with the map stays well under 350 KB.  Land without an ISO code
(Kosovo, Somaliland, Northern Cyprus) is drawn as plain land, not left a hole.  States with
less land than :data:`SMALL_KM2` (as in the CLI's maps) are drawn as dots at their
:func:`~whipcount.geography.representative_point`, since their outlines vanish at this
scale; members the geometry lacks (Tuvalu) are named in a note below the map.

The geometry is projected once per geometry file and process (:func:`map_geometry`),
so drawing a map is only writing one element per country.  Each member's shape carries
``data-iso3`` (for scripts that recolour it: ``element.style.fill``) and ``data-label``
(for the tooltip of ``whipcount.js``); countries not in ``fills`` are ``class="land"``.
Without a geometry file the map is a note saying how to install it (the message of
:class:`~whipcount.errors.ConfigError`), and the page around it still works.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
from markupsafe import Markup

from whipcount.errors import ConfigError
from whipcount.geography.projection import EARTH_RADIUS_KM, equal_earth
from whipcount.geography.world import (
    decode_topology,
    geometry_path,
    iso3_of_numeric,
    load_world,
    representative_point,
    signed_area,
    unwrapped,
)
from whipcount.record.members import directory

#: width of the map's viewBox (its height follows from the projection's aspect)
WIDTH = 960.0
#: Douglas-Peucker tolerance, in viewBox units (a quarter of a pixel at full width)
TOLERANCE = 0.25
#: states with less land than this (km²) are drawn as dots (as in the CLI's maps)
SMALL_KM2 = 4000.0
#: radius of a small state's dot, in viewBox units
DOT_RADIUS = 3.2
_LATITUDES = (-58.0, 84.0)


@dataclass(frozen=True)
class Shape:
    """A country's shape on the map: path data, or a dot at ``(cx, cy)`` when small."""

    iso3: str
    d: str
    cx: float
    cy: float
    small: bool


@dataclass(frozen=True)
class WorldMap:
    """The projected geometry: viewBox size, the world's edge, all land, the countries."""

    width: float
    height: float
    outline: str
    land: str
    shapes: Mapping[str, Shape]
    source: str


@dataclass(frozen=True)
class _Frame:
    """Projected Earth radii → viewBox units."""

    left: float
    top: float
    scale: float

    def points(self, lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
        x, y = equal_earth(lon, lat)
        return np.column_stack([(x - self.left) * self.scale, (self.top - y) * self.scale])


def map_geometry(configured: Path | None = None) -> WorldMap:
    """The map's geometry from ``configured`` (``Settings.map_geometry``) or the
    installed default, projected once per file; :class:`ConfigError` if there is none."""
    return _projected(geometry_path(configured).resolve())


@cache
def _projected(path: Path) -> WorldMap:
    edge, _ = equal_earth(np.array([180.0]), np.array([0.0]))
    _, span = equal_earth(np.zeros(2), np.array(_LATITUDES))
    scale = WIDTH / (2 * float(edge[0]))
    frame = _Frame(left=-float(edge[0]), top=float(span[1]), scale=scale)
    height = round((float(span[1]) - float(span[0])) * scale, 1)
    shapes = {code: _shape(code, rings, frame) for code, rings in load_world(path).items()}
    return WorldMap(
        width=WIDTH,
        height=height,
        outline=_outline(frame),
        land=path_data(_uncoded(path), frame),
        shapes=shapes,
        source=path.name,
    )


def _uncoded(path: Path) -> list[np.ndarray]:
    """Rings of the land without an ISO code (Kosovo, Somaliland, Northern Cyprus...),
    drawn as plain land so that they are not holes."""
    topology = json.loads(path.read_text(encoding="utf-8"))  # load_world has read it
    by_id = decode_topology(topology, "countries")
    return [ring for key, rings in by_id.items() if iso3_of_numeric(key) is None for ring in rings]


def _shape(code: str, rings: list[np.ndarray], frame: _Frame) -> Shape:
    lon, lat = representative_point(rings)
    ((cx, cy),) = frame.points(np.array([lon]), np.array([lat]))
    small = area_km2(rings) < SMALL_KM2
    d = "" if small else path_data(rings, frame)
    return Shape(code, d, round(float(cx), 1), round(float(cy), 1), small or not d)


def area_km2(rings: list[np.ndarray]) -> float:
    """Land area of a country's rings (outer rings less holes), by the equal-area
    projection."""
    total = 0.0
    for ring in rings:
        x, y = equal_earth(ring[:, 0], ring[:, 1])
        total += signed_area(np.column_stack([x, y]))
    return total * EARTH_RADIUS_KM**2


def path_data(rings: list[np.ndarray], frame: _Frame) -> str:
    """SVG path data of rings (each copy across the antimeridian), simplified."""
    parts = []
    for ring in rings:
        for copy in unwrapped(ring):
            points = simplify(frame.points(copy[:, 0], copy[:, 1]), TOLERANCE)
            if len(points) >= 4:  # a triangle at least, closed
                parts.append(_relative(points))
    return "".join(parts)


def simplify(points: np.ndarray, tolerance: float) -> np.ndarray:
    """Douglas-Peucker: the points of a polyline needed to keep every dropped point
    within ``tolerance`` of the simplified line (first and last always kept)."""
    count = len(points)
    if count < 3:
        return points
    keep = np.zeros(count, dtype=bool)
    keep[[0, -1]] = True
    stack = [(0, count - 1)]
    while stack:
        first, last = stack.pop()
        if last - first < 2:
            continue
        chord = points[last] - points[first]
        offsets = points[first + 1 : last] - points[first]
        length = float(np.hypot(chord[0], chord[1]))
        if length > 0:
            distance = np.abs(chord[0] * offsets[:, 1] - chord[1] * offsets[:, 0]) / length
        else:
            distance = np.hypot(offsets[:, 0], offsets[:, 1])
        farthest = int(np.argmax(distance))
        if distance[farthest] > tolerance:
            middle = first + 1 + farthest
            keep[middle] = True
            stack += [(first, middle), (middle, last)]
    result: np.ndarray = points[keep]
    return result


def _relative(points: np.ndarray) -> str:
    """``M x y l dx dy ... z`` in tenths of a unit, repeated positions dropped."""
    tenths = np.round(points * 10).astype(np.int64)
    steps = np.diff(tenths, axis=0)
    steps = steps[(steps != 0).any(axis=1)]
    text = [f"M{_number(int(tenths[0, 0]))} {_number(int(tenths[0, 1]))}l"]
    first = True
    for value in steps.ravel().tolist():
        number = _number(value)
        text.append(number if first or number.startswith("-") else " " + number)
        first = False
    text.append("z")
    return "".join(text)


def _number(tenths: int) -> str:
    """A tenth-unit integer as the shortest SVG number (``-0.5`` → ``-.5``)."""
    sign = "-" if tenths < 0 else ""
    whole, tenth = divmod(abs(tenths), 10)
    if not tenth:
        return f"{sign}{whole}"
    return f"{sign}{whole if whole else ''}.{tenth}"


def _outline(frame: _Frame) -> str:
    """The world's edge (the antimeridian on both sides), as closed path data."""
    lat = np.linspace(_LATITUDES[0], _LATITUDES[1], 72)
    lon = np.concatenate([np.full(len(lat), 180.0), np.full(len(lat), -180.0)])
    points = frame.points(lon, np.concatenate([lat, lat[::-1]]))
    return "M" + "L".join(f"{x:.1f} {y:.1f}" for x, y in points) + "Z"


def world_map(
    fills: Mapping[str, str],
    *,
    labels: Mapping[str, str] | None = None,
    opacity: Mapping[str, float] | None = None,
    selectable: bool = False,
    id: str = "map",
    title: str = "World map",
    geometry: Path | None = None,
) -> Markup:
    """An inline ``<svg class="map">`` with one shape per country.

    Parameters
    ----------
    fills
        ISO3 → CSS colour of each member to draw (``class="member"``, ``data-iso3``);
        countries not in it are plain ``class="land"``.
    labels
        ISO3 → the member's tooltip (``data-label``; default its name).
    opacity
        ISO3 → ``fill-opacity`` in [0, 1] (default opaque).
    selectable
        Members can be focused and clicked (``tabindex``, ``role="button"``), for
        pages whose scripts act on a click.
    id
        The ``<svg>``'s id (its title's and clip path's ids derive from it).
    title
        The map's accessible title.
    geometry
        A world-atlas file (``Settings.map_geometry``; default the installed one).

    Returns
    -------
    Markup
        The SVG (and a note naming members without a shape), or, without any
        geometry, a note saying how to install it.
    """
    try:
        world = map_geometry(geometry)
    except ConfigError as error:
        note = '<p class="map-missing error" role="note">The map is not available: {}</p>'
        return Markup(note).format(str(error))
    labels = labels or {}
    opacity = opacity or {}
    lands: list[Markup] = []
    shapes: list[Markup] = []
    dots: list[Markup] = []
    for code, shape in world.shapes.items():
        if code not in fills:
            if shape.d:
                lands.append(Markup('<path class="land" d="{}"/>').format(shape.d))
            continue
        label = labels.get(code) or name(code)
        element = _member(shape, fills[code], label, opacity.get(code), selectable)
        (dots if shape.small else shapes).append(element)
    head = Markup(
        '<svg class="map{sel}" id="{id}" viewBox="0 0 {w:g} {h:g}" role="img" '
        'aria-labelledby="{id}-title" xmlns="http://www.w3.org/2000/svg">'
        '<title id="{id}-title">{title}</title>'
        '<defs><clipPath id="{id}-clip"><path d="{outline}"/></clipPath></defs>'
        '<path class="sphere" fill="#EEF4F8" stroke="#9AAAB8" stroke-width=".8" d="{outline}"/>'
        '<g clip-path="url(#{id}-clip)">'
        '<g class="lands" fill="#E4E4E4" stroke="#C8C8C8" stroke-width=".3">'
        '<path class="land" d="{land}"/>'
    ).format(
        sel=" selectable" if selectable else "",
        id=id,
        w=world.width,
        h=world.height,
        title=title,
        outline=world.outline,
        land=world.land,
    )
    parts = [head, *lands, Markup('</g><g class="members" stroke="#fff" stroke-width=".4">')]
    parts += [*shapes, Markup("</g></g>")]
    parts += [Markup('<g class="members dots" stroke="#333" stroke-width=".6">'), *dots]
    parts.append(Markup("</g></svg>"))
    unmapped = sorted(name(code) for code in fills if code not in world.shapes)
    if unmapped:
        note = Markup('<p class="map-note muted">Not on the map: {}.</p>')
        parts.append(note.format(", ".join(unmapped)))
    return Markup("").join(parts)


def _member(shape: Shape, fill: str, label: str, opacity: float | None, selectable: bool) -> Markup:
    extra = Markup(' tabindex="0" role="button"') if selectable else Markup("")
    if opacity is not None:
        extra += Markup(' fill-opacity="{:.2f}"').format(min(max(opacity, 0.0), 1.0))
    attributes = Markup('data-iso3="{}" data-label="{}" fill="{}"{}').format(
        shape.iso3, label, fill, extra
    )
    if shape.small:
        circle = '<circle class="member small" {} cx="{:g}" cy="{:g}" r="{:g}"/>'
        return Markup(circle).format(attributes, shape.cx, shape.cy, DOT_RADIUS)
    return Markup('<path class="member" {} d="{}"/>').format(attributes, shape.d)


@cache
def name(code: str) -> str:
    """A member's short name (its code when the directory does not know it)."""
    try:
        return directory().member(code).short_name
    except KeyError:
        return code
