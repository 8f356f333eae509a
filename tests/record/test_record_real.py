"""The record built from every shared source (built once per session)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import numpy as np
import pandas as pd

from whipcount.record.importer import ImportReport, import_sources
from whipcount.record.matrix import build_matrix, load_matrix
from whipcount.record.reader import Record
from whipcount.settings import import_folders

CUBA_TOTALS = {  # session: (yes, no, abstain), from the UN's voting records
    47: (59, 3, 71),
    58: (179, 3, 2),
    70: (191, 2, 0),
    73: (189, 2, 0),
    74: (187, 3, 2),
    75: (184, 2, 3),
    77: (185, 2, 2),
    78: (187, 2, 1),
    79: (187, 2, 1),
}


def test_every_source_imported(built: tuple[Path, ImportReport]) -> None:
    _, report = built
    sources = {u.source for u in report.units}
    assert {
        "voeten_unvotes",
        "voeten_published",
        "voeten_descriptions",
        "voeten_wide",
        "unxml",
        "undl_scrape",
        "bsv",
        "published_totals",
    } <= sources
    assert all(u.status == "imported" for u in report.units)
    assert report.roll_calls_added > 6600


def test_status_document(record: Record) -> None:
    status = record.status()
    assert set(status) >= {
        "roll_calls",
        "votes",
        "members",
        "first_date",
        "last_date",
        "sessions",
        "imports",
    }
    assert status["first_date"] == "1946-01-01"
    assert status["last_date"].startswith("2025")
    assert status["sessions"][0] == 1 and 79 in status["sessions"]
    assert status["members"] >= 200
    assert status["votes"] > 1_000_000


def test_reimport_adds_nothing(record_path: Path, raw: Path, tmp_path: Path) -> None:
    copy = tmp_path / "copy.sqlite"
    copy.write_bytes(record_path.read_bytes())
    report = import_sources(copy, import_folders(raw))
    assert report.roll_calls_added == 0 and report.votes_added == 0
    assert {u.status for u in report.units} == {"unchanged"}


def test_cuba_series(record: Record) -> None:
    found = record.series_find("cuba embargo")
    assert found[0]["title"].startswith(
        "Necessity of ending the economic, commercial and financial"
    )
    series = record.series_show(found[0]["id"])
    instances = series["instances"]
    years = [int(i["date"][:4]) for i in instances]
    assert years == [*range(1992, 2020), 2021, 2022, 2023, 2024]
    by_session = {i["session"]: i for i in instances}
    for session, (yes, no, abstain) in CUBA_TOTALS.items():
        published = by_session[session]["published_totals"]
        assert (published["yes"], published["no"], published["abstain"]) == (yes, no, abstain)
    for session in (73, 74, 75, 77, 78, 79):  # official per-member votes reproduce the totals
        totals = by_session[session]["totals"]
        assert (totals["yes"], totals["no"], totals["abstain"]) == CUBA_TOTALS[session]
    first = by_session[47]
    assert first["date"] == "1992-11-24" and first["date_precision"] == "day"


def test_cuba_2018_from_the_retyped_row(record: Record) -> None:
    document = record.votes("A/RES/73/8")
    votes = {v["member"]: v["vote"] for v in document["votes"]}
    assert votes["USA"] == votes["ISR"] == "no"
    assert votes["MDA"] == votes["UKR"] == "absent"
    assert document["counted"] == {"yes": 189, "no": 2, "abstain": 0, "absent": 2}


def test_roll_call_lookup_by_key_and_symbol(record: Record) -> None:
    assert record.roll_call("rcid:3670")["symbol"] == "A/RES/47/19"
    assert record.roll_call("R/47/19")["id"] == "A/RES/47/19"
    document = record.roll_call("A/RES/78/7")
    assert {s["source"] for s in document["sources"]} >= {"unxml", "voeten_wide"}


def test_conflicts_are_reported(record: Record) -> None:
    # Voeten's 2024 file has 185 yes on the 2023 Cuba vote where the UN has 187
    rows = record.conflicts(roll_call="A/RES/78/7")
    assert {r["kind"] for r in rows} >= {"vote"}
    assert all(r["kept_source"] == "unxml" for r in rows if r["kind"] == "vote")


def test_no_votes_from_non_members(record_path: Path) -> None:
    db = sqlite3.connect(record_path)
    ussr_after = db.execute(
        "SELECT COUNT(*) FROM votes v JOIN roll_calls r ON r.rc = v.rc "
        "WHERE v.member = 'SUN' AND r.date > '1992-01-01'"
    ).fetchone()[0]
    russia_before = db.execute(
        "SELECT COUNT(*) FROM votes v JOIN roll_calls r ON r.rc = v.rc "
        "WHERE v.member = 'RUS' AND r.date < '1991-12-01'"
    ).fetchone()[0]
    assert ussr_after == 0 and russia_before == 0


def test_matrix_matches_votes_table(record_path: Path) -> None:
    matrix = load_matrix(record_path)
    assert matrix.votes.dtype == np.int8
    assert matrix is load_matrix(record_path)  # cached in process
    db = sqlite3.connect(f"file:{record_path}?mode=ro", uri=True)
    rebuilt = build_matrix(db)
    assert np.array_equal(rebuilt.votes, matrix.votes)
    counts = pd.Series(matrix.votes[matrix.votes > 0]).value_counts()
    assert counts.sum() == db.execute("SELECT COUNT(*) FROM votes").fetchone()[0]
    row = matrix.row("A/RES/73/8")
    assert matrix.votes[row, matrix.column("USA")] == 3
    assert matrix.tally().loc["A/RES/73/8", "yes"] == 189


def test_state_department_lists(record: Record) -> None:
    assert record.roll_call("A/RES/77/228")["important_vote"] is True
    assert record.roll_call("A/RES/77/7")["important_vote"] is None  # the Cuba vote: not listed
    misprints = record.conflicts(roll_call="A/RES/77/228")
    assert {(c["member"], c["kept_value"], c["other_value"]) for c in misprints} == {
        ("USA", "yes", "no")
    }


def test_documented_absences_have_reasons(record: Record) -> None:
    votes = {v["member"]: v for v in record.votes("A/RES/77/7")["votes"]}
    assert votes["VEN"]["vote"] == "absent" and "Article 19" in votes["VEN"]["reason"]
    south_africa = record.country("ZAF", sessions=(35, 35))["votes"]
    assert south_africa and all(v["vote"] == "absent" for v in south_africa)
    assert all("credentials" in v["reason"] for v in south_africa)


def test_referential_integrity(record_path: Path) -> None:
    db = sqlite3.connect(f"file:{record_path}?mode=ro", uri=True)
    assert db.execute("PRAGMA foreign_key_check").fetchall() == []
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
