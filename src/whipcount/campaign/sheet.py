"""The whip sheet: the board as a spreadsheet (CSV or XLSX) for a team to fill in.

:func:`export_sheet` writes one row per member, in board order, with the columns of
``COLUMNS``.  A team edits the ``EDITABLE`` columns (the member's post, the latest
assessment and a note) and the file comes back through :func:`read_sheet`, which checks
every cell and names the file, the row (as a spreadsheet shows it: the header is row 1)
and the column of anything wrong.  :func:`changes` compares the rows with the current
board and lists every changed editable cell; :func:`row_edits` groups them per member
into what the campaign store applies: a new field report when any of the assessment
columns changed, a member edit when the post or the note changed.

``version`` is the member's version at export time: the store refuses a row whose
member changed since (optimistic locking).  The other columns are read-only; a changed
read-only cell of a member that has not changed since the export is refused, naming
the cell (probabilities are compared to within half a displayed hundredth).

CSV files are written in UTF-8 with a byte-order mark (so that spreadsheet programs read
accents) and read as UTF-8, falling back to Windows-1252 (what older spreadsheet
programs save); a header without commas but with semicolons is read as a
semicolon-separated file.  Free text that a spreadsheet would take for a formula (``=``,
``+``, ``-``, ``@`` first) is written to CSV behind an apostrophe, removed on import.
"""

from __future__ import annotations

import csv
import datetime as dt
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from whipcount.campaign.scale import CLASSES
from whipcount.campaign.sheet_read import (
    COLUMNS,
    EDITABLE,
    FORMULA_START,
    PROBABILITY_COLUMNS,
    READ_ONLY,
    REPORT_COLUMNS,
    TEXT_COLUMNS,
    SheetRow,
    blank,
    kind_of,
    one_newline,
    read_sheet,
)
from whipcount.campaign.sheet_xlsx import write_xlsx
from whipcount.errors import CampaignInputError

__all__ = [
    "COLUMNS",
    "EDITABLE",
    "REPORT_COLUMNS",
    "Change",
    "NewReport",
    "RowEdit",
    "SheetRow",
    "changes",
    "export_sheet",
    "read_sheet",
    "row_edits",
]

#: a read-only probability may differ by this much (half of the 0.00 display)
TOLERANCE = 0.005 + 1e-9


@dataclass(frozen=True)
class Change:
    """One changed editable cell: ``before`` on the board, ``after`` in the sheet.

    ``version`` is the member's version the sheet was exported at; ``row`` the sheet row.
    """

    iso3: str
    column: str
    before: object
    after: object
    version: int
    row: int = 0


@dataclass(frozen=True)
class NewReport:
    """A field report made from a sheet row."""

    position: str
    source: str | None
    reliability: float
    reported_on: dt.date
    reporter: str | None


@dataclass(frozen=True)
class RowEdit:
    """What one sheet row changes: a new report, a new post, a new note (``None``:
    unchanged), each to be applied only if the member is still at ``version``."""

    iso3: str
    version: int
    row: int
    report: NewReport | None
    post: str | None
    note: str | None
    changes: tuple[Change, ...]


# -- export ---------------------------------------------------------------------------


def export_sheet(board: Mapping[str, Any], path: Path) -> None:
    """Write the board document's members as a whip sheet, CSV or XLSX by ``path``'s suffix.

    Raises
    ------
    CampaignInputError
        The suffix is neither ``.csv`` nor ``.xlsx``.
    """
    kind = kind_of(path)
    rows = [board_cells(m) for m in board["members"]]
    if kind == "csv":
        with path.open("w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(COLUMNS)
            for cells in rows:
                writer.writerow([_csv_text(c, cells[c]) for c in COLUMNS])
    else:
        write_xlsx(board, COLUMNS, EDITABLE, rows, path)


def board_cells(member: Mapping[str, Any]) -> dict[str, object]:
    """A board member as the sheet's cells (numbers, dates and text; ``None`` when empty)."""
    cells: dict[str, object] = {
        "iso3": member["iso3"],
        "name": member.get("name") or "",
        "post": _board_value(member, "post"),
        "version": int(member["version"]),
        "call": member.get("call") or "",
    }
    for prefix, key in (("forecast", "forecast"), ("p", "p_now")):
        for c in CLASSES:
            value = (member.get(key) or {}).get(c)
            cells[f"{prefix}_{c}"] = None if value is None else float(value)
    for column in EDITABLE[1:]:
        cells[column] = _board_value(member, column)
    return cells


def _csv_text(column: str, value: object) -> str:
    if value is None:
        return ""
    if column in PROBABILITY_COLUMNS:
        return f"{float(value):.4f}"  # type: ignore[arg-type]
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value)
    if column in TEXT_COLUMNS and text.startswith(FORMULA_START):
        return "'" + text
    return text


