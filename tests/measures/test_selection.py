"""Roll-call selection, groups and consensus counts on the real record."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from whipcount.errors import NotFoundError
from whipcount.measures.consensus import AdoptionIndex, consensus_for, given
from whipcount.measures.selection import (
    Selection,
    group_cells,
    period_labels,
    report_year_mask,
    roll_call_mask,
)
from whipcount.record.reader import Record

pytestmark = pytest.mark.slow


def test_report_years_select_the_reports_votes(record: Record) -> None:
    matrix = record.matrix()
    counted = {year: int(report_year_mask(matrix, year).sum()) for year in (2021, 2022, 2023)}
    assert counted == {2021: 86, 2022: 89, 2023: 88}  # as the reports count them
    ids = set(matrix.roll_calls["id"][report_year_mask(matrix, 2022)])
    assert {"A/RES/ES-11/1", "A/RES/77/10"} <= ids  # emergency sessions included
    fall_2016 = report_year_mask(matrix, 2016)
    assert set(matrix.roll_calls["session"][fall_2016]) == {71}
    assert not matrix.roll_calls["final"][fall_2016].eq(1).all()  # partial drafts too


def test_filters_narrow_the_selection(record: Record) -> None:
    calls = record.matrix().roll_calls
    session = roll_call_mask(record, Selection(sessions=(78, 78)))
    assert set(calls["session"][session]) == {78}
    human_rights = roll_call_mask(record, Selection(sessions=(78, 78), issue="hr"))
    assert 0 < human_rights.sum() < session.sum() and (calls["hr"][human_rights] == 1).all()
    dated = roll_call_mask(
        record, Selection(since=dt.date(2024, 1, 1), until=dt.date(2024, 12, 31))
    )
    assert calls["date"][dated].str.startswith("2024").all()
    important = roll_call_mask(record, Selection(report_year=2022, important=True))
    assert important.sum() == 21  # the 2022 report's important recorded votes
    series = record.series_find("cuba embargo")[0]["id"]
    assert roll_call_mask(record, Selection(series=series)).sum() == 32


def test_wrong_selections_are_refused(record: Record) -> None:
    with pytest.raises(NotFoundError, match="no series"):
        roll_call_mask(record, Selection(series="no-such-series"))
    with pytest.raises(NotFoundError, match="no issue code"):
        Selection(issue="xx")
    with pytest.raises(ValueError, match="backwards"):
        Selection(sessions=(79, 70))
    with pytest.raises(ValueError, match="since must not come after until"):
        Selection(since=dt.date(2020, 1, 2), until=dt.date(2020, 1, 1))


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"sessions": (0, 0)}, "no regular session 0"),
        ({"sessions": (0, 3)}, "no regular session 0"),
        ({"sessions": (-2, 5)}, "no regular session -2"),
        ({"report_year": 1945}, "no votes in 1945"),
        ({"report_year": 1900}, "no votes in 1900"),
    ],
)
def test_sessions_before_the_first_and_years_before_1946_are_refused(
    fields: dict[str, object], message: str
) -> None:
    with pytest.raises(NotFoundError, match=message):
        Selection(**fields)  # type: ignore[arg-type]
    assert Selection(sessions=(1, 1), report_year=1946).sessions == (1, 1)


def test_group_cells_follow_dated_memberships(record: Record) -> None:
    matrix = record.matrix()
    rows = report_year_mask(matrix, 2019) | report_year_mask(matrix, 2021)
    cells = group_cells(matrix, rows, "eu")
    days = matrix.roll_calls["date"].to_numpy()[rows]
    britain = cells[:, matrix.column("GBR")]
    assert britain[days < "2020-02-01"].all() and not britain[days > "2020-02-01"].any()
    assert cells[:, matrix.column("FRA")].all() and not cells[:, matrix.column("USA")].any()
    assert group_cells(matrix, rows, "GRULAC")[:, matrix.column("CUB")].all()
    with pytest.raises(NotFoundError, match="no bloc or group 'XX'"):
        group_cells(matrix, rows, "XX")


def test_period_labels(record: Record) -> None:
    matrix = record.matrix()
    rows = report_year_mask(matrix, 2022)
    assert set(period_labels(matrix, "year")[rows]) == {2022}
    assert set(period_labels(matrix, "session")[rows]) == {76, 77}


def test_consensus_counts_come_from_complete_sources_only(record: Record) -> None:
    index = AdoptionIndex.of(record)
    assert consensus_for(index, Selection(report_year=2022)).count == 244
    assert consensus_for(index, Selection(report_year=2021)).count == 244
    year_2023 = consensus_for(index, Selection(report_year=2023))
    assert year_2023.count is None and year_2023.found == 249
    assert "A/RES/78/258" in str(year_2023.why)
    assert consensus_for(index, Selection(sessions=(77, 77))).count is not None
    assert consensus_for(index, Selection(report_year=2020)).count is None  # 74 incomplete
    assert consensus_for(index, Selection(report_year=2019)).count is None
    assert consensus_for(index, Selection()).count is None  # no period
    assert consensus_for(index, Selection(report_year=2022, issue="hr")).count is None
    assert given(250).document() == {"count": 250, "source": "given", "found": None, "why": None}
    with pytest.raises(ValueError, match="negative"):
        given(-1)


def test_masks_are_boolean_rows(record: Record) -> None:
    mask = roll_call_mask(record, Selection(report_year=2023))
    assert mask.dtype == np.bool_ and mask.shape == (record.matrix().shape[0],)


@pytest.mark.parametrize(
    "selection",
    [
        Selection(report_year=2030),
        Selection(sessions=(120, 120)),
        Selection(since=dt.date(2030, 1, 1)),
        Selection(until=dt.date(1940, 1, 1)),
        Selection(until=dt.date(1945, 12, 31)),  # before the first session opened
    ],
)
def test_periods_outside_the_record_have_no_consensus_count(
    record: Record, selection: Selection
) -> None:
    index = AdoptionIndex.of(record)
    after = Selection(since=index.last_day + dt.timedelta(days=1))  # after its last vote
    for chosen in (selection, after):
        count = consensus_for(index, chosen)
        assert count.count is None and count.source == "record"  # never a guessed 0
        assert str(count.why).startswith("the period lies outside the record")
