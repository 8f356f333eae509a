"""What every source reader returns: a :class:`SourceBatch` of normalised tables.

Readers parse a file completely and check it before anything is written, so a bad
file raises a :class:`~whipcount.errors.SourceError` and leaves the store untouched.

Roll-call columns (``ROLL_CALL_COLUMNS``): ``key`` is unique within the batch
(``rcid:3670`` for Voeten's numbering, else the canonical symbol); ``final`` is
False for separate votes on amendments or paragraphs; totals are the figures the
source publishes, ``NA`` where it gives none.

Vote columns: ``key``, ``member`` (member code), ``vote`` (1 yes, 2 abstain, 3 no,
8 absent, or 9 = the source says "not a member": never stored, but it removes an
absence that another source only implied), ``explicit`` (False for an absence
implied because a list-only source did not list a member of that day) and
``reason`` (why a member did not vote, where the source says).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from whipcount.errors import UnknownCountryError
from whipcount.record.members import MemberDirectory, Scheme

NOT_MEMBER_CODE = 9

ROLL_CALL_COLUMNS: dict[str, str] = {
    "key": "object",
    "rcid": "Int64",
    "symbol": "object",
    "source_symbol": "object",
    "date": "datetime64[s]",
    "date_precision": "object",
    "session": "Int64",
    "session_kind": "object",
    "session_label": "object",
    "title": "object",
    "description": "object",
    "short_title": "object",
    "agenda_item": "object",
    "committee": "object",
    "meeting": "object",
    "draft_symbol": "object",
    "sponsors": "object",
    "subjects": "object",
    "vote_note": "object",
    "me": "Int64",
    "nu": "Int64",
    "di": "Int64",
    "hr": "Int64",
    "co": "Int64",
    "ec": "Int64",
    "important_vote": "Int64",
    "amendment": "Int64",
    "paragraph": "Int64",
    "final": "boolean",
    "yes": "Int64",
    "no": "Int64",
    "abstain": "Int64",
    "absent": "Int64",
}
VOTE_COLUMNS = ["key", "member", "vote", "explicit", "reason"]
ISSUE_CODES = ("me", "nu", "di", "hr", "co", "ec")


@dataclass
class SourceBatch:
    """Normalised content of one import unit (one file, or a file and its companions)."""

    source: str
    files: list[Path]
    roll_calls: pd.DataFrame
    votes: pd.DataFrame
    adoptions: pd.DataFrame = field(default_factory=pd.DataFrame)
    reference: dict[str, pd.DataFrame] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    #: only add to roll calls already in the record; never create one
    attach_only: bool = False


def roll_call_frame(data: dict[str, object] | pd.DataFrame) -> pd.DataFrame:
    """A roll-call table with every column of ``ROLL_CALL_COLUMNS`` in its dtype."""
    frame = pd.DataFrame(data)
    out = pd.DataFrame(index=frame.index)
    for column, dtype in ROLL_CALL_COLUMNS.items():
        values = frame[column] if column in frame else pd.Series(pd.NA, index=frame.index)
        if dtype == "datetime64[s]":
            out[column] = pd.to_datetime(values).astype("datetime64[s]")
        elif dtype == "object":
            out[column] = values.astype(object).where(values.notna(), None)
        else:
            out[column] = values.astype(dtype)
    return out.reset_index(drop=True)


def vote_frame(
    keys: object, members: object, votes: object, explicit: object = True, reason: object = None
) -> pd.DataFrame:
    frame = pd.DataFrame(
        {"key": keys, "member": members, "vote": votes, "explicit": explicit, "reason": reason}
    )
    frame["vote"] = frame["vote"].astype(np.int8)
    frame["explicit"] = frame["explicit"].astype(bool)
    frame["reason"] = frame["reason"].astype(object).where(frame["reason"].notna(), None)
    return frame[VOTE_COLUMNS]


def implied_absences(
    roll_calls: pd.DataFrame, listed: pd.DataFrame, directory: MemberDirectory
) -> pd.DataFrame:
    """Absent rows for members of each roll call's day that ``listed`` does not name.

    ``roll_calls`` needs ``key`` and ``date`` (and the source's totals, if any);
    ``listed`` needs ``key``, ``member`` and ``vote``.  Where the listed yes, no and
    abstain votes reproduce the source's own published totals, the list is complete, and
    the absences it implies are as good as stated (``explicit``); otherwise they are
    only implied, and any source that states a vote for that member overrules them.
    """
    if roll_calls.empty:
        return vote_frame([], [], [])
    days = pd.to_datetime(roll_calls["date"]).to_numpy("datetime64[D]")
    rows, codes = directory.memberships(days)
    everyone = pd.DataFrame({"key": roll_calls["key"].to_numpy()[rows], "member": codes})
    merged = everyone.merge(listed[["key", "member"]].drop_duplicates(), how="left", indicator=True)
    missing = merged[merged["_merge"] == "left_only"]
    complete = complete_lists(roll_calls, listed)
    return vote_frame(
        missing["key"], missing["member"], 8, explicit=missing["key"].isin(complete).to_numpy()
    )


def complete_lists(roll_calls: pd.DataFrame, listed: pd.DataFrame) -> set[str]:
    """Keys of roll calls whose listed votes reproduce the source's yes/no/abstain totals."""
    if not {"yes", "no", "abstain"} <= set(roll_calls.columns) or listed.empty:
        return set()
    counted = (
        pd.DataFrame(
            {
                "key": listed["key"],
                "yes": listed["vote"] == 1,
                "no": listed["vote"] == 3,
                "abstain": listed["vote"] == 2,
            }
        )
        .groupby("key")
        .sum()
    )
    given = roll_calls.set_index("key")[["yes", "no", "abstain"]]
    given = given[given.notna().all(axis=1)].astype(int)
    both = given.merge(counted, left_index=True, right_index=True, suffixes=("_given", ""))
    same = (
        (both["yes_given"] == both["yes"])
        & (both["no_given"] == both["no"])
        & (both["abstain_given"] == both["abstain"])
    )
    return {str(key) for key in both.index[same]}


def json_list(values: list[str]) -> str | None:
    """A JSON array of the non-empty strings in ``values`` (``None`` if none)."""
    items = [v for v in (str(x).strip() for x in values) if v]
    return json.dumps(items, ensure_ascii=False) if items else None


def resolve_members(
    directory: MemberDirectory,
    scheme: Scheme,
    keys: pd.Series,
    days: pd.Series,
    path: Path,
    *,
    rows: pd.Series | None = None,
) -> pd.Series:
    """Member codes for ``keys``; an ``UnknownCountryError`` naming the file row if one
    resolves to nothing (``rows`` gives file row numbers; default: position + 1)."""
    codes = directory.resolve_many(scheme, keys, days)
    unknown = codes.isna() & keys.notna()
    if unknown.any():
        first = int(np.flatnonzero(unknown.to_numpy())[0])
        row = int(rows.iloc[first]) if rows is not None else first + 1
        raise UnknownCountryError(
            f"unknown country ({scheme}) on {pd.Timestamp(days.iloc[first]).date()}",
            path=path,
            row=row,
            value=keys.iloc[first],
        )
    return codes
