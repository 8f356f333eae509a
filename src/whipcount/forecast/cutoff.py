"""Everything about the members that is known on a cut-off day.

A :class:`Cutoff` summarises the record before one day ``D`` (roll calls with
``date_max < D``; nothing later is ever read): each member's class frequencies over
the last year and the last three years of votes (counted back from the last vote
before ``D``), its participation (absences among its last
20 votes, its current run of absences, how many votes it cast lately), its agreement
with every other member over the last three years (the weights of the "peers"
feature), the blocs and regional groups of the day, and the ideal points fitted on the
sessions before ``D`` (:mod:`whipcount.forecast.ideal_cutoff`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from whipcount.forecast.data import N_CLASSES, ForecastData
from whipcount.forecast.ideal_cutoff import CutoffIdeal, ideal_at

RECENT_VOTES = 20
STREAK_CAP = 100
PEER_POWER = 12.0
PEER_MIN_COMMON = 10


@dataclass(frozen=True)
class Cutoff:
    """The members on day ``day``, as the record before it shows them."""

    day: dt.date
    past: np.ndarray  # bool per row
    freq1: np.ndarray  # members x 4 class shares over 365 days (NaN: no vote)
    freq3: np.ndarray  # members x 4 over three years
    count3: np.ndarray  # votes (incl. absences) as a member over three years
    recent_absent: np.ndarray  # share absent among the last RECENT_VOTES
    streak: np.ndarray  # absences in a row up to the cut-off
    peers: np.ndarray  # members x members agreement weights (zero diagonal)
    groupings: np.ndarray  # groupings x members on the day
    ideal: CutoffIdeal | None

    @classmethod
    def at(
        cls,
        data: ForecastData,
        day: dt.date,
        *,
        with_ideal: bool = True,
        cache: Path | None = None,
    ) -> Cutoff:
        past = data.before(day)
        # windows of "the last year" count back from the record's last vote, so that a
        # forecast made long after the record ends sees features like those it trained on
        anchor = data.data_day(day) or day
        year = data.date_min >= (anchor - dt.timedelta(days=365)).isoformat()
        three = data.date_min >= (anchor - dt.timedelta(days=3 * 365)).isoformat()
        freq1, _ = _frequencies(data.outcome[past & year])
        freq3, count3 = _frequencies(data.outcome[past & three])
        recent_absent, streak = _participation(data.outcome[np.flatnonzero(past)[-600:]])
        return cls(
            day=day,
            past=past,
            freq1=freq1,
            freq3=freq3,
            count3=count3,
            recent_absent=recent_absent,
            streak=streak,
            peers=_peer_weights(data.outcome[past & three]),
            groupings=data.groupings(day),
            ideal=ideal_at(data, day, cache) if with_ideal else None,
        )


def _frequencies(outcome: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    counts = np.stack([(outcome == c).sum(axis=0) for c in range(N_CLASSES)], axis=1)
    total = counts.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        shares = counts / total[:, None]
    return shares, total


def _participation(outcome: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Absent share of each member's last votes, and its closing run of absences."""
    n_members = outcome.shape[1]
    recent = np.full(n_members, np.nan)
    streak = np.zeros(n_members)
    for column in range(n_members):
        cast = outcome[:, column]
        cast = cast[cast >= 0]
        if not len(cast):
            continue
        recent[column] = float(np.mean(cast[-RECENT_VOTES:] == 3))
        present = np.flatnonzero(cast != 3)
        streak[column] = min(len(cast) - 1 - present[-1] if len(present) else len(cast), STREAK_CAP)
    return recent, streak


def _peer_weights(outcome: np.ndarray) -> np.ndarray:
    """``agreement ** PEER_POWER`` between members over the votes both cast."""
    cast = (outcome >= 0) & (outcome <= 2)
    same = np.zeros((outcome.shape[1], outcome.shape[1]))
    for c in range(3):
        hit = (outcome == c).astype(np.float64)
        same += hit.T @ hit
    common = cast.astype(np.float64).T @ cast.astype(np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        agreement = np.where(common >= PEER_MIN_COMMON, same / common, 0.0)
    weights: np.ndarray = agreement**PEER_POWER
    np.fill_diagonal(weights, 0.0)
    return weights
