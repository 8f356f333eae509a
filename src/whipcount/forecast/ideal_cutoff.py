"""Ideal points as they stood on a cut-off day: the forecaster's spatial features.

For each cut-off the dynamic ordinal model of :mod:`whipcount.measures.idealpoints`
(Bailey, Strezhnev & Voeten 2017; Martin & Quinn 2002) is fitted on the roll calls
surely held before that day, from the last :data:`WINDOW` sessions with votes, with the
instances of a series sharing one item (their discrimination and cutpoints), so that
a series' position is estimated from all of its earlier instances.  What a forecast
uses is each member's latest position ``x_i`` and each series' item ``(beta, tau1,
tau2)``; the ordered probit then gives ``P(no), P(abstain), P(yes)`` for a member on
the series' next instance (eq. 1 of docs/METHODS.md, ideal points).

Fits are cached in memory and in the user's cache folder, keyed by a digest of the
votes they saw, so a fit can never be reused for other data (the leakage tests rely
on this).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from whipcount.forecast.data import ForecastData
from whipcount.measures.ordinal import probabilities
from whipcount.record.codes import regular_session_on

#: Sessions before the cut-off that a fit scales.
WINDOW = 15


@dataclass(frozen=True)
class CutoffIdeal:
    """Positions and items fitted on the votes before one day."""

    position: np.ndarray  # float per member column (NaN: not in the fit)
    beta: np.ndarray  # float per matrix row (NaN: not scaled)
    tau1: np.ndarray
    tau2: np.ndarray

    def probabilities(self, members: np.ndarray, row: int) -> np.ndarray:
        """P(no, abstain, yes) of ``members`` (columns) on an item like ``row``'s
        (NaN rows where the member or the item is unknown)."""
        index = self.beta[row] * self.position[members]
        return probabilities(
            index, np.full_like(index, self.tau1[row]), np.full_like(index, self.tau2[row])
        )


#: Fits by digest, their item arrays per row *of the window* (not of the matrix, whose
#: row numbers shift when roll calls are added before the window).
_MEMORY: dict[str, CutoffIdeal] = {}
FORMAT = 2


def ideal_at(data: ForecastData, day: dt.date, cache: Path | None = None) -> CutoffIdeal:
    """The fit of the :data:`WINDOW` sessions before ``day`` (cached; see above)."""
    past = data.before(day)
    last = int(data.sessions[past].max()) if past.any() else regular_session_on(day)
    rows = np.flatnonzero(past & (data.sessions > last - WINDOW))
    groups = _series_labels(data, rows)
    digest = _digest(data, rows, groups)
    window = _MEMORY.get(digest)
    path = cache / f"ideal-{digest}.npz" if cache is not None else None
    if window is None and path is not None and path.exists():
        with np.load(path) as saved:
            window = CutoffIdeal(*(saved[k] for k in ("position", "beta", "tau1", "tau2")))
    if window is None:
        window = _fit(data, rows, groups)
        if path is not None:
            _save(path, window)
    _MEMORY[digest] = window
    n_rows = len(data.outcome)
    items = [np.full(n_rows, np.nan) for _ in range(3)]
    for full, part in zip(items, (window.beta, window.tau1, window.tau2), strict=True):
        full[rows] = part
    return CutoffIdeal(window.position, *items)


def _save(path: Path, fitted: CutoffIdeal) -> None:
    """Save a fit in the cache (atomically); a cache that cannot be written is skipped."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f"{path.stem}.{os.getpid()}.tmp.npz")
        np.savez(
            temporary,
            position=fitted.position,
            beta=fitted.beta,
            tau1=fitted.tau1,
            tau2=fitted.tau2,
        )
        temporary.replace(path)
    except OSError:
        return


def _series_labels(data: ForecastData, rows: np.ndarray) -> np.ndarray:
    names = data.series[rows]
    labels = np.full(len(rows), -1, dtype=np.int64)
    known = np.array([n is not None for n in names], dtype=bool)
    if known.any():
        _, codes = np.unique(names[known].astype(str), return_inverse=True)
        labels[known] = codes
    return labels


def _digest(data: ForecastData, rows: np.ndarray, groups: np.ndarray) -> str:
    h = hashlib.sha1()
    h.update(np.ascontiguousarray(data.matrix.votes[rows]).tobytes())
    h.update(groups.tobytes())
    h.update(data.sessions[rows].tobytes())
    h.update("\0".join(data.codes).encode())
    h.update(f"window={WINDOW};format={FORMAT}".encode())
    return h.hexdigest()[:20]


def _fit(data: ForecastData, rows: np.ndarray, groups: np.ndarray) -> CutoffIdeal:
    """The fit of ``rows``, its item arrays indexed by position in ``rows``."""
    from whipcount.measures.ideal_data import IdealData, IdealDataError
    from whipcount.measures.idealpoints import DynamicIdealPoints

    n_rows, n_members = len(rows), data.n_members
    empty = CutoffIdeal(np.full(n_members, np.nan), *(np.full(n_rows, np.nan) for _ in range(3)))
    if not len(rows):
        return empty
    try:
        ideal = IdealData.from_votes(
            data.matrix.votes[rows], data.sessions[rows], tuple(data.codes), groups=groups
        )
    except IdealDataError:
        return empty
    results = DynamicIdealPoints(ideal, tol=1e-3).fit()
    position = np.full(n_members, np.nan)
    # slots run in period order within each member: the last one is the latest position
    position[ideal.slot_member] = results.x
    used = ideal.rows  # positions in the window
    beta, tau1, tau2 = (np.full(n_rows, np.nan) for _ in range(3))
    beta[used] = results.beta[ideal.row_item]
    tau1[used] = results.t1[ideal.row_item]
    tau2[used] = results.t2[ideal.row_item]
    return CutoffIdeal(position, beta, tau1, tau2)
