"""The State Department's formulas on a hand-computed example, and their properties."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from whipcount.measures.coincidence import (
    FORMULAS,
    coincidence,
    contingency,
    counts,
    printed_percent,
    report_columns,
    report_formula,
)

Y, A, N, X = 1, 2, 3, 8
# a: Y Y N A X Y N A A X ; b: Y N N A Y A X Y X X
# identical 2 (rows 1, 3), opposite 1 (2), both abstain 1 (4), partial 2 (6, 8),
# absent 4 (5, 7, 9, 10): N = 10, same S = 3
EXAMPLE_A = np.array([Y, Y, N, A, X, Y, N, A, A, X], dtype=np.int8)
EXAMPLE_B = np.array([Y, N, N, A, Y, A, X, Y, X, X], dtype=np.int8)


def table(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    result: np.ndarray = contingency(a, b[:, None])[0, 0]
    return result


def test_counts_of_the_example() -> None:
    c = {k: int(v) for k, v in counts(table(EXAMPLE_A, EXAMPLE_B)).items()}
    assert c == {
        "roll_calls": 10,
        "identical": 2,
        "opposite": 1,
        "abstentions": 3,
        "absences": 4,
        "both_abstain": 1,
        "partial": 2,
    }


@pytest.mark.parametrize(
    ("formula", "value", "with_consensus"),
    [
        ("votes-only", 2 / 3, 9 / 10),  # b's own p = 7/10, C·p = 7: (2 + 7) / (3 + 7)
        ("state-2016", 2 / 3, 9 / 10),
        ("state-2017", 4 / 6, 14 / 16),  # (3 + 2/2) / (3 + 1 + 2); + 10 each
        ("state-2021", 7 / 10, 17 / 20),  # absent as abstain: S' = 5, P' = 4
        ("state-2022", 6 / 10, 16 / 20),  # 3 + 2/2 + 4/2 over 10
    ],
)
def test_formulas_on_the_example(formula: str, value: float, with_consensus: float) -> None:
    got, got_with = coincidence(table(EXAMPLE_A, EXAMPLE_B), formula, 10)  # type: ignore[arg-type]
    assert float(got) == pytest.approx(value)
    assert float(got_with) == pytest.approx(with_consensus)


@pytest.mark.parametrize("formula", ["votes-only", "state-2016"])
def test_2016_credit_follows_the_countrys_own_participation(formula: str) -> None:
    # the report credits "each country ... based on its participation": b's absences
    # only (3 of 10 here), not the pair's (4 of 10); a's own are 2 of 10
    forward = coincidence(table(EXAMPLE_A, EXAMPLE_B), formula, 10)  # type: ignore[arg-type]
    backward = coincidence(table(EXAMPLE_B, EXAMPLE_A), formula, 10)  # type: ignore[arg-type]
    assert float(forward[1]) == pytest.approx((2 + 7) / (3 + 7))
    assert float(backward[1]) == pytest.approx((2 + 8) / (3 + 8))
    # the US's own absences do not lower a fully present country's share (p = 1, not ½)
    us = np.array([Y, N, X, X], dtype=np.int8)
    country = np.array([Y, Y, Y, A], dtype=np.int8)
    _, with_consensus = coincidence(table(us, country), formula, 4)  # type: ignore[arg-type]
    assert float(with_consensus) == pytest.approx((1 + 4) / (2 + 4))


def test_without_a_consensus_count_the_figure_is_undefined() -> None:
    _, with_consensus = coincidence(table(EXAMPLE_A, EXAMPLE_B), "state-2022", None)
    assert np.isnan(with_consensus)


def test_report_columns_of_the_example() -> None:
    t = table(EXAMPLE_A, EXAMPLE_B)
    as_ints = {f: {k: int(v) for k, v in report_columns(t, f).items()} for f in FORMULAS}
    assert as_ints["state-2016"] == {"identical": 2, "opposite": 1, "abstentions": 1, "absences": 1}
    assert as_ints["state-2022"] == {"same": 3, "opposite": 1, "partial": 2, "absent": 4}
    assert as_ints["state-2017"] == as_ints["state-2022"]
    # 2021: only the country's (b's) non-votes are "absent"; the rest is partial
    assert as_ints["state-2021"] == {"same": 3, "opposite": 1, "partial": 3, "absent": 3}


def test_report_formula_by_year() -> None:
    assert [report_formula(y) for y in (1999, 2016, 2017, 2020, 2021, 2022, 2030)] == [
        "state-2016",
        "state-2016",
        "state-2017",
        "state-2017",
        "state-2021",
        "state-2022",
        "state-2022",
    ]


def test_printed_percent_rounds_half_up() -> None:
    values = np.array([55 / 88, 0.5 / 100 + 0.1, 2 / 3, 0.125])
    assert printed_percent(values, 0).tolist() == [63.0, 11.0, 67.0, 13.0]
    assert printed_percent(np.array([2 / 3, 0.12345]), 1).tolist() == [66.7, 12.3]


def test_members_outside_the_un_are_not_counted() -> None:
    a = np.array([Y, Y, N], dtype=np.int8)
    b = np.array([[Y, 0], [0, N], [N, N]], dtype=np.int8)
    t = contingency(a, b)[0]
    assert t[0].sum() == 2 and t[1].sum() == 2


votes = st.sampled_from([0, Y, A, N, X])
cast = st.sampled_from([Y, A, N])


@st.composite
def vote_pairs(draw: st.DrawFn) -> tuple[np.ndarray, np.ndarray]:
    size = draw(st.integers(1, 60))
    a = draw(st.lists(votes, min_size=size, max_size=size))
    b = draw(st.lists(votes, min_size=size, max_size=size))
    return np.array(a, dtype=np.int8), np.array(b, dtype=np.int8)


@settings(max_examples=200, deadline=None)
@given(vote_pairs(), st.sampled_from(FORMULAS), st.one_of(st.none(), st.integers(0, 400)))
def test_coincidence_is_a_share(
    pair: tuple[np.ndarray, np.ndarray], formula: str, consensus: int | None
) -> None:
    value, with_consensus = coincidence(table(*pair), formula, consensus)  # type: ignore[arg-type]
    for v in (float(value), float(with_consensus)):
        assert np.isnan(v) or 0.0 <= v <= 1.0


@settings(max_examples=200, deadline=None)
@given(vote_pairs(), st.sampled_from(FORMULAS))
def test_coincidence_is_symmetric(pair: tuple[np.ndarray, np.ndarray], formula: str) -> None:
    forward = coincidence(table(*pair), formula, 7)  # type: ignore[arg-type]
    backward = coincidence(table(pair[1], pair[0]), formula, 7)  # type: ignore[arg-type]
    # up to 2016 the consensus share follows the second state's own participation
    shown = 1 if formula in ("votes-only", "state-2016") else 2
    np.testing.assert_allclose(forward[:shown], backward[:shown], equal_nan=True)


@settings(max_examples=100, deadline=None)
@given(st.lists(cast, min_size=1, max_size=60), st.sampled_from(FORMULAS))
def test_identical_votes_coincide_fully(same: list[int], formula: str) -> None:
    a = np.array(same, dtype=np.int8)
    value, with_consensus = coincidence(table(a, a), formula, 12)  # type: ignore[arg-type]
    if formula in ("votes-only", "state-2016") and not np.isin(a, [Y, N]).any():
        assert np.isnan(value)  # no yes or no vote: nothing to compare
    else:
        assert float(value) == 1.0
    assert float(with_consensus) == pytest.approx(1.0)


@settings(max_examples=50, deadline=None)
@given(st.integers(1, 30), st.integers(1, 8), st.data())
def test_one_against_all_equals_pair_by_pair(rows: int, columns: int, data: st.DataObject) -> None:
    cells = data.draw(st.lists(votes, min_size=rows * (columns + 1), max_size=rows * (columns + 1)))
    grid = np.array(cells, dtype=np.int8).reshape(rows, columns + 1)
    together = contingency(grid[:, 0], grid[:, 1:])[0]
    for m in range(columns):
        np.testing.assert_array_equal(together[m], table(grid[:, 0], grid[:, 1 + m]))
