"""Voeten's 2024 release in wide form, one ISO3 column per state.

The copy we know (``ungaVoting_003.csv.gz``, from Pigeon-Effect/Mapping-UNGA-Voting-
Alliances) was cleaned by a third party: it keeps only states that existed in 2011,
and has no symbol, title or session.  Codes 1 yes, 2 abstain, 3 no, 8 absent, 9 not
a member.  Four rcids (411, 427, 449, 495) are used twice, once in the 1950s and once
in 2023; the 2023 rows get keys of their own (``wide:427@2023-11-02``) and are matched
to other sources by date and votes.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from whipcount.errors import SourceFormatError, UnknownCountryError, VoteCodeError
from whipcount.record.codes import SessionKind, regular_session_on
from whipcount.record.members import MemberDirectory
from whipcount.record.sources.batch import ISSUE_CODES, SourceBatch, roll_call_frame, vote_frame
from whipcount.record.sources.tables import read_table, require_columns
from whipcount.record.sources.voeten import precision_for

ISO3_COLUMN = re.compile(r"^[A-Z]{3}$")


def read_voeten_wide(path: Path, directory: MemberDirectory) -> SourceBatch:
    frame = read_table(path)
    require_columns(frame, {"rcid", "date"}, path)
    countries = [c for c in frame.columns if ISO3_COLUMN.match(c)]
    if not countries:
        raise SourceFormatError("no ISO3 country columns", path=path)
    rcid = pd.to_numeric(frame["rcid"], errors="coerce")
    dates = pd.to_datetime(frame["date"], errors="coerce", format="%Y-%m-%d")
    for name, values in (("rcid", rcid), ("date", dates)):
        if values.isna().any():
            bad = int(np.flatnonzero(values.isna().to_numpy())[0])
            raise SourceFormatError(
                f"bad {name}", path=path, row=bad + 2, value=frame[name].iloc[bad]
            )
    rcid = rcid.astype(int)
    reused = rcid.duplicated(keep=False) & (dates.dt.year >= 2020) & (rcid < 9000)
    keys = np.where(
        reused,
        "wide:" + rcid.astype(str) + "@" + dates.dt.strftime("%Y-%m-%d"),
        "rcid:" + rcid.astype(str),
    )
    if pd.Series(keys).duplicated().any():
        bad = int(np.flatnonzero(pd.Series(keys).duplicated().to_numpy())[0])
        raise SourceFormatError("duplicate rcid", path=path, row=bad + 2, value=keys[bad])
    sessions = [regular_session_on(d.date()) for d in dates]
    data: dict[str, object] = {
        "key": keys,
        "rcid": pd.Series(rcid).where(~reused).astype("Int64"),
        "date": dates,
        "date_precision": precision_for(dates),
        "session": sessions,
        "session_kind": SessionKind.REGULAR,
        "session_label": [str(s) for s in sessions],
    }
    for code in ISSUE_CODES:
        if code in frame:
            data[code] = frame[code].str.upper().map({"TRUE": 1, "FALSE": 0}).astype("Int64")
    roll_calls = roll_call_frame(data)
    long = frame[countries].set_axis(keys, axis=0).stack().rename("vote").reset_index()
    long.columns = ["key", "column", "vote"]
    vote = pd.to_numeric(long["vote"], errors="coerce")
    bad_mask = ~vote.isin([1, 2, 3, 8, 9])
    if bad_mask.any():
        bad = int(np.flatnonzero(bad_mask.to_numpy())[0])
        row = int(bad // len(countries)) + 2
        raise VoteCodeError(
            f"vote code outside 1, 2, 3, 8, 9 in column {long['column'][bad]}",
            path=path,
            row=row,
            value=long["vote"].iloc[bad],
        )
    day_of = dict(zip(keys, dates, strict=True))
    days = long["key"].map(day_of)
    members = directory.resolve_many("iso3", long["column"], days)
    # a column's key may name no member on days when its state was not one (code 9)
    outside = members.isna() & (vote != 9)
    if outside.any():
        bad = int(np.flatnonzero(outside.to_numpy())[0])
        raise UnknownCountryError(
            f"column names no member on {days.iloc[bad].date()}, yet has a vote",
            path=path,
            row=bad // len(countries) + 2,
            value=long["column"].iloc[bad],
        )
    # a 9 in a column says the column's own state was not a member; where the column is
    # read as a predecessor (the YEM column before 1990 as YAR), it says nothing about it
    own = {c: directory.resolve("iso3", c) for c in countries}
    foreign = members.to_numpy() != long["column"].map(own).to_numpy()
    keep = members.notna() & ~((vote == 9) & foreign)
    votes = vote_frame(long["key"][keep], members[keep], vote[keep].astype(int))
    return SourceBatch(source="voeten_wide", files=[path], roll_calls=roll_calls, votes=votes)
