"""The tally simulation: marginals kept, correlations recovered, adoption rules."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from whipcount.forecast.tally import (
    CLASSES,
    Correlation,
    adopted,
    counts,
    distribution,
    estimate_correlation,
    simulate,
    summary,
)

member_probabilities = (
    arrays(float, st.tuples(st.integers(1, 60), st.just(4)), elements=st.floats(0.0, 1.0))
    .filter(lambda a: bool((a.sum(axis=1) > 0.01).all()))
    .map(lambda a: a / a.sum(axis=1, keepdims=True))
)


@settings(max_examples=40, deadline=None)
@given(
    member_probabilities,
    st.floats(0.0, 0.5),
    st.floats(0.0, 0.4),
    st.floats(0.0, 0.4),
    st.integers(0, 2**32 - 1),
)
def test_tally_mean_is_the_sum_of_member_probabilities(
    p: np.ndarray, rho_a: float, rho_c: float, rho_g: float, seed: int
) -> None:
    """The copula keeps every member's probabilities: E[count_k] = sum_i p_ik."""
    rng = np.random.default_rng(seed)
    groups = rng.integers(0, 5, len(p))
    draws = 4000
    votes = simulate(p, groups, Correlation(rho_a, rho_c, rho_g), rng, draws=draws)
    assert set(np.unique(votes)) <= {0, 1, 2, 3}
    tallies = counts(votes)
    assert (tallies.sum(axis=1) == len(p)).all()
    # each count is a sum of len(p) indicators: its sd is at most len(p) / 2
    error = np.abs(tallies.mean(axis=0) - p.sum(axis=0))
    assert (error <= 5 * (len(p) / 2) / np.sqrt(draws) + 1e-9).all()


def test_member_marginals_are_kept_under_strong_correlation() -> None:
    rng = np.random.default_rng(1)
    p = rng.dirichlet(np.ones(4), size=50)
    votes = simulate(p, rng.integers(0, 5, 50), Correlation(0.3, 0.2, 0.2), rng, draws=20_000)
    shares = np.stack([(votes == k).mean(axis=0) for k in range(4)], axis=1)
    assert np.abs(shares - p).max() < 0.02


def test_correlation_widens_the_tally() -> None:
    rng = np.random.default_rng(2)
    p = np.tile([0.7, 0.1, 0.1, 0.1], (190, 1))
    groups = rng.integers(0, 5, 190)
    independent = counts(simulate(p, groups, Correlation(), rng))
    correlated = counts(simulate(p, groups, Correlation(0.2, 0.2, 0.1), rng))
    assert correlated[:, 0].std() > 2 * independent[:, 0].std()
    assert correlated[:, 3].std() > 2 * independent[:, 3].std()


def test_correlations_are_recovered_from_simulated_votes() -> None:
    """Roll calls simulated with known correlations: the estimate finds them again."""
    rng = np.random.default_rng(3)
    truth = Correlation(absent=0.1, global_=0.1, group=0.05)
    cases = []
    for _ in range(150):
        p = rng.dirichlet([8, 1, 1, 1], size=150)
        groups = rng.integers(0, 5, 150)
        votes = simulate(p, groups, truth, rng, draws=1)[0]
        cases.append((p, groups, votes))
    found = estimate_correlation(cases, np.random.default_rng(4))
    assert found.absent == pytest.approx(truth.absent, abs=0.051)
    assert found.global_ + found.group == pytest.approx(truth.global_ + truth.group, abs=0.08)
    none = estimate_correlation(
        [(p, g, simulate(p, g, Correlation(), rng, draws=1)[0]) for p, g, _ in cases],
        np.random.default_rng(4),
    )
    assert none.absent <= 0.02 and none.global_ + none.group <= 0.05


def test_adoption_rules() -> None:
    tallies = np.array([[100, 50, 40, 3], [90, 90, 10, 3], [100, 51, 10, 3], [0, 0, 190, 3]])
    assert adopted(tallies, "simple").tolist() == [True, False, True, False]
    # two-thirds of those present and voting: 100 of 150 passes, 100 of 151 fails
    assert adopted(tallies, "two-thirds").tolist() == [True, False, False, False]


def test_fixed_seed_summary() -> None:
    p = np.tile([0.8, 0.05, 0.1, 0.05], (193, 1))
    rng = np.random.default_rng(0)
    tallies = counts(simulate(p, np.arange(193) % 5, Correlation(0.05, 0.1, 0.0), rng))
    assert summary(tallies) == {
        "yes": {"mean": 154.46, "q10": 134, "q50": 156, "q90": 173},
        "no": {"mean": 9.69, "q10": 2, "q50": 8, "q90": 20},
        "abstain": {"mean": 19.29, "q10": 9, "q50": 18, "q90": 31},
        "absent": {"mean": 9.55, "q10": 4, "q50": 9, "q90": 16},
    }


@given(arrays(np.int64, st.tuples(st.integers(1, 60), st.just(4)), elements=st.integers(0, 193)))
def test_distribution_is_each_counts_share_of_the_draws(tallies: np.ndarray) -> None:
    found = distribution(tallies)
    for k, name in enumerate(CLASSES):
        column = tallies[:, k]
        shares = found[name]["p"]
        assert found[name]["from"] == column.min()
        assert len(shares) == column.max() - column.min() + 1
        assert sum(shares) == pytest.approx(1.0, abs=1e-3)
        for i, share in enumerate(shares):
            assert share == pytest.approx(np.mean(column == column.min() + i), abs=1e-4)
