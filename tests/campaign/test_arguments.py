"""Arguments: linking roll calls by query, their reach, and the best arguments first."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.forecast.synthetic import markov_record
from whipcount.campaign.arguments import best_arguments, link_roll_calls, reach
from whipcount.errors import CampaignInputError
from whipcount.forecast.data import ForecastData
from whipcount.record.matrix import VoteMatrix
from whipcount.record.reader import Record

YES, NO, ABSTAIN, ABSENT = 1, 3, 2, 8


def _with_votes(data: ForecastData, votes: np.ndarray) -> ForecastData:
    matrix = VoteMatrix(votes, data.matrix.roll_calls, data.matrix.members, 1)
    series = {int(rc): s for rc, s in zip(data.matrix.roll_calls["rc"], data.series, strict=True)}
    return ForecastData.build(matrix, series, {})


def test_reach_is_closeness_on_the_linked_votes() -> None:
    data = markov_record(members=6, series=4, first=60, last=62)
    codes = [str(c) for c in data.codes]
    votes = np.full(data.matrix.votes.shape, YES, dtype=np.int8)
    votes[:, 0] = YES  # the lobbyist
    linked = np.arange(len(votes)) % 4 == 0
    votes[~linked, 1] = NO  # member 1 sides with the lobbyist only on the linked votes
    votes[linked, 2] = NO  # member 2 only elsewhere
    votes[linked, 3] = ABSENT  # member 3 never votes on them
    data = _with_votes(data, votes)
    ids = list(data.matrix.roll_calls["id"][linked])
    values = reach(data, ids, lobbyist=codes[0], members=codes[1:])
    assert values[codes[1]] > 0.2  # shrunk: three linked votes weigh 3 / (3 + 5)
    assert values[codes[2]] < -0.2
    assert math.isnan(values[codes[3]])
    assert values[codes[4]] == pytest.approx(0.0)
    assert all(math.isnan(v) for v in reach(data, [], lobbyist=codes[0], members=codes).values())
    with pytest.raises(CampaignInputError):
        reach(data, ids, lobbyist="XXX", members=codes)


@settings(max_examples=20, deadline=None)
@given(seed=st.integers(0, 10_000))
def test_reach_is_bounded(seed: int) -> None:
    data = markov_record(members=8, series=5, first=60, last=62, seed=seed)
    codes = [str(c) for c in data.codes]
    ids = list(data.matrix.roll_calls["id"][::3])
    values = reach(data, ids, lobbyist=codes[0], members=codes)
    assert all(math.isnan(v) or -1.0 <= v <= 1.0 for v in values.values())


@dataclass(frozen=True)
class _Argument:
    id: int
    reach: dict[str, float | None]


def test_best_arguments_first() -> None:
    tuples = [
        ("a", "one", {"CUB": 0.1}),
        ("b", "two", {"CUB": float("nan")}),
        ("c", "three", {"CUB": 0.4}),
        ("d", "four", {}),
    ]
    assert [t[0] for t in best_arguments(tuples, "CUB")] == ["c", "a", "b", "d"]
    objects = [_Argument(1, {"CUB": None}), _Argument(2, {"CUB": -0.2}), _Argument(3, {})]
    assert [a.id for a in best_arguments(objects, "CUB")] == [2, 1, 3]


@pytest.mark.slow
def test_link_roll_calls_on_the_record(record_path: Path) -> None:
    day = dt.date(2024, 10, 1)
    ids = link_roll_calls(record_path, "Ukraine", before=day)
    assert len(ids) >= 10
    with Record(record_path) as record:
        documents = [record.roll_call(i) for i in ids]
    assert all(d["date"] < day.isoformat() for d in documents)
    assert any("ukraine" in (d["title"] or "").lower() for d in documents)
    assert len(link_roll_calls(record_path, "human rights")) > 500  # the issue code too
    with pytest.raises(CampaignInputError, match="no roll call"):
        link_roll_calls(record_path, "zzyzx quux")
    with pytest.raises(CampaignInputError):
        link_roll_calls(record_path, "  ")
    data = ForecastData.from_record(record_path)
    values = reach(data, ids, lobbyist="USA", members=["DEU", "RUS"], before=day)
    assert values["DEU"] > 0 > values["RUS"]
