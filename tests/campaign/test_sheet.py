"""The whip sheet: export, checked import, and the changes it makes (CSV and XLSX)."""

from __future__ import annotations

import copy
import csv
import datetime as dt
import tempfile
from pathlib import Path
from typing import Any

import openpyxl  # type: ignore[import-untyped]
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from whipcount.campaign.sheet import (
    COLUMNS,
    EDITABLE,
    Change,
    changes,
    export_sheet,
    read_sheet,
    row_edits,
)
from whipcount.errors import CampaignInputError

TODAY = dt.date(2025, 9, 12)


def member(iso3: str, name: str, *, version: int = 1, **extra: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "iso3": iso3,
        "name": name,
        "post": iso3,
        "version": version,
        "forecast": {"yes": 0.9712345, "no": 0.0, "abstain": 0.0187655, "absent": 0.01},
        "p_now": {"yes": 0.90, "no": 0.0, "abstain": 0.09, "absent": 0.01},
        "call": "yes",
        "position": None,
        "source": None,
        "reliability": None,
        "reported_on": None,
        "reporter": None,
        "note": "",
    }
    row.update(extra)
    return row


def make_board() -> dict[str, Any]:
    return {
        "campaign": "cuba-2025",
        "target": {"series": "S123", "session": 80, "title": "Necessity of ending the embargo"},
        "lobbyist": "USA",
        "goal": "fewer-yes",
        "goal_text": "fewer than 187 yes votes",
        "vote_date": "2025-10-29",
        "as_of": "2025-09-01",
        "p_goal": 0.62,
        "p_adopted": 1.0,
        "members": [
            member(
                "BRA",
                "Brazil",
                version=3,
                position="lean abstain",
                source="embassy",
                reliability=0.7,
                reported_on="2025-09-10",
                reporter="j.smith",
                note="Met the deputy minister; | pipes, and\nsecond line",
            ),
            member("CIV", "Côte d'Ivoire", note='=HYPERLINK("http://evil")'),
            member("ISR", "Israel", post="USA", note="-1 vote; +2 @team"),
            member("FRA", "France", note="<script>alert(1)</script>"),
        ],
    }


