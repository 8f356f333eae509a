"""Scenarios and what it would take: tallies with some members' votes fixed.

Scenario
--------
"If these members vote so": the fixed members' probabilities become certain (one-hot rows)
and the tally is simulated with the forecast's own correlated model
(:mod:`whipcount.forecast.tally`); the others keep their probabilities and correlations.

What it would take
------------------
The smallest set of members whose votes, set to the goal's ask with certainty, reach the
goal with probability at least ``probability``.  A move is about the vote, as in
:meth:`~whipcount.campaign.goals.Goal.moved`: the member votes the ask whenever it is
present, and its absences stay (a member absent in 60 % of the draws changes the tally in
at most 40 % of them).  The copula's shocks and noise are drawn once (common random numbers,
:mod:`whipcount.campaign.common_draws`); since a member's simulated vote depends only on
its own probabilities and those shared numbers, and its absence only on its P(absent),
moving a member changes the tally of each draw in which it is present by exactly that
member's vote, and every candidate set is evaluated on the same draws without
re-simulating.  Members are added greedily: the one whose move raises P(goal) most; among
nearly equal raises (within 1 % of the draws) the one whose move gains most on average
toward the goal (the goal's scores, over the draws in which it is present); among nearly
equal gains (within 0.05 votes) the likelier to move (``p_move``), so that the sponsor is
not the first asked to vote against itself; then by ISO3.

Greedy is not always minimal: P(goal) is a threshold of a sum, not a submodular function,
and a set chosen for its first steps can be beaten by another.  A lower bound is exact:
in a draw where the goal needs ``m`` moves
(:meth:`~whipcount.campaign.goals.Goal.moves_needed`: each move changes the yes count by at
most 1 and the margin by at most 2, or 3 under the two-thirds rule, and by nothing in a draw
where the member is absent), no smaller set reaches it, so no set smaller than the
``probability``-quantile of ``m`` over the draws does; :attr:`WhatItTakes.at_least`
reports it, and a greedy set of that size is minimal.  For the count goals with members
certain of their votes and present (every draw alike), each move adds exactly one unit,
and greedy is minimal.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from whipcount.campaign.common_draws import CommonDraws
from whipcount.campaign.goals import Goal
from whipcount.campaign.scale import CLASSES
from whipcount.errors import CampaignInputError
from whipcount.forecast.tally import DRAWS, Correlation, adopted, counts, simulate, summary

__all__ = ["Scenario", "WhatItTakes", "scenario", "what_it_takes"]


@dataclass(frozen=True)
class Scenario:
    """The tally if the ``fixed`` members vote as given."""

    tally: dict[str, dict[str, float | int]]
    p_goal: float
    p_adopted: float
    fixed: dict[str, str]
    tallies: np.ndarray = field(repr=False)  # draws x 4

    def document(self) -> dict[str, Any]:
        return {
            "fixed": dict(self.fixed),
            "tally": self.tally,
            "p_goal": round(self.p_goal, 4),
            "p_adopted": round(self.p_adopted, 4),
        }


@dataclass(frozen=True)
class WhatItTakes:
    """The members whose moves to the ask reach the goal with the probability asked."""

    members: list[str]  # in the order added
    p_goal: float  # after their moves (with every member moved when ``reached`` is False
    #                and no members are listed: the most any set can reach)
    reached: bool
    steps: list[tuple[str, float]]  # (ISO3, P(goal) once it and those before it moved)
    at_least: int = 0  # no set smaller than this reaches the goal with that probability

    @property
    def minimal(self) -> bool:
        """True when the set is as small as any can be (it reaches the lower bound)."""
        return self.reached and len(self.members) == self.at_least

    def document(self) -> dict[str, Any]:
        return {
            "members": list(self.members),
            "p_goal": round(self.p_goal, 4),
            "reached": self.reached,
            "at_least": self.at_least,
            "minimal": self.minimal,
            "steps": [{"iso3": code, "p_goal": round(p, 4)} for code, p in self.steps],
        }


def _index(members: Sequence[str], code: str) -> int:
    for i, member in enumerate(members):
        if member == code.strip().upper():
            return i
    raise CampaignInputError(f"{code!r} is not a member of this vote")


def scenario(
    p_now: np.ndarray,
    members: Sequence[str],
    fixed: Mapping[str, str],
    goal: Goal,
    *,
    groups: np.ndarray,
    correlation: Correlation,
    rng: np.random.Generator,
    draws: int = DRAWS,
) -> Scenario:
    """The simulated tally, P(goal) and P(adopted) when the ``fixed`` members vote as given.

    Parameters
    ----------
    p_now : numpy.ndarray
        The board's probabilities (members x 4 over ``CLASSES``).
    members : sequence of str
        ISO3 code of each row.
    fixed : mapping of str to str
        ISO3 -> the vote (``yes``, ``no``, ``abstain`` or ``absent``).
    goal : Goal
        The campaign's goal (with its reference for ``fewer-yes`` and ``more-yes``).
    groups, correlation : numpy.ndarray, Correlation
        The forecast's copula.
    rng : numpy.random.Generator
        The only source of randomness.
    draws : int
        Number of simulated votes.

    Raises
    ------
    CampaignInputError
        An unknown member or vote, naming it.
    """
    p = np.array(p_now, dtype=float, copy=True)
    if p.shape != (len(members), len(CLASSES)):
        raise CampaignInputError(f"{len(members)} members need {len(members)} x 4 probabilities")
    chosen: dict[str, str] = {}
    for code, vote in fixed.items():
        i = _index(members, code)
        name = vote.strip().lower()
        if name not in CLASSES:
            raise CampaignInputError(
                f"{vote!r} (for {code}) is not a vote; use one of: {', '.join(CLASSES)}"
            )
        p[i] = np.eye(len(CLASSES))[CLASSES.index(name)]
        chosen[members[i]] = name
    tallies = counts(simulate(p, np.asarray(groups), correlation, rng, draws))
    return Scenario(
        tally=summary(tallies),
        p_goal=goal.p_goal(tallies),
        p_adopted=float(np.mean(adopted(tallies, goal.majority))),
        fixed=chosen,
        tallies=tallies,
    )


_ABSENT = CLASSES.index("absent")


def _moves(votes: np.ndarray, ask: int) -> np.ndarray:
    """Boolean draws x members: the draws in which a member's move changes its vote.

    A move sets the member's vote to the ask in the draws where it is present; its
    absences stay (a démarche is about the vote, not the attendance: ``Goal.moved``).
    """
    return np.asarray((votes != ask) & (votes != _ABSENT))


def _reached_counts(goal: Goal, tallies: np.ndarray, votes: np.ndarray, ask: int) -> np.ndarray:
    """For each member: the draws in which the goal is reached once it moves to the ask."""
    draws, n = votes.shape
    moves = _moves(votes, ask).astype(np.int32)
    each = np.repeat(tallies.astype(np.int32)[:, None, :], n, axis=1)  # draws x members x 4
    each -= np.eye(len(CLASSES), dtype=np.int32)[votes] * moves[..., None]
    each[..., ask] += moves
    return np.asarray(goal.reached(each.reshape(draws * n, -1)).reshape(draws, n).sum(axis=0))


def _everyone(tallies: np.ndarray, votes: np.ndarray, ask: int) -> np.ndarray:
    """The tallies (draws x 4) once every member has moved to the ask where present."""
    moves = _moves(votes, ask)
    out = tallies - np.stack([((votes == k) & moves).sum(axis=1) for k in range(4)], axis=1)
    out[:, ask] += moves.sum(axis=1)
    return np.asarray(out)


#: moves within this share of draws of the best move's gain are treated as equally good
NEAR = 0.01
#: ... and moves within this many votes of the best average gain among them
NEAR_WORTH = 0.05


def what_it_takes(
    p_now: np.ndarray,
    p_move: np.ndarray,
    members: Sequence[str],
    goal: Goal,
    *,
    probability: float = 0.5,
    groups: np.ndarray,
    correlation: Correlation,
    rng: np.random.Generator,
    draws: int = DRAWS,
    limit: int | None = None,
) -> WhatItTakes:
    """The smallest set of members found whose moves to the ask reach the goal.

    Parameters
    ----------
    p_now, members, goal, groups, correlation, rng, draws
        As for :func:`scenario`.
    p_move : numpy.ndarray
        P(a démarche moves the member), per member: breaks ties (likelier first).
    probability : float
        The P(goal) to reach, in (0, 1].
    limit : int, optional
        Most members to add; ``reached`` is False when they do not suffice.

    Returns
    -------
    WhatItTakes
        ``reached`` is False, with no members, when even moving every member (where it is
        present: absences stay) does not reach the goal with that probability.
    """
    if not 0.0 < probability <= 1.0:
        raise CampaignInputError(f"probability must be in (0, 1], not {probability}")
    p = np.asarray(p_now, dtype=float)
    move = np.asarray(p_move, dtype=float)
    if p.shape != (len(members), len(CLASSES)) or move.shape != (len(members),):
        raise CampaignInputError(f"{len(members)} members need {len(members)} x 4 probabilities")
    common = CommonDraws(groups, correlation, rng, draws)
    votes = common.votes(p)
    tallies = counts(votes)
    ask = CLASSES.index(goal.ask)
    wanted = math.ceil(probability * common.draws - 1e-9)
    needed = np.sort(goal.moves_needed(tallies))
    at_least = int(needed[wanted - 1])
    reached = goal.reached(tallies)
    if reached.sum() >= wanted:
        return WhatItTakes([], float(reached.mean()), True, [], 0)
    open_ = np.asarray(_moves(votes, ask).any(axis=0))
    everyone = _everyone(tallies, votes, ask)
    if goal.reached(everyone).sum() < wanted:
        return WhatItTakes([], goal.p_goal(everyone), False, [], at_least)
    # secondary key: the average gain toward the goal of moving the member (its scores, in
    # the draws where it is present)
    worth = ((goal.scores[ask] - goal.scores[votes]) * _moves(votes, ask)).mean(axis=0)
    tiebreak = np.argsort(np.argsort(np.asarray(members), kind="stable"), kind="stable")
    steps: list[tuple[str, float]] = []
    count = int(reached.sum())
    while count < wanted and open_.any() and (limit is None or len(steps) < limit):
        hits = _reached_counts(goal, tallies, votes, ask)
        # moves whose gain is within NEAR of the best count as equal: among them, the
        # likeliest to be moved first (so the sponsor is not asked to vote against itself)
        near = open_ & (hits >= hits[open_].max() - NEAR * common.draws)
        near &= worth >= worth[near].max() - NEAR_WORTH
        keys = np.lexsort((tiebreak, -worth, -move, ~near), axis=0)
        pick = int(keys[0])
        rows = np.flatnonzero(_moves(votes[:, pick], ask))  # its absences stay
        tallies = tallies.copy()
        tallies[rows, votes[rows, pick]] -= 1
        tallies[rows, ask] += 1
        votes = votes.copy()
        votes[rows, pick] = ask
        open_[pick] = False
        count = int(goal.reached(tallies).sum())
        steps.append((members[pick], count / common.draws))
    return WhatItTakes(
        members=[code for code, _ in steps],
        p_goal=count / common.draws,
        reached=count >= wanted,
        steps=steps,
        at_least=at_least,
    )
