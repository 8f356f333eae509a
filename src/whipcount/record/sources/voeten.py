"""Erik Voeten's UN General Assembly voting data, in the forms our sources carry.

- :func:`read_unvotes` — the R package *unvotes* 0.3.0 (Robinson 2021):
  ``un_votes.rda`` (yes/abstain/no only; absences and non-members were dropped by
  the packager, so absences are *implied* for members of the day) with its companions
  ``un_roll_calls.rda`` and ``un_roll_call_issues.rda``.
- :func:`read_published` — Voeten's 2016 release ``UNVotesPublished.RData``
  (object ``x``; codes 1 yes, 2 abstain, 3 no, 8 absent, 9 not a member; COW codes).
- :func:`read_descriptions` — ``descriptions1-70latestversion.xls``: roll-call
  descriptions with Voeten's yes/no/abstain counts (sessions 1–70).

Citation: Erik Voeten, "Data and Analyses of Voting in the UN General Assembly",
Routledge Handbook of International Organization (2013); Harvard Dataverse
hdl:1902.1/12379.  Voeten's dates before 2003 are often wrong in the day (it rarely
passes 7), so those roll calls get ``date_precision = approximate``.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from whipcount.errors import SourceFormatError, VoteCodeError
from whipcount.record.codes import DatePrecision, SessionKind
from whipcount.record.members import MemberDirectory
from whipcount.record.sources.batch import (
    ISSUE_CODES,
    SourceBatch,
    implied_absences,
    resolve_members,
    roll_call_frame,
    vote_frame,
)
from whipcount.record.sources.rdata import read_r_object
from whipcount.record.symbols import canonical_symbol, clean_symbol, symbol_session

#: Voeten's dates are exact from this day on.
EXACT_FROM = pd.Timestamp("2003-01-01")
_ADOPTED_SUFFIX = re.compile(
    r"\s*:\s*resolution\s*/\s*adopted by the General Assembly\.?\s*$", re.I
)
_AGENDA_DESCR = re.compile(r"^A/\d+/\d+\s+(\d+[a-z]?)\s+-\s+(.*?)\.?\s+-\s+.*$")


def precision_for(dates: pd.Series) -> pd.Series:
    """``approximate`` before 2003 (Voeten's day-of-month problem), else ``day``."""
    return pd.Series(
        np.where(pd.to_datetime(dates) < EXACT_FROM, DatePrecision.APPROXIMATE, DatePrecision.DAY),
        index=dates.index,
        dtype=object,
    )


def session_from_voeten_symbol(unres: str | None, session: int) -> tuple[str, str]:
    """Session kind and label from Voeten's ``ESS/…`` and ``SS/…`` prefixes."""
    text = clean_symbol(unres) or ""
    match = re.match(r"^(ESS|SS)/(\d+)", text)
    if match:
        prefix, number = match.groups()
        if prefix == "ESS":
            return SessionKind.EMERGENCY, f"ES-{int(number)}"
        return SessionKind.SPECIAL, f"S-{int(number)}"
    found = symbol_session(canonical_symbol(text))  # A/RES/ES-10/19 in the later years
    if found and found[0] != SessionKind.REGULAR:
        return found
    return SessionKind.REGULAR, str(session)


def title_and_agenda(short: object, descr: object) -> tuple[str | None, str | None]:
    """A usable title (and agenda item) from Voeten's ``short`` and ``descr`` fields."""
    short_text = _ADOPTED_SUFFIX.sub("", short.strip() if isinstance(short, str) else "")
    descr_text = _ADOPTED_SUFFIX.sub("", descr.strip() if isinstance(descr, str) else "")
    match = _AGENDA_DESCR.match(descr_text)
    if match:
        return (short_text or match.group(2)).strip(), match.group(1)
    if descr_text and not descr_text.isupper() and len(descr_text) >= len(short_text):
        return descr_text, None
    return short_text or descr_text or None, None


_SEPARATE_VOTE = re.compile(
    r"\b(?:motion|no action|adjourn\w*|amendments?|paragraphs?|preambular|operative|"
    r"put to the vote the|separate vote|closure of the debate)\b",
    re.IGNORECASE,
)


def _final_flags(
    amend: pd.Series,
    para: pd.Series,
    *,
    unres: pd.Series,
    descr: pd.Series | None,
    short: pd.Series | None,
    rcid: pd.Series,
) -> pd.Series:
    """Whether each roll call is the vote on a whole resolution.

    Voeten's ``amend``/``para`` flags decide where given.  Where both are missing (most
    roll calls of 2017-2019), a description that names a motion, an amendment or a
    paragraph marks a separate vote; and of several roll calls left with one symbol, only
    the last (the vote on the whole follows the separate votes) counts as final.
    """
    flagged = amend.notna() | para.notna()
    final = ~((amend.fillna(0) == 1) | (para.fillna(0) == 1))
    text = descr.fillna("").astype(str) if descr is not None else pd.Series("", index=amend.index)
    if short is not None:
        text = text + " " + short.fillna("").astype(str)
    described = text.str.contains(_SEPARATE_VOTE)
    final = final & (flagged | ~described)
    frame = pd.DataFrame(
        {
            "symbol": np.asarray(unres, dtype=object),
            "rcid": rcid.to_numpy(),
            "final": final.to_numpy(),
            "flagged": flagged.to_numpy(),
        }
    )
    unknown = frame[frame["final"] & ~frame["flagged"] & frame["symbol"].notna()]
    last = unknown.groupby("symbol")["rcid"].transform("max")
    values = final.to_numpy(dtype=bool).copy()
    values[unknown.index[unknown["rcid"] != last].to_numpy()] = False
    return pd.Series(values, index=amend.index)


def _flag(values: pd.Series) -> pd.Series:
    numbers = pd.to_numeric(values.astype(str).str.extract(r"(\d)")[0], errors="coerce")
    return numbers.astype("Int64")


def _roll_calls_from_voeten(rc: pd.DataFrame, issues: pd.DataFrame | None) -> pd.DataFrame:
    rcid = rc["rcid"].astype(int)
    session = pd.to_numeric(rc["session"]).astype(int)
    unres = rc["unres"].astype(object).where(rc["unres"].notna(), None)
    kinds = [session_from_voeten_symbol(u, s) for u, s in zip(unres, session, strict=True)]
    titles = (
        [title_and_agenda(s, d) for s, d in zip(rc.get("short"), rc.get("descr"), strict=True)]
        if "short" in rc
        else [(None, None)] * len(rc)
    )
    dates = pd.to_datetime(rc["date"], errors="coerce")
    amend = _flag(rc["amend"]) if "amend" in rc else pd.Series(pd.NA, index=rc.index)
    para = _flag(rc["para"]) if "para" in rc else pd.Series(pd.NA, index=rc.index)
    data: dict[str, object] = {
        "key": [f"rcid:{r}" for r in rcid],
        "rcid": rcid,
        "symbol": [canonical_symbol(u) for u in unres],
        "source_symbol": [clean_symbol(u) for u in unres],
        "date": dates,
        "date_precision": precision_for(dates),
        "session": session,
        "session_kind": [k for k, _ in kinds],
        "session_label": [label for _, label in kinds],
        "title": [t for t, _ in titles],
        "agenda_item": [a for _, a in titles],
        "description": rc.get("descr"),
        "short_title": rc.get("short"),
        "important_vote": _flag(rc["importantvote"]),
        "amendment": amend,
        "paragraph": para,
        "final": _final_flags(
            amend, para, unres=unres, descr=rc.get("descr"), short=rc.get("short"), rcid=rcid
        ),
    }
    for code in ISSUE_CODES:
        if code in rc:
            data[code] = _flag(rc[code])
    frame = roll_call_frame(data)
    if issues is not None:
        flags = issues.assign(v=1).pivot_table(
            index="rcid", columns="short_name", values="v", aggfunc="max"
        )
        for code in ISSUE_CODES:
            known = flags[code] if code in flags else pd.Series(dtype=float)
            frame[code] = frame["rcid"].map(known).fillna(0).astype("Int64")
    return frame


def read_unvotes(path: Path, directory: MemberDirectory) -> SourceBatch:
    """The *unvotes* package: ``un_votes.rda`` and its companions in the same folder."""
    folder = path.parent
    rc_path = folder / "un_roll_calls.rda"
    issues_path = folder / "un_roll_call_issues.rda"
    votes = read_r_object(path, "un_votes", {"rcid", "country", "country_code", "vote"})
    rc = read_r_object(rc_path, "un_roll_calls", {"rcid", "session", "date", "unres"})
    issues = read_r_object(issues_path, "un_roll_call_issues", {"rcid", "short_name"})
    roll_calls = _roll_calls_from_voeten(rc, issues)
    if roll_calls["date"].isna().any():
        bad = int(np.flatnonzero(roll_calls["date"].isna().to_numpy())[0])
        raise SourceFormatError("roll call without a date", path=rc_path, row=bad + 1)
    labels = votes["vote"].astype(str)
    mapping = {"yes": 1, "abstain": 2, "no": 3}
    codes = labels.map(mapping)
    if codes.isna().any():
        bad = int(np.flatnonzero(codes.isna().to_numpy())[0])
        raise VoteCodeError(
            "vote outside yes/abstain/no", path=path, row=bad + 1, value=labels.iloc[bad]
        )
    keys = "rcid:" + votes["rcid"].astype(int).astype(str)
    day_of = dict(zip(roll_calls["key"], roll_calls["date"], strict=True))
    days = keys.map(day_of)
    if days.isna().any():
        bad = int(np.flatnonzero(days.isna().to_numpy())[0])
        raise SourceFormatError(
            "vote on a roll call missing from un_roll_calls.rda",
            path=path,
            row=bad + 1,
            value=keys.iloc[bad],
        )
    members = resolve_members(directory, "name", votes["country"], days, path)
    listed = vote_frame(keys, members, codes.astype(int))
    absent = implied_absences(roll_calls[["key", "date"]], listed, directory)
    return SourceBatch(
        source="voeten_unvotes",
        files=[path, rc_path, issues_path],
        roll_calls=roll_calls,
        votes=pd.concat([listed, absent], ignore_index=True),
    )


def read_published(path: Path, directory: MemberDirectory) -> SourceBatch:
    """Voeten's 2016 release (``UNVotesPublished.RData``, object ``x``)."""
    x = read_r_object(path, "x", {"rcid", "session", "vote", "ccode", "date", "unres"})
    vote = pd.to_numeric(x["vote"], errors="coerce")
    bad_mask = ~vote.isin([1, 2, 3, 8, 9])
    if bad_mask.any():
        bad = int(np.flatnonzero(bad_mask.to_numpy())[0])
        raise VoteCodeError(
            "vote code outside 1, 2, 3, 8, 9", path=path, row=bad + 1, value=x["vote"].iloc[bad]
        )
    firsts = x.drop_duplicates("rcid").copy()
    firsts["date"] = pd.to_datetime(firsts["date"], format="%m/%d/%Y", errors="coerce")
    if "ec" in firsts:
        firsts["ec"] = firsts["ec"].astype(str).str.extract(r"(\d)")[0]
    roll_calls = _roll_calls_from_voeten(firsts, None)
    day_of = dict(zip(roll_calls["key"], roll_calls["date"], strict=True))
    keys = "rcid:" + x["rcid"].astype(int).astype(str)
    days = keys.map(day_of)
    # one roll call (rcid 4592) has no date here: resolve its keys on its session's year
    fallback = pd.to_datetime(x["year"].astype("Int64").astype(str) + "-12-31", errors="coerce")
    days = days.fillna(fallback)
    members = resolve_members(directory, "cow", x["ccode"], days, path)
    votes = vote_frame(keys, members, vote.astype(int))
    return SourceBatch(source="voeten_published", files=[path], roll_calls=roll_calls, votes=votes)


def read_descriptions(path: Path, directory: MemberDirectory) -> SourceBatch:
    """``descriptions1-70latestversion.xls``: roll-call metadata and Voeten's counts."""
    try:
        frame = pd.read_excel(path, engine="calamine")
    except Exception as error:  # xlrd raises assorted errors for damaged workbooks
        raise SourceFormatError(f"not a readable .xls workbook ({error})", path=path) from error
    needed = {"rcid", "session", "yes", "no", "abstain", "date", "unres", "short", "descr"}
    missing = needed - set(frame.columns)
    if missing:
        raise SourceFormatError("workbook lacks columns", path=path, value=sorted(missing))
    for column in ("yes", "no", "abstain"):
        counts = pd.to_numeric(frame[column], errors="coerce")
        if counts.isna().any() or (counts < 0).any():
            bad = int(np.flatnonzero((counts.isna() | (counts < 0)).to_numpy())[0])
            raise SourceFormatError(
                f"bad {column} count", path=path, row=bad + 2, value=frame[column].iloc[bad]
            )
    roll_calls = _roll_calls_from_voeten(frame, None)
    for column in ("yes", "no", "abstain"):
        roll_calls[column] = frame[column].astype("Int64").to_numpy()
    return SourceBatch(
        source="voeten_descriptions",
        files=[path],
        roll_calls=roll_calls,
        votes=vote_frame([], [], []),
    )