@pytest.fixture
def board() -> dict[str, Any]:
    return make_board()


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_round_trip_changes_nothing(board: dict[str, Any], tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"whip{suffix}"
    export_sheet(board, path)
    rows = read_sheet(path)
    assert [r.iso3 for r in rows] == ["BRA", "CIV", "ISR", "FRA"]
    assert [r.row for r in rows] == [2, 3, 4, 5]
    assert rows[0].version == 3
    assert rows[0].reported_on == dt.date(2025, 9, 10)
    assert rows[0].note == board["members"][0]["note"]
    assert rows[1].note == '=HYPERLINK("http://evil")'
    assert rows[2].post == "USA"
    assert changes(board, rows) == []
    assert row_edits(board, rows, today=TODAY) == []


def test_csv_is_utf8_with_bom_and_guards_formulas(board: dict[str, Any], tmp_path: Path) -> None:
    path = tmp_path / "whip.csv"
    export_sheet(board, path)
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    with path.open(encoding="utf-8-sig", newline="") as handle:
        table = list(csv.DictReader(handle))
    assert list(table[0]) == list(COLUMNS)
    assert table[1]["name"] == "Côte d'Ivoire"
    assert table[1]["note"].startswith("'=")
    assert table[2]["note"] == "'-1 vote; +2 @team"
    assert table[0]["forecast_yes"] == "0.9712"


def test_xlsx_is_formatted_for_people(board: dict[str, Any], tmp_path: Path) -> None:
    path = tmp_path / "whip.xlsx"
    export_sheet(board, path)
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["Whip sheet", "About"]
    sheet = book["Whip sheet"]
    header = [c.value for c in sheet[1]]
    assert header == list(COLUMNS)
    assert all(c.font.bold for c in sheet[1])
    assert sheet.freeze_panes == "C2"
    probability = sheet.cell(row=2, column=COLUMNS.index("p_yes") + 1)
    assert probability.value == pytest.approx(0.90)
    assert probability.number_format == "0.00"
    assert sheet.cell(row=2, column=COLUMNS.index("version") + 1).value == 3
    note = sheet.cell(row=3, column=COLUMNS.index("note") + 1)
    assert note.data_type == "s"  # a note that looks like a formula stays text
    assert sheet.column_dimensions["B"].width > 20
    about = [row[0] for row in book["About"].iter_rows(values_only=True)]
    assert "Campaign" in about
    assert any(row[1] == "cuba-2025" for row in book["About"].iter_rows(values_only=True))
    assert len(sheet.data_validations.dataValidation) == 2


def _edit_csv(path: Path, edits: dict[tuple[int, str], str]) -> None:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        table = list(csv.reader(handle))
    for (row, column), value in edits.items():
        table[row - 1][COLUMNS.index(column)] = value
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(table)


def _edit_xlsx(path: Path, edits: dict[tuple[int, str], object]) -> None:
    book = openpyxl.load_workbook(path)
    for (row, column), value in edits.items():
        book["Whip sheet"].cell(row=row, column=COLUMNS.index(column) + 1).value = value
    book.save(path)


def test_two_edited_csv_cells_are_two_changes(board: dict[str, Any], tmp_path: Path) -> None:
    path = tmp_path / "whip.csv"
    export_sheet(board, path)
    _edit_csv(path, {(2, "position"): "Lean-No", (4, "note"): "asked for the text"})
    found = changes(board, read_sheet(path))
    assert found == [
        Change("BRA", "position", "lean abstain", "lean no", 3, 2),
        Change("ISR", "note", "-1 vote; +2 @team", "asked for the text", 1, 4),
    ]


def test_two_edited_xlsx_cells_are_two_changes(board: dict[str, Any], tmp_path: Path) -> None:
    path = tmp_path / "whip.xlsx"
    export_sheet(board, path)
    _edit_xlsx(path, {(3, "post"): "fra", (5, "reported_on"): dt.date(2025, 9, 11)})
    found = changes(board, read_sheet(path))
    assert [(c.iso3, c.column, c.before, c.after, c.version) for c in found] == [
        ("CIV", "post", "CIV", "FRA", 1),
        ("FRA", "reported_on", None, dt.date(2025, 9, 11), 1),
    ]


def test_row_edits_make_reports_and_member_edits(board: dict[str, Any], tmp_path: Path) -> None:
    path = tmp_path / "whip.xlsx"
    export_sheet(board, path)
    _edit_xlsx(
        path,
        {
            (2, "reliability"): 0.9,  # BRA: same position, new reliability -> dated today
            (3, "position"): "abstain",
            (3, "reliability"): 0.5,
            (3, "reported_on"): dt.date(2025, 9, 5),
            (3, "source"): "mission",
            (4, "note"): "no longer a target",
        },
    )
    edits = {e.iso3: e for e in row_edits(board, read_sheet(path), today=TODAY)}
    assert set(edits) == {"BRA", "CIV", "ISR"}
    bra = edits["BRA"].report
    assert bra is not None
    assert (bra.position, bra.reliability, bra.reported_on) == ("lean abstain", 0.9, TODAY)
    assert (bra.source, bra.reporter) == ("embassy", "j.smith")
    assert edits["BRA"].version == 3
    civ = edits["CIV"].report
    assert civ is not None
    assert (civ.position, civ.source) == ("abstain", "mission")
    assert civ.reported_on == dt.date(2025, 9, 5)
    assert edits["ISR"].report is None
    assert edits["ISR"].note == "no longer a target"
    assert edits["ISR"].post is None
    assert len(edits["CIV"].changes) == 4


@pytest.mark.parametrize(
    ("edits", "message"),
    [
        ({(2, "position"): ""}, "column position: a changed assessment"),
        ({(3, "position"): "no"}, "column reliability: a changed assessment"),
    ],
)
def test_a_new_report_needs_position_and_reliability(
    board: dict[str, Any], tmp_path: Path, edits: dict[tuple[int, str], str], message: str
) -> None:
    path = tmp_path / "whip.csv"
    export_sheet(board, path)
    _edit_csv(path, edits)
    with pytest.raises(CampaignInputError, match=message):
        row_edits(board, read_sheet(path), today=TODAY)


def test_read_only_cells_are_refused_naming_the_cell(board: dict[str, Any], tmp_path: Path) -> None:
    path = tmp_path / "whip.csv"
    export_sheet(board, path)
    _edit_csv(path, {(3, "forecast_yes"): "0.5", (4, "note"): "fine"})
    rows = read_sheet(path)
    with pytest.raises(CampaignInputError, match=r"whip\.csv, row 3, column forecast_yes \(CIV\)"):
        changes(board, rows)
    assert [c.column for c in changes(board, rows, read_only="ignore")] == ["note"]
    moved = copy.deepcopy(board)
    moved["members"][1]["version"] = 2  # CIV changed since the export: the store decides
    assert changes(moved, rows) == [Change("ISR", "note", "-1 vote; +2 @team", "fine", 1, 4)]


def test_unknown_member_is_refused_and_missing_rows_are_untouched(
    board: dict[str, Any], tmp_path: Path
) -> None:
    path = tmp_path / "whip.csv"
    export_sheet(board, path)
    with path.open(encoding="utf-8-sig", newline="") as handle:
        table = list(csv.reader(handle))
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([table[0], table[2]])
    assert changes(board, read_sheet(path)) == []
    _edit_csv(path, {(2, "iso3"): "XYZ"})
    with pytest.raises(CampaignInputError, match=r"row 2: XYZ is not a member of campaign"):
        changes(board, read_sheet(path))


@pytest.mark.parametrize(
    ("edits", "message"),
    [
        ({(2, "reliability"): "1.5"}, r"row 2, column reliability: '1.5' is not a reliability"),
        ({(3, "position"): "maybe"}, r"row 3, column position: 'maybe' is not a position"),
        ({(4, "iso3"): "BRA"}, r"row 4, column iso3: BRA appears twice \(first in row 2\)"),
        ({(5, "iso3"): " "}, r"row 5, column iso3: the member code is empty"),
        ({(2, "version"): "three"}, r"row 2, column version: 'three' is not a version"),
        ({(3, "reported_on"): "12/09/2025"}, r"row 3, column reported_on: .* YYYY-MM-DD"),
        ({(3, "post"): "Paris"}, r"row 3, column post: 'Paris' is not a three-letter"),
    ],
)
def test_bad_cells_name_file_row_and_column(
    board: dict[str, Any], tmp_path: Path, edits: dict[tuple[int, str], str], message: str
) -> None:
    path = tmp_path / "whip.csv"
    export_sheet(board, path)
    _edit_csv(path, edits)
    with pytest.raises(CampaignInputError, match=r"whip\.csv, " + message):
        read_sheet(path)


def test_bad_xlsx_cell_is_named_too(board: dict[str, Any], tmp_path: Path) -> None:
    path = tmp_path / "whip.xlsx"
    export_sheet(board, path)
    _edit_xlsx(path, {(5, "reliability"): -0.1})
    with pytest.raises(CampaignInputError, match=r"whip\.xlsx, row 5, column reliability"):
        read_sheet(path)


def test_missing_columns_are_named(board: dict[str, Any], tmp_path: Path) -> None:
    path = tmp_path / "whip.xlsx"
    export_sheet(board, path)
    book = openpyxl.load_workbook(path)
    book["Whip sheet"].delete_cols(COLUMNS.index("version") + 1)
    book["Whip sheet"].delete_cols(COLUMNS.index("reliability"))
    book.save(path)
    with pytest.raises(CampaignInputError, match=r"row 1: .* column\(s\) version, reliability"):
        read_sheet(path)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("whip.csv", b"", "the sheet is empty"),
        ("whip.xlsx", b"", "not an Excel workbook"),
        ("whip.xlsx", b"iso3,name\nBRA,Brazil\n", "not an Excel workbook"),
        ("whip.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "not a CSV text file"),
        ("whip.csv", b"hello world\n", r"lacks column\(s\) iso3, name"),
        ("whip.ods", b"", "a whip sheet is a .csv or .xlsx file"),
    ],
)
def test_not_a_whip_sheet(tmp_path: Path, name: str, content: bytes, message: str) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(CampaignInputError, match=message):
        read_sheet(path)


