"""Small charts for the pages, written as inline SVG on the server.

Four kinds, each a function returning :class:`~markupsafe.Markup`:

* :func:`line_chart` — several series over years or sessions (alignment by year, ideal
  points with an uncertainty band);
* :func:`stacked_bars` — counts stacked per period (a series' tally session by session);
* :func:`bar_chart` — a distribution of counts, with a threshold line (a tally's
  distribution and the votes needed for adoption);
* :func:`range_chart` — intervals on one axis (a forecast tally's 10-90 % range, median
  and mean per vote), with a threshold line.

Every chart is ``<svg class="chart" role="img">`` with a ``<title>`` and a ``<desc>``
(for screen readers), labelled axes and a legend; every text is escaped (labels come
from the record).  Positions are rounded to a tenth of a unit and kept inside the
viewBox: values outside the axis' range are clamped to its edge.  The colours are the
callers' (the pages use the vote colours of ``whipcount.css``).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from markupsafe import Markup

#: the votes, in the order the pages stack and list them
VOTES = ("yes", "no", "abstain", "absent")
#: the colour of each vote (Okabe-Ito, as ``whipcount.css`` and the CLI's charts)
VOTE_COLOURS = {"yes": "#009E73", "no": "#D55E00", "abstain": "#E69F00", "absent": "#6E6E6E"}

#: chart size (viewBox units) and margins: left, right, top, bottom
WIDTH, HEIGHT = 640.0, 240.0
MARGIN = (48.0, 12.0, 14.0, 40.0)
LEGEND_HEIGHT = 18.0


@dataclass(frozen=True)
class Line:
    """A series of a line chart: ``(x, y)`` points and an optional ``(x, low, high)`` band."""

    name: str
    points: Sequence[tuple[float, float]]
    colour: str
    band: Sequence[tuple[float, float, float]] = field(default=())


@dataclass(frozen=True)
class Range:
    """A row of a range chart: an interval, its middle (median) and its mean."""

    name: str
    low: float
    middle: float
    high: float
    mean: float
    colour: str


@dataclass(frozen=True)
class _Axis:
    """A linear map from data values ``[low, high]`` onto ``[start, end]`` units."""

    low: float
    high: float
    start: float
    end: float

    def __call__(self, value: float) -> float:
        span = self.high - self.low
        share = 0.5 if span <= 0 else (min(max(value, self.low), self.high) - self.low) / span
        return round(self.start + share * (self.end - self.start), 1)


def nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Round tick values covering ``[low, high]`` (about ``count`` of them)."""
    if not (math.isfinite(low) and math.isfinite(high)):
        return [0.0]
    if high - low <= 1e-9 * max(1.0, abs(low), abs(high)):
        return [low]
    raw = (high - low) / max(count, 1)
    power = 10.0 ** math.floor(math.log10(raw))
    step = next((m * power for m in (1, 2, 2.5, 5) if m * power >= raw), 10 * power)
    first = math.ceil(low / step - 1e-9) * step
    ticks, value = [], first
    while value <= high + step * 1e-9:
        ticks.append(round(value, 10))
        value += step
    return ticks


def _number(value: float, percent: bool) -> str:
    if percent:
        return f"{100 * value:.0f}%"
    return f"{value:g}" if value != int(value) else f"{int(value)}"


def _frame(
    title: str, description: str, kind: str, legend: Sequence[tuple[str, str]]
) -> tuple[Markup, Markup]:
    """The chart's opening (svg, title, desc, legend) and closing tags."""
    height = HEIGHT + (LEGEND_HEIGHT if legend else 0)
    head = Markup(
        '<svg class="chart {}" viewBox="0 0 {:g} {:g}" role="img" '
        'xmlns="http://www.w3.org/2000/svg"><title>{}</title><desc>{}</desc>'
    ).format(kind, WIDTH, height, title, description)
    x = MARGIN[0]
    for name, colour in legend:
        head += Markup(
            '<g class="legend"><rect x="{:g}" y="{:g}" width="10" height="10" fill="{}"/>'
            '<text x="{:g}" y="{:g}">{}</text></g>'
        ).format(x, HEIGHT + 4, colour, x + 14, HEIGHT + 13, name)
        x += 24 + 6.5 * len(name)
    return head, Markup("</svg>")


