"""Charts of ideal points: trajectories with bootstrap bands, or one session ranked.

Built on matplotlib's object API (no pyplot, no display); the suffix of the file
(``.png``, ``.svg``, ``.pdf``) picks the format.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from matplotlib.figure import Figure

Row = dict[str, Any]
_LEGEND_MAX = 12


def plot_trajectories(rows: list[Row], path: Path, *, title: str) -> Path:
    """One line per member over sessions, shaded +-1.96 standard errors."""
    figure = Figure(figsize=(9, 4.8), layout="constrained")
    axes = figure.add_subplot()
    members = sorted({r["iso3"] for r in rows})
    many = len(members) > _LEGEND_MAX  # then thin grey lines, no legend, no bands
    for member in members:
        mine = [r for r in rows if r["iso3"] == member]
        sessions = [r["session"] for r in mine]
        ideal = [r["ideal"] for r in mine]
        if many:
            axes.plot(sessions, ideal, color="grey", linewidth=0.4, alpha=0.6)
            continue
        (line,) = axes.plot(sessions, ideal, label=member, linewidth=1.4)
        if all(r["se"] is not None for r in mine):
            low = [r["ideal"] - 1.96 * r["se"] for r in mine]
            high = [r["ideal"] + 1.96 * r["se"] for r in mine]
            axes.fill_between(sessions, low, high, color=line.get_color(), alpha=0.18)
    axes.axhline(0, color="grey", linewidth=0.5)
    axes.set_xlabel("session (1 = 1946)")
    axes.set_ylabel("ideal point (United States > 0)")
    axes.set_title(f"{title} ({len(members)} members)" if many else title)
    if not many:
        axes.legend(fontsize="small", ncols=2 if len(members) > 6 else 1)
    figure.savefig(path)
    return path


def plot_session(rows: list[Row], path: Path, *, title: str) -> Path:
    """Every member of one session, ranked, with +-1.96 standard-error bars."""
    ranked = sorted(rows, key=lambda r: r["ideal"])
    figure = Figure(figsize=(7, max(4.0, 0.13 * len(ranked) + 1)), layout="constrained")
    axes = figure.add_subplot()
    errors = [1.96 * (r["se"] or 0.0) for r in ranked]
    axes.errorbar(
        [r["ideal"] for r in ranked], range(len(ranked)), xerr=errors, fmt=".", elinewidth=0.6
    )
    axes.set_yticks(range(len(ranked)), [r["iso3"] for r in ranked], fontsize=5)
    axes.axvline(0, color="grey", linewidth=0.5)
    axes.set_xlabel("ideal point (United States > 0)")
    axes.set_title(title)
    axes.margins(y=0.005)
    figure.savefig(path)
    return path
