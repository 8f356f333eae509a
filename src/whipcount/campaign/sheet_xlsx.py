"""The whip sheet as an Excel workbook (openpyxl): writing it for people, reading it back.

The first worksheet, "Whip sheet", holds the rows (header in bold, frozen with the member
codes and names, editable columns shaded, a drop-down of positions and a reliability
check); the second, "About", the campaign and the instructions.  Text is always stored
as text, never as a formula, whatever it starts with; control characters other than
tabs and line breaks, which a workbook cannot hold, are dropped.  :mod:`whipcount.campaign.sheet`
owns the columns and the checks.
"""

from __future__ import annotations

import datetime as dt
import zipfile
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from openpyxl import Workbook, load_workbook  # type: ignore[import-untyped]
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE  # type: ignore[import-untyped]
from openpyxl.styles import Font, PatternFill  # type: ignore[import-untyped]
from openpyxl.utils import get_column_letter  # type: ignore[import-untyped]
from openpyxl.utils.exceptions import InvalidFileException  # type: ignore[import-untyped]
from openpyxl.worksheet.datavalidation import DataValidation  # type: ignore[import-untyped]

from whipcount.campaign.scale import POSITIONS
from whipcount.errors import CampaignInputError

SHEET = "Whip sheet"
ABOUT = "About"
_WIDTHS = {"iso3": 6, "name": 28, "post": 6, "version": 8, "call": 9, "position": 14}
_WIDTHS |= {"source": 16, "reliability": 11, "reported_on": 12, "reporter": 14, "note": 48}
_EDITABLE_FILL = PatternFill("solid", start_color="FFF6D5")
_HEADER_FILL = PatternFill("solid", start_color="FFE699")
INSTRUCTIONS = (
    "One row per member of the campaign. Edit only the shaded columns: post, position, "
    "source, reliability, reported_on, reporter, note.",
    "Changing position, source, reliability, reported_on or reporter records a new field "
    "report: it needs a position (on the scale: " + ", ".join(POSITIONS) + ") and a "
    "reliability between 0 and 1; its date is reported_on if you change it, else today.",
    "post is the three-letter code of the embassy responsible for the member; note is free text.",
    "Do not change version: it tells whipcount which state of the member you edited, so that "
    "an import never overwrites a newer change (reload the sheet and redo the row if refused).",
    "Leave the other columns as they are; an import refuses changes to them.",
    "Keep the file as .xlsx and import it with: whipcount campaign import <campaign> <file> "
    "(it shows every changed cell first); a row is refused if its member changed since "
    "this export.",
)


def write_xlsx(
    board: Mapping[str, Any],
    columns: Sequence[str],
    editable: Sequence[str],
    rows: Sequence[Mapping[str, object]],
    path: Path,
) -> None:
    """Write the rows (cells by column) and an "About" sheet to ``path``."""
    book = Workbook()
    sheet = book.active
    sheet.title = SHEET
    sheet.append(list(columns))
    for cells in rows:
        sheet.append([_storable(cells[c]) for c in columns])
    for index, column in enumerate(columns, start=1):
        _format_column(sheet, index, column, column in editable, len(rows))
    sheet.freeze_panes = "C2"
    last = get_column_letter(len(columns))
    sheet.auto_filter.ref = f"A1:{last}{len(rows) + 1}"
    _validations(sheet, list(columns), len(rows))
    _about(book.create_sheet(ABOUT), board)
    book.save(path)


def _format_column(sheet: Any, index: int, column: str, editable: bool, count: int) -> None:
    letter = get_column_letter(index)
    sheet.column_dimensions[letter].width = _WIDTHS.get(column, 10)
    head = sheet.cell(row=1, column=index)
    head.font = Font(bold=True)
    if editable:
        head.fill = _HEADER_FILL
    for r in range(2, count + 2):
        cell = sheet.cell(row=r, column=index)
        if isinstance(cell.value, str):
            cell.data_type = "s"  # text that starts with "=" stays text
        if column.startswith(("forecast_", "p_")) or column == "reliability":
            cell.number_format = "0.00"
        elif column == "reported_on":
            cell.number_format = "yyyy-mm-dd"
        if editable:
            cell.fill = _EDITABLE_FILL


def _validations(sheet: Any, columns: list[str], count: int) -> None:
    if count == 0:
        return
    position = DataValidation(
        type="list", formula1='"' + ",".join(POSITIONS) + '"', allow_blank=True
    )
    position.error = "Use a position on the scale: " + ", ".join(POSITIONS)
    reliability = DataValidation(
        type="decimal", operator="between", formula1="0", formula2="1", allow_blank=True
    )
    reliability.error = "Reliability is a number between 0 and 1"
    for validation, column in ((position, "position"), (reliability, "reliability")):
        letter = get_column_letter(columns.index(column) + 1)
        validation.showErrorMessage = True
        validation.add(f"{letter}2:{letter}{count + 1}")
        sheet.add_data_validation(validation)


def _about(sheet: Any, board: Mapping[str, Any]) -> None:
    target = board.get("target") or {}
    facts: list[tuple[str, object]] = [
        ("Campaign", board.get("campaign")),
        ("Vote", target.get("title")),
        ("Series", target.get("series")),
        ("Session", target.get("session")),
        ("Lobbying delegation", board.get("lobbyist")),
        ("Goal", board.get("goal_text") or board.get("goal")),
        ("Vote date", board.get("vote_date")),
        ("Forecast as of", board.get("as_of")),
        ("P(goal) at export", board.get("p_goal")),
        ("Exported on", dt.date.today().isoformat()),
    ]
    for label, value in facts:
        sheet.append([label, "" if value is None else value])
        sheet.cell(row=sheet.max_row, column=1).font = Font(bold=True)
        if isinstance(value, str):
            sheet.cell(row=sheet.max_row, column=2).data_type = "s"
    sheet.append([])
    sheet.append(["How to fill in the whip sheet"])
    sheet.cell(row=sheet.max_row, column=1).font = Font(bold=True)
    for line in INSTRUCTIONS:
        sheet.append([line])
    sheet.column_dimensions["A"].width = 22
    sheet.column_dimensions["B"].width = 90


def read_xlsx(path: Path) -> Iterator[tuple[int, list[object]]]:
    """The rows of the whip sheet (or the first worksheet), numbered as Excel shows them."""
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError) as error:
        raise CampaignInputError(f"{path}: not an Excel workbook (.xlsx): {error}") from error
    try:
        sheet = book[SHEET] if SHEET in book.sheetnames else book.worksheets[0]
        rows = [
            (number, [_plain(v) for v in values])
            for number, values in enumerate(sheet.iter_rows(values_only=True), start=1)
        ]
    finally:
        book.close()
    return iter(rows)


def _storable(value: object) -> object:
    """``value`` without the control characters a workbook cannot hold."""
    return ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value


def _plain(value: object) -> object:
    if isinstance(value, dt.datetime) and value.time() == dt.time():
        return value.date()
    return value
