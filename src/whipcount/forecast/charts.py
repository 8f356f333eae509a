"""Charts of forecasts and backtests, drawn with matplotlib's object API (no pyplot).

* :func:`plot_forecast`: a world map of the members, each coloured by its most likely
  vote and shaded by that vote's probability, above the distribution of the simulated
  tally (yes, no, abstain, absent) with its 10/50/90 % quantiles and P(adopted);
* :func:`plot_reliability`: a backtest's reliability diagram (observed frequency
  against forecast probability per bin) with the bins' counts and the ECE.

The map is Natural Earth's countries (:mod:`whipcount.geography.world`, installed by
``scripts/setup``, never downloaded) in the Equal Earth projection.  States too small to
see at the map's scale are drawn as dots, and members the geometry lacks (Tuvalu in
the 1:50m file) are named under the map.  The colours are the Okabe–Ito palette, told
apart with colour-blindness.  The file suffix (``.png``, ``.svg``, ``.pdf``) picks the
format; any other suffix raises ``ValueError`` before any work.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from matplotlib.collections import PathCollection
from matplotlib.colors import to_rgb
from matplotlib.figure import Figure, SubFigure
from matplotlib.patches import PathPatch
from matplotlib.path import Path as MplPath
from matplotlib.ticker import PercentFormatter

from whipcount.forecast.data import CLASSES
from whipcount.geography.projection import EARTH_RADIUS_KM, equal_earth
from whipcount.geography.world import (
    load_land,
    load_world,
    representative_point,
    signed_area,
    unwrapped,
)
from whipcount.record.members import directory

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from whipcount.forecast.forecast import Forecast

Document = dict[str, Any]

SUFFIXES = (".png", ".svg", ".pdf")
#: The colour of each vote (Okabe–Ito), in the order of a forecast's columns.
COLOURS = {"yes": "#009E73", "no": "#D55E00", "abstain": "#E69F00", "absent": "#6E6E6E"}
#: States with less land than this (km²) are drawn as dots as well as outlines.
SMALL_KM2 = 4000.0
_LAT_RANGE = (-58.0, 84.0)  # the map leaves out Antarctica and the high Arctic
_OCEAN, _LAND, _BORDER = "#EEF4F8", "#E4E4E4", "#FFFFFF"
_MAJORITY_WORDS = {
    "simple": "simple majority of those voting (yes > no)",
    "two-thirds": "two-thirds majority of those voting (yes ≥ 2/3 of yes + no)",
}


def plot_forecast(forecast: Forecast, path: Path, *, geometry: Path | None = None) -> Path:
    """The forecast's map and simulated tally, written to ``path`` (format by suffix).

    ``geometry`` is a world-atlas TopoJSON file (``Settings.map_geometry``; default the
    one ``scripts/setup`` installed); :class:`~whipcount.errors.ConfigError` if none.
    """
    _check_suffix(path)
    world = load_world(geometry)
    land = load_land(geometry)
    figure = Figure(figsize=(16, 12), layout="constrained")
    target = forecast.target
    figure.suptitle(
        f"{_shorten(target.title or 'Untitled draft', 150)}\n"
        f"session {target.session} · forecast as of {forecast.as_of}",
        fontsize=15,
    )
    grid = figure.add_gridspec(2, 1, height_ratios=[2.3, 1])
    _draw_map(figure.add_subfigure(grid[0]), forecast, world, land)
    _draw_tallies(figure.add_subfigure(grid[1]), forecast)
    return _save(figure, path)


def plot_reliability(document: Document, path: Path) -> Path:
    """A backtest's reliability diagram (``document["reliability"]``), with the number
    of forecasts per bin on a log scale below, to ``path`` (format by suffix)."""
    _check_suffix(path)
    curve = document["reliability"]
    bins = [b for b in curve["bins"] if b.get("count")]
    predicted = np.array([b["mean_predicted"] for b in bins], dtype=float)
    observed = np.array([b["observed"] for b in bins], dtype=float)
    count = np.array([b["count"] for b in bins], dtype=float)
    figure = Figure(figsize=(7, 8.5), layout="constrained")
    upper, lower = figure.subplots(2, 1, sharex=True, height_ratios=[3, 1])
    upper.plot(
        [0, 1], [0, 1], linestyle="--", color="0.55", linewidth=1, label="perfectly calibrated"
    )
    if bins:
        sizes = 20 + 180 * np.sqrt(count / count.max())
        upper.plot(predicted, observed, color="#0072B2", linewidth=1.5, zorder=2)
        upper.scatter(
            predicted,
            observed,
            s=sizes,
            color="#0072B2",
            edgecolor="white",
            zorder=3,
            label="backtest (marker area ∝ forecasts)",
        )
        width = 0.8 * float(np.min(np.diff(predicted))) if len(bins) > 1 else 0.05
        lower.bar(predicted, count, width=min(width, 0.06), color="#0072B2")
        lower.set_yscale("log")
    else:
        upper.text(0.5, 0.5, "no forecasts in the backtest", ha="center", transform=upper.transAxes)
    span = ""
    if "from_session" in document and "to_session" in document:
        span = f", sessions {document['from_session']}–{document['to_session']}"
    upper.set_title(
        f"Reliability of the forecasts{span}\n"
        f"expected calibration error (ECE) {float(curve['ece']):.3f}, "
        f"{int(count.sum()):,} forecasts"
    )
    upper.set_xlim(0, 1)
    upper.set_ylim(0, 1)
    upper.set_ylabel("observed frequency")
    upper.grid(color="0.9")
    upper.legend(loc="upper left")
    lower.set_xlabel("forecast probability (every class of every member, pooled)")
    lower.set_ylabel("forecasts")
    lower.grid(axis="y", color="0.9")
    return _save(figure, path)


def _draw_map(
    panel: SubFigure, forecast: Forecast, world: dict[str, list[np.ndarray]], land: list[np.ndarray]
) -> None:
    axes = panel.add_subplot()
    globe = axes.add_patch(
        PathPatch(_outline(), facecolor=_OCEAN, edgecolor="#9AAAB8", linewidth=0.8, zorder=0)
    )
    p = np.asarray(forecast.probabilities, dtype=float)
    likely = np.argmax(p, axis=1)
    colours = _shade(likely, p[np.arange(len(p)), likely])
    members = {code: i for i, code in enumerate(forecast.members)}
    drawn = [code for code in members if world.get(code)]
    others = [rings for code, rings in world.items() if code not in members]
    layers = (
        PathCollection([_compound(land)], facecolors=_LAND, edgecolors="none", zorder=1),
        PathCollection(
            [_compound(r) for r in others],
            facecolors=_LAND,
            edgecolors="#C8C8C8",
            linewidths=0.3,
            zorder=2,
        ),
        PathCollection(
            [_compound(world[code]) for code in drawn],
            facecolors=colours[[members[code] for code in drawn]],
            edgecolors=_BORDER,
            linewidths=0.35,
            zorder=3,
        ),
    )
    for layer in layers:
        axes.add_collection(layer, autolim=False)  # clipped to the axes' box, and
        layer.set_clip_path(globe)  # to the edge of the world
    small = [code for code in drawn if _area_km2(world[code]) < SMALL_KM2]
    if small:
        points = np.array([representative_point(world[code]) for code in small])
        x, y = equal_earth(points[:, 0], points[:, 1])
        axes.scatter(
            x,
            y,
            s=26,
            c=colours[[members[code] for code in small]],
            edgecolors="#333333",
            linewidths=0.6,
            zorder=4,
        )
    x_edge, _ = equal_earth(np.array([180.0]), np.array([0.0]))
    _, y_range = equal_earth(np.zeros(2), np.array(_LAT_RANGE))
    axes.set_xlim(-x_edge[0], x_edge[0])
    axes.set_ylim(y_range[0], y_range[1])
    axes.set_aspect("equal")
    axes.set_xticks([])
    axes.set_yticks([])
    for spine in axes.spines.values():
        spine.set_visible(False)
    axes.set_title(
        "Each member's most likely vote (colour) and its probability (shade: lighter is less sure)",
        fontsize=12,
    )
    _legend(axes, likely)
    _notes(axes, [code for code in members if code not in drawn], bool(small))


def _legend(axes: Axes, likely: np.ndarray) -> None:
    """A key of colours by vote (rows, with how many members lean that way) and shades
    by probability (columns)."""
    levels = np.array([0.4, 0.6, 0.8, 1.0])
    grid = np.stack([_shade(np.full(len(levels), k), levels) for k in range(len(CLASSES))])
    key = axes.inset_axes((0.085, 0.035, 0.11, 0.2))
    key.imshow(grid, aspect="auto", interpolation="nearest")
    tally = np.bincount(likely, minlength=len(CLASSES))
    key.set_yticks(range(len(CLASSES)), [f"{c} ({n})" for c, n in zip(CLASSES, tally, strict=True)])
    key.set_xticks(range(len(levels)), [f"{v:.0%}" for v in levels])
    key.tick_params(length=0, labelsize=10)
    key.set_title("most likely vote\n(states) × probability", fontsize=10)
    for spine in key.spines.values():
        spine.set_visible(False)


def _notes(axes: Axes, unmapped: list[str], dots: bool) -> None:
    """What the map leaves out or draws differently, in small print under it."""
    notes = []
    if unmapped:
        names = ", ".join(sorted(_name(code) for code in unmapped))
        notes.append(f"not on the map: {_shorten(names, 120)}")
    if dots:
        notes.append("dots: states too small to see at this scale")
    notes.append("light grey: not a member, or not in the forecast")
    notes.append("map: Natural Earth (public domain) via world-atlas, Equal Earth projection")
    axes.set_xlabel("   ·   ".join(notes), fontsize=9, color="#333333", loc="right")


def _draw_tallies(panel: SubFigure, forecast: Forecast) -> None:
    tallies = np.asarray(forecast.tallies)
    draws = len(tallies)
    majority = _MAJORITY_WORDS.get(str(forecast.majority), str(forecast.majority))
    panel.suptitle(
        f"Simulated tally ({draws:,} draws): P(adopted) = {_percent(forecast.p_adopted)}"
        f" under a {majority}",
        fontsize=13,
    )
    for k, (name, axes) in enumerate(zip(CLASSES, panel.subplots(1, len(CLASSES)), strict=True)):
        column = tallies[:, k].astype(np.int64)
        low, high = (int(column.min()), int(column.max())) if draws else (0, 0)
        share = np.bincount(column - low, minlength=high - low + 1) / max(draws, 1)
        axes.bar(
            np.arange(low, high + 1),
            share,
            width=1.0,
            color=COLOURS[name],
            edgecolor="white",
            linewidth=0.3 if high - low < 60 else 0,
        )
        q10, q50, q90 = (
            np.quantile(column, [0.1, 0.5, 0.9], method="inverted_cdf") if draws else (0, 0, 0)
        )
        for value, style in ((q10, ":"), (q50, "-"), (q90, ":")):
            axes.axvline(value, color="#222222", linestyle=style, linewidth=1.2)
        axes.set_title(f"{name}: median {int(q50)}, 80 % within {int(q10)}–{int(q90)}", fontsize=11)
        axes.set_xlim(low - 1.5, high + 1.5)
        axes.set_xlabel(f"{name} votes")
        axes.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
        axes.grid(axis="y", color="0.9")
        axes.set_axisbelow(True)
    panel.axes[0].set_ylabel("share of draws")


def _shade(classes: np.ndarray, probability: np.ndarray) -> np.ndarray:
    """RGB per member: its class's colour blended toward white, full at probability 1."""
    base = np.array([to_rgb(COLOURS[c]) for c in CLASSES])[classes]
    strength = np.clip(probability, 0.0, 1.0)[:, None]
    rgb: np.ndarray = 1.0 - strength * (1.0 - base)
    return rgb


