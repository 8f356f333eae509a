"""Fitted forecasters saved beside the record: the same forecasts, stale when the record changes."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np

from tests.forecast.synthetic import markov_record
from whipcount.forecast import stored
from whipcount.forecast.model import Forecaster
from whipcount.forecast.target import Target
from whipcount.record.codes import session_opening

SMALL = Forecaster(window=5, rounds=20, learning_rate=0.2, min_leaf=50)


def test_a_saved_fit_forecasts_the_same(tmp_path: Path) -> None:
    record = tmp_path / "record.sqlite"
    data = markov_record(last=60)
    day = session_opening(60)
    first = stored.fitted(record, day, model=SMALL, data=data)
    path = stored.fit_path(record, dataclasses.replace(SMALL, cache=None), day)
    assert path.exists() and path.parent == stored.cache_folder(record)
    again = stored.fitted(record, day, model=SMALL, data=data)
    assert again.booster is not first.booster  # read back from the file
    target = Target.next_instance(data, "topic-2", 60)
    rng = np.random.default_rng(0)
    a = first.predict(target, rng=np.random.default_rng(0))
    b = again.predict(target, rng=rng)
    np.testing.assert_allclose(a.probabilities, b.probabilities, rtol=1e-12)
    assert a.document() == b.document()
    assert (again.temperature, again.correlations, again.absent_call) == (
        first.temperature, first.correlations, first.absent_call
    )  # fmt: skip


def test_a_new_record_version_or_a_broken_file_refits(tmp_path: Path) -> None:
    record = tmp_path / "record.sqlite"
    data = markov_record(last=60)
    day = session_opening(60)
    stored.fitted(record, day, model=SMALL, data=data)
    path = stored.fit_path(record, SMALL, day)
    newer = dataclasses.replace(data.matrix, version=2)
    changed = dataclasses.replace(data, matrix=newer, feature_cache={}, _group_cache={})
    assert stored.load(path, changed, SMALL) is None
    path.write_text("not json")
    assert stored.load(path, data, SMALL) is None
    stored.fitted(record, day, model=SMALL, data=data)
    assert stored.load(path, data, SMALL) is not None


def test_a_read_only_cache_folder_still_forecasts(tmp_path: Path) -> None:
    folder = tmp_path / "readonly"
    folder.mkdir()
    record = folder / "record.sqlite"
    stored.cache_folder(record).write_text("a file where the cache folder would go")
    data = markov_record(last=60)
    results = stored.fitted(record, session_opening(60), model=SMALL, data=data)
    assert results.training_rows > 0