def _axes(
    x: _Axis,
    y: _Axis,
    *,
    x_ticks: Sequence[tuple[float, str]],
    y_ticks: Sequence[tuple[float, str]],
    x_label: str,
    y_label: str,
) -> Markup:
    """Grid lines, tick labels and the two axis labels."""
    parts = [Markup('<g class="axes" stroke="#d9dee2" stroke-width=".6">')]
    for value, _ in y_ticks:
        parts.append(
            Markup('<line x1="{}" x2="{}" y1="{}" y2="{}"/>').format(
                x.start, x.end, y(value), y(value)
            )
        )
    parts.append(
        Markup('<line x1="{}" x2="{}" y1="{}" y2="{}" stroke="#5f6b73"/>').format(
            x.start, x.end, y.start, y.start
        )
    )
    parts.append(Markup("</g>"))
    for value, text in y_ticks:
        parts.append(
            Markup('<text class="tick" x="{}" y="{}" text-anchor="end">{}</text>').format(
                x.start - 4, y(value) + 3.5, text
            )
        )
    for value, text in x_ticks:
        parts.append(
            Markup('<text class="tick" x="{}" y="{}" text-anchor="middle">{}</text>').format(
                x(value), y.start + 14, text
            )
        )
    parts.append(
        Markup('<text class="label" x="{}" y="{:g}" text-anchor="middle">{}</text>').format(
            round((x.start + x.end) / 2, 1), HEIGHT - 6, x_label
        )
    )
    parts.append(
        Markup(
            '<text class="label" transform="translate(11 {}) rotate(-90)" '
            'text-anchor="middle">{}</text>'
        ).format(round((y.start + y.end) / 2, 1), y_label)
    )
    return Markup("").join(parts)


def _plot_axes(x_range: tuple[float, float], y_range: tuple[float, float]) -> tuple[_Axis, _Axis]:
    left, right, top, bottom = MARGIN
    x = _Axis(x_range[0], x_range[1], left, WIDTH - right)
    y = _Axis(y_range[0], y_range[1], HEIGHT - bottom, top)
    return x, y


def _x_ticks(low: float, high: float) -> list[tuple[float, str]]:
    ticks = [t for t in nice_ticks(low, high, 8) if t == int(t)] or [low]
    return [(t, _number(t, False)) for t in ticks]


def line_chart(
    lines: Sequence[Line],
    *,
    title: str,
    x_label: str,
    y_label: str,
    y_range: tuple[float, float] | None = None,
    percent: bool = False,
) -> Markup:
    """Lines (with dots at each point, and bands where given) over a shared x axis.

    ``y_range`` fixes the y axis (``(0, 1)`` for shares); by default it spans the data
    and bands.  ``percent`` labels the y ticks as percentages.
    """
    xs = [p[0] for line in lines for p in line.points] + [b[0] for line in lines for b in line.band]
    ys = [p[1] for line in lines for p in line.points]
    ys += [v for line in lines for b in line.band for v in b[1:]]
    finite = [v for v in ys if math.isfinite(v)]
    low, high = y_range or ((min(finite), max(finite)) if finite else (0.0, 1.0))
    if high <= low:
        low, high = low - 1, high + 1
    y_ticks = nice_ticks(low, high)
    if y_range is None:
        low, high = min(low, y_ticks[0]), max(high, y_ticks[-1])
    x_low, x_high = (min(xs), max(xs)) if xs else (0.0, 1.0)
    x, y = _plot_axes((x_low, x_high), (low, high))
    legend = [(line.name, line.colour) for line in lines]
    description = (
        "; ".join(f"{line.name}: {len(line.points)} points" for line in lines) or "no data"
    )
    head, tail = _frame(title, description, "line", legend)
    parts = [
        head,
        _axes(
            x,
            y,
            x_ticks=_x_ticks(x_low, x_high),
            y_ticks=[(t, _number(t, percent)) for t in y_ticks],
            x_label=x_label,
            y_label=y_label,
        ),
    ]
    for line in lines:
        parts.append(_line(line, x, y, percent))
    parts.append(tail)
    return Markup("").join(parts)


