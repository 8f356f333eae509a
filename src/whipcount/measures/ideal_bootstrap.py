"""Standard errors of ideal points by parametric bootstrap, and simulated roll calls.

The parametric bootstrap (Efron and Tibshirani 1993, ch. 6; for roll-call scaling
Lewis and Poole 2004, "Measuring bias and uncertainty in ideal point estimates via
the parametric bootstrap", *Political Analysis* 12(2)): from the fitted model, redraw
every observed vote (same members, sessions and roll calls; absences stay missing),
refit from the point estimates, and take each position's standard deviation over the
replications as its standard error.  Randomness only through the ``numpy.random.
Generator`` passed in.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from whipcount.measures.ideal_data import IdealData
from whipcount.measures.idealpoints import DynamicIdealPoints, IdealPointResults
from whipcount.measures.ordinal import probabilities
from whipcount.record.codes import Vote


def draw_categories(
    index: np.ndarray, t1: np.ndarray, t2: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    """One draw of no (0) / abstain (1) / yes (2) per observation."""
    cumulative = np.cumsum(probabilities(index, t1, t2), axis=1)
    draw = rng.random(len(index))
    out: np.ndarray = (draw[:, None] > cumulative[:, :2]).sum(axis=1).astype(np.int8)
    return out


def bootstrap(
    model: DynamicIdealPoints,
    results: IdealPointResults,
    *,
    replications: int,
    rng: np.random.Generator,
    progress: Callable[[int], None] | None = None,
) -> IdealPointResults:
    """``results`` with bootstrap standard errors from ``replications`` refits."""
    if replications < 2:
        raise ValueError("the bootstrap needs at least 2 replications")
    d = results.data
    index = results.beta[d.item] * results.x[d.slot]
    draws = np.empty((replications, d.n_slots))
    for r in range(replications):
        category = draw_categories(index, results.t1[d.item], results.t2[d.item], rng)
        replica = DynamicIdealPoints(d.with_categories(category), **model.options())
        draws[r] = replica.fit(start=results).x
        if progress is not None:
            progress(r + 1)
    return results.with_se(draws.std(axis=0, ddof=1), replications)


@dataclass(frozen=True)
class SimulatedRollCalls:
    """A simulated record: vote codes, sessions per roll call, and the truth."""

    votes: np.ndarray  # int8 roll calls x members, Vote codes (8 = absent)
    sessions: np.ndarray  # session per roll call
    members: tuple[str, ...]
    positions: np.ndarray  # true x, members x sessions
    beta: np.ndarray
    t1: np.ndarray
    t2: np.ndarray


def simulate(
    *,
    members: int,
    sessions: int,
    roll_calls_per_session: int,
    rng: np.random.Generator,
    evolution_sd: float = 0.1,
    absent_share: float = 0.05,
) -> SimulatedRollCalls:
    """Roll calls drawn from the model itself: random-walk positions, items with
    discriminations ~ N(0, 1.5^2), ordered cutpoints, a share of absences."""
    steps = rng.normal(0.0, evolution_sd, size=(members, sessions))
    steps[:, 0] = rng.normal(0.0, 1.0, size=members)
    positions = np.cumsum(steps, axis=1)
    n = sessions * roll_calls_per_session
    period = np.repeat(np.arange(sessions), roll_calls_per_session)
    beta = rng.normal(0.0, 1.5, size=n)
    low = rng.normal(-0.5, 1.0, size=n)
    t1, t2 = low, low + rng.exponential(0.6, size=n)
    index = beta[:, None] * positions[:, period].T
    category = draw_categories(
        index.ravel(), np.repeat(t1, members), np.repeat(t2, members), rng
    ).reshape(n, members)
    code = np.array([int(Vote.NO), int(Vote.ABSTAIN), int(Vote.YES)], dtype=np.int8)
    votes = code[category]
    votes[rng.random(votes.shape) < absent_share] = int(Vote.ABSENT)
    return SimulatedRollCalls(
        votes=votes,
        sessions=period + 1,
        members=tuple(f"M{i:03d}" for i in range(members)),
        positions=positions,
        beta=beta,
        t1=t1,
        t2=t2,
    )


def simulated_data(simulated: SimulatedRollCalls) -> IdealData:
    return IdealData.from_votes(simulated.votes, simulated.sessions, simulated.members)
