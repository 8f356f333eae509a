"""Reading a whip sheet back: the columns, and every cell checked.

:func:`read_sheet` reads a CSV or XLSX whip sheet (see :mod:`whipcount.campaign.sheet`)
and checks every cell; an error names the file, the row (as a spreadsheet shows it: the
header is row 1) and the column.  Empty rows are skipped; extra columns are ignored.

CSV files are read as UTF-8 (with or without a byte-order mark), falling back to
Windows-1252 (what older spreadsheet programs save); a header without commas but with
semicolons is read as a semicolon-separated file.  A leading apostrophe before
``=``, ``+``, ``-`` or ``@`` in a free-text cell (the export's guard against formulas)
is removed.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from whipcount.campaign.scale import CLASSES, parse_position
from whipcount.campaign.sheet_xlsx import read_xlsx
from whipcount.errors import CampaignInputError

PROBABILITY_COLUMNS: tuple[str, ...] = tuple(
    f"{prefix}_{c}" for prefix in ("forecast", "p") for c in CLASSES
)
COLUMNS: tuple[str, ...] = (
    "iso3",
    "name",
    "post",
    "version",
    "call",
    *PROBABILITY_COLUMNS,
    "position",
    "source",
    "reliability",
    "reported_on",
    "reporter",
    "note",
)
#: the columns a team may change
EDITABLE: tuple[str, ...] = (
    "post",
    "position",
    "source",
    "reliability",
    "reported_on",
    "reporter",
    "note",
)
#: the columns that make a field report: a change in any of them is a new report
REPORT_COLUMNS: tuple[str, ...] = ("position", "source", "reliability", "reported_on", "reporter")
#: shown for reference and checked on import
READ_ONLY: tuple[str, ...] = ("name", "call", *PROBABILITY_COLUMNS)
#: free-text columns, guarded against formula injection in CSV
TEXT_COLUMNS: tuple[str, ...] = ("name", "source", "reporter", "note")
FORMULA_START = ("=", "+", "-", "@")
_CODE = re.compile(r"[A-Z]{3}")
_WHOLE = re.compile(r"[+]?\d+(\.0*)?")


@dataclass(frozen=True)
class SheetRow:
    """One checked row of a whip sheet.

    Empty optional cells are ``None``; ``shown`` holds the read-only cells as read
    (``name``, ``call`` and the probabilities: text, a number or ``None``).
    """

    file: str
    row: int
    iso3: str
    version: int
    post: str
    position: str | None
    source: str | None
    reliability: float | None
    reported_on: dt.date | None
    reporter: str | None
    note: str
    shown: dict[str, object] = field(default_factory=dict, compare=False)

    @property
    def where(self) -> str:
        """``file, row n`` for messages."""
        return f"{self.file}, row {self.row}"

    def value(self, column: str) -> object:
        """The value of an editable column."""
        if column not in EDITABLE:
            raise KeyError(column)
        return getattr(self, column)


def read_sheet(path: Path) -> list[SheetRow]:
    """Read and check a whip sheet (CSV or XLSX by suffix).

    Raises
    ------
    CampaignInputError
        Unknown suffix, unreadable file, a missing column, an empty or duplicate
        ``iso3``, or a bad cell (version, reliability, position, date, post); the message
        names the file, the row and the column.
    """
    kind = kind_of(path)
    if not path.is_file():
        raise CampaignInputError(f"{path}: no such file")
    records = _csv_records(path) if kind == "csv" else read_xlsx(path)
    header = _header(path, next(records, None))
    rows: list[SheetRow] = []
    first: dict[str, int] = {}
    for number, values in records:
        cells = {name: values[i] if i < len(values) else None for name, i in header.items()}
        if all(blank(v) for v in values):
            continue
        row = _row(str(path), number, cells, from_csv=kind == "csv")
        if row.iso3 in first:
            raise CampaignInputError(
                f"{row.where}, column iso3: {row.iso3} appears twice (first in row "
                f"{first[row.iso3]}); keep one row per member"
            )
        first[row.iso3] = number
        rows.append(row)
    return rows


def kind_of(path: Path) -> Literal["csv", "xlsx"]:
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return "csv"
    if suffix == ".xlsx":
        return "xlsx"
    raise CampaignInputError(f"{path}: a whip sheet is a .csv or .xlsx file, not {suffix!r}")


def _csv_records(path: Path) -> Iterator[tuple[int, list[object]]]:
    data = path.read_bytes()
    if b"\x00" in data or data.startswith(b"PK\x03\x04"):
        raise CampaignInputError(f"{path}: not a CSV text file (is it a workbook? use .xlsx)")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError as error:
            raise CampaignInputError(f"{path}: not a CSV text file ({error})") from error
    first = text.split("\n", 1)[0]
    delimiter = ";" if "," not in first and ";" in first else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        for number, values in enumerate(reader, start=1):
            yield number, list(values)
    except csv.Error as error:
        raise CampaignInputError(f"{path}: not a readable CSV file ({error})") from error


def _header(path: Path, first: tuple[int, list[object]] | None) -> dict[str, int]:
    if first is None:
        raise CampaignInputError(f"{path}: the sheet is empty (no header row)")
    names = [_text(v).lower() for v in first[1]]
    duplicated = sorted({n for n in names if n and names.count(n) > 1})
    if duplicated:
        raise CampaignInputError(f"{path}, row 1: column(s) {', '.join(duplicated)} appear twice")
    missing = [c for c in COLUMNS if c not in names]
    if missing:
        raise CampaignInputError(
            f"{path}, row 1: the header lacks column(s) {', '.join(missing)} "
            "(start from a sheet written by `whipcount campaign export`)"
        )
    return {c: names.index(c) for c in COLUMNS}


def _row(file: str, number: int, cells: dict[str, object], *, from_csv: bool) -> SheetRow:
    def where(column: str) -> str:
        return f"{file}, row {number}, column {column}"

    def text(column: str) -> str:
        value = _text(cells[column])
        if from_csv and column in TEXT_COLUMNS and value[1:2] and value[1] in FORMULA_START:
            value = value[1:] if value.startswith("'") else value
        return value

    iso3 = text("iso3").upper()
    if not iso3:
        raise CampaignInputError(f"{where('iso3')}: the member code is empty")
    return SheetRow(
        file=file,
        row=number,
        iso3=iso3,
        version=_version(cells["version"], where("version")),
        post=_post(text("post"), where("post")),
        position=_position(text("position"), where("position")),
        source=text("source") or None,
        reliability=_reliability(cells["reliability"], where("reliability")),
        reported_on=_date(cells["reported_on"], where("reported_on")),
        reporter=text("reporter") or None,
        note=text("note"),
        shown={c: _shown(cells[c]) if c in PROBABILITY_COLUMNS else text(c) for c in READ_ONLY},
    )


def blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return one_newline(str(value)).strip()


def one_newline(text: str) -> str:
    """``text`` with Windows and old Mac line ends as ``\\n`` (as a workbook stores them)."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _version(value: object, where: str) -> int:
    text = _text(value)
    if isinstance(value, bool) or not _WHOLE.fullmatch(text):
        raise CampaignInputError(
            f"{where}: {text!r} is not a version number (keep the exported value)"
        )
    return int(float(text))


def _post(text: str, where: str) -> str:
    code = text.upper()
    if not _CODE.fullmatch(code):
        raise CampaignInputError(f"{where}: {text!r} is not a three-letter ISO code of a post")
    return code


def _position(text: str, where: str) -> str | None:
    if not text:
        return None
    try:
        return parse_position(text)
    except CampaignInputError as error:
        raise CampaignInputError(f"{where}: {error}") from error


def _reliability(value: object, where: str) -> float | None:
    if blank(value):
        return None
    text = _text(value).replace(",", ".") if isinstance(value, str) else value
    try:
        number = float(text)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        number = math.nan
    if isinstance(value, bool) or not 0.0 <= number <= 1.0:
        raise CampaignInputError(f"{where}: {_text(value)!r} is not a reliability in [0, 1]")
    return number


def _date(value: object, where: str) -> dt.date | None:
    if blank(value):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = _text(value)
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        try:
            return dt.datetime.fromisoformat(text).date()
        except ValueError:
            raise CampaignInputError(
                f"{where}: {text!r} is not a date; write it as YYYY-MM-DD"
            ) from None


def _shown(value: object) -> object:
    if blank(value):
        return None
    try:
        return float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return _text(value)
