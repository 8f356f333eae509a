"""Charts of the alignment documents, drawn with matplotlib's Agg (PNG) or SVG canvas.

The figures are built without pyplot (no global state, no display needed); the file
suffix (``.png``, ``.svg``, ``.pdf``) chooses the format.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from matplotlib.figure import Figure

Document = dict[str, Any]

_MEASURES = {
    "coincidence_votes_only": "coincidence (votes only)",
    "coincidence_with_consensus": "coincidence incl. consensus",
    "agreement": "agreement",
    "s_score": "S-score",
    "kappa": "kappa",
}


def plot_table(document: Document, path: Path) -> Path:
    """A bar per member: coincidence with the table's state (``align_all``)."""
    rows = sorted(
        (r for r in document["rows"] if r["coincidence"] is not None),
        key=lambda r: r["coincidence"],
    )
    figure = Figure(figsize=(8, max(4.0, 0.14 * len(rows) + 1)), layout="constrained")
    axes = figure.add_subplot()
    axes.barh([r["country"] for r in rows], [100 * r["coincidence"] for r in rows])
    axes.set_xlim(0, 100)
    axes.set_xlabel(f"voting coincidence with {document['a_name']} (%, {document['formula']})")
    axes.tick_params(axis="y", labelsize=5)
    axes.margins(y=0.005)
    return _save(figure, path)


def plot_trend(document: Document, path: Path) -> Path:
    """Each measure per period (``align_trend``); a partial period (one that runs past
    the record's last vote) is shaded."""
    by = document["by"]
    periods = [r[by] for r in document["rows"]]
    figure = Figure(figsize=(9, 4.5), layout="constrained")
    axes = figure.add_subplot()
    for row in document["rows"]:
        if row.get("partial_period"):
            axes.axvspan(row[by] - 0.5, row[by] + 0.5, color="0.9", label="partial period")
    for key, label in _MEASURES.items():
        values = [r[key] for r in document["rows"]]
        if any(v is not None for v in values):
            values = [float("nan") if v is None else v for v in values]
            axes.plot(periods, values, marker=".", label=label)
    axes.axhline(0, color="grey", linewidth=0.5)
    axes.set_xlabel(by)
    axes.set_ylim(-1, 1)
    axes.set_title(f"{document['a']} and {document['b']}")
    axes.legend(fontsize="small")
    return _save(figure, path)


def plot_pair(document: Document, path: Path) -> Path:
    """The measures of one pair (``align_pair`` or ``align_group``) as bars."""
    shown = {label: document[key] for key, label in _MEASURES.items() if document[key] is not None}
    figure = Figure(figsize=(7, 3), layout="constrained")
    axes = figure.add_subplot()
    axes.barh(list(shown), list(shown.values()))
    axes.axvline(0, color="grey", linewidth=0.5)
    axes.set_xlim(-1, 1)
    axes.set_title(f"{document['a']} and {document['b']}: {document['roll_calls']} roll calls")
    return _save(figure, path)


def _save(figure: Figure, path: Path) -> Path:
    figure.savefig(path)
    return path
