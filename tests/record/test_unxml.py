"""The UN's machine-readable resolutions (JSON lines), with files the tests write."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.record.undl_files import unxml_entry, write_unxml
from whipcount.errors import DuplicateRollCallError, SourceFormatError, UnknownCountryError
from whipcount.record.members import directory
from whipcount.record.sources.unxml import parse_un_date, read_unxml

YES = ["CUBA", "MEXICO", "TÜRKİYE"]


def test_reads_votes_adoptions_and_merges_identical_copies(tmp_path: Path) -> None:
    consensus = unxml_entry("A/RES/81/2", [], [], [])
    consensus["adoption_type"] = "Without a vote"
    copy = unxml_entry("A/RES/81/1", ["CUBA", "MEXICO", "TÜRKÝYE"], ["UNITED STATES"], [])
    copy["additional_sponsors"] = ["MEXICO"]
    path = write_unxml(
        tmp_path / "81.json",
        [unxml_entry("A/RES/81/1", YES, ["UNITED STATES"], []), consensus, copy],
    )
    batch = read_unxml(path, directory())
    assert list(batch.roll_calls["key"]) == ["A/RES/81/1"]
    row = batch.roll_calls.iloc[0]
    assert json.loads(row["sponsors"]) == ["CUB", "MEX"]  # member codes
    assert (row["yes"], row["no"], row["abstain"]) == (3, 1, 0)
    assert row["session"] == 81 and row["agenda_item"] == "40"
    assert list(batch.adoptions["symbol"]) == ["A/RES/81/2"]
    votes = batch.votes.set_index("member")["vote"]
    assert votes["TUR"] == 1 and votes["USA"] == 3 and votes["FRA"] == 8


def test_duplicate_with_different_votes(tmp_path: Path) -> None:
    path = write_unxml(
        tmp_path / "81.json",
        [
            unxml_entry("A/RES/81/1", YES, ["UNITED STATES"], []),
            unxml_entry("A/RES/81/1", YES, [], ["UNITED STATES"]),
        ],
    )
    with pytest.raises(DuplicateRollCallError, match=r"81\.json, row 2: A/RES/81/1 appears again"):
        read_unxml(path, directory())


def test_unknown_member_name(tmp_path: Path) -> None:
    path = write_unxml(
        tmp_path / "81.json",
        [
            unxml_entry("A/RES/81/1", YES, ["UNITED STATES"], []),
            unxml_entry("A/RES/81/3", ["FREEDONIA"], [], []),
        ],
    )
    with pytest.raises(UnknownCountryError, match=r"row 2: .*'FREEDONIA'"):
        read_unxml(path, directory())


def test_member_under_two_votes(tmp_path: Path) -> None:
    path = write_unxml(tmp_path / "81.json", [unxml_entry("A/RES/81/1", YES, ["CUBA"], [])])
    with pytest.raises(SourceFormatError, match="CUBA is listed under two different votes"):
        read_unxml(path, directory())


def test_truncated_line(tmp_path: Path) -> None:
    path = write_unxml(tmp_path / "81.json", [unxml_entry("A/RES/81/1", YES, [], [])])
    text = path.read_text()
    path.write_text(text + text[: len(text) // 2])
    with pytest.raises(SourceFormatError, match=r"row 2: invalid JSON"):
        read_unxml(path, directory())


def test_dates() -> None:
    assert str(parse_un_date("22\xa0September 2024").date()) == "2024-09-22"
    assert str(parse_un_date("2019-10-10 00:00:00").date()) == "2019-10-10"
    with pytest.raises(ValueError, match="Septembre"):
        parse_un_date("22 Septembre 2024")
