"""Targeting: the worth of one démarche, the plan (greedy and exact), its tally."""

from __future__ import annotations

import itertools
import math
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from whipcount.campaign import plan_search
from whipcount.campaign.common_draws import CommonDraws
from whipcount.campaign.goals import Goal
from whipcount.campaign.targeting import gains, plan, rank
from whipcount.errors import CampaignInputError
from whipcount.forecast.tally import Correlation, counts, simulate

CORRELATION = Correlation(0.05, 0.1, 0.1)


def campaign(n: int, seed: int) -> tuple[np.ndarray, np.ndarray, list[str], np.ndarray]:
    """A simulated board: mostly-yes members, P(move), codes and regional groups."""
    rng = np.random.default_rng(seed)
    p = rng.dirichlet([6.0, 1.0, 2.0, 0.5], size=n)
    members = [f"{chr(65 + i // 26)}{chr(65 + i % 26)}X" for i in range(n)]
    return p, rng.uniform(0.0, 0.6, n), members, rng.integers(0, 5, n)


def test_without_followers_the_plan_takes_the_largest_expected_moves() -> None:
    p, p_move, members, groups = campaign(30, 1)
    goal = Goal.parse("yes-below:20")
    result = plan(
        p, p_move, np.eye(30), goal, members,
        capacity=4, groups=groups, correlation=CORRELATION, rng=np.random.default_rng(0),
    )  # fmt: skip
    worth = p_move * p[:, 0]  # fewer yes: a move gains P(yes)
    assert result.members == [members[i] for i in np.argsort(-worth)[:4]]
    assert result.gains == pytest.approx(sorted(worth, reverse=True)[:4])
    assert result.expected_gain == pytest.approx(np.sort(worth)[-4:].sum())
    assert result.exact


def test_a_bloc_leader_whose_partners_follow_comes_first() -> None:
    p = np.tile([0.9, 0.02, 0.05, 0.03], (6, 1))
    members = ["LDR", "FA1", "FA2", "FA3", "FA4", "SOL"]
    p_move = np.array([0.3, 0.5, 0.5, 0.5, 0.5, 0.6])
    follow = np.eye(6)
    follow[0, 1:5] = 1.0  # the four partners move whenever the leader does
    goal = Goal.parse("defeat")
    rows = rank(p, p_move, follow, goal, members)
    assert rows[0].iso3 == "LDR"
    # the leader changes its vote with probability 0.95 (yes or abstain), and its partners
    # follow only that change
    assert rows[0].expected_gain == pytest.approx(0.3 * 0.95 * (1 + 4 * 0.95))
    assert "FA1, FA2 and FA3 tend to follow" in rows[0].reasons[0]
    result = plan(
        p, p_move, follow, goal, members,
        capacity=2, groups=np.zeros(6, int), correlation=CORRELATION,
        rng=np.random.default_rng(0),
    )  # fmt: skip
    assert result.members == ["LDR", "SOL"]


