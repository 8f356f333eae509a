"""Reading the record: the questions the CLI and the API answer, as plain documents.

:class:`Record` opens the store read-only.  Every method returns JSON-ready dicts and
lists (the documents ``--json`` prints and the web API will serve); their shapes are
documented in ``docs/JSON.md``.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from pathlib import Path
from typing import Any

from rapidfuzz import fuzz

from whipcount.errors import NotFoundError
from whipcount.record.codes import VOTE_LABELS
from whipcount.record.matrix import VoteMatrix, load_matrix
from whipcount.record.members import directory
from whipcount.record.series import normalize_title
from whipcount.record.store import connect_readonly, record_version

Document = dict[str, Any]

_ROLL_CALL_FIELDS = (
    "id, rcid, session, session_kind, session_label, date, date_precision, date_min, date_max, "
    "symbol, draft_symbol, title, description, short_title, agenda_item, committee, meeting, "
    "sponsors, subjects, vote_note, me, nu, di, hr, co, ec, important_vote, amendment, "
    "paragraph, final, yes, no, abstain, absent, totals_source, source"
)
ISSUE_CODES = ("me", "nu", "di", "hr", "co", "ec")


class Record:
    """The vote record, opened read-only."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.db = connect_readonly(path)
        self.db.row_factory = sqlite3.Row

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Record:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def version(self) -> int:
        return record_version(self.db)

    def matrix(self) -> VoteMatrix:
        """The vote matrix (cached by record version)."""
        return load_matrix(self.path)

    # --- status ------------------------------------------------------------------
    def status(self) -> Document:
        one = self.db.execute(
            "SELECT COUNT(*) AS n, MIN(date) AS first, MAX(date) AS last FROM roll_calls"
        ).fetchone()
        votes = self.db.execute("SELECT COUNT(*) FROM votes").fetchone()[0]
        members = self.db.execute("SELECT COUNT(DISTINCT member) FROM votes").fetchone()[0]
        sessions = [
            r[0]
            for r in self.db.execute("SELECT DISTINCT session FROM roll_calls ORDER BY session")
        ]
        imports = [
            dict(r)
            for r in self.db.execute(
                "SELECT id, started_at, finished_at, source, path, sha256, roll_calls_added, "
                "votes_added, votes_changed, conflicts_added FROM imports ORDER BY id"
            )
        ]
        conflicts = dict(
            self.db.execute("SELECT kind, COUNT(*) FROM conflicts GROUP BY kind").fetchall()
        )
        return {
            "record": str(self.path),
            "version": self.version,
            "roll_calls": one["n"],
            "votes": votes,
            "members": members,
            "first_date": one["first"],
            "last_date": one["last"],
            "sessions": sessions,
            "series": self.db.execute("SELECT COUNT(*) FROM series").fetchone()[0],
            "conflicts": conflicts,
            "imports": imports,
        }

    # --- roll calls ----------------------------------------------------------------
    def resolve_roll_call(self, ref: str) -> int:
        """The internal row of a roll call given its id, its symbol or a source key."""
        text = ref.strip()
        row = self.db.execute("SELECT rc FROM roll_calls WHERE id = ?", (text,)).fetchone()
        if row is None:
            row = self.db.execute("SELECT rc FROM roll_call_keys WHERE key = ?", (text,)).fetchone()
        if row is None:
            from whipcount.record.symbols import canonical_symbol

            rows = self.db.execute(
                "SELECT rc FROM roll_calls WHERE symbol = ? ORDER BY final DESC, date",
                (canonical_symbol(text),),
            ).fetchall()
            row = rows[0] if rows else None
        if row is None:
            raise NotFoundError(f"no roll call {ref!r} (give an id such as A/RES/79/7)")
        return int(row[0])

    def roll_call(self, ref: str) -> Document:
        rc = self.resolve_roll_call(ref)
        row = self.db.execute(
            f"SELECT {_ROLL_CALL_FIELDS} FROM roll_calls WHERE rc = ?", (rc,)
        ).fetchone()
        document = _roll_call_document(row)
        document["counted"] = self._counts(rc)
        document["series"] = self._series_of(rc)
        document["sources"] = [
            dict(r)
            for r in self.db.execute(
                "SELECT key, source FROM roll_call_keys WHERE rc = ? ORDER BY key", (rc,)
            )
        ]
        return document

    def votes(self, ref: str, *, only: str | None = None) -> Document:
        """A roll call and every member's vote on it (``only``: just yes, no, abstain or
        absent; ``counted`` still counts every member)."""
        document = self.roll_call(ref)
        rc = self.resolve_roll_call(ref)
        document["votes"] = [
            {
                "member": r["member"],
                "name": r["short_name"],
                "vote": VOTE_LABELS[r["vote"]],
                "reason": r["reason"],
                "source": r["source"],
            }
            for r in self.db.execute(
                "SELECT v.member, m.short_name, v.vote, v.reason, v.source FROM votes v "
                "JOIN members m ON m.code = v.member WHERE v.rc = ? ORDER BY m.short_name",
                (rc,),
            )
            if only is None or VOTE_LABELS[r["vote"]] == only
        ]
        return document

    def _counts(self, rc: int) -> dict[str, int]:
        counts = dict(
            self.db.execute(
                "SELECT vote, COUNT(*) FROM votes WHERE rc = ? GROUP BY vote", (rc,)
            ).fetchall()
        )
        return {VOTE_LABELS[c]: int(counts.get(c, 0)) for c in (1, 3, 2, 8)}

    def _series_of(self, rc: int) -> str | None:
        row = self.db.execute("SELECT series_id FROM series_members WHERE rc = ?", (rc,)).fetchone()
        return str(row[0]) if row else None

    # --- series ------------------------------------------------------------------------
    def series_find(self, text: str, limit: int = 10) -> list[Document]:
        """Series whose titles match ``text``, best match first."""
        query = normalize_title(text).split()
        if not query:
            return []
        rows = self.db.execute(
            "SELECT s.id, s.title, s.instances, s.first_session, s.last_session, "
            "GROUP_CONCAT(r.title, ' ') || ' ' || IFNULL(GROUP_CONCAT(r.short_title, ' '), '') "
            "AS text FROM series s JOIN series_members sm ON sm.series_id = s.id "
            "JOIN roll_calls r ON r.rc = sm.rc GROUP BY s.id"
        ).fetchall()
        scored = []
        for row in rows:
            words = set(normalize_title(row["text"]).split())
            title_words = set(normalize_title(row["title"]).split())
            score = sum(_word_score(q, words) for q in query) / len(query)
            in_title = sum(_word_score(q, title_words) for q in query) / len(query)
            if score >= 0.5:
                scored.append((score, in_title, row))
        scored.sort(key=lambda s: (-s[0], -s[1], -s[2]["instances"], -s[2]["last_session"]))
        return [
            {
                "id": r["id"],
                "title": r["title"],
                "instances": r["instances"],
                "first_session": r["first_session"],
                "last_session": r["last_session"],
                "score": round(score, 3),
            }
            for score, _, r in scored[:limit]
        ]

    def series_show(self, series_id: str) -> Document:
        row = self.db.execute("SELECT * FROM series WHERE id = ?", (series_id,)).fetchone()
        if row is None:
            raise NotFoundError(f"no series {series_id!r} (find one with `whipcount series find`)")
        instances = []
        for r in self.db.execute(
            "SELECT r.rc, r.id, r.session, r.session_label, r.date, r.date_precision, r.symbol, "
            "r.title, r.yes, r.no, r.abstain, r.absent, r.totals_source, sm.link "
            "FROM series_members sm JOIN roll_calls r ON r.rc = sm.rc "
            "WHERE sm.series_id = ? ORDER BY r.date",
            (series_id,),
        ):
            counted = self._counts(int(r["rc"]))
            published = None
            if r["yes"] is not None:
                published = {
                    "yes": r["yes"],
                    "no": r["no"],
                    "abstain": r["abstain"],
                    "absent": r["absent"],
                    "source": r["totals_source"],
                }
            instances.append(
                {
                    **_brief(r),
                    "totals": counted,
                    "published_totals": published,
                    "link": r["link"],
                }
            )
        return {
            "id": row["id"],
            "title": row["title"],
            "first_session": row["first_session"],
            "last_session": row["last_session"],
            "instances": instances,
        }

    # --- members ----------------------------------------------------------------------
    def resolve_member(self, text: str) -> str:
        """A member code from a code or a name; the error suggests the closest names."""
        members = directory()
        code = members.search(text)
        if code is None:
            names = [f"{name} ({code})" for name, code in members.closest(text)]
            hint = f"did you mean {', '.join(names)}?" if names else "give an ISO3 code"
            raise NotFoundError(f"no member {text!r}; {hint}")
        return code

    def country(
        self,
        text: str,
        *,
        series: str | None = None,
        sessions: tuple[int, int] | None = None,
        before: dt.date | None = None,
        since: dt.date | None = None,
    ) -> Document:
        """A member's votes, optionally on one series, within a range of sessions, or
        before / since a date (approximate dates count only when their whole session
        falls on that side: ``date_max < before``, ``date_min >= since``)."""
        code = self.resolve_member(text)
        member = dict(
            self.db.execute(
                "SELECT code, iso3, short_name, official_name, admitted, ended, successor, "
                "regional_group FROM members WHERE code = ?",
                (code,),
            ).fetchone()
        )
        where, params = ["v.member = ?"], [code]
        if series is not None:
            self.series_show(series)  # raises NotFoundError for an unknown series
            where.append("r.rc IN (SELECT rc FROM series_members WHERE series_id = ?)")
            params.append(series)
        if sessions is not None:
            where.append("r.session BETWEEN ? AND ?")
            params += [str(sessions[0]), str(sessions[1])]
        if before is not None:
            where.append("r.date_max < ?")
            params.append(before.isoformat())
        if since is not None:
            where.append("r.date_min >= ?")
            params.append(since.isoformat())
        votes = [
            {
                **_brief(r),
                "vote": VOTE_LABELS[r["vote"]],
                "reason": r["reason"],
            }
            for r in self.db.execute(
                "SELECT r.id, r.session, r.date, r.date_precision, r.symbol, r.title, v.vote, "
                "v.reason "
                "FROM votes v JOIN roll_calls r ON r.rc = v.rc WHERE "
                + " AND ".join(where)
                + " ORDER BY r.date, r.rc",
                params,
            )
        ]
        summary = {
            label: sum(1 for v in votes if v["vote"] == label)
            for label in ("yes", "no", "abstain", "absent")
        }
        return {"member": member, "series": series, "summary": summary, "votes": votes}

    def members(
        self,
        *,
        on: dt.date | None = None,
        bloc: str | None = None,
        group: str | None = None,
    ) -> list[Document]:
        """Member identities with their blocs; only the members on day ``on`` (default:
        today, when a bloc or group is asked for), of ``bloc``, or of regional ``group``."""
        members = directory()
        day = on or (dt.date.today() if (bloc or group) else None)
        codes = set(members.members_on(day)) if day else None
        if bloc:
            known = set(members.blocs["bloc"])
            if bloc.upper() not in known:
                raise NotFoundError(f"no bloc {bloc!r} (known: {', '.join(sorted(known))})")
            codes = (codes or set()) & set(members.bloc_members_on(bloc, day or dt.date.today()))
        rows = []
        for r in self.db.execute(
            "SELECT code, iso3, short_name, official_name, admitted, ended, successor, "
            "regional_group FROM members ORDER BY code"
        ):
            document = dict(r)
            if codes is not None and document["code"] not in codes:
                continue
            if day is not None:
                document["regional_group"] = members.group_on(document["code"], day)
            if group and document["regional_group"] != group.upper():
                continue
            document["blocs"] = members.blocs_of(document["code"], day or dt.date.today())
            rows.append(document)
        return rows

    def tally_check(self) -> Document:
        """How well per-member votes reproduce published totals (see ``tally_check``)."""
        from whipcount.record.tally_check import tally_check

        return tally_check(self.db)

    # --- conflicts ----------------------------------------------------------------------
    def conflicts(
        self, *, kind: str | None = None, roll_call: str | None = None, limit: int | None = None
    ) -> list[Document]:
        where, params = [], []
        if kind:
            where.append("c.kind = ?")
            params.append(kind)
        if roll_call:
            where.append("c.rc = ?")
            params.append(str(self.resolve_roll_call(roll_call)))
        sql = (
            "SELECT r.id AS roll_call, r.date, c.member, c.kind, c.kept_source, c.kept_value, "
            "c.other_source, c.other_value FROM conflicts c JOIN roll_calls r ON r.rc = c.rc"
        )
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY r.date, r.rc, c.member"
        if limit:
            sql += f" LIMIT {min(int(limit), 2**63 - 1)}"  # SQLite's largest integer
        return [dict(r) for r in self.db.execute(sql, params)]


