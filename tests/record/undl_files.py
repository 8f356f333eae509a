"""Writers of small source files in the formats whipcount reads, for tests."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from whipcount.record.sources.undl_csv import COLUMNS as UNDL_COLUMNS


def undl_row(
    resolution: str,
    code: str,
    name: str,
    vote: str,
    *,
    date: str = "2026-10-29",
    session: str = "81",
    title: str = "A test resolution",
    note: str = "",
    totals: tuple[int, int, int, int] = (2, 1, 1, 1),
    undl_id: str = "999001",
) -> dict[str, str]:
    return {
        "undl_id": undl_id,
        "ms_code": code,
        "ms_name": name,
        "ms_vote": vote,
        "date": date,
        "session": session,
        "resolution": resolution,
        "draft": "A/81/L.1",
        "committee_report": "",
        "meeting": "A/81/PV.30",
        "title": title,
        "agenda_title": "Test agenda",
        "subjects": "TESTING|VOTING",
        "vote_note": note,
        "total_yes": str(totals[0]),
        "total_no": str(totals[1]),
        "total_abstentions": str(totals[2]),
        "total_non_voting": str(totals[3]),
        "total_ms": "193",
        "undl_link": f"https://digitallibrary.un.org/record/{undl_id}",
    }


def write_undl_csv(path: Path, rows: list[dict[str, str]]) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(UNDL_COLUMNS))
        writer.writeheader()
        writer.writerows(rows)
    return path


def sample_undl_rows() -> list[dict[str, str]]:
    """Two resolutions of a (future) 81st session: one with an Article 19 absence."""
    first = [
        undl_row("A/RES/81/1", "CUB", "CUBA", "Y"),
        undl_row("A/RES/81/1", "MEX", "MEXICO", "Y"),
        undl_row("A/RES/81/1", "USA", "UNITED STATES", "N"),
        undl_row("A/RES/81/1", "HUN", "HUNGARY", "A"),
        undl_row(
            "A/RES/81/1",
            "VEN",
            "VENEZUELA (BOLIVARIAN REPUBLIC OF)",
            "X",
            note="Loss of vote under Article 19 of the Charter",
        ),
    ]
    second = [
        undl_row(
            "A/RES/81/2",
            code,
            name,
            vote,
            title="Another test resolution",
            undl_id="999002",
            totals=(1, 1, 0, 0),
        )
        for code, name, vote in (("FRA", "FRANCE", "Y"), ("RUS", "RUSSIAN FEDERATION", "N"))
    ]
    return first + second


def write_unxml(path: Path, entries: list[dict[str, object]]) -> Path:
    path.write_text("".join(json.dumps(e) + "\n" for e in entries), encoding="utf-8")
    return path


def unxml_entry(
    symbol: str, yes: list[str], no: list[str], abstain: list[str], date: str = "5 November 2026"
) -> dict[str, object]:
    return {
        "symbol": symbol,
        "title": f"Title of {symbol}",
        "session": "Eighty-first session",
        "adoption_date": date,
        "originating_document": "A/81/L.9",
        "agenda_item": "Agenda item 40",
        "agenda_item_name": "Test item",
        "committee": "Without reference to a Main Committee",
        "adoption_type": "By a recorded vote",
        "pv": "A/81/PV.40",
        "MS_in_favour": yes,
        "MS_against": no,
        "MS_abstaining": abstain,
        "MS_in_favour_count": str(len(yes)),
        "MS_against_count": str(len(no)),
        "MS_abstaining_count": str(len(abstain)),
        "sponsors": ["CUBA"],
        "additional_sponsors": [],
        "SDGs": [],
        "subjects": [["TESTING", "UNBIS Thesaurus"]],
    }
