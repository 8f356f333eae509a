"""The baselines recover the smoothing they were simulated with."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from whipcount.forecast.baselines import Baselines


def _frame(prev: np.ndarray, shares: np.ndarray, count: float) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "prev1": pd.Categorical(prev, categories=[0.0, 1.0, 2.0, 3.0]),
            "f3_yes": shares[:, 0],
            "f3_no": shares[:, 1],
            "f3_abstain": shares[:, 2],
            "f3_absent": shares[:, 3],
            "count3": count,
        }
    )


def test_persistence_epsilon_and_blend_weight_are_recovered() -> None:
    rng = np.random.default_rng(0)
    n = 40_000
    prev = rng.choice(4, size=n, p=[0.7, 0.1, 0.1, 0.1]).astype(float)
    eps = 0.2
    repeat = rng.uniform(size=n) < 1 - eps
    outcome = np.where(repeat, prev, rng.integers(0, 4, n)).astype(np.int64)
    shares = np.tile([0.25, 0.25, 0.25, 0.25], (n, 1))
    fitted = Baselines.fit(_frame(prev, shares, 1e9), outcome)
    assert fitted.epsilon == pytest.approx(eps, abs=0.02)
    # with uniform member shares the blend is persistence again: w = 1 - eps
    assert fitted.weight == pytest.approx(1 - eps, abs=0.02)
    assert fitted.classes.sum() == pytest.approx(1.0)


def test_predictions_are_distributions_and_fall_back_without_history() -> None:
    prev = np.array([0.0, np.nan, 3.0])
    shares = np.array([[0.9, 0.0, 0.1, 0.0], [np.nan] * 4, [0.5, 0.5, 0.0, 0.0]])
    frame = _frame(prev, shares, 0.0).assign(count3=[10.0, 0.0, 10.0])
    fitted = Baselines(np.array([0.7, 0.1, 0.1, 0.1]), 0.1, 0.6)
    predicted = fitted.predict(frame)
    for name, p in predicted.items():
        assert p.shape == (3, 4), name
        assert np.allclose(p.sum(axis=1), 1.0), name
    # a member without votes gets the class frequencies
    assert np.allclose(predicted["member_frequency"][1], [0.7, 0.1, 0.1, 0.1])
    assert np.allclose(predicted["persistence"][1], predicted["member_frequency"][1])
    assert predicted["persistence"][0][0] == pytest.approx(0.9 + 0.1 / 4)
