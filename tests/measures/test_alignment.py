"""The align documents on the real record: pairs, groups, the report's table, trends."""

from __future__ import annotations

import datetime as dt

import pytest

from whipcount.errors import NotFoundError
from whipcount.measures import alignment
from whipcount.measures.alignment import align_all, align_group, align_pair, align_trend
from whipcount.measures.consensus import given
from whipcount.measures.selection import Selection
from whipcount.record.members import directory
from whipcount.record.reader import Record

pytestmark = pytest.mark.slow
FIELDS = {
    "a": str,
    "b": str,
    "roll_calls": int,
    "identical": int,
    "opposite": int,
    "abstentions": int,
    "absences": int,
    "coincidence_votes_only": float,
    "coincidence_with_consensus": float,
    "agreement": float,
    "s_score": float,
    "kappa": float,
}


def test_pair_document(record: Record) -> None:
    document = align_pair(record, "United States", "CHN", selection=Selection(report_year=2022))
    for field, kind in FIELDS.items():
        assert isinstance(document[field], kind), field
    assert (document["a"], document["b"], document["roll_calls"]) == ("USA", "CHN", 89)
    total = sum(document[k] for k in ("identical", "opposite", "abstentions", "absences"))
    assert total == 89 and document["formula"] == "state-2022"
    assert document["consensus"]["count"] == 244
    # the 2022 report prints China: same 14, opposite 54, partial 20, absent 1, 28 %
    assert round(100 * document["coincidence"]) == 28
    assert document["votes_only_roll_calls"] == 68 and document["agreement_roll_calls"] == 88


def test_pair_is_symmetric_and_a_state_agrees_with_itself(record: Record) -> None:
    selection = Selection(sessions=(70, 79))
    forward = align_pair(record, "FRA", "RUS", selection=selection)
    backward = align_pair(record, "RUS", "FRA", selection=selection)
    for key in ("coincidence_votes_only", "agreement", "s_score", "kappa", "roll_calls"):
        assert forward[key] == backward[key]
    itself = align_pair(record, "FRA", "FRA", selection=selection)
    assert itself["agreement"] == itself["coincidence_votes_only"] == itself["kappa"] == 1.0


def test_consensus_given_or_unknown(record: Record) -> None:
    unknown = align_pair(record, "USA", "GBR", selection=Selection(report_year=2023))
    assert unknown["coincidence_with_consensus"] is None
    assert "A/RES/78/258" in unknown["consensus"]["why"]
    stated = align_pair(record, "USA", "GBR", selection=Selection(report_year=2023), consensus=250)
    assert stated["consensus"]["source"] == "given" and stated["coincidence_with_consensus"] > 0.8


def test_group_against_a_state(record: Record) -> None:
    document = align_group(record, "USA", "eu", selection=Selection(report_year=2022))
    assert document["b"] == "EU" and document["group_members"] == 27
    assert document["roll_calls"] == 27 * 89
    # pooled: every member-vote counts once, the consensus count once per member
    table = align_all(record, "USA", selection=Selection(report_year=2022))
    eu = set(directory().bloc_members_on("EU", dt.date(2022, 6, 1)))
    members = [r for r in table["rows"] if r["code"] in eu]
    assert len(members) == 27
    mean = sum(r["coincidence_with_consensus"] for r in members) / len(members)
    assert document["coincidence_with_consensus"] == pytest.approx(mean, abs=1e-5)
    nato = align_group(record, "USA", "NATO", selection=Selection(report_year=2022))
    assert nato["group_members"] == 29  # the US itself is left out
    with pytest.raises(NotFoundError):
        align_group(record, "USA", "NOPE")


def test_the_reports_table_for_one_session_from_warm_caches(record: Record) -> None:
    selection = Selection(sessions=(78, 78))
    first = align_all(record, selection=selection)  # warm the matrix and adoption caches
    document = align_all(record, selection=selection)  # speed: benchmarks/run.py (200 ms)
    assert document == first
    assert len(document["rows"]) == 192 and document["a"] == "USA"
    assert document["columns"] == ["same", "opposite", "partial", "absent"]


