"""The UN Digital Library's official "General Assembly Voting Data" CSV (version 5, 2026).

Long format, one row per member state and resolution; columns as in the Dag
Hammarskjöld Library's data dictionary: ``undl_id, ms_code (ISO3), ms_name, ms_vote
(Y/N/A/X), date, session, resolution, draft, committee_report, meeting, title,
agenda_title, subjects, vote_note, total_yes, total_no, total_abstentions,
total_non_voting, total_ms, undl_link``.  ``X`` (non-voting) is recorded as absent,
with ``vote_note`` as the reason where it is given.  Citation: United Nations Dag
Hammarskjöld Library, General Assembly Voting Data, version 5 (February 2026),
https://digitallibrary.un.org/record/4060887.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from whipcount.errors import DuplicateRollCallError, SourceFormatError, VoteCodeError
from whipcount.record.codes import DatePrecision, SessionKind, regular_session_on
from whipcount.record.members import MemberDirectory
from whipcount.record.sources.batch import (
    SourceBatch,
    implied_absences,
    json_list,
    resolve_members,
    roll_call_frame,
    vote_frame,
)
from whipcount.record.sources.tables import read_table, require_columns
from whipcount.record.sources.voeten import title_and_agenda
from whipcount.record.symbols import canonical_symbol, clean_symbol, parse_session_label

#: the columns, in the data dictionary's order
COLUMNS = (
    "undl_id",
    "ms_code",
    "ms_name",
    "ms_vote",
    "date",
    "session",
    "resolution",
    "draft",
    "committee_report",
    "meeting",
    "title",
    "agenda_title",
    "subjects",
    "vote_note",
    "total_yes",
    "total_no",
    "total_abstentions",
    "total_non_voting",
    "total_ms",
    "undl_link",
)
VOTE_CODES = {"Y": 1, "A": 2, "N": 3, "X": 8}
TOTALS = {
    "total_yes": "yes",
    "total_no": "no",
    "total_abstentions": "abstain",
    "total_non_voting": "absent",
}


def read_undl_csv(path: Path, directory: MemberDirectory) -> SourceBatch:
    frame = read_table(path)
    require_columns(frame, set(COLUMNS), path)
    frame["_row"] = np.arange(len(frame)) + 2
    dates = pd.to_datetime(frame["date"].str.strip(), errors="coerce", format="mixed")
    if dates.isna().any():
        bad = int(np.flatnonzero(dates.isna().to_numpy())[0])
        raise SourceFormatError("bad date", path=path, row=bad + 2, value=frame["date"].iloc[bad])
    frame["_date"] = dates
    votes_raw = frame["ms_vote"].str.strip().str.upper()
    codes = votes_raw.map(VOTE_CODES)
    if codes.isna().any():
        bad = int(np.flatnonzero(codes.isna().to_numpy())[0])
        raise VoteCodeError(
            "ms_vote outside Y, N, A, X", path=path, row=bad + 2, value=frame["ms_vote"].iloc[bad]
        )
    frame["_vote"] = codes.astype(int)
    # one UN Digital Library record per recorded vote: its id is the key where given
    labels, uniques = pd.factorize(frame["resolution"])
    symbols = np.array([canonical_symbol(u) for u in uniques] + [None], dtype=object)
    frame["_symbol"] = symbols[labels]
    undl = frame["undl_id"].str.strip()
    frame["_key"] = np.where(undl != "", "undl:" + undl, frame["_symbol"])
    if frame["_key"].isna().any():
        bad = int(np.flatnonzero(frame["_key"].isna().to_numpy())[0])
        raise SourceFormatError("row without resolution or undl_id", path=path, row=bad + 2)
    members = directory.resolve_many("iso3", frame["ms_code"].str.strip(), frame["_date"])
    members = members.where(members.notna(), None)
    unresolved = members.isna()
    if unresolved.any():  # a code the tables lack: try the name of the time
        members[unresolved] = resolve_members(
            directory,
            "name",
            frame.loc[unresolved, "ms_name"],
            frame.loc[unresolved, "_date"],
            path,
            rows=frame.loc[unresolved, "_row"],
        )
    frame["_member"] = members
    duplicated = frame.duplicated(["_key", "_member"], keep=False)
    if duplicated.any():
        dup = frame[duplicated]
        clash = dup.groupby(["_key", "_member"])["_vote"].nunique()
        if (clash > 1).any():
            key, member = clash[clash > 1].index[0]
            rows = dup[(dup["_key"] == key) & (dup["_member"] == member)]["_row"].tolist()
            raise DuplicateRollCallError(
                f"{member} has different votes on {key} (rows {rows})",
                path=path,
                row=int(rows[-1]),
                value=key,
            )
        frame = frame.drop_duplicates(["_key", "_member"])
    roll_calls = roll_call_frame(
        pd.DataFrame([_record(key, group) for key, group in frame.groupby("_key", sort=False)])
    )
    reasons = frame["vote_note"].where(
        (frame["_vote"] == 8) & (frame["vote_note"].str.strip() != "")
    )
    listed = vote_frame(frame["_key"], frame["_member"], frame["_vote"], reason=reasons)
    absent = implied_absences(roll_calls, listed, directory)
    return SourceBatch(
        source="undl_csv",
        files=[path],
        roll_calls=roll_calls,
        votes=pd.concat([listed, absent], ignore_index=True),
    )


def _record(key: str, group: pd.DataFrame) -> dict[str, object]:
    first = group.iloc[0]
    day = pd.Timestamp(first["_date"])
    regular = regular_session_on(day.date())
    parsed = _session_of(str(first["resolution"]), str(first["session"]))
    kind, label = parsed or (SessionKind.REGULAR, str(regular))
    title, _ = title_and_agenda(None, first["title"])
    record: dict[str, object] = {
        "key": key,
        "symbol": first["_symbol"],
        "source_symbol": clean_symbol(first["resolution"]),
        "date": day,
        "date_precision": DatePrecision.DAY,
        "session": int(label) if kind == SessionKind.REGULAR else regular,
        "session_kind": kind,
        "session_label": label,
        "title": clean_symbol(title),
        "description": clean_symbol(first["agenda_title"]),
        "meeting": clean_symbol(first["meeting"]),
        "draft_symbol": clean_symbol(first["draft"]),
        "subjects": json_list(str(first["subjects"]).split("|")) if first["subjects"] else None,
        "vote_note": clean_symbol(first["vote_note"]) if group["_vote"].ne(8).all() else None,
        "final": True,
    }
    for column, total in TOTALS.items():
        text = str(first[column]).strip()
        record[total] = int(float(text)) if text else None
    return record


def _session_of(resolution: str, session: str) -> tuple[SessionKind, str] | None:
    from whipcount.record.symbols import symbol_session

    found = symbol_session(canonical_symbol(resolution))
    if found and (found[0] != SessionKind.REGULAR or found[1].isdigit()):
        return found
    return parse_session_label(session) if session.strip() else None
