"""The official UN Digital Library CSV format, with files the tests write."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from tests.record.undl_files import sample_undl_rows, undl_row, write_undl_csv
from whipcount.errors import (
    DuplicateRollCallError,
    SourceFormatError,
    UnknownCountryError,
    VoteCodeError,
)
from whipcount.record.importer import import_sources
from whipcount.record.members import directory
from whipcount.record.reader import Record
from whipcount.record.sources.registry import detect
from whipcount.record.sources.undl_csv import read_undl_csv


def test_detected_and_read(tmp_path: Path) -> None:
    path = write_undl_csv(tmp_path / "2026_02_06_ga_voting.csv", sample_undl_rows())
    unit = detect(path)
    assert unit is not None and unit.source == "undl_csv"
    batch = read_undl_csv(path, directory())
    assert list(batch.roll_calls["symbol"]) == ["A/RES/81/1", "A/RES/81/2"]
    assert list(batch.roll_calls["key"]) == ["undl:999001", "undl:999002"]
    first = batch.roll_calls.iloc[0]
    assert (first["yes"], first["no"], first["abstain"], first["absent"]) == (2, 1, 1, 1)
    assert first["session"] == 81 and first["draft_symbol"] == "A/81/L.1"
    voted = batch.votes[batch.votes["vote"] != 8]
    assert len(voted) == 6
    ven = batch.votes[batch.votes["member"] == "VEN"].iloc[0]
    assert ven["vote"] == 8 and "Article 19" in ven["reason"]
    # every other member of the day is absent; as the listed votes reproduce the file's
    # own totals, the list is complete and those absences count as stated
    first_votes = batch.votes[batch.votes["key"] == "undl:999001"]
    assert len(first_votes) == len(directory().members_on(first["date"].date()))
    assert first_votes["explicit"].all()


def test_imported_into_a_record(tmp_path: Path) -> None:
    path = write_undl_csv(tmp_path / "votes.csv", sample_undl_rows())
    record = tmp_path / "record.sqlite"
    report = import_sources(record, [path])
    assert report.roll_calls_added == 2
    with Record(record) as rec:
        document = rec.votes("A/RES/81/1")
        assert document["counted"] == {"yes": 2, "no": 1, "abstain": 1, "absent": 189}
        assert document["published_totals"]["source"] == "undl_csv"
        by_member = {v["member"]: v for v in document["votes"]}
        assert by_member["USA"]["vote"] == "no"
        assert by_member["VEN"]["reason"] == "Loss of vote under Article 19 of the Charter"
    again = import_sources(record, [path])
    assert [u.status for u in again.units] == ["unchanged"]
    assert again.roll_calls_added == 0


def _unchanged_after(record: Path, bad: Path, error: type[Exception], match: str) -> None:
    before = (
        sqlite3.connect(record)
        .execute("SELECT (SELECT COUNT(*) FROM votes), (SELECT COUNT(*) FROM imports)")
        .fetchone()
    )
    with pytest.raises(error, match=match):
        import_sources(record, [bad])
    after = (
        sqlite3.connect(record)
        .execute("SELECT (SELECT COUNT(*) FROM votes), (SELECT COUNT(*) FROM imports)")
        .fetchone()
    )
    assert before == after


@pytest.fixture
def small_record(tmp_path: Path) -> Path:
    record = tmp_path / "record.sqlite"
    import_sources(record, [write_undl_csv(tmp_path / "good.csv", sample_undl_rows())])
    return record


def test_unknown_country_names_file_row_and_value(tmp_path: Path, small_record: Path) -> None:
    rows = [*sample_undl_rows(), undl_row("A/RES/81/3", "XXX", "FREEDONIA", "Y")]
    bad = write_undl_csv(tmp_path / "bad.csv", rows)
    _unchanged_after(small_record, bad, UnknownCountryError, r"bad\.csv, row 9: .*'FREEDONIA'")


def test_vote_code_outside_the_coding(tmp_path: Path, small_record: Path) -> None:
    rows = sample_undl_rows()
    rows[2]["ms_vote"] = "Q"
    bad = write_undl_csv(tmp_path / "bad.csv", rows)
    _unchanged_after(small_record, bad, VoteCodeError, r"row 4: ms_vote outside .*'Q'")


def test_duplicate_roll_call_with_different_votes(tmp_path: Path, small_record: Path) -> None:
    rows = [*sample_undl_rows(), undl_row("A/RES/81/1", "USA", "UNITED STATES", "Y")]
    bad = write_undl_csv(tmp_path / "bad.csv", rows)
    _unchanged_after(small_record, bad, DuplicateRollCallError, r"USA has different votes")


def test_truncated_file(tmp_path: Path, small_record: Path) -> None:
    good = write_undl_csv(
        tmp_path / "whole.csv",
        [*sample_undl_rows(), undl_row("A/RES/81/3", "CUB", "CUBA", "Y", undl_id="3")],
    )
    text = good.read_text()
    bad = tmp_path / "truncated.csv"
    bad.write_text(text[: len(text) - 150])
    _unchanged_after(small_record, bad, SourceFormatError, r"truncated\.csv, row 9: expected 20")


def test_missing_columns(tmp_path: Path) -> None:
    bad = tmp_path / "ga_voting.csv"
    bad.write_text(
        "undl_id,ms_code,ms_name,ms_vote,date,session,resolution,draft,"
        "committee_report,meeting,title,agenda_title,subjects,vote_note,total_yes,"
        "total_no,total_abstentions,total_non_voting,total_ms\n"
    )
    with pytest.raises(SourceFormatError, match="not a source format"):
        import_sources(tmp_path / "r.sqlite", [bad])
