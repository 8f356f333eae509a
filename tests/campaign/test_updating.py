"""Field reports as evidence: the mixture likelihood, the decay, which reports count."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from whipcount.campaign.scale import CLASSES, POSITIONS
from whipcount.campaign.updating import (
    EMISSION,
    HALF_LIFE_DAYS,
    Evidence,
    shift,
    update,
    update_one,
    weight,
)
from whipcount.errors import CampaignInputError

DAY = dt.date(2025, 10, 29)  # the board's day
P = np.array([0.6, 0.1, 0.2, 0.1])

rows = (
    arrays(float, 4, elements=st.floats(0.0, 1.0))
    .filter(lambda a: bool(a.sum() > 0.01))
    .map(lambda a: a / a.sum())
)


def test_emission_table_is_a_distribution_with_a_floor() -> None:
    assert EMISSION.shape == (len(POSITIONS), len(CLASSES))
    np.testing.assert_allclose(EMISSION.sum(axis=0), 1.0)
    assert EMISSION.min() >= 0.01
    # each true vote is most often reported as itself
    for k, name in enumerate(CLASSES):
        assert POSITIONS[int(np.argmax(EMISSION[:, k]))] == name


def test_an_unreliable_report_changes_nothing() -> None:
    np.testing.assert_array_equal(update_one(P, "no", 0.0), P)
    report = Evidence("CUB", "no", 0.0, dt.date(2025, 10, 1), "embassy")
    np.testing.assert_array_equal(update(P[None, :], ["CUB"], [report], day=DAY), [P])


def test_a_fully_reliable_report_is_bayes_rule() -> None:
    posterior = P * EMISSION[POSITIONS.index("no")]
    posterior /= posterior.sum()
    np.testing.assert_allclose(update_one(P, "no", 1.0), posterior)
    report = Evidence("CUB", "no", 1.0, DAY, "embassy")
    np.testing.assert_allclose(update(P[None, :], ["CUB"], [report], day=DAY), [posterior])


def test_lean_abstain_raises_abstention_by_the_computed_amount() -> None:
    # m = 0.6 * 0.03 + 0.1 * 0.08 + 0.2 * 0.25 + 0.1 * 0.05 = 0.081
    # p'(abstain) = 0.2 (1 + 0.5 (0.25 / 0.081 - 1)) = 0.408642
    change = shift(P, "lean-abstain", 0.5)
    assert change["abstain"] == pytest.approx(0.2 * 0.5 * (0.25 / 0.081 - 1), abs=1e-12)
    assert change["abstain"] == pytest.approx(0.208642, abs=1e-6)
    assert change["yes"] == pytest.approx(0.6 * 0.5 * (0.03 / 0.081 - 1), abs=1e-12)
    assert sum(change.values()) == pytest.approx(0.0, abs=1e-12)


def test_decay_halves_the_weight_every_half_life() -> None:
    assert HALF_LIFE_DAYS == 30.0
    assert weight(1.0, DAY - dt.timedelta(days=30), DAY) == pytest.approx(0.5)
    assert weight(0.8, DAY - dt.timedelta(days=60), DAY) == pytest.approx(0.2)
    assert weight(0.8, DAY + dt.timedelta(days=3), DAY) == pytest.approx(0.8)  # dated later
    with pytest.raises(CampaignInputError, match="reliability"):
        weight(1.2, DAY, DAY)


@settings(max_examples=80)
@given(rows, st.sampled_from(POSITIONS), st.floats(0.0, 1.0))
def test_a_report_moves_the_forecast_linearly_toward_the_posterior(
    p: np.ndarray, position: str, rho: float
) -> None:
    after = update_one(p, position, rho)
    assert after.sum() == pytest.approx(1.0)
    assert (after >= 0).all()
    np.testing.assert_allclose(after, (1 - rho) * p + rho * update_one(p, position, 1.0), atol=1e-9)


@settings(max_examples=40, deadline=None)
@given(
    arrays(float, (5, 4), elements=st.floats(0.01, 1.0)).map(
        lambda a: a / a.sum(axis=1, keepdims=True)
    ),
    st.lists(
        st.tuples(
            st.integers(0, 4),
            st.sampled_from(POSITIONS),
            st.floats(0.0, 1.0),
            st.integers(0, 120),
            st.sampled_from(["embassy", "EU partner", "mission"]),
        ),
        max_size=8,
    ),
)
def test_updated_rows_sum_to_one(
    p: np.ndarray, reports: list[tuple[int, str, float, int, str]]
) -> None:
    members = ["ARG", "BRA", "CHL", "DEU", "EGY"]
    evidence = [
        Evidence(members[i], s, r, DAY - dt.timedelta(days=d), source)
        for i, s, r, d, source in reports
    ]
    after = update(p, members, evidence, day=DAY)
    np.testing.assert_allclose(after.sum(axis=1), 1.0)
    assert (after >= 0).all()
    untouched = sorted(set(range(5)) - {i for i, *_ in reports})
    np.testing.assert_array_equal(after[untouched], p[untouched])


def test_reports_fade_with_the_board_day_not_the_vote() -> None:
    report = Evidence("BRA", "lean abstain", 0.8, dt.date(2025, 10, 1), "embassy")
    fresh = update(P[None, :], ["BRA"], [report], day=dt.date(2025, 10, 1))
    month = update(P[None, :], ["BRA"], [report], day=dt.date(2025, 10, 31))
    np.testing.assert_allclose(fresh[0], update_one(P, "lean abstain", 0.8))
    np.testing.assert_allclose(month[0], update_one(P, "lean abstain", 0.4))
    # the same report weighs less on a later board day
    assert fresh[0, CLASSES.index("abstain")] > month[0, CLASSES.index("abstain")] > P[2]


def test_only_the_latest_report_of_each_source_counts() -> None:
    old = Evidence("BRA", "yes", 0.9, dt.date(2025, 9, 1), "Embassy")
    new = Evidence("BRA", "lean abstain", 0.7, dt.date(2025, 10, 1), " embassy ")
    alone = update(P[None, :], ["BRA"], [new], day=DAY)
    np.testing.assert_allclose(update(P[None, :], ["BRA"], [new, old], day=DAY), alone)
    np.testing.assert_allclose(update(P[None, :], ["BRA"], [old, new], day=DAY), alone)


def test_reports_of_several_sources_apply_oldest_first() -> None:
    first = Evidence("BRA", "yes", 0.9, dt.date(2025, 9, 1), "embassy")
    second = Evidence("BRA", "abstain", 0.6, dt.date(2025, 10, 1), "EU partner")
    expected = update_one(
        update_one(P, "yes", weight(0.9, first.reported_on, DAY)), "abstain", 0.6 * 2 ** (-28 / 30)
    )
    for order in ([first, second], [second, first]):
        np.testing.assert_allclose(update(P[None, :], ["bra"], order, day=DAY)[0], expected)


def test_bad_reports_are_refused() -> None:
    with pytest.raises(CampaignInputError, match="'XXX', which is not a member"):
        update(P[None, :], ["BRA"], [Evidence("XXX", "yes", 0.5, DAY, "a")], day=DAY)
    with pytest.raises(CampaignInputError, match="between 0 and 1"):
        update(P[None, :], ["BRA"], [Evidence("BRA", "yes", -0.1, DAY, "a")], day=DAY)
    with pytest.raises(CampaignInputError, match="position"):
        update(P[None, :], ["BRA"], [Evidence("BRA", "maybe", 0.5, DAY, "a")], day=DAY)
    with pytest.raises(CampaignInputError, match="weight"):
        update_one(P, "yes", 1.5)
