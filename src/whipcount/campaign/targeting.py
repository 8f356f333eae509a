"""Targeting: what a démarche to each member is worth, and the plan for a campaign's capacity.

Model
-----
A démarche to member ``i`` succeeds with probability ``p_move_i`` (the persuadability
model's) and moves ``i`` one step toward the goal: it takes the distribution ``moved_i``
(:meth:`whipcount.campaign.goals.Goal.moved`).  Its bloc partners follow a leader that
actually changes its vote: each member ``j != i`` takes ``moved_j`` with probability
``m_i follow[i, j]`` independently, where ``m_i`` is the share of ``i``'s vote that its own
move changes (:meth:`~whipcount.campaign.goals.Goal.movable`; e.g. its P(yes) for
``fewer-yes``), so that a member already at the ask carries nobody along.  Hence a démarche
to ``i`` moves ``j`` with probability ``a_ii = p_move_i`` and ``a_ij = p_move_i m_i
follow[i, j]`` (:func:`whipcount.campaign.plan_search.reach`).  The gain of moving ``j`` is
``delta_j = (moved_j - p_j) @ g`` with the goal's scores ``g``: the expected change toward
the goal, in votes for the count goals and in votes of the yes-minus-no margin for
``adopt`` and ``defeat``.  A single démarche to ``i`` is worth ``sum_j a_ij delta_j``
(:func:`rank`).

A plan ``S`` moves ``j`` with probability ``P_j(S) = 1 - prod_{i in S} (1 - a_ij)`` and its
expected gain is ``F(S) = sum_j P_j(S) delta_j``, a weighted coverage function (monotone and
submodular: each ``a_ij`` is in [0, 1] and does not depend on ``S``).  :func:`plan`
maximises ``F`` greedily (within ``1 - 1/e`` of the optimum, Nemhauser, Wolsey & Fisher
1978) and, when the instance is small enough, exactly (:mod:`whipcount.campaign.plan_search`).

The plan's tally and P(goal) are simulated under the same joint process, not from each
member's mixture ``(1 - P_j) p_j + P_j moved_j`` (which would move a leader's followers
independently of one another, as if each had its own démarche): in each simulated draw,
each leader of the plan succeeds or not, its followers move only in the draws where it
succeeded (:func:`whipcount.campaign.plan_search.moved_draws`), and a member moved votes as
its ``moved`` distribution, otherwise as ``p``.  The votes come from the forecast's own
correlated simulation (:mod:`whipcount.forecast.tally`) on common random numbers
(:mod:`whipcount.campaign.common_draws`): a member's vote in a draw is a function of its
distribution alone, so the before-plan tally uses the same numbers and the difference is
the plan's, not the simulation's.  Who moves is drawn from a stream of its own, derived
from the same generator, so a plan is reproducible from its seed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from whipcount.campaign import plan_search
from whipcount.campaign.common_draws import CommonDraws
from whipcount.campaign.goals import Goal
from whipcount.campaign.scale import CLASSES
from whipcount.errors import CampaignInputError
from whipcount.forecast.tally import DRAWS, Correlation, counts, summary

__all__ = ["Plan", "TargetRow", "gains", "plan", "rank"]

_FOLLOWERS_NAMED = 3


@dataclass(frozen=True)
class TargetRow:
    """One member as a target: its forecast, P(move), the worth of a démarche, and why."""

    iso3: str
    p_now: dict[str, float]  # rounded to 4 decimals, as on the board
    p_move: float
    expected_gain: float
    reasons: list[str]  # reasons[0]: the one-sentence why; then the persuadability fragments

    def document(self) -> dict[str, Any]:
        return {
            "iso3": self.iso3,
            "p_now": {k: round(v, 4) for k, v in self.p_now.items()},
            "p_move": round(self.p_move, 4),
            "expected_gain": round(self.expected_gain, 4),
            "reasons": list(self.reasons),
        }


@dataclass(frozen=True)
class Plan:
    """The démarches chosen for the capacity, and what they are expected to achieve."""

    members: list[str]  # in the order picked
    expected_tally: dict[str, dict[str, float | int]]  # tally.summary after the plan
    p_goal: float  # after the plan
    p_goal_before: float
    expected_gain: float  # F(S), in the goal's unit
    exact: bool  # True when the plan was checked against every plan of its size
    gains: list[float] = field(default_factory=list)  # marginal gain of each démarche

    def document(self) -> dict[str, Any]:
        return {
            "members": list(self.members),
            "gains": [round(g, 4) for g in self.gains],
            "expected_gain": round(self.expected_gain, 4),
            "expected_tally": self.expected_tally,
            "p_goal": round(self.p_goal, 4),
            "p_goal_before": round(self.p_goal_before, 4),
            "exact": self.exact,
        }


def _check(
    p_now: np.ndarray, p_move: np.ndarray, follow: np.ndarray, members: Sequence[str]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    p = np.asarray(p_now, dtype=float)
    move = np.asarray(p_move, dtype=float)
    f = np.asarray(follow, dtype=float)
    n = len(members)
    if p.shape != (n, len(CLASSES)) or move.shape != (n,) or f.shape != (n, n):
        raise CampaignInputError(
            f"{n} members need probabilities {n} x 4, p_move ({n},) and follow {n} x {n}; got "
            f"{p.shape}, {move.shape} and {f.shape}"
        )
    if not (((move >= 0) & (move <= 1)).all() and ((f >= 0) & (f <= 1)).all()):
        raise CampaignInputError("p_move and follow must be probabilities in [0, 1]")
    return p, move, f


def gains(p_now: np.ndarray, goal: Goal) -> np.ndarray:
    """``delta_j = (moved_j - p_j) @ g``: each member's expected gain if moved (>= 0)."""
    p = np.asarray(p_now, dtype=float)
    return np.asarray((goal.moved(p) - p) @ goal.scores)


