"""The forecaster on the real record: leakage, distributions, fixed-seed values, skill."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pytest

from whipcount.forecast.backtest import Backtest
from whipcount.forecast.data import ForecastData
from whipcount.forecast.model import Forecaster, ForecastResults
from whipcount.forecast.tally import Correlation
from whipcount.forecast.target import Target
from whipcount.record.matrix import VoteMatrix

SMALL = Forecaster(window=4, rounds=40, learning_rate=0.15)
CUBA = "necessity-ending-economic-commercial-financial-embargo"
AS_OF = dt.date(2019, 11, 1)  # a week before the 2019 vote on the Cuba embargo


@pytest.fixture(scope="module")
def data(record_path: Path) -> ForecastData:
    return ForecastData.from_record(record_path)


@pytest.fixture(scope="module")
def fitted(data: ForecastData) -> ForecastResults:
    return SMALL.fit(data, as_of=AS_OF)


def _target(data: ForecastData) -> Target:
    """The 2019 Cuba vote, described only by what was known before it."""
    held = Target.next_instance(data, CUBA, 74)
    return Target(title=held.title, session=74, date=held.date, series=CUBA)


def _scrambled_after(data: ForecastData, day: dt.date, seed: int) -> ForecastData:
    """The same record with every vote on or after ``day`` replaced at random."""
    votes = data.matrix.votes.copy()
    later = ~data.before(day)
    rng = np.random.default_rng(seed)
    cast = later[:, None] & (votes != 0)
    votes[cast] = rng.choice(np.array([1, 2, 3, 8], dtype=np.int8), size=int(cast.sum()))
    matrix = VoteMatrix(votes, data.matrix.roll_calls, data.matrix.members, data.matrix.version)
    rcs = data.matrix.roll_calls["rc"].to_numpy()
    series = {int(rc): s for rc, s in zip(rcs, data.series, strict=True) if s is not None}
    sponsors = {int(rc): None for rc in rcs}
    return ForecastData.build(matrix, series, sponsors)


def test_no_leakage_from_later_votes(data: ForecastData, fitted: ForecastResults) -> None:
    """A forecast as of a day is the same whether later votes are absent, true or random."""
    full = fitted.predict(_target(data))
    earlier = data.restricted(data.before(AS_OF))
    cut = SMALL.fit(earlier, as_of=AS_OF).predict(_target(earlier))
    noisy_data = _scrambled_after(data, AS_OF, seed=1)
    noisy = SMALL.fit(noisy_data, as_of=AS_OF).predict(_target(noisy_data))
    assert full.members == cut.members == noisy.members
    np.testing.assert_array_equal(full.probabilities, cut.probabilities)
    np.testing.assert_array_equal(full.probabilities, noisy.probabilities)
    assert full.document()["tally"] == cut.document()["tally"]


def test_forecast_of_the_cuba_embargo(data: ForecastData, fitted: ForecastResults) -> None:
    forecast = fitted.predict(_target(data))
    p = dict(zip(forecast.members, forecast.probabilities, strict=True))
    assert len(p) == 193
    assert np.allclose(forecast.probabilities.sum(axis=1), 1.0)
    assert ((forecast.probabilities >= 0) & (forecast.probabilities <= 1)).all()
    assert p["USA"][1] > 0.8 and p["ISR"][1] > 0.7  # no
    assert p["MEX"][0] > 0.9  # yes
    assert forecast.p_adopted == 1.0
    document = forecast.document()
    assert 175 <= document["tally"]["yes"]["q50"] <= 192
    assert document["previous_instances"][0]["roll_call"] == "A/RES/73/8"
    usa = next(m for m in document["members"] if m["iso3"] == "USA")
    assert usa["reasons"][0] == "earlier instances: no (73), no (72), abstain (71)"


def test_fixed_seed_values(data: ForecastData, fitted: ForecastResults) -> None:
    results = fitted
    forecast = results.predict(_target(data), rng=np.random.default_rng(0))
    p = dict(zip(forecast.members, forecast.probabilities, strict=True))
    assert results.training_rows == 79493
    assert results.temperature == pytest.approx(1.0681269636026536, rel=1e-6)
    assert results.absent_call == 0.26
    assert results.correlations == (
        Correlation(absent=0.2, global_=0.05, group=0.1),
        Correlation(absent=0.3, global_=0.45, group=0.1),
    )
    assert p["USA"][1] == pytest.approx(0.9767219451445899, rel=1e-6)
    assert forecast.document()["tally"]["yes"] == {"mean": 185.38, "q10": 180, "q50": 187,
                                                   "q90": 190}  # fmt: skip


def test_one_session_backtest_beats_every_baseline(data: ForecastData) -> None:
    document = Backtest(SMALL, first=78, last=78).run(data)
    for subset in ("all", "recurring"):
        models = document["subsets"][subset]["overall"]["models"]
        for baseline in ("persistence", "member_frequency", "class_frequency", "blend"):
            assert models["whipcount"]["log_loss"] < models[baseline]["log_loss"], baseline
            assert models["whipcount"]["brier"] < models[baseline]["brier"], baseline
    assert document["reliability"]["ece"] < 0.03
