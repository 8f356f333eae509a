"""The tally check, series linking and date cut-offs on the real record."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from whipcount.record.matrix import load_matrix
from whipcount.record.reader import Record
from whipcount.record.series import link_series, normalize_title, slug
from whipcount.record.tally_check import to_markdown


def test_tally_check(record: Record) -> None:
    document = record.tally_check()
    assert document["published"]["match_rate"] > 0.99
    by_source = {s["source"]: s for s in document["by_source"]}
    assert by_source["unxml"]["match_rate"] > 0.99
    assert by_source["undl_scrape"]["matched"] == by_source["undl_scrape"]["roll_calls"]
    cuba_1992 = next(e for e in document["exceptions"] if e["roll_call"] == "A/RES/47/19")
    assert (cuba_1992["published"], cuba_1992["counted"]) == ("59-3-71", "58-3-71")
    page = to_markdown(document, "whipcount record tally-check")
    assert "## Why the rest differ" in page and "| A/RES/47/19 |" in page


def test_series_ids_survive_relinking(record_path: Path, tmp_path: Path) -> None:
    copy = tmp_path / "copy.sqlite"
    copy.write_bytes(record_path.read_bytes())
    db = sqlite3.connect(copy)
    before = dict(db.execute("SELECT rc, series_id FROM series_members").fetchall())
    link_series(db)
    after = dict(db.execute("SELECT rc, series_id FROM series_members").fetchall())
    assert before == after


def test_series_exclude_separate_votes(record_path: Path) -> None:
    db = sqlite3.connect(f"file:{record_path}?mode=ro", uri=True)
    separate = db.execute(
        "SELECT COUNT(*) FROM series_members sm JOIN roll_calls r ON r.rc = sm.rc WHERE r.final = 0"
    ).fetchone()[0]
    twice = db.execute(
        "SELECT COUNT(*) FROM (SELECT series_id, session FROM series_members "
        "GROUP BY 1, 2 HAVING COUNT(*) > 1)"
    ).fetchone()[0]
    assert separate == 0 and twice == 0


def test_normalize_title_examples() -> None:
    assert normalize_title("… imposed by the Unites States of America against Cuba") == (
        normalize_title("… imposed by the United States against Cuba")
    )
    assert normalize_title(None) == ""
    assert slug("Situation of human rights in Cuba") == "situation-human-rights-cuba"


@given(st.text())
def test_normalize_title_is_idempotent(title: str) -> None:
    once = normalize_title(title)
    assert normalize_title(once) == once


def test_date_cut_offs_fall_back_to_the_session(record_path: Path) -> None:
    matrix = load_matrix(record_path)
    cut = dt.date(1992, 12, 1)
    before = matrix.roll_calls[matrix.before(cut)]
    # the 1992 Cuba vote has an exact date (24 November) and counts; Voeten's approximate
    # session-47 dates do not, as the session ran into 1993
    assert "A/RES/47/19" in set(before["id"])
    approximate_47 = matrix.roll_calls[
        (matrix.roll_calls["session"] == 47)
        & (matrix.roll_calls["date_precision"] == "approximate")
    ]
    assert not approximate_47.empty
    assert not set(approximate_47["id"]) & set(before["id"])
    assert not (matrix.before(cut) & matrix.since(cut)).any()
