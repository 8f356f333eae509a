"""Which way a change goes, and who moves together (Parts B and C of persuadability).

See :mod:`whipcount.campaign.persuadability` for the equations: ``P(toward | change)``
is the member's share of past changes toward the lobbyist's vote, shrunk toward its
agreement with the lobbyist; ``follow[i, j]`` is the shrunk share of i's changes that
j made in the same direction in the same instance, between members sharing a bloc or
regional group.
"""

from __future__ import annotations

import datetime as dt

import numpy as np

from whipcount.campaign.arguments import SCORE, agreement_with
from whipcount.campaign.persuadability_features import ORDINAL, Pairs, partners_of
from whipcount.forecast.data import ForecastData

TOWARD_PRIOR = 5.0
LINK_PRIOR = 10.0
FOLLOW_PRIOR = 3.0


def _scores(data: ForecastData, rows: np.ndarray) -> np.ndarray:
    outcome = data.outcome[rows]
    out: np.ndarray = np.where(outcome >= 0, SCORE[np.clip(outcome, 0, 3)], np.nan)
    return out


def toward(
    data: ForecastData,
    pairs: Pairs,
    window: np.ndarray,
    *,
    as_of: dt.date,
    lobbyist: int,
    linked_rows: np.ndarray | None,
) -> dict[str, np.ndarray]:
    """Per member column: ``p_toward`` (before the last-vote rule), the agreements and
    the counts behind it; ``window`` marks the pairs of the fit's sessions."""
    past = data.before(as_of)
    start = (as_of - dt.timedelta(days=3 * 365)).isoformat()
    overall = np.flatnonzero(past & (data.date_min >= start))
    agree, _ = agreement_with(_scores(data, overall), lobbyist)
    prior = np.nan_to_num(agree, nan=0.5)
    linked = np.full(data.n_members, np.nan)
    if linked_rows is not None and len(linked_rows):
        rows = linked_rows[past[linked_rows]]
        linked, n_link = agreement_with(_scores(data, rows), lobbyist)
        prior = (LINK_PRIOR * prior + n_link * np.nan_to_num(linked)) / (LINK_PRIOR + n_link)
    chosen = np.flatnonzero(window)
    target = ORDINAL[data.outcome[pairs.row[chosen], lobbyist]].astype(np.int64)
    keep = target >= 0
    chosen, target = chosen[keep], target[keep][:, None]
    old = ORDINAL[data.outcome[pairs.prev[chosen]]].astype(np.int64)
    new = ORDINAL[data.outcome[pairs.row[chosen]]].astype(np.int64)
    moved = pairs.change[chosen]
    closer = moved & (np.abs(new - target) < np.abs(old - target))
    farther = moved & (np.abs(new - target) > np.abs(old - target))
    n_toward, n_away = closer.sum(axis=0), farther.sum(axis=0)
    p = (n_toward + TOWARD_PRIOR * prior) / (n_toward + n_away + TOWARD_PRIOR)
    return {
        "p_toward": p,
        "agree_lobbyist": agree,
        "agree_linked": linked,
        "moves_toward": n_toward.astype(float),
        "moves_away": n_away.astype(float),
    }


def follow(pairs: Pairs, window: np.ndarray, groupings: np.ndarray) -> np.ndarray:
    """Members x members follow matrix (module docstring) from the pairs in ``window``."""
    step = pairs.step[window].astype(np.int64)
    valid = pairs.valid[window].astype(np.float64)
    up, down = (step > 0).astype(np.float64), (step < 0).astype(np.float64)
    same = up.T @ up + down.T @ down
    changed = up + down
    together = changed.T @ valid  # i changed, j cast both votes
    with np.errstate(invalid="ignore", divide="ignore"):
        base = np.where(valid.sum(axis=0) > 0, changed.sum(axis=0) / valid.sum(axis=0), 0.0)
    out: np.ndarray = (same + FOLLOW_PRIOR * base[None, :] / 2) / (together + FOLLOW_PRIOR)
    out = np.where(partners_of(groupings), np.clip(out, 0.0, 1.0), 0.0)
    np.fill_diagonal(out, 1.0)
    return out