def test_missing_file_and_bad_export_suffix(board: dict[str, Any], tmp_path: Path) -> None:
    with pytest.raises(CampaignInputError, match="no such file"):
        read_sheet(tmp_path / "absent.csv")
    with pytest.raises(CampaignInputError, match=r"\.csv or \.xlsx"):
        export_sheet(board, tmp_path / "whip.txt")


def test_spreadsheet_program_csv_dialects_are_read(board: dict[str, Any], tmp_path: Path) -> None:
    """Semicolons, Windows-1252, CRLF, blank trailing rows and extra columns (as saved by
    a European spreadsheet program) read the same rows."""
    path = tmp_path / "whip.csv"
    export_sheet(board, path)
    with path.open(encoding="utf-8-sig", newline="") as handle:
        table = list(csv.reader(handle))
    table = [[*row, "comment"] for row in table] + [[""] * (len(COLUMNS) + 1)]
    table[1][COLUMNS.index("reliability")] = "0,7"
    europe = tmp_path / "europe.csv"
    with europe.open("w", encoding="cp1252", newline="") as handle:
        csv.writer(handle, delimiter=";", lineterminator="\r\n").writerows(table)
    rows = read_sheet(europe)
    assert [r.iso3 for r in rows] == ["BRA", "CIV", "ISR", "FRA"]
    assert rows[1].shown["name"] == "Côte d'Ivoire"
    assert changes(board, rows) == []


_TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\x85")
    | st.sampled_from(["\n", "\r", "\t"]),
    max_size=40,
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(note=_TEXT, source=_TEXT, reporter=_TEXT, suffix=st.sampled_from([".csv", ".xlsx"]))
def test_any_text_survives_a_round_trip(note: str, source: str, reporter: str, suffix: str) -> None:
    board = make_board()
    board["members"][0].update(note=note, source=source or None, reporter=reporter or None)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"whip{suffix}"
        export_sheet(board, path)
        assert changes(board, read_sheet(path)) == []


def test_editable_columns_are_columns() -> None:
    assert set(EDITABLE) < set(COLUMNS)
    assert len(COLUMNS) == 19


def test_lenient_spellings_are_read(board: dict[str, Any], tmp_path: Path) -> None:
    path = tmp_path / "whip.csv"
    export_sheet(board, path)
    _edit_csv(
        path,
        {
            (2, "iso3"): " bra ",
            (2, "version"): "3.0",
            (2, "reported_on"): "2025-09-10T00:00:00",
            (3, "post"): "civ",
            (3, "position"): "",
            (5, "p_yes"): "",
        },
    )
    rows = read_sheet(path)
    assert (rows[0].iso3, rows[0].version, rows[0].reported_on) == ("BRA", 3, dt.date(2025, 9, 10))
    assert rows[3].shown["p_yes"] is None
    assert changes(board, rows, read_only="ignore") == []
    assert changes(board, rows) == []  # the current odds move on their own: not checked


def test_a_sheet_still_imports_after_the_board_moved(board: dict[str, Any], tmp_path: Path) -> None:
    path = tmp_path / "whip.csv"
    export_sheet(board, path)
    _edit_csv(path, {(4, "note"): "fine"})
    moved = copy.deepcopy(board)
    for member in moved["members"]:  # a report elsewhere, or a day later: the odds move
        member["p_now"] = {"yes": 0.25, "no": 0.25, "abstain": 0.25, "absent": 0.25}
        member["call"] = "no"
    assert [c.column for c in changes(moved, read_sheet(path))] == ["note"]


def test_duplicate_header_and_control_characters(board: dict[str, Any], tmp_path: Path) -> None:
    path = tmp_path / "whip.csv"
    path.write_text(",".join([*COLUMNS, "note"]) + "\n", encoding="utf-8")
    with pytest.raises(CampaignInputError, match=r"row 1: column\(s\) note appear twice"):
        read_sheet(path)
    board["members"][0]["note"] = "bell\x07 and tab\t"
    xlsx = tmp_path / "whip.xlsx"
    export_sheet(board, xlsx)  # a workbook cannot hold \x07: dropped, not an error
    assert read_sheet(xlsx)[0].note == "bell and tab"
