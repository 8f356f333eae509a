"""Scenarios and what it would take, on simulated campaigns whose answers are known."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from whipcount.campaign.common_draws import CommonDraws
from whipcount.campaign.goals import Goal
from whipcount.campaign.scenarios import scenario, what_it_takes
from whipcount.errors import CampaignInputError
from whipcount.forecast.tally import Correlation

CORRELATION = Correlation(0.05, 0.1, 0.1)
YES, NO, ABSTAIN = [1.0, 0, 0, 0], [0, 1.0, 0, 0], [0, 0, 1.0, 0]


def codes(n: int) -> list[str]:
    return [f"M{i:02d}" for i in range(n)]


def test_twenty_certain_yes_need_three_moves_to_go_below_eighteen() -> None:
    p = np.array([YES] * 20 + [NO] * 5)
    p_move = np.linspace(0.1, 0.5, 25)
    found = what_it_takes(
        p, p_move, codes(25), Goal.parse("yes-below:18"),
        groups=np.zeros(25, int), correlation=CORRELATION, rng=np.random.default_rng(0),
        draws=500,
    )  # fmt: skip
    # every yes voter is as good as another: the likelier to move first
    assert found.members == ["M19", "M18", "M17"]
    assert found.steps == [("M19", 0.0), ("M18", 0.0), ("M17", 1.0)]
    assert (found.reached, found.p_goal, found.at_least, found.minimal) == (True, 1.0, 3, True)
    assert found.document()["steps"][-1] == {"iso3": "M17", "p_goal": 1.0}


def test_the_certain_yes_voters_are_moved_before_the_uncertain() -> None:
    # 20 certain yes, 5 yes with probability 0.4: moving 5 certain ones leaves
    # 15 + Bin(5, 0.4) yes, below 18 with probability 0.68, and no 4 moves do it
    p = np.array([YES] * 20 + [[0.4, 0, 0.6, 0]] * 5)
    p_move = np.r_[np.full(20, 0.1), np.full(5, 0.9)]  # the uncertain are likelier to move
    found = what_it_takes(
        p, p_move, codes(25), Goal.parse("yes-below:18"),
        groups=np.zeros(25, int), correlation=Correlation(), rng=np.random.default_rng(1),
        draws=4000,
    )  # fmt: skip
    assert found.members == ["M00", "M01", "M02", "M03", "M04"]
    assert [round(p, 2) for _, p in found.steps] == [0.0, 0.0, 0.08, 0.34, 0.68]
    assert found.at_least == 5
    assert found.minimal


def test_what_it_takes_agrees_with_a_full_simulation() -> None:
    rng = np.random.default_rng(3)
    n = 40
    p = rng.dirichlet([3.0, 2.0, 2.0, 0.3], size=n)
    groups = rng.integers(0, 4, n)
    goal = Goal.parse("adopt", majority="two-thirds")
    found = what_it_takes(
        p, rng.random(n), codes(n), goal, probability=0.8,
        groups=groups, correlation=CORRELATION, rng=np.random.default_rng(7), draws=1000,
    )  # fmt: skip
    assert found.reached
    assert found.p_goal >= 0.8
    assert len(found.members) >= found.at_least
    steps = [p for _, p in found.steps]
    assert steps == sorted(steps)
    moved = p.copy()
    chosen = [codes(n).index(c) for c in found.members]
    moved[chosen] = np.c_[1 - p[chosen, 3], np.zeros((len(chosen), 2)), p[chosen, 3]]
    common = CommonDraws(groups, CORRELATION, np.random.default_rng(7), 1000)
    assert goal.p_goal(common.tallies(moved)) == found.p_goal


def test_a_move_leaves_the_absences_alone() -> None:
    # ten certain yes; AAA and BBB vote yes with probability 0.4, AAA otherwise absent and
    # BBB otherwise no.  yes-above:11 needs both to vote yes.  Moving BBB to yes gives 11 +
    # AAA's yes (P 0.4); moving AAA changes nothing (it already votes yes whenever present)
    p = np.array([YES] * 10 + [[0.4, 0, 0, 0.6], [0.4, 0.6, 0, 0]])
    members = [*codes(10), "AAA", "BBB"]
    kwargs: dict[str, Any] = {
        "groups": np.zeros(12, int),
        "correlation": Correlation(),
        "draws": 4000,
        "p_move": np.ones(12),
    }
    goal = Goal.parse("yes-above:11")
    found = what_it_takes(
        p, members=members, goal=goal, probability=0.3, rng=np.random.default_rng(5), **kwargs
    )
    assert found.members == ["BBB"]  # not AAA, first by ISO3 if its absences were moved
    assert found.p_goal == pytest.approx(0.4, abs=0.03)
    # moving both still leaves AAA's absences: P(goal) stays about 0.4 < 0.5
    never = what_it_takes(
        p, members=members, goal=goal, probability=0.5, rng=np.random.default_rng(5), **kwargs
    )
    assert (never.reached, never.members) == (False, [])
    assert never.p_goal == pytest.approx(0.4, abs=0.03)
    assert never.at_least <= 2  # the bound stays a lower bound


def test_what_it_takes_when_already_there_or_out_of_reach() -> None:
    p = np.array([YES] * 3 + [NO] * 7)
    kwargs: dict[str, Any] = {"groups": np.zeros(10, int), "correlation": CORRELATION, "draws": 200}
    there = what_it_takes(
        p, np.ones(10), codes(10), Goal.parse("defeat"), rng=np.random.default_rng(0), **kwargs
    )
    assert (there.members, there.reached, there.p_goal) == ([], True, 1.0)
    never = what_it_takes(
        p, np.ones(10), codes(10), Goal.parse("yes-below:0"), rng=np.random.default_rng(0),
        **kwargs,
    )  # fmt: skip
    assert (never.members, never.reached, never.p_goal, never.minimal) == ([], False, 0.0, False)
    short = what_it_takes(
        p, np.ones(10), codes(10), Goal.parse("adopt"), rng=np.random.default_rng(0), limit=1,
        **kwargs,
    )  # fmt: skip
    assert (len(short.members), short.reached, short.at_least) == (1, False, 3)
    with pytest.raises(CampaignInputError, match="probability"):
        what_it_takes(
            p, np.ones(10), codes(10), Goal.parse("adopt"), probability=0.0,
            rng=np.random.default_rng(0), **kwargs,
        )  # fmt: skip


@settings(max_examples=25, deadline=None)
@given(
    st.integers(3, 25),
    st.sampled_from(["fewer-yes", "yes-above", "adopt", "defeat"]),
    st.floats(0.1, 0.95),
    st.integers(0, 2**32 - 1),
)
def test_what_it_takes_properties(n: int, kind: str, probability: float, seed: int) -> None:
    rng = np.random.default_rng(seed)
    p = rng.dirichlet(np.ones(4), size=n)
    goal = Goal.parse(kind + (f":{n // 2}" if kind == "yes-above" else ""), reference=n // 3)
    found = what_it_takes(
        p, rng.random(n), codes(n), goal, probability=probability,
        groups=rng.integers(0, 3, n), correlation=CORRELATION, rng=rng, draws=300,
    )  # fmt: skip
    steps = [q for _, q in found.steps]
    assert steps == sorted(steps)
    assert len(set(found.members)) == len(found.members)
    if found.reached:
        assert found.p_goal >= probability - 1e-12
        assert len(found.members) >= found.at_least


def test_fixing_every_member_gives_the_fixed_counts() -> None:
    rng = np.random.default_rng(4)
    p = rng.dirichlet(np.ones(4), size=12)
    votes = ["yes"] * 5 + ["no"] * 4 + ["abstain"] * 2 + ["absent"]
    result = scenario(
        p, codes(12), dict(zip(codes(12), votes, strict=True)), Goal.parse("adopt"),
        groups=np.zeros(12, int), correlation=CORRELATION, rng=rng, draws=300,
    )  # fmt: skip
    assert (result.tallies == [5, 4, 2, 1]).all()
    assert result.tally["yes"] == {"mean": 5.0, "q10": 5, "q50": 5, "q90": 5}
    assert (result.p_goal, result.p_adopted) == (1.0, 1.0)
    assert result.document()["fixed"]["M11"] == "absent"


def test_scenario_fixed_seed_regression() -> None:
    rng = np.random.default_rng(11)
    p = rng.dirichlet([5.0, 1.0, 2.0, 0.5], size=30)
    result = scenario(
        p, codes(30), {"m03": " No", "M07": "abstain"}, Goal.parse("yes-below:20"),
        groups=rng.integers(0, 3, 30), correlation=CORRELATION, rng=rng, draws=2000,
    )  # fmt: skip
    assert result.document() == {
        "fixed": {"M03": "no", "M07": "abstain"},
        "tally": {
            "yes": {"mean": 18.03, "q10": 13, "q50": 18, "q90": 23},
            "no": {"mean": 4.05, "q10": 1, "q50": 4, "q90": 7},
            "abstain": {"mean": 6.59, "q10": 3, "q50": 6, "q90": 10},
            "absent": {"mean": 1.32, "q10": 0, "q50": 1, "q90": 3},
        },
        "p_goal": 0.6125,
        "p_adopted": 0.9715,
    }
    assert (result.tallies.sum(axis=1) == 30).all()


def test_scenario_names_what_it_cannot_read() -> None:
    p = np.array([YES, NO])
    kwargs: dict[str, Any] = {"groups": np.zeros(2, int), "correlation": CORRELATION}
    with pytest.raises(CampaignInputError, match="'XYZ' is not a member"):
        scenario(
            p,
            ["AAA", "BBB"],
            {"XYZ": "yes"},
            Goal.parse("adopt"),
            rng=np.random.default_rng(0),
            **kwargs,
        )
    with pytest.raises(CampaignInputError, match="2 x 4"):
        scenario(
            p[:1], ["AAA", "BBB"], {}, Goal.parse("adopt"), rng=np.random.default_rng(0), **kwargs
        )
    with pytest.raises(CampaignInputError, match="2 x 4"):
        what_it_takes(
            p,
            np.ones(3),
            ["AAA", "BBB"],
            Goal.parse("adopt"),
            rng=np.random.default_rng(0),
            **kwargs,
        )
    with pytest.raises(CampaignInputError, match="'maybe' \\(for AAA\\) is not a vote"):
        scenario(
            p,
            ["AAA", "BBB"],
            {"AAA": "maybe"},
            Goal.parse("adopt"),
            rng=np.random.default_rng(0),
            **kwargs,
        )