def test_every_recommendation_says_why() -> None:
    p = np.array([[0.8, 0.05, 0.1, 0.05], [0.0, 0.9, 0.1, 0.0], [0.1, 0.1, 0.8, 0.0]])
    follow = np.eye(3)
    follow[2, 0] = 0.5
    why = [["abstained on this resolution in 2019", "votes with USA on 41 % of roll calls"], [], []]
    rows = rank(
        p,
        np.array([0.23, 0.5, 0.4]),
        follow,
        Goal.parse("fewer-yes"),
        ["BRA", "CUB", "ARG"],
        why=why,
    )
    by_code = {row.iso3: row for row in rows}
    # ARG (10 % yes) brings BRA along only when it changes its own vote
    assert [row.iso3 for row in rows] == ["BRA", "ARG", "CUB"]
    assert by_code["BRA"].reasons == [
        "BRA: a démarche has a 23 % chance of moving it from yes toward abstain (abstained on "
        "this resolution in 2019; votes with USA on 41 % of roll calls), worth 0.18 votes "
        "expected.",
        *why[0],
    ]
    assert by_code["ARG"].reasons[0] == (
        "ARG: a démarche has a 40 % chance of moving it from yes toward abstain, worth 0.06 votes "
        "expected, and BRA tends to follow."
    )
    assert by_code["CUB"].reasons[0] == (
        "CUB: a démarche has nothing to gain toward fewer yes votes than at the previous "
        "instance: the forecast has it voting no, abstain or absent already."
    )
    assert by_code["CUB"].expected_gain == 0.0
    assert by_code["CUB"].document()["p_now"]["no"] == 0.9
    unlikely = rank(
        p, np.array([0.001, 0.0, 0.0]), np.eye(3), Goal.parse("fewer-yes"), ["BRA", "CUB", "ARG"]
    )
    assert "has a under 1 % chance" not in unlikely[0].reasons[0]
    assert "has an under 1 % chance" not in unlikely[0].reasons[0]
    assert unlikely[0].reasons[0].startswith("BRA: a démarche has a chance under 1 % of moving")
    left = rank(
        p,
        np.array([0.23, 0.5, 0.4]),
        follow,
        Goal.parse("fewer-yes"),
        ["BRA", "CUB", "ARG"],
        already=np.array([False, True, False]),
    )
    assert [row.iso3 for row in left] == ["BRA", "ARG"]


def test_the_step_named_is_the_one_that_carries_the_gain() -> None:
    p = np.array([[0.1, 0.2, 0.6, 0.1], [0.1, 0.6, 0.2, 0.1]])
    rows = rank(p, np.array([0.5, 0.5]), np.eye(2), Goal.parse("defeat"), ["AAA", "BBB"])
    assert "from abstain toward no" in rows[0].reasons[0]
    assert "worth 0.35 votes of margin" in rows[0].reasons[0]
    rows = rank(p, np.array([0.5, 0.5]), np.eye(2), Goal.parse("adopt"), ["AAA", "BBB"])
    steps = {r.iso3: r.reasons[0] for r in rows}
    assert "from abstain toward yes" in steps["AAA"]
    assert "from no toward abstain" in steps["BBB"]


def test_followers_follow_only_a_leader_that_changes_its_vote() -> None:
    # a leader forecast to abstain (84 %) with sixteen partners that follow it: it changes
    # its vote (yes -> abstain) only with its P(yes) of 5 %, and so do they
    leader = [0.05, 0.06, 0.84, 0.05]
    p = np.array([leader] + [[0.9, 0.0, 0.1, 0.0]] * 17)
    members = ["UKR"] + [f"F{i:02d}" for i in range(16)] + ["SOL"]
    follow = np.eye(18)
    follow[0, 1:17] = 1.0
    p_move = np.full(18, 0.3)
    rows = rank(p, p_move, follow, Goal.parse("yes-below:10"), members)
    worth = {r.iso3: r.expected_gain for r in rows}
    assert worth["UKR"] == pytest.approx(0.3 * (0.05 + 0.05 * 16 * 0.9))
    assert worth["SOL"] == pytest.approx(0.3 * 0.9)
    assert rows[0].iso3 == "F00"  # the partners and SOL come before the abstainer
    assert [r.iso3 for r in rows].index("UKR") == 17
    at_ask = np.array([[0.0, 0.1, 0.8, 0.1], [0.9, 0.0, 0.1, 0.0]])
    follow = np.array([[1.0, 0.5], [0.0, 1.0]])
    rows = rank(at_ask, np.array([0.4, 0.1]), follow, Goal.parse("yes-below:1"), ["AAA", "BBB"])
    assert [r.iso3 for r in rows] == ["BBB", "AAA"]
    assert rows[1].expected_gain == 0.0
    assert rows[1].reasons[0].startswith("AAA: a démarche has nothing to gain toward")


