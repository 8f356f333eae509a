"""The wide formats (Voeten 2024, UN Digital Library scrapes) with files the tests write."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from whipcount.errors import SourceFormatError, VoteCodeError
from whipcount.record.members import directory
from whipcount.record.sources.registry import detect
from whipcount.record.sources.undl_scrape import read_undl_scrape
from whipcount.record.sources.voeten_wide import read_voeten_wide

WIDE_HEADER = "rcid,date,me,nu,di,hr,co,ec,CUB,USA,RUS,YEM\n"


def _wide(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "ungaVoting.csv.gz"
    with gzip.open(path, "wt") as handle:
        handle.write(WIDE_HEADER + body)
    return path


def test_voeten_wide(tmp_path: Path) -> None:
    path = _wide(
        tmp_path,
        "9500,2024-10-30,FALSE,FALSE,FALSE,FALSE,FALSE,TRUE,1,3,2,8\n"
        "100,1980-11-05,TRUE,FALSE,FALSE,FALSE,FALSE,FALSE,1,3,1,9\n",
    )
    assert detect(path) is not None
    batch = read_voeten_wide(path, directory())
    assert list(batch.roll_calls["key"]) == ["rcid:9500", "rcid:100"]
    assert list(batch.roll_calls["date_precision"]) == ["day", "approximate"]
    votes = {
        (k, m): v for k, m, v in batch.votes[["key", "member", "vote"]].itertuples(index=False)
    }
    assert votes[("rcid:100", "SUN")] == 1  # the RUS column before 1991 is the USSR
    # YEM's "not a member" in 1980 says nothing about the Yemen Arab Republic
    assert ("rcid:100", "YAR") not in votes and ("rcid:100", "YEM") not in votes
    assert votes[("rcid:9500", "YEM")] == 8


def test_voeten_wide_bad_code(tmp_path: Path) -> None:
    path = _wide(tmp_path, "9500,2024-10-30,FALSE,FALSE,FALSE,FALSE,FALSE,TRUE,1,3,7,8\n")
    with pytest.raises(VoteCodeError, match=r"row 2: vote code outside .* column RUS .*'7'"):
        read_voeten_wide(path, directory())


def test_voeten_wide_truncated_gzip(tmp_path: Path) -> None:
    path = _wide(tmp_path, "9500,2024-10-30,FALSE,FALSE,FALSE,FALSE,FALSE,TRUE,1,3,2,8\n" * 500)
    path.write_bytes(path.read_bytes()[:-30])
    with pytest.raises(SourceFormatError, match="cannot read the file"):
        read_voeten_wide(path, directory())


SCRAPE_HEADER = (
    "id,Council,Date,Title,Resolution,CUB,USA,ISR,FRA,"
    "TOTAL VOTES,NO-VOTE COUNT,ABSTAIN COUNT,NO COUNT,YES COUNT\n"
)


def test_undl_scrape(tmp_path: Path) -> None:
    path = tmp_path / "scrape.csv"
    path.write_text(
        SCRAPE_HEADER + "1,General Assembly,2026-11-05,Test : resolution / adopted by the General "
        "Assembly,A/RES/81/9,YES,NO,NO,,4,1,,2,1\n"
        + "2,Security Council,2026-11-06,SC test,S/RES/2800(2026),,,,YES,1,0,0,0,1\n"
    )
    batch = read_undl_scrape(path, directory())
    assert batch.notes == ["skipped 1 Security Council rows"]
    row = batch.roll_calls.iloc[0]
    assert row["title"] == "Test"
    assert (row["yes"], row["no"], row["abstain"], row["absent"]) == (1, 2, 0, 1)  # blank is 0
    votes = batch.votes.set_index("member")
    assert votes.loc["FRA", "vote"] == 8 and votes.loc["FRA", "explicit"]
    assert votes.loc["DEU", "vote"] == 8  # no column: absent by implication


def test_undl_scrape_bad_cell(tmp_path: Path) -> None:
    path = tmp_path / "scrape.csv"
    path.write_text(
        SCRAPE_HEADER + "1,General Assembly,2026-11-05,T,A/RES/81/9,YES,MAYBE,NO,,4,1,0,1,1\n"
    )
    with pytest.raises(VoteCodeError, match=r"row 2: .*column USA.*'MAYBE'"):
        read_undl_scrape(path, directory())