def _chance(x: float) -> str:
    if 0 < x < 0.005:
        return "a chance under 1 %"
    return f"a {100 * x:.0f} % chance"


def _names(codes: list[str]) -> str:
    return codes[0] if len(codes) == 1 else f"{', '.join(codes[:-1])} and {codes[-1]}"


def _step(p: np.ndarray, goal: Goal) -> tuple[str, str, bool]:
    """The likeliest step (from, toward) of a successful démarche, and whether it counts.

    One step toward the goal on yes - abstain - no starts from the member's likeliest
    vote that can move (ties: the step that counts).  For ``more-yes`` and ``yes-above``
    the step from no toward abstain does not count: yes is a second step away.
    """
    g = dict(zip(CLASSES, goal.scores, strict=True))
    q = dict(zip(CLASSES, p, strict=True))
    line = ("yes", "abstain", "no") if goal.ask in ("abstain", "no") else ("no", "abstain", "yes")
    steps = [(line[0], line[1])]
    if goal.ask != "abstain":
        steps.append((line[1], line[2]))
    origin, toward = max(steps, key=lambda s: (q[s[0]], g[s[1]] - g[s[0]]))
    return origin, toward, bool(g[toward] > g[origin])


def _settled(goal: Goal) -> str:
    """The votes a démarche cannot move toward the goal (the ask, absence, ...)."""
    if goal.ask == "abstain":
        return "no, abstain or absent"
    return f"{goal.ask} or absent"


def _sentence(
    code: str,
    *,
    p: np.ndarray,
    p_move: float,
    gain: float,
    movable: float,
    goal: Goal,
    why: Sequence[str],
    followers: list[str],
) -> str:
    because = f" ({'; '.join(why)})" if why else ""
    if movable <= 1e-12:
        return (
            f"{code}: a démarche has nothing to gain toward {goal.describe()}: the forecast "
            f"has it voting {_settled(goal)} already{because}."
        )
    origin, toward, counts = _step(p, goal)
    text = f"{code}: a démarche has {_chance(p_move)} of moving it from {origin} toward {toward}"
    if counts:
        text += f"{because}, worth {gain:.2f} {goal.unit} expected"
    else:
        text += (
            f"{because}, which does not count toward {goal.describe()}: {goal.ask} would take "
            f"a second démarche; worth {gain:.2f} {goal.unit} expected"
        )
    if followers:
        verb = "tends" if len(followers) == 1 else "tend"
        text += f", and {_names(followers)} {verb} to follow"
    return text + "."


