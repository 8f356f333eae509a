"""Common random numbers for comparing tallies: the copula's shocks and noise drawn once.

A plan, a scenario or a search for what it would take compares the tally of the forecast
with the tallies of changed forecasts.  Simulated independently, the difference of two
P(goal) estimates carries the noise of both; simulated from the same normal shocks and
member noise (common random numbers; Glasserman 2004, *Monte Carlo Methods in Financial
Engineering*, section 4.2), a member whose probabilities did not change votes the same way
in every draw, and the difference is the effect of the change alone.  The numbers are
drawn exactly as :func:`whipcount.forecast.tally.simulate` draws them, so that
``CommonDraws(groups, correlation, rng, draws).votes(p)`` equals ``simulate(p, groups,
correlation, rng2, draws)`` for a generator ``rng2`` in the same state.
"""

from __future__ import annotations

import numpy as np

from whipcount.forecast.tally import DRAWS, Correlation, _votes, counts

__all__ = ["CommonDraws"]


class CommonDraws:
    """The copula's shocks and noise for ``len(groups)`` members, drawn once from ``rng``.

    Parameters
    ----------
    groups : numpy.ndarray
        Regional group (int) of each member.
    correlation : Correlation
        The forecast's copula correlations.
    rng : numpy.random.Generator
        The only source of randomness.
    draws : int
        Number of simulated votes.
    """

    def __init__(
        self,
        groups: np.ndarray,
        correlation: Correlation,
        rng: np.random.Generator,
        draws: int = DRAWS,
    ) -> None:
        if draws < 1:
            raise ValueError(f"draws must be >= 1, not {draws}")
        self.groups = np.asarray(groups, dtype=np.intp)
        self.correlation = correlation
        n = len(self.groups)
        self.shocks = rng.standard_normal((draws, 2 + int(self.groups.max(initial=0)) + 1))
        self.noise = rng.standard_normal((2, draws, n), dtype=np.float32)

    @property
    def draws(self) -> int:
        """The number of simulated votes."""
        return int(self.shocks.shape[0])

    def votes(self, p: np.ndarray) -> np.ndarray:
        """Simulated votes (draws x members, classes 0..3) of members with probabilities ``p``."""
        p = np.asarray(p, dtype=float)
        if p.shape != (len(self.groups), 4):
            raise ValueError(f"probabilities must be {len(self.groups)} x 4, not {p.shape}")
        return _votes(p, self.groups, self.correlation, self.shocks, self.noise)

    def tallies(self, p: np.ndarray) -> np.ndarray:
        """Counts per class (draws x 4) of :meth:`votes`."""
        return counts(self.votes(p))
