"""The documents of the campaign commands that are not one :class:`Workspace` method:
an argument added, a report filed, a member's history, the whip sheet as bytes and a
sheet's import; and the ``ISO3=VOTE`` syntax of a scenario.

The command line (``--json``) and the JSON API print the same documents
(``docs/JSON.md``, campaigns); each function here is the one place a document is put
together, from the workspace's records.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from whipcount.campaign.entities import Argument, Report
from whipcount.campaign.sheet import RowEdit
from whipcount.campaign.spec import argument_document
from whipcount.errors import CampaignInputError

if TYPE_CHECKING:
    from whipcount.campaign.workspace import Workspace

SheetFormat = Literal["csv", "xlsx"]

__all__ = [
    "SheetFormat",
    "added_argument",
    "arguments",
    "filed_report",
    "import_result",
    "import_sheet_bytes",
    "member_history",
    "parse_votes",
    "sheet_bytes",
    "sheet_changes",
]


def added_argument(added: Argument) -> dict[str, Any]:
    """An argument just added, with the roll calls its link found."""
    return {**argument_document(added), "roll_calls": added.linked}


def arguments(workspace: Workspace, name: str) -> list[dict[str, Any]]:
    """The arguments of campaign ``name``."""
    return [argument_document(a) for a in workspace.store.arguments(name)]


def filed_report(workspace: Workspace, name: str, report: Report) -> dict[str, Any]:
    """A report just filed, with its member's board row and the goal's probability now."""
    board = workspace.board(name)
    row = board.member_row(board.snapshot.index[report.iso3])
    return {"report": report.document(), "member": row, "p_goal": round(board.p_goal, 4)}


def member_history(workspace: Workspace, name: str, member: str) -> dict[str, Any]:
    """Every report and contact on ``member`` (a code or a name), in entry order."""
    code = workspace.member(name, member)
    store = workspace.store
    return {
        "iso3": code,
        "reports": [{"kind": "report", **r.document()} for r in store.reports(name, iso3=code)],
        "contacts": [{"kind": "contact", **c.document()} for c in store.contacts(name, iso3=code)],
    }


def parse_votes(items: Iterable[str]) -> dict[str, str]:
    """``["BRA=abstain", "ARG=no"]`` -> ``{"BRA": "abstain", "ARG": "no"}`` (codes
    upper-cased; the votes are checked by :meth:`Workspace.scenario`).

    Raises
    ------
    CampaignInputError
        An item is not ``ISO3=VOTE``, or a member is given twice.
    """
    fixed: dict[str, str] = {}
    for item in items:
        member, sep, vote = item.partition("=")
        if not sep or not member or not vote:
            raise CampaignInputError(f"{item!r} is not ISO3=VOTE")
        if member.upper() in fixed:
            raise CampaignInputError(f"{member} is given twice")
        fixed[member.upper()] = vote
    return fixed


def sheet_changes(edits: Iterable[RowEdit]) -> list[dict[str, Any]]:
    """Every changed cell of a sheet's edits, as the import shows them."""
    return [
        {"iso3": c.iso3, "row": c.row, "column": c.column, "before": c.before, "after": c.after}
        for e in edits
        for c in e.changes
    ]


def import_result(changes: list[dict[str, Any]], writes: int | None = None) -> dict[str, Any]:
    """What an import prints: the changes, and the writes made if they were applied."""
    if writes is None:
        return {"changes": changes, "applied": False}
    return {"changes": changes, "applied": True, "writes": writes}


def sheet_bytes(workspace: Workspace, name: str, format: SheetFormat) -> bytes:
    """The whip sheet of campaign ``name`` as the bytes of a CSV or XLSX file."""
    with tempfile.TemporaryDirectory(prefix="whipcount-sheet-") as folder:
        path = Path(folder) / f"sheet.{_format(format)}"
        workspace.export_sheet(name, path)
        return path.read_bytes()


def import_sheet_bytes(
    workspace: Workspace, name: str, data: bytes, format: SheetFormat, *, apply: bool
) -> dict[str, Any]:
    """Import a whip sheet given as a file's bytes: its changes, applied if ``apply``
    (all or nothing; nothing is applied when no cell changed)."""
    with tempfile.TemporaryDirectory(prefix="whipcount-sheet-") as folder:
        path = Path(folder) / f"sheet.{_format(format)}"
        path.write_bytes(data)
        edits = workspace.sheet_edits(name, path)
    changes = sheet_changes(edits)
    if not apply or not edits:
        return import_result(changes)
    return import_result(changes, workspace.apply_sheet(name, edits))


def _format(format: str) -> str:
    if format not in ("csv", "xlsx"):
        raise CampaignInputError(f"{format!r} is not a whip sheet format; use csv or xlsx")
    return format
