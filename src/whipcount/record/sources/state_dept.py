"""The US State Department's lists of General Assembly votes, as transcribed.

From the annual report to Congress "Voting Practices in the United Nations"
(22 U.S.C. §2414a): ``state_dept_important_votes_YEAR.csv`` (the votes the Department
named "important", 2016 and 2019–2023) and ``state_dept_contested_votes_YEAR.csv``
(every recorded vote the report counted, 2019–2023).  Columns: ``symbol``, ``us_vote``,
``yes``, ``no``, ``abstain``, ``absent``, ``date`` (often blank) and, in the important
lists, ``title``.  These lists add the State Department's important-vote flag and its
printed tallies to roll calls already in the record, and state the US vote (so that a
misprint in a report shows up as a conflict); they never create roll calls, as they
carry no per-member votes.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from whipcount.errors import SourceFormatError, VoteCodeError
from whipcount.record.members import MemberDirectory
from whipcount.record.sources.batch import SourceBatch, roll_call_frame, vote_frame
from whipcount.record.sources.tables import read_table, require_columns
from whipcount.record.symbols import canonical_symbol

US_VOTES = {"Y": 1, "YES": 1, "A": 2, "ABSTAIN": 2, "N": 3, "NO": 3, "X": 8, "ABSENT": 8}
_BRACKET = re.compile(r"\[([A-Z](?:-[A-Z])?)\]")


def state_dept_symbol(text: str) -> str | None:
    """``A/RES/75/254[A]`` → ``A/RES/75/254 A``; ``A/Res/71/20`` → ``A/RES/71/20``."""
    return canonical_symbol(_BRACKET.sub(r" \1", text.strip()))


def read_state_dept(path: Path, directory: MemberDirectory) -> SourceBatch:
    important = "important" in path.name
    frame = read_table(path)
    require_columns(frame, {"symbol", "us_vote", "yes", "no", "abstain", "absent", "date"}, path)
    symbols = [state_dept_symbol(s) for s in frame["symbol"]]
    if None in symbols:
        bad = symbols.index(None)
        raise SourceFormatError("empty symbol", path=path, row=bad + 2)
    totals = {}
    for column in ("yes", "no", "abstain", "absent"):
        values = pd.to_numeric(frame[column].str.strip().replace("", None), errors="coerce")
        bad_mask = values.isna() & (frame[column].str.strip() != "")
        if bad_mask.any():
            bad = int(np.flatnonzero(bad_mask.to_numpy())[0])
            raise SourceFormatError(
                f"bad {column} count", path=path, row=bad + 2, value=frame[column].iloc[bad]
            )
        totals[column] = values.astype("Int64")
    us = frame["us_vote"].str.strip().str.upper().map(US_VOTES)
    if us.isna().any():
        bad = int(np.flatnonzero(us.isna().to_numpy())[0])
        raise VoteCodeError(
            "us_vote outside Y/N/A/X", path=path, row=bad + 2, value=frame["us_vote"].iloc[bad]
        )
    roll_calls = roll_call_frame(
        {
            "key": symbols,
            "symbol": symbols,
            "date": pd.to_datetime(frame["date"].str.strip().replace("", None), errors="coerce"),
            "date_precision": "day",
            "important_vote": 1 if important else pd.NA,
            "final": True,
            **totals,
        }
    )
    roll_calls = roll_calls.drop_duplicates("key")
    votes = vote_frame(symbols, "USA", us.astype(int)).drop_duplicates("key")
    source = "state_dept_important" if important else "state_dept_votes"
    return SourceBatch(
        source=source, files=[path], roll_calls=roll_calls, votes=votes, attach_only=True
    )
