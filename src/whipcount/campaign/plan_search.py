"""The choice of démarches: maximising the expected gain of a plan, greedily and exactly.

A démarche to member ``i`` moves ``i`` itself with probability ``a_ii = p_move_i``, and
another member ``j`` with probability

    a_ij = p_move_i m_i follow[i, j],

independently across démarches, where ``m_i`` is the share of ``i``'s vote that its own
move changes (:meth:`~whipcount.campaign.goals.Goal.movable`: its P(yes) when the ask is
abstain ...): partners follow a leader that actually changes its vote toward the goal, and
a member already at the ask carries nobody along.  Member ``j`` is moved by a plan ``S``
with probability ``P_j(S) = 1 - prod_{i in S} (1 - a_ij)``, and the plan's expected gain
toward the goal is

    F(S) = sum_j P_j(S) delta_j,      delta_j >= 0 the gain if j is moved.

``F`` is a weighted (probabilistic) coverage function: monotone, and submodular, since a
démarche's marginal gain ``sum_j a_ij delta_j prod_{l in S} (1 - a_lj)`` (each ``a_ij`` in
[0, 1] and fixed, whatever ``S``) can only shrink as ``S`` grows.  The greedy algorithm
(add the démarche of largest marginal gain while capacity lasts) is therefore within
``1 - 1/e`` of the best plan
(Nemhauser, Wolsey & Fisher 1978, "An analysis of approximations for maximizing
submodular set functions", *Mathematical Programming* 14, theorem 4.2).  Where the number
of plans is small (``C(n, k) <=`` :data:`EXACT_LIMIT` for ``n`` members with something to
gain and capacity ``k``), :func:`exact` enumerates them all; since ``F`` is monotone, the
best plan uses the whole capacity, so plans of exactly ``min(k, n)`` démarches suffice.

``F`` is exact in expectation, but the plan's P(goal) depends on which members move
together: all of a leader's followers move only in the draws where that one leader is
persuaded.  :func:`moved_draws` samples the joint process itself, one draw at a time:
each leader ``i`` of the plan succeeds with probability ``p_move_i``, and given its
success moves itself and each ``j != i`` independently with probability ``m_i follow[i,
j]``; ``j`` is moved when any leader moves it (so ``P(j moved) = P_j(S)``).
"""

from __future__ import annotations

import math
from itertools import combinations

import numpy as np

__all__ = [
    "EXACT_LIMIT",
    "exact",
    "greedy",
    "moved_draws",
    "moved_probability",
    "reach",
    "value",
]

EXACT_LIMIT = 50_000
_CHUNK = 4096


def reach(p_move: np.ndarray, follow: np.ndarray, movable: np.ndarray) -> np.ndarray:
    """P(a démarche to i moves j), members x members.

    ``a_ii = p_move_i`` and ``a_ij = p_move_i movable_i follow[i, j]`` for ``j != i``, with
    ``movable_i`` the share of i's vote that its move changes (``Goal.movable``).
    """
    move = np.asarray(p_move, dtype=float)
    out: np.ndarray = (move * np.asarray(movable, dtype=float))[:, None] * np.asarray(
        follow, dtype=float
    )
    np.fill_diagonal(out, move)
    return out


def moved_probability(a: np.ndarray, chosen: list[int]) -> np.ndarray:
    """``P_j(S) = 1 - prod_{i in S} (1 - a_ij)`` for every member ``j``."""
    if not chosen:
        return np.zeros(a.shape[1])
    return np.asarray(1.0 - np.prod(1.0 - a[chosen], axis=0))


