"""The UN's "Machine-readable General Assembly resolutions" (DGACM, UNxml/GAresolutions).

JSON lines, one object per adopted resolution.  A recorded vote lists the member
states in favour, against and abstaining by name; members that did not vote are not
listed, so their absence is implied from the membership of the day.  Resolutions
adopted without a vote become *adoptions* (the consensus counts the State
Department's coincidence measure needs).  The file repeats some resolutions; copies
with the same votes are merged, copies with different votes are an error.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

import pandas as pd

from whipcount.errors import DuplicateRollCallError, SourceFormatError
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
from whipcount.record.symbols import canonical_symbol, clean_symbol, symbol_session

REQUIRED = {
    "symbol",
    "title",
    "adoption_date",
    "adoption_type",
    "MS_in_favour",
    "MS_against",
    "MS_abstaining",
}
LISTS = (("MS_in_favour", 1), ("MS_abstaining", 2), ("MS_against", 3))
COUNTS = (
    ("MS_in_favour_count", "yes"),
    ("MS_against_count", "no"),
    ("MS_abstaining_count", "abstain"),
)


def parse_un_date(text: str) -> pd.Timestamp:
    """``2019-10-10 00:00:00`` or ``22 September 2024`` (with any kind of space)."""
    cleaned = re.sub(r"\s+", " ", str(text).replace("\xa0", " ")).strip()
    for fmt in ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d", "%d %B %Y"):
        try:
            return pd.Timestamp(pd.to_datetime(cleaned, format=fmt))
        except ValueError:
            continue
    raise ValueError(cleaned)


def _count(value: object) -> int | None:
    text = str(value or "").strip()
    return int(text) if text.isdigit() else None


def _load_lines(path: Path) -> list[tuple[int, dict[str, Any]]]:
    entries = []
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        raise SourceFormatError(f"not UTF-8 text ({error.reason})", path=path) from error
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            entry = json.loads(line)
        except json.JSONDecodeError as error:
            raise SourceFormatError(
                f"invalid JSON ({error.msg}; truncated?)", path=path, row=number, value=line[:80]
            ) from error
        if not isinstance(entry, dict) or REQUIRED - set(entry):
            missing = sorted(REQUIRED - set(entry)) if isinstance(entry, dict) else "object"
            raise SourceFormatError("entry lacks fields", path=path, row=number, value=missing)
        entries.append((number, entry))
    if not entries:
        raise SourceFormatError("no entries", path=path)
    return entries


def _is_recorded(entry: dict[str, Any]) -> bool:
    if "recorded" in str(entry.get("adoption_type", "")).lower():
        return True
    listed = any(entry.get(name) for name, _ in LISTS)
    counted = any((_count(entry.get(c)) or 0) > 0 for c, _ in COUNTS)
    return not entry.get("adoption_type") and (listed or counted)


def read_unxml(path: Path, directory: MemberDirectory) -> SourceBatch:
    entries = _load_lines(path)
    records: dict[str, dict[str, Any]] = {}
    vote_rows: list[tuple[str, str, int, int]] = []
    adoptions = []
    seen_votes: dict[str, tuple[int, dict[str, int]]] = {}
    for number, entry in entries:
        symbol = canonical_symbol(entry["symbol"])
        if not symbol:
            raise SourceFormatError("empty symbol", path=path, row=number)
        try:
            date = parse_un_date(entry["adoption_date"])
        except ValueError as error:
            raise SourceFormatError(
                "unreadable adoption_date", path=path, row=number, value=entry["adoption_date"]
            ) from error
        if not _is_recorded(entry):
            adoptions.append(
                {
                    "symbol": symbol,
                    "date": date,
                    "title": entry.get("title"),
                    "adoption_type": entry.get("adoption_type") or None,
                }
            )
            continue
        ballots: dict[str, int] = {}
        for name_field, code in LISTS:
            for name in entry.get(name_field) or []:
                previous = ballots.setdefault(str(name), code)
                if previous != code:
                    raise SourceFormatError(
                        f"{name} is listed under two different votes",
                        path=path,
                        row=number,
                        value=symbol,
                    )
        if symbol in seen_votes:
            first_row, first_ballots = seen_votes[symbol]
            day = date.date()
            if _by_member(first_ballots, day, directory) != _by_member(ballots, day, directory):
                raise DuplicateRollCallError(
                    f"{symbol} appears again (first at row {first_row}) with different votes",
                    path=path,
                    row=number,
                    value=symbol,
                )
            _merge_sponsors(records[symbol], entry)
            continue
        seen_votes[symbol] = (number, ballots)
        records[symbol] = _record(symbol, date, entry)
        vote_rows.extend((symbol, name, code, number) for name, code in ballots.items())
    for record in records.values():
        record["sponsors"] = _sponsor_codes(record["sponsors"], record["date"], directory)
    roll_calls = roll_call_frame(pd.DataFrame(list(records.values())))
    votes = pd.DataFrame(vote_rows, columns=["key", "name", "vote", "row"])
    day_of = dict(zip(roll_calls["key"], roll_calls["date"], strict=True))
    days = votes["key"].map(day_of)
    members = resolve_members(directory, "name", votes["name"], days, path, rows=votes["row"])
    listed = vote_frame(votes["key"], members, votes["vote"])
    with_votes = roll_calls[roll_calls["key"].isin(set(listed["key"]))]
    absent = implied_absences(with_votes, listed, directory)
    adoption_frame = pd.DataFrame(adoptions, columns=["symbol", "date", "title", "adoption_type"])
    return SourceBatch(
        source="unxml",
        files=[path],
        roll_calls=roll_calls,
        votes=pd.concat([listed, absent], ignore_index=True),
        adoptions=adoption_frame.drop_duplicates("symbol"),
    )


def _by_member(
    ballots: dict[str, int], day: dt.date, directory: MemberDirectory
) -> dict[str | None, int]:
    """Ballots keyed by member code, so that two spellings of one name compare equal."""
    names = pd.Series(list(ballots))
    codes = directory.resolve_many("name", names, pd.Series([pd.Timestamp(day)] * len(names)))
    return {code or name: ballots[name] for name, code in zip(names, codes, strict=True)}


def _sponsor_codes(
    sponsors: str | None, date: pd.Timestamp, directory: MemberDirectory
) -> str | None:
    """Sponsors as member codes where the name is a member's (others, such as "SUBMITTED BY
    THE PRESIDENT OF THE GENERAL ASSEMBLY", stay as written), without repeats."""
    if not sponsors:
        return None
    names = pd.Series(json.loads(sponsors))
    codes = directory.resolve_many("name", names, pd.Series([date] * len(names)))
    resolved = [code or name for name, code in zip(names, codes, strict=True)]
    return json_list(list(dict.fromkeys(resolved)))


