"""Reference estimates kept beside the votes: Bailey, Strezhnev and Voeten's ideal points.

Bailey, Michael A., Anton Strezhnev and Erik Voeten (2017), "Estimating dynamic
state preferences from United Nations voting data", *Journal of Conflict Resolution*
61(2): 430–456.  Two layouts: the April 2020 files by session (``ccode, session,
NVotes, IdealPoint, Q5% …``; one file per issue subset) and the Dataverse 1946–2025
file by calendar year (``ccode, year, NVotesFP, IdealPointFP, Q5%FP …``).
``Matches.csv`` lists the pairs of roll calls the model treats as one vote repeated.
These are published estimates for validating whipcount's own measures, not votes.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pandas as pd

from whipcount.errors import SourceFormatError
from whipcount.record.codes import session_opening
from whipcount.record.members import MemberDirectory
from whipcount.record.sources.batch import SourceBatch, resolve_members, roll_call_frame, vote_frame
from whipcount.record.sources.tables import read_table, require_columns

_SUBSET = re.compile(r"Idealpointestimates(\w+?)_", re.I)


def _number(frame: pd.DataFrame, column: str, path: Path) -> pd.Series:
    values = pd.to_numeric(frame[column].replace({"NA": None, "": None}), errors="coerce")
    bad = values.isna() & frame[column].isin(["NA", ""]).eq(False)
    if bad.any():
        row = int(bad.to_numpy().nonzero()[0][0]) + 2
        raise SourceFormatError(
            f"bad number in {column}", path=path, row=row, value=frame[column].iloc[row - 2]
        )
    return values


def _empty(path: Path, reference: dict[str, pd.DataFrame]) -> SourceBatch:
    return SourceBatch(
        source="bsv",
        files=[path],
        roll_calls=roll_call_frame({"key": []}),
        votes=vote_frame([], [], []),
        reference=reference,
    )


def read_bsv_idealpoints(path: Path, directory: MemberDirectory) -> SourceBatch:
    by_year = path.name.endswith(".tab.gz") or path.name.endswith(".tab")
    frame = read_table(path, sep="\t" if by_year else ",", encoding="latin-1")
    suffix = "FP" if by_year else ""
    require_columns(frame, {"ccode", f"IdealPoint{suffix}"}, path)
    if by_year:
        periods = _number(frame, "year", path).astype(int)
        days = pd.to_datetime(periods.astype(str) + "-07-01")
        subset = "all"
    else:
        periods = _number(frame, "session", path).astype(int)
        days = pd.Series([session_opening(int(s)) + dt.timedelta(days=60) for s in periods])
        match = _SUBSET.search(path.name)
        subset = match.group(1).lower() if match else "all"
    members = resolve_members(
        directory, "cow", frame["ccode"], days, path, rows=pd.Series(range(2, len(frame) + 2))
    )
    table = pd.DataFrame(
        {
            "subset": subset,
            "period": "year" if by_year else "session",
            "period_value": periods,
            "member": members,
            "cow": _number(frame, "ccode", path).astype(int),
            "n_votes": _number(frame, f"NVotes{suffix}", path),
            "ideal_point": _number(frame, f"IdealPoint{suffix}", path),
            "q05": _number(frame, f"Q5%{suffix}", path),
            "q50": _number(frame, f"Q50%{suffix}", path),
            "q95": _number(frame, f"Q95%{suffix}", path),
        }
    )
    return _empty(path, {"reference_idealpoints": table})


def read_bsv_matches(path: Path, directory: MemberDirectory) -> SourceBatch:
    frame = read_table(path)
    require_columns(frame, {"rcid1", "rcid2"}, path)
    table = pd.DataFrame(
        {
            "rcid1": _number(frame, "rcid1", path).astype(int),
            "rcid2": _number(frame, "rcid2", path).astype(int),
        }
    )
    return _empty(path, {"reference_matches": table})
