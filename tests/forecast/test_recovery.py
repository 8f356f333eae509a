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


def test_ideal_points_follow_their_roll_calls_when_rows_shift() -> None:
    """A cached cut-off fit is reused when earlier roll calls are added or removed, and
    its items stay on the same roll calls although their row numbers change."""
    from whipcount.forecast.ideal_cutoff import ideal_at

    data = markov_record(first=30, last=63)
    day = session_opening(63)
    full = ideal_at(data, day)
    keep = np.ones(len(data.outcome), dtype=bool)
    keep[:3] = False  # three roll calls of session 30, long before the window
    shifted = ideal_at(data.restricted(keep), day)
    assert np.isnan(full.beta[:3]).all()
    np.testing.assert_array_equal(shifted.beta, full.beta[3:])
    np.testing.assert_array_equal(shifted.tau2, full.tau2[3:])
    np.testing.assert_array_equal(shifted.position, full.position)
    assert (~np.isnan(shifted.beta)).sum() > 200


def test_backtest_starts_where_there_is_something_to_learn() -> None:
    from whipcount.forecast.backtest import _Pool

    assert _Pool().scores() is None
    document = Backtest(SMALL, first=1, last=53).run(markov_record(last=53))
    assert [s["session"] for s in document["subsets"]["all"]["sessions"]] == [53]
    assert document["subsets"]["recurring"]["reliability"]["ece"] is not None