def test_the_sentence_names_a_step_that_does_not_count() -> None:
    # more yes votes: a no voter's one step (no -> abstain) counts for nothing
    p = np.array([[0.0, 0.99, 0.01, 0.0], [0.0, 1.0, 0.0, 0.0], [0.2, 0.3, 0.5, 0.0]])
    goal = Goal.parse("more-yes", reference=120)
    rows = {r.iso3: r for r in rank(p, np.full(3, 0.02), np.eye(3), goal, ["USA", "ISR", "IND"])}
    assert rows["USA"].reasons[0] == (
        "USA: a démarche has a 2 % chance of moving it from no toward abstain, which does not "
        "count toward more than 120 yes votes: yes would take a second démarche; worth 0.00 "
        "votes expected."
    )
    assert "from no toward abstain, which does not count" in rows["ISR"].reasons[0]
    assert rows["ISR"].expected_gain == 0.0
    assert "from abstain toward yes, worth 0.01 votes" in rows["IND"].reasons[0]


def test_rows_carry_rounded_probabilities() -> None:
    p = np.array([[1 / 3, 1 / 3, 1 / 6, 1 / 6]])
    (row,) = rank(p, np.array([0.5]), np.eye(1), Goal.parse("adopt"), ["BRA"])
    assert row.p_now == {"yes": 0.3333, "no": 0.3333, "abstain": 0.1667, "absent": 0.1667}
    assert row.document()["p_now"] == row.p_now