def test_table_rows_agree_with_pairs(record: Record) -> None:
    selection = Selection(report_year=2022)
    table = align_all(record, "USA", selection=selection)
    china = next(r for r in table["rows"] if r["code"] == "CHN")
    pair = align_pair(record, "USA", "CHN", selection=selection, formula="state-2022")
    for key in ("coincidence", "coincidence_with_consensus", "agreement", "s_score", "kappa"):
        assert china[key] == pair[key]
    assert (china["same"], china["opposite"], china["partial"], china["absent"]) == (14, 54, 20, 1)
    assert china["coincidence_pct"] == 28 and china["with_consensus_pct"] == 81


def test_trend_by_year(record: Record) -> None:
    document = align_trend(
        record, "USA", "CHN", by="year", selection=Selection(sessions=(75, 78), final_only=True)
    )
    years = [r["year"] for r in document["rows"]]
    assert years == sorted(years) and {2021, 2022} <= set(years)
    by_year = {r["year"]: r for r in document["rows"]}
    assert by_year[2022]["consensus"]["count"] == 244
    assert by_year[2023]["coincidence_with_consensus"] is None
    group = align_trend(record, "USA", group="EU", by="session")
    assert group["b"] == "EU" and group["rows"][0]["session"] >= 1
    with pytest.raises(ValueError, match="either"):
        align_trend(record, "USA", by="year")


def test_a_pair_trend_credits_the_full_consensus_count(
    record: Record, monkeypatch: pytest.MonkeyPatch
) -> None:
    # South Sudan joined on 14 July 2011: in 2011 it was a member on part of the US's
    # roll calls only; the pair is still credited the whole count, as align_pair does
    monkeypatch.setattr(alignment, "consensus_for", lambda index, selection: given(100))
    year = Selection(since=dt.date(2011, 1, 1), until=dt.date(2011, 12, 31))
    trend = align_trend(record, "USA", "SSD", by="year", selection=year)
    pair = align_pair(record, "USA", "SSD", selection=year, consensus=100)
    (row,) = trend["rows"]
    assert row["year"] == 2011 and row["roll_calls"] == pair["roll_calls"] > 0
    assert row["coincidence_with_consensus"] == pair["coincidence_with_consensus"]
    # a group's count is still scaled by its size (C·k)
    group = align_trend(record, "USA", group="EU", by="year", selection=year)
    single = align_group(record, "USA", "EU", selection=year, consensus=100)
    assert group["rows"][0]["coincidence_with_consensus"] == single["coincidence_with_consensus"]


def test_trends_leave_out_empty_periods_and_mark_the_partial_one(record: Record) -> None:
    eu = align_trend(record, "USA", group="EU", by="year")
    years = [r["year"] for r in eu["rows"]]
    assert years[0] == 1958 and 1964 not in years  # no EEC before 1958, no votes in 1964
    assert all(r["roll_calls"] > 0 for r in eu["rows"])
    last_vote = record.matrix().roll_calls["date"].max()
    assert [r["year"] for r in eu["rows"] if r["partial_period"]] == [int(last_vote[:4])]
    assert (
        eu["note"] == f"year {last_vote[:4]} is partial: the record's last vote is on {last_vote}"
    )
    closed = align_trend(record, "USA", "CHN", by="session", selection=Selection(sessions=(76, 77)))
    assert not any(r["partial_period"] for r in closed["rows"]) and closed["note"] is None
    joined = align_trend(record, "USA", "SSD", by="year", selection=Selection(sessions=(60, 70)))
    assert joined["rows"][0]["year"] == 2011  # South Sudan's first year


def test_empty_results_say_why(record: Record) -> None:
    before = align_pair(record, "SSD", "USA", selection=Selection(sessions=(60, 60)))
    assert before["roll_calls"] == 0 and before["note"] == "SSD was not a member in this selection"
    future = Selection(since=dt.date(2030, 1, 1))
    assert align_pair(record, "USA", "CHN", selection=future)["note"] == "no roll calls selected"
    table = align_all(record, selection=Selection(report_year=2030))
    assert table["rows"] == [] and table["note"] == "no roll calls selected"
    assert table["consensus"]["count"] is None  # not a guessed 0
    eu = align_group(record, "USA", "EU", selection=Selection(sessions=(1, 1)))
    assert eu["note"] == "no member of EU shared a roll call with USA in this selection"
    trend = align_trend(record, "SSD", "USA", by="year", selection=Selection(sessions=(60, 60)))
    assert trend["rows"] == [] and trend["note"] == "SSD was not a member in this selection"
    counted = align_pair(record, "USA", "CHN", selection=Selection(report_year=2022))
    assert counted["note"] is None
