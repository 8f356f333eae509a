"""Incremental, idempotent and atomic imports, on copies of the shared files."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from whipcount.errors import SourceFormatError
from whipcount.record.importer import import_sources
from whipcount.record.reader import Record
from whipcount.record.reconcile import Merger


def _counts(record: Path) -> tuple[int, int, int]:
    db = sqlite3.connect(record)
    row = db.execute(
        "SELECT (SELECT COUNT(*) FROM roll_calls), (SELECT COUNT(*) FROM votes), "
        "(SELECT COUNT(*) FROM imports)"
    ).fetchone()
    return int(row[0]), int(row[1]), int(row[2])


def test_a_newer_file_adds_only_its_votes(tmp_path: Path, raw: Path) -> None:
    extract = raw / "unxml_garesolutions" / "data_extract"
    folder = tmp_path / "incoming"
    folder.mkdir()
    shutil.copy(extract / "78.json", folder)
    record = tmp_path / "record.sqlite"
    first = import_sources(record, [folder])
    assert first.roll_calls_added == 85
    shutil.copy(extract / "79.json", folder)  # next year's file arrives
    second = import_sources(record, [folder])
    statuses = {Path(u.path).name: u.status for u in second.units}
    # the typed totals of the Cuba vote apply once its roll call (A/RES/79/7) is there
    assert statuses == {
        "78.json": "unchanged",
        "79.json": "imported",
        "published_totals.csv": "imported",
    }
    assert second.roll_calls_added == 113
    with Record(record) as rec:
        assert rec.votes("A/RES/79/7")["counted"]["yes"] == 187
        assert [
            i["session"]
            for i in rec.series_show(rec.series_find("embargo cuba")[0]["id"])["instances"]
        ] == [78, 79]


def test_a_failure_mid_import_leaves_the_record_intact(
    tmp_path: Path, raw: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    extract = raw / "unxml_garesolutions" / "data_extract"
    record = tmp_path / "record.sqlite"
    import_sources(record, [extract / "78.json"])
    before = _counts(record)

    def crash(*args: object, **kwargs: object) -> None:
        raise RuntimeError("power cut")

    monkeypatch.setattr(Merger, "_merge_votes", crash)
    with pytest.raises(RuntimeError, match="power cut"):
        import_sources(record, [extract / "79.json"])
    assert _counts(record) == before
    monkeypatch.undo()
    assert import_sources(record, [extract / "79.json"]).roll_calls_added == 113


def test_a_bad_file_in_a_run_keeps_the_good_ones(tmp_path: Path, raw: Path) -> None:
    folder = tmp_path / "incoming"
    folder.mkdir()
    shutil.copy(raw / "unxml_garesolutions" / "data_extract" / "ES-11.json", folder)
    bad = folder / "80.json"
    bad.write_text('{"symbol": "A/RES/80/1", "title": "x", "MS_in_favour": [')
    record = tmp_path / "record.sqlite"
    with pytest.raises(SourceFormatError, match=r"80\.json, row 1: invalid JSON") as raised:
        import_sources(record, [folder])
    report = raised.value.report
    assert {Path(u.path).name: u.status for u in report.units} == {  # type: ignore[attr-defined]
        "80.json": "failed",
        "ES-11.json": "imported",
    }  # no Cuba vote: no typed totals
    with Record(record) as rec:  # ES-11 was imported, the bad file refused whole
        assert rec.roll_call("A/RES/ES-11/1")["session_kind"] == "emergency"
        assert all(i["path"].endswith("ES-11.json") for i in rec.status()["imports"])


def test_a_damaged_r_file(tmp_path: Path, raw: Path) -> None:
    damaged = tmp_path / "UNVotesPublished.RData"
    damaged.write_bytes((raw / "dgrtwo_unvotes" / "UNVotesPublished.RData").read_bytes()[:5000])
    with pytest.raises(SourceFormatError, match="not a readable R data file"):
        import_sources(tmp_path / "r.sqlite", [damaged])


def test_not_a_record(tmp_path: Path) -> None:
    from whipcount.errors import RecordSchemaError

    other = tmp_path / "other.sqlite"
    sqlite3.connect(other).execute("CREATE TABLE x (y)")
    with pytest.raises(RecordSchemaError, match="not a whipcount record"):
        Record(other)


def test_source_errors_survive_pickling() -> None:
    import pickle

    from whipcount.errors import UnknownCountryError

    error = UnknownCountryError("unknown country", path=Path("x.csv"), row=7, value="Atlantis")
    copy = pickle.loads(pickle.dumps(error))
    assert type(copy) is UnknownCountryError
    assert (copy.path, copy.row, copy.value, str(copy)) == (
        Path("x.csv"),
        7,
        "Atlantis",
        str(error),
    )


def test_a_run_that_dies_before_finishing_is_finished_by_the_next(
    tmp_path: Path, raw: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    extract = raw / "unxml_garesolutions" / "data_extract"
    record = tmp_path / "record.sqlite"
    import_sources(record, [extract / "78.json"])

    def crash(*args: object) -> int:
        raise RuntimeError("killed while relinking")

    monkeypatch.setattr("whipcount.record.importer.link_series", crash)
    with pytest.raises(RuntimeError, match="killed while relinking"):
        import_sources(record, [extract / "79.json"])
    monkeypatch.undo()
    again = import_sources(record, [extract / "79.json"])  # nothing new to read, yet finished
    assert [u.status for u in again.units if u.source == "unxml"] == ["unchanged"]
    with Record(record) as rec:
        cuba = rec.series_show(rec.series_find("cuba embargo")[0]["id"])
        assert [i["session"] for i in cuba["instances"]] == [78, 79]


def test_a_reader_crash_refuses_the_file(
    tmp_path: Path, raw: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from whipcount.record.sources import unxml

    def broken(*args: object) -> None:
        raise KeyError("surprise")

    monkeypatch.setattr(unxml, "_load_lines", broken)
    with pytest.raises(SourceFormatError, match=r"ES-11\.json: cannot read the file \(KeyError"):
        import_sources(
            tmp_path / "r.sqlite", [raw / "unxml_garesolutions" / "data_extract" / "ES-11.json"]
        )


def test_official_csv_meets_voeten_for_an_old_resolution(record_path: Path, tmp_path: Path) -> None:
    """The UN writes A/RES/3379(XXX) where Voeten writes R/30/3379, dated approximately."""
    from tests.record.undl_files import undl_row, write_undl_csv

    copy = tmp_path / "copy.sqlite"
    copy.write_bytes(record_path.read_bytes())
    with Record(copy) as rec:
        votes = rec.votes("R/30/3379")["votes"]
    code = {"yes": "Y", "no": "N", "abstain": "A", "absent": "X"}
    rows = [
        undl_row(
            "A/RES/3379(XXX)",
            v["member"],
            v["name"],
            code[v["vote"]],
            date="1975-11-10",
            session="30",
            totals=(72, 35, 32, 4),
        )
        for v in votes
    ]
    report = import_sources(copy, [write_undl_csv(tmp_path / "ga_voting.csv", rows)])
    assert report.roll_calls_added == 0 and report.votes_added == 0
    with Record(copy) as rec:
        document = rec.roll_call("R/30/3379")
        assert (document["date"], document["date_precision"]) == ("1975-11-10", "day")
        assert document["published_totals"]["source"] == "undl_csv"
