"""Scores: known values, and properties that hold for any forecast."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from whipcount.forecast import metrics


def test_known_values() -> None:
    p = np.array([[0.7, 0.1, 0.1, 0.1], [0.25, 0.25, 0.25, 0.25]])
    y = np.array([0, 3])
    assert metrics.log_loss(p, y) == pytest.approx(-(np.log(0.7) + np.log(0.25)) / 2)
    first = 0.3**2 + 3 * 0.1**2
    second = 3 * 0.25**2 + 0.75**2
    assert metrics.brier(p, y) == pytest.approx((first + second) / 2)
    assert metrics.recalls(p, y)["yes"] == 1.0
    assert metrics.recalls(p, y)["absent"] == 0.0  # argmax of a tie is the first class
    assert metrics.recalls(p, y)["no"] is None


def test_perfect_forecast() -> None:
    y = np.array([0, 1, 2, 3, 0])
    p = np.eye(4)[y]
    assert metrics.log_loss(p, y) == pytest.approx(0.0, abs=1e-12)
    assert metrics.brier(p, y) == 0.0
    assert metrics.macro_f1(p, y) == 1.0
    assert metrics.reliability(p, y).ece == 0.0


def test_calibrated_forecasts_have_small_ece() -> None:
    rng = np.random.default_rng(0)
    p = rng.dirichlet(np.ones(4), size=40_000)
    y = np.array([rng.choice(4, p=row) for row in p])
    assert metrics.reliability(p, y).ece < 0.01
    overconfident = np.eye(4)[p.argmax(axis=1)] * 0.9 + 0.025
    assert metrics.reliability(overconfident, y).ece > 0.2


def test_interval_coverage_and_pit() -> None:
    samples = np.arange(100)
    assert metrics.covered(samples, 50, 0.8)
    assert not metrics.covered(samples, 95, 0.8)
    assert metrics.randomised_pit(samples, 50, 0.5) == pytest.approx(0.505)


probabilities = arrays(float, (30, 4), elements=st.floats(0.001, 1.0, allow_nan=False)).map(
    lambda a: a / a.sum(axis=1, keepdims=True)
)


@settings(max_examples=50, deadline=None)
@given(probabilities, arrays(np.int64, 30, elements=st.integers(0, 3)))
def test_score_ranges(p: np.ndarray, y: np.ndarray) -> None:
    assert metrics.log_loss(p, y) >= 0.0
    assert 0.0 <= metrics.brier(p, y) <= 2.0
    assert 0.0 <= metrics.macro_f1(p, y) <= 1.0
    assert 0.0 <= metrics.reliability(p, y).ece <= 1.0