def rank(
    p_now: np.ndarray,
    p_move: np.ndarray,
    follow: np.ndarray,
    goal: Goal,
    members: Sequence[str],
    *,
    why: Sequence[Sequence[str]] | None = None,
    already: np.ndarray | None = None,
) -> list[TargetRow]:
    """Every member by the expected gain of one démarche to it, best first (ties by ISO3).

    Parameters
    ----------
    p_now : numpy.ndarray
        The board's probabilities (members x 4 over ``CLASSES``).
    p_move : numpy.ndarray
        P(a démarche moves the member one step toward the goal), per member.
    follow : numpy.ndarray
        ``follow[i, j]``: P(j moves too | i was moved by a démarche); diagonal 1.
    goal : Goal
        The campaign's goal.
    members : sequence of str
        ISO3 code of each row.
    why : sequence of sequences of str, optional
        Per member, reason fragments of the persuadability model.
    already : numpy.ndarray, optional
        Boolean mask of members left out (already at the ask, or excluded).

    Returns
    -------
    list of TargetRow
        The members not left out, their ``p_now`` rounded to 4 decimals (as on the
        board); ``reasons[0]`` says in a sentence why.
    """
    p, move, f = _check(p_now, p_move, follow, members)
    delta = gains(p, goal)
    movable = goal.movable(p)
    a = plan_search.reach(move, f, movable)
    worth = a * delta  # worth[i, j]: what a démarche to i is expected to gain through j
    single = worth.sum(axis=1)
    skip = np.zeros(len(p), bool) if already is None else np.asarray(already, dtype=bool)
    rows = []
    for i in map(int, np.flatnonzero(~skip)):
        order = map(int, np.argsort(-worth[i], kind="stable"))
        others = [j for j in order if j != i and worth[i, j] > 0]
        followers = [members[j] for j in others[:_FOLLOWERS_NAMED] if f[i, j] >= 0.2]
        fragments = list(why[i]) if why is not None else []
        sentence = _sentence(
            members[i],
            p=p[i],
            p_move=move[i],
            gain=single[i],
            movable=movable[i],
            goal=goal,
            why=fragments,
            followers=followers,
        )
        rows.append(
            TargetRow(
                iso3=members[i],
                p_now={c: round(float(v), 4) for c, v in zip(CLASSES, p[i], strict=True)},
                p_move=float(move[i]),
                expected_gain=float(single[i]),
                reasons=[sentence, *fragments],
            )
        )
    return sorted(rows, key=lambda r: (-round(r.expected_gain, 12), r.iso3))


def plan(
    p_now: np.ndarray,
    p_move: np.ndarray,
    follow: np.ndarray,
    goal: Goal,
    members: Sequence[str],
    *,
    capacity: int,
    groups: np.ndarray,
    correlation: Correlation,
    rng: np.random.Generator,
    draws: int = DRAWS,
    already: np.ndarray | None = None,
) -> Plan:
    """The démarches to make with ``capacity``, and the tally and P(goal) they lead to.

    Parameters are those of :func:`rank`, with ``capacity`` (the number of démarches),
    the forecast's ``groups`` and ``correlation`` (the copula), ``rng`` (the only source of
    randomness) and ``draws`` (simulated votes).  ``goal`` must have its reference when it
    is ``fewer-yes`` or ``more-yes``.

    Raises
    ------
    CampaignInputError
        A negative capacity, inconsistent shapes, or a goal without its reference.
    """
    if capacity < 0:
        raise CampaignInputError(f"capacity must be a number of démarches >= 0, not {capacity}")
    if goal.needs_reference:
        raise CampaignInputError(f"goal {goal.kind} needs a reference yes count")
    p, move, f = _check(p_now, p_move, follow, members)
    delta = gains(p, goal)
    a = plan_search.reach(move, f, goal.movable(p))
    candidates = np.ones(len(p), bool) if already is None else ~np.asarray(already, dtype=bool)
    tiebreak = np.argsort(np.argsort(np.asarray(members), kind="stable"), kind="stable")
    chosen = plan_search.greedy(a, delta, capacity, candidates, tiebreak)
    best = plan_search.exact(a, delta, capacity, candidates)
    if (
        best is not None
        and plan_search.value(a, delta, best) > plan_search.value(a, delta, chosen) + 1e-9
    ):
        inside = np.zeros(len(p), bool)
        inside[best] = True
        chosen = plan_search.greedy(a, delta, len(best), inside, tiebreak)
    marginal = np.diff([plan_search.value(a, delta, chosen[:t]) for t in range(len(chosen) + 1)])
    common = CommonDraws(groups, correlation, rng, draws)
    votes_now = common.votes(p)
    stream = np.random.default_rng(int(rng.integers(2**63)))  # who moves: its own stream
    moved = plan_search.moved_draws(
        move, f, goal.movable(p), chosen, rng=stream, draws=common.draws
    )
    tallies_after = counts(np.where(moved, common.votes(goal.moved(p)), votes_now))
    return Plan(
        members=[members[i] for i in chosen],
        expected_tally=summary(tallies_after),
        p_goal=goal.p_goal(tallies_after),
        p_goal_before=goal.p_goal(counts(votes_now)),
        expected_gain=float(marginal.sum()),
        exact=best is not None,
        gains=[float(g) for g in marginal],
    )