def _merge_sponsors(record: dict[str, Any], entry: dict[str, Any]) -> None:
    known = json.loads(record["sponsors"]) if record["sponsors"] else []
    extra = [
        s
        for s in (entry.get("sponsors") or []) + (entry.get("additional_sponsors") or [])
        if s not in known
    ]
    record["sponsors"] = json_list(known + extra)


def _record(symbol: str, date: pd.Timestamp, entry: dict[str, Any]) -> dict[str, Any]:
    kind_label = symbol_session(symbol)
    kind, label = kind_label if kind_label else (SessionKind.REGULAR, None)
    regular = regular_session_on(date.date())
    session = int(label) if kind == SessionKind.REGULAR and label else regular
    totals = {column: _count(entry.get(name)) for name, column in COUNTS}
    if any(v is not None for v in totals.values()):  # a blank count beside given ones is 0
        totals = {column: value or 0 for column, value in totals.items()}
    subjects = [
        s[0]
        for s in entry.get("subjects") or []
        if isinstance(s, list) and s and not str(s[0]).isdigit()
    ]
    agenda = re.findall(r"\d+[a-z]?", str(entry.get("agenda_item") or ""))
    return {
        "key": symbol,
        "symbol": symbol,
        "source_symbol": clean_symbol(entry["symbol"]),
        "date": date,
        "date_precision": DatePrecision.DAY,
        "session": session,
        "session_kind": kind,
        "session_label": label or str(session),
        "title": clean_symbol(entry.get("title")),
        "description": clean_symbol(entry.get("agenda_item_name")),
        "agenda_item": ", ".join(agenda) or None,
        "committee": clean_symbol(entry.get("committee")),
        "meeting": clean_symbol(entry.get("pv")),
        "draft_symbol": clean_symbol(entry.get("originating_document")),
        "sponsors": json_list(
            (entry.get("sponsors") or []) + (entry.get("additional_sponsors") or [])
        ),
        "subjects": json_list(subjects),
        "final": True,
        **totals,
    }
