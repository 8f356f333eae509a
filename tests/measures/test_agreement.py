"""Agreement, S-score and κ: a hand-computed example, Lin's concordance, properties."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from whipcount.measures.agreement import agreement_indices
from whipcount.measures.coincidence import contingency

Y, A, N, X = 1, 2, 3, 8


def indices(a: list[int], b: list[int]) -> dict[str, float]:
    tables = contingency(np.array(a, dtype=np.int8), np.array(b, dtype=np.int8)[:, None])
    return {k: float(v) for k, v in agreement_indices(tables[0, 0]).items()}


def test_hand_computed_example() -> None:
    # both voted on 6 roll calls; |d| on Voeten's scale: 0, 1, 0, 0, ½, ½ (mean 1/3)
    # κ: Σd² = 1.5; Σa = 4, Σb = 3, Σa² = 3.5, Σb² = 2.5, n = 6: D_e = 6 − 4 = 2
    got = indices([Y, Y, N, A, X, Y, N, A], [Y, N, N, A, Y, A, X, Y])
    assert got["n"] == 6
    assert got["agreement"] == pytest.approx(2 / 3)
    assert got["s_score"] == pytest.approx(1 / 3)
    assert got["kappa"] == pytest.approx(0.25)


def test_opposite_and_undefined_cases() -> None:
    opposite = indices([Y, N], [N, Y])
    assert opposite["agreement"] == 0.0 and opposite["s_score"] == -1.0
    assert opposite["kappa"] == pytest.approx(-1.0)
    # unbalanced: means 2/3 and 1/3 add to the expected distance, κ = −0.8
    assert indices([Y, N, Y], [N, Y, N])["kappa"] == pytest.approx(-0.8)
    constant = indices([Y, Y, Y], [Y, Y, Y])
    assert constant["agreement"] == 1.0 and np.isnan(constant["kappa"])  # D_e = 0
    nobody = indices([X, Y], [Y, 0])
    assert nobody["n"] == 0 and np.isnan(nobody["agreement"])


def lin_concordance(a: np.ndarray, b: np.ndarray) -> float:
    """Lin's concordance correlation, to which Häge's κ on valued data reduces."""
    x, y = (3 - a) / 2, (3 - b) / 2
    covariance = np.mean((x - x.mean()) * (y - y.mean()))
    return float(2 * covariance / (x.var() + y.var() + (x.mean() - y.mean()) ** 2))


pairs = st.integers(1, 60).flatmap(
    lambda n: st.tuples(
        st.lists(st.sampled_from([0, Y, A, N, X]), min_size=n, max_size=n),
        st.lists(st.sampled_from([0, Y, A, N, X]), min_size=n, max_size=n),
    )
)


@settings(max_examples=200, deadline=None)
@given(pairs)
def test_bounds_and_symmetry(pair: tuple[list[int], list[int]]) -> None:
    forward, backward = indices(*pair), indices(pair[1], pair[0])
    assert forward == pytest.approx(backward, nan_ok=True)
    if forward["n"]:
        assert 0.0 <= forward["agreement"] <= 1.0
        assert -1.0 <= forward["s_score"] <= 1.0
        assert forward["s_score"] == pytest.approx(2 * forward["agreement"] - 1)
        assert np.isnan(forward["kappa"]) or forward["kappa"] <= 1.0 + 1e-12


@settings(max_examples=200, deadline=None)
@given(pairs)
def test_kappa_is_lins_concordance(pair: tuple[list[int], list[int]]) -> None:
    a, b = np.array(pair[0]), np.array(pair[1])
    both = np.isin(a, [Y, A, N]) & np.isin(b, [Y, A, N])
    got = indices(pair[0], pair[1])["kappa"]
    if both.sum() == 0 or (len(set(a[both])) == 1 and set(a[both]) == set(b[both])):
        assert np.isnan(got)
    else:
        assert got == pytest.approx(lin_concordance(a[both], b[both]), abs=1e-9)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from([Y, A, N]), min_size=2, max_size=60))
def test_identical_votes_agree_fully(votes: list[int]) -> None:
    got = indices(votes, votes)
    assert got["agreement"] == 1.0 and got["s_score"] == 1.0
    assert np.isnan(got["kappa"]) if len(set(votes)) == 1 else got["kappa"] == pytest.approx(1.0)


@settings(max_examples=200, deadline=None)
@given(pairs)
def test_kappa_is_cohens_weighted_kappa_with_quadratic_weights(
    pair: tuple[list[int], list[int]],
) -> None:
    """The textbook weighted κ of the 3 × 3 table: 1 − Σ w·observed / Σ w·expected."""
    tables = contingency(
        np.array(pair[0], dtype=np.int8), np.array(pair[1], dtype=np.int8)[:, None]
    )
    observed = tables[0, 0][:3, :3].astype(float)  # yes, abstain, no (absent left out)
    n = observed.sum()
    expected = np.outer(observed.sum(1), observed.sum(0)) / n if n else observed
    scores = np.array([1.0, 0.5, 0.0])
    weights = (scores[:, None] - scores[None, :]) ** 2
    got = indices(pair[0], pair[1])["kappa"]
    if n == 0 or (weights * expected).sum() < 1e-12:
        assert np.isnan(got)
    else:
        wanted = 1 - (weights * observed).sum() / (weights * expected).sum()
        assert got == pytest.approx(wanted, abs=1e-9)
