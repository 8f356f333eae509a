"""The board as a picture: the forecast map and tally, drawn from the current count.

The board's ``p_now`` and re-simulated tally are drawn exactly as a forecast is
(:func:`whipcount.forecast.charts.plot_forecast`): each member coloured by its most
likely vote, shaded by that vote's probability, and the tally's distribution below.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from whipcount.campaign.board import Board
from whipcount.forecast.charts import plot_forecast
from whipcount.forecast.data import CLASSES
from whipcount.forecast.forecast import Forecast
from whipcount.forecast.target import Target


def board_forecast(board: Board) -> Forecast:
    """The board as a :class:`~whipcount.forecast.forecast.Forecast` (reports included)."""
    snap = board.snapshot
    target = Target(
        title=f"{snap.target.get('title') or 'Untitled draft'} — campaign {board.campaign.name}",
        session=int(snap.target["session"]),
        date=dt.date.fromisoformat(str(snap.target["date"])),
        series=snap.target.get("series"),
    )
    return Forecast(
        target=target,
        as_of=f"{snap.as_of.isoformat()}, with {len(board.latest)} members reported",
        members=list(snap.members),
        probabilities=board.p_now,
        reasons=snap.reasons,
        calls=[CLASSES[int(k)] for k in board.p_now.argmax(axis=1)],
        tallies=board.tallies,
        majority=board.campaign.majority,
        analogs=[],
        previous=snap.previous,
        groups=snap.groups,
        correlation=snap.correlation,
    )


def plot_board(board: Board, path: Path, geometry: Path | None = None) -> Path:
    """Draw the board's map and tally to ``path`` (.png, .svg or .pdf)."""
    return plot_forecast(board_forecast(board), path, geometry=geometry)