def _compound(rings: list[np.ndarray]) -> MplPath:
    """One path of projected rings, filled by the non-zero rule (holes stay open)."""
    vertices, codes = [], []
    for copy in (copy for ring in rings for copy in unwrapped(ring)):
        x, y = equal_earth(copy[:, 0], copy[:, 1])
        vertices.append(np.column_stack([x, y]))
        part = np.full(len(copy), MplPath.LINETO, dtype=MplPath.code_type)
        part[0], part[-1] = MplPath.MOVETO, MplPath.CLOSEPOLY
        codes.append(part)
    return MplPath(np.concatenate(vertices), np.concatenate(codes))


def _outline() -> MplPath:
    """The edge of the world in the projection: the antimeridian on either side."""
    lat = np.linspace(-90.0, 90.0, 181)
    lon = np.concatenate([np.full(181, 180.0), np.full(181, -180.0)])
    x, y = equal_earth(lon, np.concatenate([lat, lat[::-1]]))
    return MplPath(np.column_stack([x, y]), closed=False)


def _area_km2(rings: list[np.ndarray]) -> float:
    """Land area (outer rings less holes) from the equal-area projection."""
    total = 0.0
    for ring in rings:
        x, y = equal_earth(ring[:, 0], ring[:, 1])
        total += signed_area(np.column_stack([x, y]))
    return total * EARTH_RADIUS_KM**2


def _name(code: str) -> str:
    try:
        return directory().member(code).short_name
    except KeyError:
        return code


def _percent(p: float) -> str:
    """A probability in whole percent, without rounding a near-certainty to 100 % or 0 %."""
    if 0.995 <= p < 1:
        return "> 99 %"
    if 0 < p < 0.005:
        return "< 1 %"
    return f"{p:.0%}".replace("%", " %")


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _check_suffix(path: Path) -> None:
    if path.suffix.lower() not in SUFFIXES:
        raise ValueError(f"cannot draw {path.name}: give a .png, .svg or .pdf file")


def _save(figure: Figure, path: Path) -> Path:
    figure.savefig(path)
    return path