# -- changes --------------------------------------------------------------------------


def changes(
    board: Mapping[str, Any],
    rows: Sequence[SheetRow],
    *,
    read_only: Literal["refuse", "ignore"] = "refuse",
) -> list[Change]:
    """Every editable cell of ``rows`` that differs from the board, in sheet order.

    Members the sheet leaves out are untouched.  A changed read-only cell of a member
    still at the sheet's version is refused (``read_only="ignore"`` skips the check).

    Raises
    ------
    CampaignInputError
        A row's member is not on the board, or a read-only cell was changed.
    """
    members = {str(m["iso3"]): m for m in board["members"]}
    unknown = [r for r in rows if r.iso3 not in members]
    if unknown:
        raise CampaignInputError(
            "; ".join(
                f"{r.where}: {r.iso3} is not a member of campaign {board.get('campaign')!r}"
                for r in unknown[:5]
            )
        )
    found: list[Change] = []
    refused: list[str] = []
    for row in rows:
        member = members[row.iso3]
        for column in EDITABLE:
            before = _board_value(member, column)
            if not _same(before, row.value(column)):
                found.append(
                    Change(row.iso3, column, before, row.value(column), row.version, row.row)
                )
        if read_only == "refuse" and row.version == int(member["version"]):
            refused.extend(_read_only_changes(member, row))
    if refused:
        raise CampaignInputError(
            "read-only cells were changed (only "
            + ", ".join(EDITABLE)
            + " can be imported; export a fresh sheet if the board moved on): "
            + "; ".join(refused[:5])
            + (f"; and {len(refused) - 5} more" if len(refused) > 5 else "")
        )
    return found


def row_edits(
    board: Mapping[str, Any], rows: Sequence[SheetRow], *, today: dt.date
) -> list[RowEdit]:
    """The changes grouped per member, as the store applies them.

    A change in any of ``REPORT_COLUMNS`` makes a new report from the whole row: it needs
    a position and a reliability; its date is the sheet's ``reported_on`` if that cell
    was changed, else ``today`` (an unchanged date belongs to the earlier report).

    Raises
    ------
    CampaignInputError
        As :func:`changes`, or a new report without a position or a reliability.
    """
    by_member: dict[str, list[Change]] = {}
    for change in changes(board, rows):
        by_member.setdefault(change.iso3, []).append(change)
    edits = []
    for row in rows:
        found = by_member.get(row.iso3)
        if not found:
            continue
        columns = {c.column for c in found}
        report = _report(row, columns, today) if columns & set(REPORT_COLUMNS) else None
        edits.append(
            RowEdit(
                iso3=row.iso3,
                version=row.version,
                row=row.row,
                report=report,
                post=row.post if "post" in columns else None,
                note=row.note if "note" in columns else None,
                changes=tuple(found),
            )
        )
    return edits


def _report(row: SheetRow, columns: set[str], today: dt.date) -> NewReport:
    for column, value in (("position", row.position), ("reliability", row.reliability)):
        if value is None:
            raise CampaignInputError(
                f"{row.where}, column {column}: a changed assessment is a new report, "
                f"which needs a {column} (reports are never removed)"
            )
    assert row.position is not None and row.reliability is not None
    changed_date = "reported_on" in columns and row.reported_on is not None
    return NewReport(
        position=row.position,
        source=row.source,
        reliability=row.reliability,
        reported_on=row.reported_on if changed_date and row.reported_on else today,
        reporter=row.reporter,
    )


def _board_value(member: Mapping[str, Any], column: str) -> object:
    value = member.get(column)
    if column == "note":
        return one_newline(str(value or "")).strip()
    if column == "post":
        return str(value or member["iso3"]).strip().upper()
    if value is None or blank(value):
        return None
    if column == "reliability":
        return float(value)
    if column == "reported_on":
        return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])
    return one_newline(str(value)).strip()


def _same(before: object, after: object) -> bool:
    if isinstance(before, float) and isinstance(after, float):
        return math.isclose(before, after, rel_tol=0.0, abs_tol=1e-9)
    return before == after


def _read_only_changes(member: Mapping[str, Any], row: SheetRow) -> Iterable[str]:
    cells = board_cells(member)
    # the current odds (p_*, call) move with every report and with the campaign's day:
    # only the cells that stay put (the name, the forecast) are checked
    for column in (c for c in READ_ONLY if c == "name" or c.startswith("forecast_")):
        board, sheet = cells[column], row.shown.get(column)
        if column in PROBABILITY_COLUMNS:
            same = (board is None and sheet is None) or (
                isinstance(board, float)
                and isinstance(sheet, float)
                and abs(board - sheet) <= TOLERANCE
            )
        else:
            same = str(board or "").strip() == str(sheet or "").strip()
        if not same:
            yield f"{row.where}, column {column} ({row.iso3}): {sheet!r}, board {board!r}"
