"""The forecaster recovers the transition probabilities of simulated votes."""

from __future__ import annotations

import numpy as np
import pytest

from tests.forecast.synthetic import STAY, markov_record
from whipcount.forecast.backtest import Backtest
from whipcount.forecast.model import Forecaster
from whipcount.forecast.target import Target
from whipcount.record.codes import session_opening

SMALL = Forecaster(window=8, rounds=60, learning_rate=0.1, min_leaf=50)


@pytest.fixture(scope="module")
def fitted():  # type: ignore[no-untyped-def]
    data = markov_record()
    return data, SMALL.fit(data, as_of=session_opening(63))


def test_transition_probabilities_are_recovered(fitted) -> None:  # type: ignore[no-untyped-def]
    data, results = fitted
    rows = np.flatnonzero(data.sessions == 63)
    block = results.features([Target.of_row(data, int(r)) for r in rows])
    p = results.probabilities(block.frame)
    prev = block.frame["prev1"].astype(float).to_numpy()
    for k in range(4):
        mean = p[prev == k].mean(axis=0)
        expected = np.full(4, (1 - STAY) / 3)
        expected[k] = STAY
        assert mean == pytest.approx(expected, abs=0.05), k


def test_probabilities_are_distributions(fitted) -> None:  # type: ignore[no-untyped-def]
    data, results = fitted
    forecast = results.predict(Target.next_instance(data, "topic-3", 64))
    assert forecast.probabilities.shape == (60, 4)
    assert np.allclose(forecast.probabilities.sum(axis=1), 1.0)
    assert ((forecast.probabilities >= 0) & (forecast.probabilities <= 1)).all()
    # the tally's mean is the sum of member probabilities, within sampling error
    error = np.abs(forecast.tallies.mean(axis=0) - forecast.probabilities.sum(axis=0))
    assert (error < 5 * 30 / np.sqrt(len(forecast.tallies))).all()


def test_backtest_beats_the_baselines_on_simulated_votes() -> None:
    data = markov_record(last=62)
    document = Backtest(SMALL, first=61, last=62).run(data)
    overall = document["subsets"]["recurring"]["overall"]["models"]
    assert overall["whipcount"]["log_loss"] < overall["class_frequency"]["log_loss"]
    assert overall["whipcount"]["log_loss"] < overall["member_frequency"]["log_loss"]
    # persistence is the true model here: the forecaster comes close to it
    assert overall["whipcount"]["log_loss"] < overall["persistence"]["log_loss"] + 0.03
    assert document["subsets"]["all"]["sessions"][0]["roll_calls"] == 20
