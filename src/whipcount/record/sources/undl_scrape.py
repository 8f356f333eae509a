"""Wide scrapes of the UN Digital Library voting records (one ISO3 column per state).

Two layouts share this reader: the 3DL scraper's (``id, Council, Date, Title,
Resolution, AFG…ZWE, TOTAL VOTES, NO-VOTE COUNT, ABSTAIN COUNT, NO COUNT, YES COUNT``)
and HZloto's 2025 extract of it (``Link, token, …, Resolution, …, Date, YES COUNT, …``).
Cells are ``YES``/``NO``/``ABSTAIN`` or empty (did not vote).  Security Council rows
are skipped.  A member with no column at all (the 2025 file drops AFG and VEN) is
absent by implication.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from whipcount.errors import SourceFormatError, VoteCodeError
from whipcount.record.codes import DatePrecision, SessionKind, regular_session_on
from whipcount.record.members import MemberDirectory
from whipcount.record.sources.batch import (
    SourceBatch,
    implied_absences,
    resolve_members,
    roll_call_frame,
    vote_frame,
)
from whipcount.record.sources.tables import read_table, require_columns
from whipcount.record.sources.voeten import title_and_agenda
from whipcount.record.symbols import canonical_symbol, clean_symbol, symbol_session

ISO3_COLUMN = re.compile(r"^[A-Z]{3}$")
CELL_CODES = {"YES": 1, "ABSTAIN": 2, "NO": 3, "": 8}
TOTALS = {
    "YES COUNT": "yes",
    "NO COUNT": "no",
    "ABSTAIN COUNT": "abstain",
    "NO-VOTE COUNT": "absent",
}


def read_undl_scrape(path: Path, directory: MemberDirectory) -> SourceBatch:
    frame = read_table(path)
    require_columns(frame, {"Council", "Date", "Title", "Resolution"}, path)
    countries = [c for c in frame.columns if ISO3_COLUMN.match(c)]
    if not countries:
        raise SourceFormatError("no ISO3 country columns", path=path)
    frame["_row"] = np.arange(len(frame)) + 2
    assembly = frame[frame["Council"].str.strip().str.lower() == "general assembly"].copy()
    skipped = len(frame) - len(assembly)
    dates = pd.to_datetime(assembly["Date"].str.strip(), errors="coerce", format="%Y-%m-%d")
    if dates.isna().any():
        bad = int(np.flatnonzero(dates.isna().to_numpy())[0])
        raise SourceFormatError(
            "bad date",
            path=path,
            row=int(assembly["_row"].iloc[bad]),
            value=assembly["Date"].iloc[bad],
        )
    symbols = [canonical_symbol(s) for s in assembly["Resolution"]]
    if any(s is None for s in symbols):
        bad = symbols.index(None)
        raise SourceFormatError("empty Resolution", path=path, row=int(assembly["_row"].iloc[bad]))
    duplicated = pd.Series(symbols).duplicated()
    if duplicated.any():
        bad = int(np.flatnonzero(duplicated.to_numpy())[0])
        raise SourceFormatError(
            "resolution listed twice",
            path=path,
            row=int(assembly["_row"].iloc[bad]),
            value=symbols[bad],
        )
    records = []
    for symbol, day, title in zip(symbols, dates, assembly["Title"], strict=True):
        kind, label = symbol_session(symbol) or (SessionKind.REGULAR, None)
        regular = regular_session_on(day.date())
        clean_title, _ = title_and_agenda(None, title)
        records.append(
            {
                "key": symbol,
                "symbol": symbol,
                "source_symbol": symbol,
                "date": day,
                "date_precision": DatePrecision.DAY,
                "session": int(label) if kind == SessionKind.REGULAR and label else regular,
                "session_kind": kind,
                "session_label": label or str(regular),
                "title": clean_symbol(clean_title),
                "final": True,
            }
        )
    roll_calls = roll_call_frame(pd.DataFrame(records))
    present = [c for c in TOTALS if c in assembly]
    counts = assembly[present].apply(lambda c: pd.to_numeric(c.str.strip(), errors="coerce"))
    # a blank count beside given ones is a zero (the 2018 row: 189 + 2 + 2 of 193, blank abstain)
    some_given = counts.notna().any(axis=1)
    counts.loc[some_given] = counts.loc[some_given].fillna(0)
    for column in present:
        roll_calls[TOTALS[column]] = counts[column].round().astype("Int64").to_numpy()
    cells = assembly[countries].set_axis(symbols, axis=0).stack().rename("cell").reset_index()
    cells.columns = ["key", "column", "cell"]
    cells["cell"] = cells["cell"].str.strip().str.upper()
    codes = cells["cell"].map(CELL_CODES)
    if codes.isna().any():
        bad = int(np.flatnonzero(codes.isna().to_numpy())[0])
        raise VoteCodeError(
            f"vote outside YES/NO/ABSTAIN/empty in column {cells['column'][bad]}",
            path=path,
            row=int(assembly["_row"].iloc[bad // len(countries)]),
            value=cells["cell"].iloc[bad],
        )
    day_of = dict(zip(symbols, dates, strict=True))
    days = cells["key"].map(day_of)
    members = directory.resolve_many("iso3", cells["column"], days)
    is_member = directory.is_member(members.fillna(""), days)
    real = codes != 8
    stray = real & ~is_member
    if stray.any():
        bad = int(np.flatnonzero(stray.to_numpy())[0])
        resolve_members(directory, "iso3", cells["column"][stray], days[stray], path)
        raise SourceFormatError(
            f"vote by {cells['column'].iloc[bad]}, not a member that day",
            path=path,
            row=int(assembly["_row"].iloc[bad // len(countries)]),
        )
    keep = is_member
    listed = vote_frame(cells["key"][keep], members[keep], codes[keep].astype(int))
    absent = implied_absences(roll_calls, listed, directory)
    notes = [f"skipped {skipped} Security Council rows"] if skipped else []
    return SourceBatch(
        source="undl_scrape",
        files=[path],
        roll_calls=roll_calls,
        votes=pd.concat([listed, absent], ignore_index=True),
        notes=notes,
    )