@settings(max_examples=40, deadline=None)
@given(st.integers(2, 8), st.integers(0, 2**32 - 1))
def test_the_plan_objective_is_monotone_submodular(n: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    p = rng.dirichlet(np.ones(4), size=n)
    goal = Goal.parse(str(rng.choice(["defeat", "adopt", "more-yes"])), reference=n // 2)
    follow = np.where(rng.random((n, n)) < 0.5, rng.random((n, n)), 0.0)
    a = plan_search.reach(rng.random(n), follow, goal.movable(p))
    delta = gains(p, goal)
    small = [int(i) for i in np.flatnonzero(rng.random(n) < 0.3)]
    large = sorted(set(small) | {int(i) for i in np.flatnonzero(rng.random(n) < 0.5)})
    for i in set(range(n)) - set(large):
        more_small = plan_search.value(a, delta, [*small, i]) - plan_search.value(a, delta, small)
        more_large = plan_search.value(a, delta, [*large, i]) - plan_search.value(a, delta, large)
        assert more_large <= more_small + 1e-12
        assert more_large >= -1e-12


@settings(max_examples=40, deadline=None)
@given(st.integers(2, 9), st.integers(1, 4), st.integers(0, 2**32 - 1))
def test_greedy_is_near_the_exact_best_plan(n: int, capacity: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    follow = np.where(rng.random((n, n)) < 0.3, rng.random((n, n)), 0.0)
    np.fill_diagonal(follow, 1.0)
    a = plan_search.reach(rng.random(n), follow, rng.random(n))
    delta = rng.random(n)
    everyone = np.ones(n, bool)
    chosen = plan_search.greedy(a, delta, capacity, everyone, np.arange(n))
    best = plan_search.exact(a, delta, capacity, everyone)
    assert best is not None
    brute = max(
        plan_search.value(a, delta, list(s))
        for s in itertools.combinations(range(n), min(capacity, n))
    )
    assert plan_search.value(a, delta, best) == pytest.approx(brute)
    assert plan_search.value(a, delta, chosen) >= (1 - 1 / math.e) * brute - 1e-12
    assert plan_search.value(a, delta, chosen) <= brute + 1e-12


def test_exact_search_improves_on_greedy_where_greedy_errs() -> None:
    # a leader moving one member of each of two pairs (and itself, worth 0.5: no or abstain,
    # a sure change of which only abstain -> yes counts) looks best at the first step (2.5
    # against 2 per pair), but the two pairs' leaders cover all four
    members = ["LDR", "XA", "XB", "YA", "YB"]
    p = np.array([[0, 0.5, 0.5, 0]] + [[0, 0, 1.0, 0]] * 4)
    follow = np.eye(5)
    follow[0, [1, 3]] = follow[1, 2] = follow[3, 4] = 1.0
    goal = Goal.parse("yes-above:3")
    a = plan_search.reach(np.ones(5), follow, goal.movable(p))
    delta = gains(p, goal)
    everyone = np.ones(5, bool)
    assert plan_search.greedy(a, delta, 2, everyone, np.arange(5)) == [0, 1]
    assert plan_search.exact(a, delta, 2, everyone) == [1, 3]
    assert plan_search.value(a, delta, [0, 1]) == pytest.approx(3.5)
    result = plan(
        p, np.ones(5), follow, goal, members,
        capacity=2, groups=np.zeros(5, int), correlation=CORRELATION,
        rng=np.random.default_rng(0), draws=200,
    )  # fmt: skip
    assert (result.members, result.expected_gain, result.exact) == (["XA", "YA"], 4.0, True)
    assert result.p_goal == 1.0  # yes: 4 certain, the leader none -> 4 > 3
    assert plan_search.exact(np.ones((40, 40)), np.ones(40), 6, np.ones(40, bool)) is None


def test_plan_tally_uses_common_random_numbers() -> None:
    p, p_move, members, groups = campaign(40, 2)
    goal = Goal.parse("fewer-yes", reference=int(np.round(p[:, 0].sum())))
    nothing = plan(
        p, p_move, np.eye(40), goal, members,
        capacity=0, groups=groups, correlation=CORRELATION, rng=np.random.default_rng(5),
    )  # fmt: skip
    assert nothing.members == []
    assert nothing.p_goal == nothing.p_goal_before
    assert nothing.expected_gain == 0.0
    some = plan(
        p, p_move, np.eye(40), goal, members,
        capacity=6, groups=groups, correlation=CORRELATION, rng=np.random.default_rng(5),
    )  # fmt: skip
    assert some.p_goal_before == nothing.p_goal_before
    assert some.p_goal >= some.p_goal_before  # moving toward the goal never loses a draw
    assert some.expected_tally["yes"]["mean"] == pytest.approx(
        p[:, 0].sum() - some.expected_gain, abs=0.4
    )


def brute_force_p_goal(
    p: np.ndarray,
    *,
    p_move: np.ndarray,
    follow: np.ndarray,
    goal: Goal,
    leaders: list[int],
    groups: np.ndarray,
    draws: int,
    seed: int,
) -> float:
    """P(goal) of a plan by the joint process itself, one simulated campaign at a time."""
    rng = np.random.default_rng(seed)
    movable, moved_p = goal.movable(p), goal.moved(p)
    reached = 0
    for _ in range(draws):
        moved = set()
        for i in leaders:
            if rng.random() < p_move[i]:
                moved.add(i)
                moved |= {j for j in range(len(p)) if rng.random() < movable[i] * follow[i, j]}
        q = p.copy()
        q[sorted(moved)] = moved_p[sorted(moved)]
        votes = simulate(q, groups, CORRELATION, rng, 1)
        reached += int(goal.reached(counts(votes))[0])
    return reached / draws


def test_the_plan_p_goal_is_that_of_the_joint_process() -> None:
    # two blocs: LDR's fourteen partners all move when it is persuaded, MID's five often
    n = 30
    p = np.tile([0.95, 0.01, 0.02, 0.02], (n, 1))
    members = [f"M{i:02d}" for i in range(n)]
    p_move = np.full(n, 0.1)
    p_move[[0, 15]] = [0.5, 0.4]
    follow = np.eye(n)
    follow[0, 1:15] = 1.0
    follow[15, 16:21] = 0.6
    goal = Goal.parse("yes-below:16")
    groups = np.arange(n) % 5
    result = plan(
        p, p_move, follow, goal, members,
        capacity=2, groups=groups, correlation=CORRELATION, rng=np.random.default_rng(3),
        draws=4000,
    )  # fmt: skip
    assert result.members == ["M00", "M15"]
    brute = brute_force_p_goal(
        p, p_move=p_move, follow=follow, goal=goal, leaders=[0, 15], groups=groups, draws=4000,
        seed=11,
    )  # fmt: skip
    error = 4 * math.sqrt(2 * brute * (1 - brute) / 4000)  # two independent estimates
    assert result.p_goal == pytest.approx(brute, abs=error)
    # each member moved on its own (its mixture of p and moved) is far off: 0.11 against 0.42
    a = plan_search.reach(p_move, follow, goal.movable(p))
    mixed = plan_search.moved_probability(a, [0, 15])[:, None]
    common = CommonDraws(groups, CORRELATION, np.random.default_rng(3), 4000)
    independent = goal.p_goal(common.tallies((1 - mixed) * p + mixed * goal.moved(p)))
    assert abs(independent - brute) > 0.15


def test_moved_draws_move_each_member_with_its_plan_probability() -> None:
    p, p_move, _, _ = campaign(12, 6)
    follow = np.where(np.random.default_rng(1).random((12, 12)) < 0.4, 0.8, 0.0)
    np.fill_diagonal(follow, 1.0)
    movable = Goal.parse("defeat").movable(p)
    moved = plan_search.moved_draws(
        p_move, follow, movable, [0, 3, 7], rng=np.random.default_rng(2), draws=40_000
    )
    expected = plan_search.moved_probability(plan_search.reach(p_move, follow, movable), [0, 3, 7])
    np.testing.assert_allclose(moved.mean(axis=0), expected, atol=0.01)
    nobody = plan_search.moved_draws(
        p_move, follow, movable, [], rng=np.random.default_rng(2), draws=5
    )
    assert nobody.shape == (5, 12)
    assert not nobody.any()


def test_common_draws_are_the_tally_simulation() -> None:
    p, _, _, groups = campaign(25, 3)
    common = CommonDraws(groups, CORRELATION, np.random.default_rng(9), 500)
    np.testing.assert_array_equal(
        common.votes(p), simulate(p, groups, CORRELATION, np.random.default_rng(9), 500)
    )
    with pytest.raises(ValueError, match="25 x 4"):
        common.votes(p[:3])
    with pytest.raises(ValueError, match="draws"):
        CommonDraws(groups, CORRELATION, np.random.default_rng(9), 0)


def test_plan_fixed_seed_regression() -> None:
    p, p_move, members, groups = campaign(60, 4)
    follow = np.eye(60)
    follow[0, 1:4] = 0.7
    follow[10, 11:13] = 0.9
    goal = Goal.parse("defeat", majority="two-thirds")
    result = plan(
        p, p_move, follow, goal, members,
        capacity=5, groups=groups, correlation=CORRELATION, rng=np.random.default_rng(2025),
        draws=2000,
    )  # fmt: skip
    assert result.document() == {
        # AAX's partners follow only its own change (yes or abstain, 67 %): it is now
        # worth less than ALX
        "members": ["AJX", "BWX", "BOX", "AEX", "ALX"],
        "gains": [0.5297, 0.5221, 0.4976, 0.4714, 0.4585],
        "expected_gain": 2.4794,
        "expected_tally": {
            "yes": {"mean": 33.16, "q10": 23, "q50": 34, "q90": 43},
            "no": {"mean": 7.93, "q10": 3, "q50": 7, "q90": 14},
            "abstain": {"mean": 15.52, "q10": 10, "q50": 15, "q90": 21},
            "absent": {"mean": 3.39, "q10": 1, "q50": 3, "q90": 6},
        },
        "p_goal": 0.1375,
        "p_goal_before": 0.1025,
        "exact": False,
    }


def test_plan_refuses_bad_input() -> None:
    p, p_move, members, groups = campaign(5, 0)
    kwargs: dict[str, Any] = {
        "groups": groups,
        "correlation": CORRELATION,
        "rng": np.random.default_rng(0),
    }
    with pytest.raises(CampaignInputError, match="capacity"):
        plan(p, p_move, np.eye(5), Goal.parse("adopt"), members, capacity=-1, **kwargs)
    with pytest.raises(CampaignInputError, match="reference"):
        plan(p, p_move, np.eye(5), Goal.parse("fewer-yes"), members, capacity=1, **kwargs)
    with pytest.raises(CampaignInputError, match="5 x 5"):
        plan(p, p_move, np.eye(4), Goal.parse("adopt"), members, capacity=1, **kwargs)
    with pytest.raises(CampaignInputError, match=r"\[0, 1\]"):
        rank(p, p_move + 1, np.eye(5), Goal.parse("adopt"), members)
    assert gains(p, Goal.parse("adopt")) == pytest.approx(p[:, 1] + p[:, 2])