def _brief(row: sqlite3.Row) -> Document:
    """The fields that name a roll call in lists: id, session, date, symbol, title."""
    return {
        "roll_call": row["id"],
        "session": row["session"],
        "date": row["date"],
        "date_precision": row["date_precision"],
        "symbol": row["symbol"],
        "title": row["title"],
    }


def _word_score(word: str, words: set[str]) -> float:
    if word in words:
        return 1.0
    if len(word) >= 4 and any(w.startswith(word) for w in words):
        return 0.9
    best = max((fuzz.ratio(word, w) for w in words), default=0.0)
    return 0.8 if best >= 85 else 0.0


def _roll_call_document(row: sqlite3.Row) -> Document:
    document = dict(row)
    for field in ("sponsors", "subjects"):
        document[field] = json.loads(row[field]) if row[field] else []
    document["issues"] = [c for c in ISSUE_CODES if row[c] == 1]
    for code in ISSUE_CODES:
        document.pop(code)
    for flag in ("important_vote", "amendment", "paragraph", "final"):
        document[flag] = None if row[flag] is None else bool(row[flag])
    published = None
    if row["yes"] is not None:
        published = {
            "yes": row["yes"],
            "no": row["no"],
            "abstain": row["abstain"],
            "absent": row["absent"],
            "source": row["totals_source"],
        }
    for total in ("yes", "no", "abstain", "absent", "totals_source"):
        document.pop(total)
    document["published_totals"] = published
    return document