def moved_draws(
    p_move: np.ndarray,
    follow: np.ndarray,
    movable: np.ndarray,
    chosen: list[int],
    *,
    rng: np.random.Generator,
    draws: int,
) -> np.ndarray:
    """Which members the plan ``chosen`` moves, in each of ``draws`` simulated campaigns.

    Parameters
    ----------
    p_move, follow, movable : numpy.ndarray
        As in :func:`reach`.
    chosen : list of int
        The leaders (démarches) of the plan.
    rng : numpy.random.Generator
        The only source of randomness (a stream of its own: the votes' are apart).
    draws : int
        Number of simulated campaigns.

    Returns
    -------
    numpy.ndarray
        Boolean, draws x members: ``True`` where the member takes its moved distribution.
    """
    move = np.asarray(p_move, dtype=float)
    out = np.zeros((draws, len(move)), dtype=bool)
    for i in chosen:
        success = rng.random(draws) < move[i]
        chance = float(movable[i]) * np.asarray(follow[i], dtype=float)
        chance[i] = 1.0  # the leader itself moves whenever its démarche succeeds
        out |= success[:, None] & (rng.random((draws, len(move))) < chance)
    return out


def value(a: np.ndarray, delta: np.ndarray, chosen: list[int]) -> float:
    """``F(S) = sum_j P_j(S) delta_j``: the expected gain of the plan ``chosen``."""
    return float(moved_probability(a, chosen) @ delta)


def greedy(
    a: np.ndarray,
    delta: np.ndarray,
    capacity: int,
    candidates: np.ndarray,
    tiebreak: np.ndarray,
) -> list[int]:
    """Démarches picked one at a time by largest marginal gain.

    Parameters
    ----------
    a : numpy.ndarray
        ``a_ij`` (members x members), see :func:`reach`.
    delta : numpy.ndarray
        Gain of each member if moved (>= 0).
    capacity : int
        Most démarches to pick.
    candidates : numpy.ndarray
        Boolean mask of the members that may receive a démarche.
    tiebreak : numpy.ndarray
        Rank of each member among equal gains (lower first; e.g. the rank of its ISO3).

    Returns
    -------
    list of int
        Member indices in the order picked; fewer than ``capacity`` when no démarche
        left has anything to gain.
    """
    unmoved = np.ones(a.shape[1])  # prod_{l in S} (1 - a_lj)
    open_ = np.asarray(candidates, dtype=bool).copy()
    chosen: list[int] = []
    for _ in range(capacity):
        gains = a @ (unmoved * delta)
        gains[~open_] = -np.inf
        best = float(gains.max(initial=-np.inf))
        if best <= 1e-12:
            break
        tied = np.flatnonzero(gains >= best - 1e-12)
        pick = int(tied[np.argmin(tiebreak[tied])])
        chosen.append(pick)
        open_[pick] = False
        unmoved *= 1.0 - a[pick]
    return chosen


def exact(
    a: np.ndarray, delta: np.ndarray, capacity: int, candidates: np.ndarray
) -> list[int] | None:
    """The best plan by enumeration, or None when there are more than :data:`EXACT_LIMIT`.

    Only members whose single démarche gains something are enumerated (another adds
    nothing to any plan).  Among equally good plans the first in lexicographic order
    of member index is returned.
    """
    single = a @ delta
    pool = np.flatnonzero(np.asarray(candidates, dtype=bool) & (single > 1e-12))
    k = min(capacity, len(pool))
    if k == 0:
        return []
    if math.comb(len(pool), k) > EXACT_LIMIT:
        return None
    plans = np.array(list(combinations(range(len(pool)), k)), dtype=np.intp)
    best_value, best_plan = -np.inf, plans[0]
    rows = a[pool]
    for start in range(0, len(plans), _CHUNK):
        chunk = plans[start : start + _CHUNK]
        unmoved = np.ones((len(chunk), a.shape[1]))
        for t in range(k):
            unmoved *= 1.0 - rows[chunk[:, t]]
        values = (1.0 - unmoved) @ delta
        i = int(np.argmax(values))
        if values[i] > best_value + 1e-12:
            best_value, best_plan = float(values[i]), chunk[i]
    return [int(pool[t]) for t in best_plan]