def _line(line: Line, x: _Axis, y: _Axis, percent: bool) -> Markup:
    parts = [Markup('<g class="series" data-name="{}">').format(line.name)]
    band = [b for b in line.band if all(math.isfinite(v) for v in b)]
    if band:
        upper = " ".join(f"{x(b[0])},{y(b[2])}" for b in band)
        lower = " ".join(f"{x(b[0])},{y(b[1])}" for b in reversed(band))
        parts.append(
            Markup('<polygon class="band" points="{} {}" fill="{}" fill-opacity=".18"/>').format(
                upper, lower, line.colour
            )
        )
    points = [p for p in line.points if math.isfinite(p[1])]
    if len(points) > 1:
        path = " ".join(f"{x(px)},{y(py)}" for px, py in points)
        parts.append(
            Markup('<polyline points="{}" fill="none" stroke="{}" stroke-width="1.6"/>').format(
                path, line.colour
            )
        )
    for px, py in points:
        parts.append(
            Markup(
                '<circle cx="{}" cy="{}" r="2.2" fill="{}"><title>{}: {} {}</title></circle>'
            ).format(x(px), y(py), line.colour, line.name, _number(px, False), _number(py, percent))
        )
    parts.append(Markup("</g>"))
    return Markup("").join(parts)


def stacked_bars(
    periods: Sequence[float],
    stacks: Mapping[str, Sequence[float]],
    colours: Mapping[str, str],
    *,
    title: str,
    x_label: str,
    y_label: str,
) -> Markup:
    """One bar per period, its parts stacked in the order of ``stacks`` (bottom up)."""
    totals = [sum(values[i] for values in stacks.values()) for i in range(len(periods))]
    top = max(totals, default=0.0) or 1.0
    y_ticks = nice_ticks(0.0, top)
    high = max(top, y_ticks[-1])
    low_x, high_x = (min(periods) - 0.5, max(periods) + 0.5) if periods else (0.0, 1.0)
    x, y = _plot_axes((low_x, high_x), (0.0, high))
    distinct = sorted(set(periods))
    step = min([b - a for a, b in itertools.pairwise(distinct)] + [1.0])
    width = max(1.0, round((x.end - x.start) / max(high_x - low_x, 1) * step * 0.8, 1))
    legend = [(name, colours.get(name, "#888")) for name in stacks]
    description = f"{len(periods)} bars of {', '.join(stacks)}"
    head, tail = _frame(title, description, "bars", legend)
    parts = [
        head,
        _axes(
            x,
            y,
            x_ticks=_x_ticks(low_x + 0.5, high_x - 0.5),
            y_ticks=[(t, _number(t, False)) for t in y_ticks],
            x_label=x_label,
            y_label=y_label,
        ),
    ]
    for i, period in enumerate(periods):
        base = 0.0
        parts.append(Markup('<g class="bar" data-x="{}">').format(_number(period, False)))
        for name, values in stacks.items():
            value = max(float(values[i]), 0.0)
            if value > 0:
                y0, y1 = y(base), y(base + value)
                parts.append(
                    Markup(
                        '<rect x="{}" y="{}" width="{:g}" height="{}" fill="{}">'
                        "<title>{} {}: {}</title></rect>"
                    ).format(
                        round(x(period) - width / 2, 1),
                        y1,
                        width,
                        round(y0 - y1, 1),
                        colours.get(name, "#888"),
                        x_label,
                        _number(period, False),
                        f"{name} {_number(value, False)}",
                    )
                )
            base += value
        parts.append(Markup("</g>"))
    parts.append(tail)
    return Markup("").join(parts)


