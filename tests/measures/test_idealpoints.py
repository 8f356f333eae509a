"""Ideal points: recovery from simulated roll calls, pinned values, properties, real record."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from whipcount.measures import ideal_kernels as kernels
from whipcount.measures.ideal_bootstrap import (
    bootstrap,
    draw_categories,
    simulate,
    simulated_data,
)
from whipcount.measures.ideal_data import IdealData, IdealDataError
from whipcount.measures.ideal_record import (
    IdealPointSpec,
    build_data,
    fit_record,
    load_fit,
    trajectories,
)
from whipcount.measures.ideal_validation import validate
from whipcount.measures.idealpoints import DynamicIdealPoints
from whipcount.measures.ordinal import derivatives, log_probability, probabilities


@pytest.fixture(scope="module")
def simulated() -> tuple[object, IdealData]:
    sim = simulate(members=60, sessions=6, roll_calls_per_session=40, rng=np.random.default_rng(7))
    return sim, simulated_data(sim)


def test_recovers_simulated_positions(simulated: tuple[object, IdealData]) -> None:
    sim, data = simulated
    results = DynamicIdealPoints(data, anchor="M000").fit()
    truth = sim.positions[data.slot_member, data.slot_period - 1]  # type: ignore[attr-defined]
    assert results.converged
    assert np.corrcoef(truth, results.x)[0, 1] > 0.98
    assert results.accuracy() > 0.7


def test_fixed_seed_values(simulated: tuple[object, IdealData]) -> None:
    _, data = simulated
    model = DynamicIdealPoints(
        data, anchor="M000", evolution_variance=0.01, position_variance=np.inf
    )
    results = model.fit()
    assert results.iterations == 15
    assert results.log_posterior == pytest.approx(-8026.118964998083, rel=1e-7)
    assert results.x[:3] == pytest.approx(
        [0.4504293077361104, 0.4816324649317413, 0.4737454380055955], rel=1e-5
    )


def test_bootstrap_standard_errors(simulated: tuple[object, IdealData]) -> None:
    _, data = simulated
    model = DynamicIdealPoints(data, anchor="M000")
    results = bootstrap(model, model.fit(), replications=5, rng=np.random.default_rng(0))
    assert results.replications == 5
    assert results.se is not None
    assert np.all(np.isfinite(results.se))
    assert np.all(results.se > 0)
    frame = results.frame()
    assert list(frame.columns) == ["member", "session", "ideal", "se", "n_votes"]
    with pytest.raises(ValueError, match="at least 2"):
        bootstrap(model, results, replications=1, rng=np.random.default_rng(0))


def test_polarity_puts_the_anchor_positive(simulated: tuple[object, IdealData]) -> None:
    _, data = simulated
    for anchor in ("M000", "M001", "M002"):
        results = DynamicIdealPoints(data, anchor=anchor, max_iter=50).fit()
        assert results.x[data.slot_member == data.members.index(anchor)].mean() > 0


def test_bad_options_are_refused(simulated: tuple[object, IdealData]) -> None:
    _, data = simulated
    with pytest.raises(ValueError, match="evolution_variance"):
        DynamicIdealPoints(data, evolution_variance=0)
    with pytest.raises(ValueError, match="max_iter"):
        DynamicIdealPoints(data, max_iter=0)


def test_nothing_contested_is_an_error() -> None:
    votes = np.ones((3, 4), dtype=np.int8)
    with pytest.raises(IdealDataError, match="no contested"):
        IdealData.from_votes(votes, np.array([1, 1, 2]), ("A", "B", "C", "D"))


def test_design_bridges_and_slots() -> None:
    votes = np.array([[1, 3, 2, 8], [1, 3, 3, 0], [3, 1, 1, 1]], dtype=np.int8)
    data = IdealData.from_votes(
        votes, np.array([1, 3, 3]), ("A", "B", "C", "D"), groups=np.array([5, 5, -1])
    )
    assert data.n_items == 2  # rows 0 and 1 bridged
    assert data.n_obs == 10  # absences and non-members are missing
    # A, B, C span sessions 1-3 (session 2 carried by the prior); D only 3
    assert list(data.slot_period) == [1, 2, 3, 1, 2, 3, 1, 2, 3, 3]
    assert list(data.slot_votes()) == [1, 0, 2, 1, 0, 2, 1, 0, 2, 1]
    assert np.all(np.diff(data.category) >= 0)


finite = st.floats(-6, 6, allow_nan=False)


@settings(max_examples=60, deadline=None)
@given(index=finite, low=finite, gap=st.floats(0, 4))
def test_probabilities_sum_to_one(index: float, low: float, gap: float) -> None:
    p = probabilities(np.array([index]), np.array([low]), np.array([low + gap]))
    assert np.all(p >= 0)
    assert p.sum() == pytest.approx(1.0)


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 2**32 - 1))
def test_kernels_agree_with_numpy_and_finite_differences(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n, items, slots = 300, 7, 11
    category = np.sort(rng.integers(0, 3, n)).astype(np.int8)
    bounds = (int(np.searchsorted(category, 1)), int(np.searchsorted(category, 2)))
    item, slot = rng.integers(0, items, n), rng.integers(0, slots, n)
    x, beta = rng.normal(size=slots), rng.normal(size=items)
    t1 = rng.normal(size=items)
    t2 = t1 + rng.exponential(1.0, size=items)
    sums = kernels.item_sums(item, slot, category, x, beta, t1, t2, 3)
    index = beta[item] * x[slot]
    ll = log_probability(index, t1[item], t2[item], bounds)
    assert sums[:, 0] == pytest.approx(np.bincount(item, ll, items), rel=1e-9, abs=1e-9)
    d = derivatives(index, t1[item], t2[item], bounds)
    grad_beta = np.bincount(item, -x[slot] * (d.gu + d.gv), items)
    assert sums[:, 1] == pytest.approx(grad_beta, rel=1e-7, abs=1e-7)
    # the slot gradient is the derivative of the summed log-likelihood
    slot_sums = kernels.slot_sums(item, slot, category, x, beta, t1, t2, 2)
    h = 1e-6
    for k in rng.choice(slots, 3, replace=False):
        bumped = x.copy()
        bumped[k] += h
        up = log_probability(beta[item] * bumped[slot], t1[item], t2[item], bounds).sum()
        assert slot_sums[k, 1] == pytest.approx((up - ll.sum()) / h, rel=1e-3, abs=1e-4)
        assert slot_sums[k, 2] <= 1e-12  # concave in each position


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 2**32 - 1))
def test_draws_follow_the_probabilities(seed: int) -> None:
    rng = np.random.default_rng(seed)
    index, t1 = rng.normal(size=1), rng.normal(size=1)
    t2 = t1 + 0.5
    draws = draw_categories(np.repeat(index, 4000), np.repeat(t1, 4000), np.repeat(t2, 4000), rng)
    shares = np.bincount(draws, minlength=3) / 4000
    assert shares == pytest.approx(probabilities(index, t1, t2)[0], abs=0.04)


@pytest.mark.slow
def test_real_record_matches_published_estimates(record_path: Path) -> None:
    results = fit_record(record_path, replications=2, seed=1)
    assert results.converged
    stored = load_fit(record_path, IdealPointSpec())
    assert stored is not None and stored.current
    figures = validate(record_path, stored.frame)["session"]
    assert figures["overall"] >= 0.96
    assert figures["within_median"] >= 0.98
    rows = {(r["iso3"], r["session"]): r for r in trajectories(stored, ["USA", "CUB"])}
    assert rows["USA", 70]["ideal"] > 1
    assert rows["CUB", 70]["ideal"] < 0
    assert rows["USA", 70]["se"] > 0


@pytest.mark.slow
def test_bridges_from_bsv_pairs_and_series(record_path: Path) -> None:
    recent = {"first_session": 40, "last_session": 50}
    items = {
        bridges: build_data(record_path, IdealPointSpec(bridges=bridges, **recent)).n_items  # type: ignore[arg-type]
        for bridges in ("none", "bsv", "series", "both")
    }
    assert items["none"] > items["bsv"] > items["series"] > items["both"]


@pytest.mark.slow
def test_issue_subset_fit(record_path: Path) -> None:
    spec = IdealPointSpec(issue="hr", first_session=60, last_session=79)
    data = build_data(record_path, spec)
    results = DynamicIdealPoints(data).fit()
    frame = results.frame()
    usa = frame[frame["member"] == "USA"]["ideal"]
    prk = frame[frame["member"] == "PRK"]["ideal"]
    assert usa.mean() > 0 > prk.mean()
    assert spec.key().startswith("hr-")


def test_unwritable_folder_is_a_clear_error(
    simulated: tuple[object, IdealData], tmp_path: Path
) -> None:
    from whipcount.errors import ConfigError
    from whipcount.measures.ideal_record import save_fit

    _, data = simulated
    results = DynamicIdealPoints(data, max_iter=2).fit()
    record = tmp_path / "missing-folder" / "record.sqlite"
    with pytest.raises(ConfigError, match="WHIPCOUNT_RECORD"):
        save_fit(record, IdealPointSpec(), results, version=1, seed=0)


def test_spec_refuses_unknown_choices() -> None:
    from whipcount.errors import NotFoundError

    with pytest.raises(NotFoundError, match="issue code"):
        IdealPointSpec(issue="xx")
    with pytest.raises(NotFoundError, match="bridges"):
        IdealPointSpec(bridges="all")  # type: ignore[arg-type]
    assert IdealPointSpec().key() == "all"
    assert IdealPointSpec(issue="hr").key() == "hr"


def test_compile_kernels_fits_a_tiny_design() -> None:
    from whipcount.measures.idealpoints import compile_kernels

    assert compile_kernels() > 0
