"""Persuadability: recovery on simulated records, fixed-seed values, properties, no
look-ahead, and the real record (the Cuba embargo series; one session of the validation)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from whipcount.campaign.persuadability import (
    Persuadability,
    PersuadabilityModel,
    fit_logistic,
    persuadability,
)
from whipcount.campaign.persuadability_validation import (
    auc,
    precision_at,
    score,
    session_votes,
)
from whipcount.errors import CampaignInputError
from whipcount.forecast.data import ForecastData
from whipcount.record.codes import session_opening
from whipcount.record.matrix import VoteMatrix
from whipcount.record.members import directory

CODES = np.array([1, 2, 3], dtype=np.int8)  # yes, abstain, no on the ordinal scale


def simulated(
    *, members: int = 60, series: int = 12, first: int = 60, last: int = 75, seed: int = 0
) -> tuple[ForecastData, np.ndarray]:
    """A record whose members change their vote on each series' next instance with a
    known propensity (a fifth of them often, the rest rarely); no absences."""
    rng = np.random.default_rng(seed)
    codes = directory().members_on(dt.date(2005, 1, 1))[:members]
    propensity = np.where(np.arange(members) % 5 == 0, 0.35, 0.03)
    state = rng.choice(3, size=(series, members), p=[0.7, 0.15, 0.15])
    rows, votes = [], []
    for session in range(first, last + 1):
        opening = session_opening(session)
        for j in range(series):
            move = rng.uniform(size=members) < propensity
            state[j] = np.where(move, (state[j] + rng.integers(1, 3, members)) % 3, state[j])
            day = (opening + dt.timedelta(days=60 + j % 5)).isoformat()
            rows.append(
                {
                    "rc": len(rows) + 1,
                    "id": f"S/{session}/{j}",
                    "session": session,
                    "session_kind": "regular",
                    "date": day,
                    "date_precision": "day",
                    "date_min": day,
                    "date_max": day,
                    "title": f"Resolution on topic {j} word{j % 3}",
                    **dict.fromkeys(("me", "nu", "di", "hr", "co", "ec"), np.nan),
                }
            )
            votes.append(CODES[state[j]])
    frame = pd.DataFrame(rows)
    matrix = VoteMatrix(
        np.array(votes, dtype=np.int8), frame, pd.DataFrame({"code": codes, "iso3": codes}), 1
    )
    series_of_rc = {int(r["rc"]): f"topic-{(int(r['rc']) - 1) % series}" for r in rows}
    return ForecastData.build(matrix, series_of_rc, {}), propensity


def test_logistic_recovers_coefficients() -> None:
    rng = np.random.default_rng(1)
    x = rng.normal(size=(20000, 3))
    truth = np.array([-1.0, 0.8, -0.5, 0.0])
    p = 1 / (1 + np.exp(-(truth[0] + x @ truth[1:])))
    y = (rng.uniform(size=len(p)) < p).astype(float)
    beta = fit_logistic(x, y, 0.0)
    np.testing.assert_allclose(beta, truth, atol=0.06)
    shrunk = fit_logistic(x, y, 5000.0)
    assert np.all(np.abs(shrunk[1:]) < np.abs(beta[1:]) + 1e-9)


def test_recovers_the_changeable_members() -> None:
    data, propensity = simulated()
    results = PersuadabilityModel(sessions=8).fit(data, as_of=session_opening(75))
    # the propensity is the member's on every series: the change rates carry it
    rates = ("rate_series", "rate_similar", "rate_recent")
    assert sum(results.coefficients[name] for name in rates) > 0.5
    votes = session_votes(data, 75, model=PersuadabilityModel(sessions=8), with_ideal=False)
    scores = score(votes)
    assert scores["persuadability"]["auc_pooled"] > 0.8
    members = [str(c) for c in data.codes]
    rated = results.predict(series="topic-0", session=75, members=members, lobbyist=None)
    often = propensity > 0.1
    assert auc(rated.p_change, often) > 0.9


def test_fixed_seed_values() -> None:
    data, _ = simulated(seed=3)
    results = PersuadabilityModel().fit(data, as_of=session_opening(75))
    assert results.n_obs == 7200
    assert results.intercept == pytest.approx(-2.8360, abs=1e-3)
    assert results.coefficients["rate_recent"] == pytest.approx(0.7904, abs=1e-3)
    assert results.coefficients["rate_similar"] == pytest.approx(0.2747, abs=1e-3)


@settings(max_examples=8, deadline=None)
@given(seed=st.integers(0, 10_000), members=st.integers(15, 40))
def test_probabilities_and_follow_are_probabilities(seed: int, members: int) -> None:
    data, _ = simulated(members=members, series=5, first=66, last=72, seed=seed)
    results = PersuadabilityModel(sessions=4).fit(data, as_of=session_opening(72))
    codes = [str(c) for c in data.codes]
    rated = results.predict(series="topic-1", session=72, members=codes, lobbyist=codes[0])
    for values in (rated.p_change, rated.p_toward, rated.p_move):
        assert np.all((values >= 0) & (values <= 1))
    assert np.all(np.diag(rated.follow) == 1.0)
    assert np.all((rated.follow >= 0) & (rated.follow <= 1))
    assert rated.p_toward[0] == 0.0  # the lobbyist cannot move toward itself


def test_no_look_ahead() -> None:
    data, _ = simulated(seed=5)
    day = session_opening(73)
    codes = [str(c) for c in data.codes]
    later = ~data.before(day)
    votes = data.matrix.votes.copy()
    votes[later] = np.random.default_rng(0).choice(CODES, size=votes[later].shape)
    changed = ForecastData.build(
        VoteMatrix(votes, data.matrix.roll_calls, data.matrix.members, 1),
        {int(rc): s for rc, s in zip(data.matrix.roll_calls["rc"], data.series, strict=True)},
        {},
    )
    a, b = (
        PersuadabilityModel()
        .fit(d, as_of=day)
        .predict(series="topic-2", session=73, members=codes, lobbyist=codes[1])
        for d in (data, changed)
    )
    np.testing.assert_array_equal(a.p_change, b.p_change)
    np.testing.assert_array_equal(a.p_toward, b.p_toward)
    np.testing.assert_array_equal(a.follow, b.follow)


def test_document_round_trip_and_reasons() -> None:
    data, _ = simulated(seed=2)
    codes = [str(c) for c in data.codes][:10]
    rated = (
        PersuadabilityModel()
        .fit(data, as_of=session_opening(74))
        .predict(series="topic-3", session=74, members=codes, lobbyist=codes[0])
    )
    again = Persuadability.from_document(rated.document())
    np.testing.assert_allclose(again.p_move, rated.p_move, atol=1e-6)
    assert again.members == codes
    assert any("earlier instances" in r for r in rated.why(1))
    assert any(f"votes with {codes[0]}" in r for r in rated.why(1))


def test_draft_leans_on_similar_series() -> None:
    data, _ = simulated(seed=4)
    codes = [str(c) for c in data.codes]
    rated = (
        PersuadabilityModel()
        .fit(data, as_of=session_opening(75))
        .predict(series=None, session=75, members=codes, lobbyist=None, title="topic 4 word1")
    )
    assert np.all(np.isfinite(rated.p_change))
    assert np.all(rated.p_toward == 0.5)


def test_bad_input() -> None:
    data, _ = simulated(members=20, series=3, first=70, last=72)
    with pytest.raises(CampaignInputError):
        PersuadabilityModel(sessions=0)
    with pytest.raises(CampaignInputError):
        PersuadabilityModel().fit(data, as_of=dt.date(1990, 1, 1))
    results = PersuadabilityModel().fit(data, as_of=session_opening(72))
    with pytest.raises(CampaignInputError):
        results.predict(series="nope", session=72, members=["XXX"], lobbyist=None)


def test_scores() -> None:
    outcome = np.array([True, False, False, True])
    assert auc(np.array([4.0, 1.0, 2.0, 3.0]), outcome) == 1.0
    assert auc(np.ones(4), outcome) == 0.5
    assert precision_at(np.array([4.0, 1.0, 2.0, 3.0]), outcome, 2) == 1.0
    assert precision_at(np.ones(4), outcome, 2) == 0.5


@pytest.mark.slow
def test_real_record_cuba_embargo(record_path: Path) -> None:
    from whipcount.record.reader import Record

    with Record(record_path) as record:
        series = record.series_find("cuba embargo")[0]["id"]
    data = ForecastData.from_record(record_path)
    day = dt.date(2024, 10, 1)
    members = [
        str(iso)
        for iso, on in zip(data.matrix.members["iso3"], data.members_on(day), strict=True)
        if on
    ]
    rated = persuadability(
        record_path, series=series, session=79, as_of=day, lobbyist="USA", members=members
    )
    assert np.all((rated.p_move >= 0) & (rated.p_move <= 1))
    changed = rated.features["c_series"] > 0
    assert rated.p_change[changed].mean() > 2 * rated.p_change[~changed].mean()
    assert rated.p_toward[members.index("USA")] == 0.0
    # one session of the validation: the ranking finds the changers
    votes = session_votes(data, 78, with_ideal=False)
    assert score(votes)["persuadability"]["auc_pooled"] > 0.8