def bar_chart(
    values: Mapping[int, float],
    *,
    title: str,
    x_label: str,
    y_label: str,
    colour: str,
    threshold: float | None = None,
    threshold_label: str = "",
    percent: bool = False,
) -> Markup:
    """A distribution: one bar per integer ``x`` (a count) with height ``values[x]``,
    and a dashed vertical line at ``threshold`` (e.g. the votes needed)."""
    keys = sorted(values)
    low_x, high_x = (keys[0] - 0.5, keys[-1] + 0.5) if keys else (0.0, 1.0)
    if threshold is not None:
        low_x, high_x = min(low_x, threshold - 0.5), max(high_x, threshold + 0.5)
    top = max(values.values(), default=0.0) or 1.0
    y_ticks = nice_ticks(0.0, top)
    x, y = _plot_axes((low_x, high_x), (0.0, max(top, y_ticks[-1])))
    width = max(0.5, round((x.end - x.start) / max(high_x - low_x, 1) * 0.9, 1))
    head, tail = _frame(title, f"{len(keys)} bars", "distribution", [])
    parts = [
        head,
        _axes(
            x,
            y,
            x_ticks=_x_ticks(low_x + 0.5, high_x - 0.5),
            y_ticks=[(t, _number(t, percent)) for t in y_ticks],
            x_label=x_label,
            y_label=y_label,
        ),
    ]
    for key in keys:
        value = max(float(values[key]), 0.0)
        parts.append(
            Markup(
                '<rect x="{}" y="{}" width="{:g}" height="{}" fill="{}">'
                "<title>{}: {}</title></rect>"
            ).format(
                round(x(key) - width / 2, 1),
                y(value),
                width,
                round(y(0) - y(value), 1),
                colour,
                key,
                _number(value, percent),
            )
        )
    if threshold is not None:
        parts.append(_threshold(x(threshold), y, threshold_label))
    parts.append(tail)
    return Markup("").join(parts)


def _threshold(at: float, y: _Axis, label: str) -> Markup:
    anchor = "end" if at > WIDTH / 2 else "start"
    shift = -4 if anchor == "end" else 4
    return Markup(
        '<g class="threshold"><line x1="{}" x2="{}" y1="{}" y2="{}" stroke="#1d2327" '
        'stroke-dasharray="4 3"/><text x="{}" y="{}" text-anchor="{}">{}</text></g>'
    ).format(at, at, y.start, y.end, round(at + shift, 1), y.end + 10, anchor, label)


def range_chart(
    ranges: Sequence[Range],
    *,
    title: str,
    x_label: str,
    x_range: tuple[float, float],
    threshold: float | None = None,
    threshold_label: str = "",
) -> Markup:
    """One row per range: a bar from ``low`` to ``high``, a tick at ``middle`` and a dot
    at ``mean``, on a shared x axis; a dashed line at ``threshold``."""
    left, right, top, bottom = MARGIN
    x = _Axis(x_range[0], x_range[1], left + 40, WIDTH - right)
    y = _Axis(0.0, float(max(len(ranges), 1)), HEIGHT - bottom, top + 12)
    ticks = [(t, _number(t, False)) for t in nice_ticks(*x_range, 8)]
    description = "; ".join(
        f"{r.name}: mean {r.mean:.1f}, median {_number(r.middle, False)}, "
        f"80% between {_number(r.low, False)} and {_number(r.high, False)}"
        for r in ranges
    )
    head, tail = _frame(title, description, "ranges", [])
    parts = [head, _axes(x, y, x_ticks=ticks, y_ticks=[], x_label=x_label, y_label="")]
    row = (y.start - y.end) / max(len(ranges), 1)
    for i, item in enumerate(ranges):
        centre = round(y.end + row * (i + 0.5), 1)
        parts.append(
            Markup(
                '<g class="range" data-name="{name}">'
                '<text x="{lx}" y="{ty}" text-anchor="end">{name}</text>'
                '<rect x="{x0}" y="{y0}" width="{w}" height="{h}" fill="{c}" fill-opacity=".35"/>'
                '<line x1="{xm}" x2="{xm}" y1="{y0}" y2="{y1}" stroke="{c}" stroke-width="2.5"/>'
                '<circle cx="{xe}" cy="{cy}" r="3" fill="#1d2327"/>'
                "<title>{name}: {desc}</title></g>"
            ).format(
                name=item.name,
                lx=x.start - 6,
                ty=centre + 4,
                x0=x(item.low),
                y0=round(centre - row * 0.3, 1),
                w=max(round(x(item.high) - x(item.low), 1), 1.0),
                h=round(row * 0.6, 1),
                c=item.colour,
                xm=x(item.middle),
                y1=round(centre + row * 0.3, 1),
                xe=x(item.mean),
                cy=centre,
                desc=f"mean {item.mean:.1f}, median {_number(item.middle, False)}, "
                f"80% within {_number(item.low, False)}–{_number(item.high, False)}",
            )
        )
    if threshold is not None:
        parts.append(_threshold(x(threshold), y, threshold_label))
    parts.append(tail)
    return Markup("").join(parts)
