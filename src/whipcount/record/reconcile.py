"""Merging a source batch into the record: matching roll calls, precedence, conflicts.

A roll call that several sources carry is stored once.  A batch's roll call is the
same as a stored one when, in this order:

1. they share a key (Voeten's ``rcid:N``, or the same symbol key);
2. both are votes on a whole resolution with the same canonical symbol;
3. they fall within three days of each other and at least 90 % of the members that
   both record as voting voted the same way (at least 20 such members) — this is how
   Voeten's post-2019 rows, which carry no symbol, meet the UN's.

Values are then merged field by field.  For a member's vote: a stated vote beats an
absence that a list-only source merely implied; between stated votes the source of
higher precedence (:data:`~whipcount.record.sources.registry.SOURCES`) wins and the
other value is written to ``conflicts``.  Totals are kept per source in
``source_totals``; the roll call shows those of the highest-precedence source, and
disagreeing totals are conflicts too.  Nothing a source says is dropped silently.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from whipcount.record.codes import DatePrecision, session_span
from whipcount.record.members import MemberDirectory
from whipcount.record.sources.batch import NOT_MEMBER_CODE, ROLL_CALL_COLUMNS, SourceBatch
from whipcount.record.sources.registry import SOURCES
from whipcount.record.symbols import symbol_match_key

META_FIELDS = [
    c
    for c in ROLL_CALL_COLUMNS
    if c not in {"key", "date", "date_precision", "yes", "no", "abstain", "absent"}
]
TOTALS = ["yes", "no", "abstain", "absent"]
DATE_WINDOW = pd.Timedelta(days=3)
MIN_AGREEMENT = 0.9
MIN_COMMON = 20


@dataclass
class MergeCounts:
    roll_calls_added: int = 0
    votes_added: int = 0
    votes_changed: int = 0
    conflicts_added: int = 0


def precedence(source: str) -> int:
    return SOURCES[source][0]


class Merger:
    """Applies batches to an open writer connection (the caller owns the transaction)."""

    def __init__(self, connection: sqlite3.Connection, directory: MemberDirectory) -> None:
        self.db = connection
        self.directory = directory

    # --- public -----------------------------------------------------------
    def apply(self, batch: SourceBatch, import_id: int) -> MergeCounts:
        counts = MergeCounts()
        self.import_id = import_id
        self.source = batch.source
        self.created: set[int] = set()
        roll_calls = batch.roll_calls
        if not roll_calls.empty:
            roll_calls = roll_calls.copy()
            roll_calls["rc"] = self._match(batch)
            if batch.attach_only:
                missing = roll_calls.loc[roll_calls["rc"].isna(), "key"].tolist()
                if missing:
                    batch.notes.append(f"{len(missing)} not in the record: {', '.join(missing)}")
                roll_calls = roll_calls[roll_calls["rc"].notna()].copy()
                roll_calls["rc"] = roll_calls["rc"].astype(int)
            else:
                roll_calls = self._add_new(roll_calls, counts)
            self._merge_metadata(roll_calls, counts)
            self._merge_totals(roll_calls, counts)
            self._record_keys(roll_calls)
            self._merge_votes(batch.votes, roll_calls, counts, insert=not batch.attach_only)
        self._store_adoptions(batch)
        self._store_reference(batch)
        return counts

    # --- matching -----------------------------------------------------------
    def _existing(self) -> pd.DataFrame:
        return pd.read_sql_query(
            "SELECT rc, id, symbol, date, date_precision, date_min, date_max, final, "
            "yes, no, abstain FROM roll_calls",
            self.db,
        )

    def _match(self, batch: SourceBatch) -> pd.Series:
        rcs = batch.roll_calls
        keys = dict(self.db.execute("SELECT key, rc FROM roll_call_keys").fetchall())
        matched = rcs["key"].map(keys).astype("Int64")
        existing = self._existing()
        if existing.empty:
            return matched
        taken = set(matched.dropna().astype(int))
        finals = existing[(existing["final"].fillna(1) == 1) & existing["symbol"].notna()]
        finals = finals.assign(match_key=[symbol_match_key(x) for x in finals["symbol"]])
        by_symbol = finals.groupby("match_key")
        for index in np.flatnonzero(matched.isna().to_numpy()):
            row = rcs.iloc[index]
            key = symbol_match_key(row["symbol"])
            if key is None or _is_false(row["final"]) or key not in by_symbol.groups:
                continue
            group = by_symbol.get_group(key)
            group = group[~group["rc"].isin(taken)]
            if group.empty:
                continue
            gap = (pd.to_datetime(group["date"]) - row["date"]).abs()
            rc = int(group["rc"].iloc[0] if gap.isna().all() else group.loc[gap.idxmin(), "rc"])
            matched.iloc[index] = rc
            taken.add(rc)
        unmatched = np.flatnonzero(matched.isna().to_numpy())
        if len(unmatched):
            self._match_by_votes(batch, unmatched, matched, existing, taken)
        return matched

    def _candidate_pairs(
        self, rcs: pd.DataFrame, unmatched: np.ndarray, existing: pd.DataFrame, taken: set[int]
    ) -> list[tuple[int, int]]:
        """(batch row, stored rc) pairs whose possible dates overlap (three days' slack)."""
        free = existing[~existing["rc"].isin(taken)]
        low = pd.to_datetime(free["date_min"]).to_numpy("datetime64[D]") - DATE_WINDOW.days
        high = pd.to_datetime(free["date_max"]).to_numpy("datetime64[D]") + DATE_WINDOW.days
        stored = free["rc"].to_numpy()
        pairs = []
        for index in unmatched:
            row = rcs.iloc[index]
            if pd.isna(row["date"]):
                continue
            first, last = (np.datetime64(d, "D") for d in _date_bounds(row.to_dict()))
            hits = stored[(low <= last) & (high >= first)]
            pairs += [(int(index), int(rc)) for rc in hits]
        return pairs

    def _match_by_votes(
        self,
        batch: SourceBatch,
        unmatched: np.ndarray,
        matched: pd.Series,
        existing: pd.DataFrame,
        taken: set[int],
    ) -> None:
        """Match by the votes themselves: every candidate pair is scored by the share of
        members that both record (absences included) and that voted alike; pairs are then
        assigned best first, ties going to the closer tally, each side used once.  A stored
        roll call with published totals but no per-member votes matches a batch roll call
        whose counted votes reproduce those totals exactly."""
        rcs = batch.roll_calls
        pairs = self._candidate_pairs(rcs, unmatched, existing, taken)
        if not pairs:
            return
        codes = {code: i for i, code in enumerate(self.directory.codes)}
        wanted = sorted({rc for _, rc in pairs})
        stored = self._votes_of(wanted, explicit_only=True)
        theirs = _vote_vectors(stored["rc"], stored["member"], stored["vote"], wanted, codes)
        keys = rcs["key"].to_numpy()
        mine_rows = sorted({i for i, _ in pairs})
        stated = batch.votes[batch.votes["explicit"] & batch.votes["vote"].isin([1, 2, 3, 8])]
        mine = _vote_vectors(
            stated["key"], stated["member"], stated["vote"], [keys[i] for i in mine_rows], codes
        )
        row_of_mine = {i: n for n, i in enumerate(mine_rows)}
        row_of_theirs = {rc: n for n, rc in enumerate(wanted)}
        published = existing.set_index("rc")[["yes", "no", "abstain"]]
        scored = []
        for i, rc in pairs:
            a, b = mine[row_of_mine[i]], theirs[row_of_theirs[rc]]
            both = (a > 0) & (b > 0)
            tally_a = _tally(a)
            if both.sum() >= MIN_COMMON:
                agreement = float((a[both] == b[both]).mean())
                distance = int(np.abs(tally_a - _tally(b)).sum())
            elif not (b > 0).any() and published.loc[rc].notna().all():
                target = published.loc[rc].to_numpy(dtype=float)
                agreement = 0.95 if np.array_equal(tally_a, target) else 0.0
                distance = 0
            else:
                continue
            if agreement >= MIN_AGREEMENT:
                scored.append((-agreement, distance, i, rc))
        used: set[int] = set()
        for _, _, i, rc in sorted(scored):
            if i in used or rc in taken:
                continue
            matched.iloc[i] = rc
            used.add(i)
            taken.add(rc)

    # --- new roll calls ----------------------------------------------------
    def _add_new(self, rcs: pd.DataFrame, counts: MergeCounts) -> pd.DataFrame:
        new = rcs["rc"].isna() & rcs["date"].notna()
        rcs = rcs[rcs["rc"].notna() | new].copy()  # undated and unmatched: nothing to hang on
        if not new.any():
            return rcs
        next_rc = (self.db.execute("SELECT IFNULL(MAX(rc), 0) FROM roll_calls").fetchone()[0]) + 1
        ids = {r[0] for r in self.db.execute("SELECT id FROM roll_calls")}
        order = rcs[rcs["rc"].isna()].sort_values(["date", "key"], kind="stable")
        rows = []
        assigned: dict[object, int] = {}
        for index, row in zip(order.index, order.to_dict("records"), strict=True):
            rc_id = _public_id(row, ids)
            ids.add(rc_id)
            assigned[index] = next_rc
            self.created.add(next_rc)
            low, high = _date_bounds(row)
            record = {c: _plain(row[c]) for c in META_FIELDS}
            record.update(
                rc=next_rc,
                id=rc_id,
                date=row["date"].date().isoformat(),
                date_precision=str(row["date_precision"]),
                date_min=low,
                date_max=high,
                source=self.source,
                import_id=self.import_id,
            )
            rows.append(record)
            next_rc += 1
        rcs["rc"] = rcs["rc"].fillna(pd.Series(assigned, dtype="Int64"))
        columns = list(rows[0])
        marks = ", ".join("?" * len(columns))
        self.db.executemany(
            f"INSERT INTO roll_calls ({', '.join(columns)}) VALUES ({marks})",
            [tuple(r[c] for c in columns) for r in rows],
        )
        counts.roll_calls_added += len(rows)
        rcs["rc"] = rcs["rc"].astype(int)
        return rcs

    # --- metadata ------------------------------------------------------------
    def _merge_metadata(self, rcs: pd.DataFrame, counts: MergeCounts) -> None:
        stored = pd.read_sql_query(
            "SELECT * FROM roll_calls WHERE import_id != ?", self.db, params=(self.import_id,)
        )
        joined = rcs.merge(stored, on="rc", how="inner", suffixes=("", "_old"))
        if joined.empty:
            return
        higher = (precedence(self.source) > joined["source"].map(precedence)).to_numpy()
        rc_values = joined["rc"].astype(int).to_numpy()
        for field in META_FIELDS:
            new, old = joined[field], joined[f"{field}_old"]
            if ROLL_CALL_COLUMNS[field] == "object":
                differs = new.astype(str).to_numpy() != old.astype(str).to_numpy()
            else:
                differs = (
                    pd.to_numeric(new, errors="coerce").astype(float).to_numpy()
                    != pd.to_numeric(old, errors="coerce").astype(float).to_numpy()
                )
            given = new.notna().to_numpy()
            change = given & (old.isna().to_numpy() | (higher & differs))
            if change.any():
                self.db.executemany(
                    f'UPDATE roll_calls SET "{field}" = ? WHERE rc = ?',
                    [
                        (_plain(v), int(rc))
                        for v, rc in zip(new[change], rc_values[change], strict=True)
                    ],
                )
        self.db.executemany(
            "UPDATE roll_calls SET source = ? WHERE rc = ?",
            [(self.source, int(rc)) for rc in rc_values[higher]],
        )
        mine_dates = joined["date"].dt.strftime("%Y-%m-%d")
        moved = joined[(mine_dates != joined["date_old"]) & joined["date"].notna()]
        updates: list[tuple[str, object, int]] = []
        for row, is_higher in zip(moved.to_dict("records"), higher[moved.index], strict=True):
            self._merge_date(row, int(row["rc"]), bool(is_higher), updates, counts)
        for field, value, rc in updates:
            self.db.execute(f'UPDATE roll_calls SET "{field}" = ? WHERE rc = ?', (value, rc))

    def _merge_date(
        self,
        row: dict[str, object],
        rc: int,
        higher: bool,
        updates: list[tuple[str, object, int]],
        counts: MergeCounts,
    ) -> None:
        mine = pd.Timestamp(row["date"]).date().isoformat()
        exact_here = row["date_precision"] == DatePrecision.DAY
        exact_there = row["date_precision_old"] == DatePrecision.DAY
        if exact_here and exact_there:
            self._conflict(
                rc,
                None,
                "date",
                (row["source"], row["date_old"]),
                (self.source, mine),
                keep_mine=higher,
                counts=counts,
            )
            if not higher:
                return
        elif not exact_here:
            return  # an approximate date never replaces a stored one
        low, high = _date_bounds(row)
        updates += [
            ("date", mine, rc),
            ("date_precision", str(row["date_precision"]), rc),
            ("date_min", low, rc),
            ("date_max", high, rc),
        ]

    # --- totals ------------------------------------------------------------------
    def _merge_totals(self, rcs: pd.DataFrame, counts: MergeCounts) -> None:
        given = rcs[rcs[TOTALS].notna().any(axis=1)]
        if given.empty:
            return
        self.db.executemany(
            "INSERT OR REPLACE INTO source_totals (rc, source, yes, no, abstain, absent) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            [
                (int(r.rc), self.source, *(_plain(getattr(r, t)) for t in TOTALS))
                for r in given.itertuples()
            ],
        )
        self._fill_wanted(sorted({int(r) for r in given["rc"]}))
        totals = pd.read_sql_query(
            "SELECT t.* FROM source_totals t JOIN wanted w ON w.rc = t.rc", self.db
        )
        totals["precedence"] = totals["source"].map(precedence)
        best = totals.sort_values(["rc", "precedence"], ascending=[True, False]).drop_duplicates(
            "rc"
        )
        self.db.executemany(
            "UPDATE roll_calls SET yes = ?, no = ?, abstain = ?, absent = ?, totals_source = ? "
            "WHERE rc = ?",
            [
                (*(_plain(getattr(b, t)) for t in TOTALS), b.source, int(b.rc))
                for b in best.itertuples()
            ],
        )
        # every source that disagrees with the totals the record shows is a conflict
        chosen = best.set_index("rc")
        for row in totals[totals["source"] != totals["rc"].map(chosen["source"])].to_dict(
            "records"
        ):
            if self.source not in (row["source"], chosen.loc[row["rc"], "source"]):
                continue
            kept = chosen.loc[row["rc"]]
            fields = [t for t in TOTALS[:3] if pd.notna(row[t]) and pd.notna(kept[t])]
            if any(int(row[t]) != int(kept[t]) for t in fields):
                self._conflict(
                    int(row["rc"]),
                    None,
                    "totals",
                    (kept["source"], _totals_text(kept)),
                    (row["source"], _totals_text(row)),
                    keep_mine=False,
                    counts=counts,
                )

    def _record_keys(self, rcs: pd.DataFrame) -> None:
        self.db.executemany(
            "INSERT OR IGNORE INTO roll_call_keys (key, rc, source) VALUES (?, ?, ?)",
            [(k, int(rc), self.source) for k, rc in zip(rcs["key"], rcs["rc"], strict=True)],
        )

    # --- votes -------------------------------------------------------------------
    def _fill_wanted(self, rcs: list[int]) -> None:
        self.db.execute("CREATE TEMP TABLE IF NOT EXISTS wanted (rc INTEGER PRIMARY KEY)")
        self.db.execute("DELETE FROM wanted")
        self.db.executemany("INSERT INTO wanted VALUES (?)", [(int(r),) for r in rcs])

    def _votes_of(self, rcs: list[int], explicit_only: bool = False) -> pd.DataFrame:
        self._fill_wanted(rcs)
        where = " AND v.explicit = 1" if explicit_only else ""
        return pd.read_sql_query(
            "SELECT v.rc, v.member, v.vote, v.explicit, v.source FROM votes v "
            f"JOIN wanted w ON w.rc = v.rc{where}",
            self.db,
        )

    def _merge_votes(
        self, votes: pd.DataFrame, rcs: pd.DataFrame, counts: MergeCounts, *, insert: bool = True
    ) -> None:
        """Merge in SQL: the batch goes to a temporary table, then set operations.
        With ``insert`` false, votes only confirm or contradict stored ones."""
        if votes.empty:
            return
        key_to_rc = dict(zip(rcs["key"], rcs["rc"].astype(int), strict=True))
        mine = votes.assign(rc=votes["key"].map(key_to_rc)).dropna(subset=["rc"])
        mine = mine.drop_duplicates(["rc", "member"], keep="first")
        mine["rc"] = mine["rc"].astype(int)
        mine = mine.sort_values(["rc", "member"], kind="stable")  # B-tree order: fast inserts
        fresh = mine["rc"].isin(self.created)
        if insert and fresh.any():  # roll calls created by this batch: nothing to merge with
            rows = mine[fresh & (mine["vote"] != NOT_MEMBER_CODE)]
            self.db.executemany(
                "INSERT INTO votes (rc, member, vote, explicit, source, reason) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                zip(
                    rows["rc"].tolist(),
                    rows["member"].tolist(),
                    rows["vote"].astype(int).tolist(),
                    rows["explicit"].astype(int).tolist(),
                    [self.source] * len(rows),
                    rows["reason"].tolist(),
                    strict=True,
                ),
            )
            counts.votes_added += len(rows)
        self._load_batch_votes(mine[~fresh])
        params = {"src": self.source, "mine": precedence(self.source), "run": self.import_id}
        wins = "(votes.explicit = 0 OR :mine > (SELECT p FROM temp.prec WHERE "
        wins += "prec.source = votes.source))"
        db = self.db
        if insert:
            counts.votes_added += db.execute(
                "INSERT INTO votes (rc, member, vote, explicit, source, reason) "
                "SELECT b.rc, b.member, b.vote, b.explicit, :src, b.reason FROM temp.batch_votes b "
                "WHERE b.vote != 9 AND NOT EXISTS "
                "(SELECT 1 FROM votes v WHERE v.rc = b.rc AND v.member = b.member)",
                params,
            ).rowcount
        counts.conflicts_added += db.execute(
            "INSERT OR IGNORE INTO conflicts (rc, member, kind, kept_source, kept_value, "
            "other_source, other_value, import_id) "
            "SELECT b.rc, b.member, 'vote', "
            "CASE WHEN :mine > p.p THEN :src ELSE v.source END, "
            "CASE WHEN :mine > p.p THEN lb.label ELSE lv.label END, "
            "CASE WHEN :mine > p.p THEN v.source ELSE :src END, "
            "CASE WHEN :mine > p.p THEN lv.label ELSE lb.label END, :run "
            "FROM temp.batch_votes b JOIN votes v ON v.rc = b.rc AND v.member = b.member "
            "JOIN temp.prec p ON p.source = v.source "
            "JOIN temp.labels lb ON lb.code = b.vote JOIN temp.labels lv ON lv.code = v.vote "
            "WHERE b.explicit = 1 AND v.explicit = 1 AND b.vote != v.vote",
            params,
        ).rowcount
        db.execute(
            "UPDATE votes SET explicit = 1, source = :src FROM temp.batch_votes b "
            "WHERE votes.explicit = 0 AND votes.rc = b.rc AND votes.member = b.member "
            "AND b.explicit = 1 AND b.vote = votes.vote",
            params,
        )
        counts.votes_changed += db.execute(
            "UPDATE votes SET vote = b.vote, explicit = b.explicit, source = :src, "
            "reason = b.reason FROM temp.batch_votes b WHERE votes.rc = b.rc "
            "AND votes.member = b.member AND b.vote != votes.vote AND b.vote != 9 "
            f"AND b.explicit = 1 AND {wins}",
            params,
        ).rowcount
        counts.votes_changed += db.execute(
            "DELETE FROM votes WHERE (rc, member) IN "
            "(SELECT rc, member FROM temp.batch_votes WHERE vote = 9) "
            f"AND {wins}",
            params,
        ).rowcount
        self._membership_conflicts(mine, rcs, counts)

    def _load_batch_votes(self, mine: pd.DataFrame) -> None:
        db = self.db
        db.execute("DROP TABLE IF EXISTS temp.batch_votes")
        db.execute(
            "CREATE TEMP TABLE batch_votes (rc INTEGER, member TEXT, vote INTEGER, "
            "explicit INTEGER, reason TEXT, PRIMARY KEY (rc, member)) WITHOUT ROWID"
        )
        db.executemany(
            "INSERT INTO temp.batch_votes VALUES (?, ?, ?, ?, ?)",
            zip(
                mine["rc"].tolist(),
                mine["member"].tolist(),
                mine["vote"].astype(int).tolist(),
                mine["explicit"].astype(int).tolist(),
                mine["reason"].tolist(),
                strict=True,
            ),
        )
        db.execute("CREATE TEMP TABLE IF NOT EXISTS prec (source TEXT PRIMARY KEY, p INTEGER)")
        db.executemany(
            "INSERT OR REPLACE INTO temp.prec VALUES (?, ?)",
            [(name, p) for name, (p, _) in SOURCES.items()],
        )
        db.execute("CREATE TEMP TABLE IF NOT EXISTS labels (code INTEGER PRIMARY KEY, label TEXT)")
        db.executemany(
            "INSERT OR REPLACE INTO temp.labels VALUES (?, ?)",
            [(c, _label(c)) for c in (1, 2, 3, 8, NOT_MEMBER_CODE)],
        )

    def _membership_conflicts(
        self, mine: pd.DataFrame, rcs: pd.DataFrame, counts: MergeCounts
    ) -> None:
        """A stated yes/no/abstain by a state that the member tables say was not a member."""
        real = mine[mine["explicit"] & mine["vote"].isin([1, 2, 3])]
        if real.empty:
            return
        bounds = pd.read_sql_query("SELECT rc, date_min, date_max FROM roll_calls", self.db)
        real = real.merge(bounds, on="rc")
        outside = ~self.directory.member_during(real["member"], real["date_min"], real["date_max"])
        for r in real[outside].itertuples():
            self._conflict(
                int(r.rc),
                str(r.member),
                "membership",
                (self.source, _label(r.vote)),
                ("member_periods", "not a member"),
                keep_mine=True,
                counts=counts,
            )

    # --- conflicts, adoptions, reference ------------------------------------------------
    def _conflict(
        self,
        rc: int,
        member: str | None,
        kind: str,
        theirs: tuple[object, object],
        mine: tuple[object, object],
        *,
        keep_mine: bool,
        counts: MergeCounts,
    ) -> None:
        kept, other = (mine, theirs) if keep_mine else (theirs, mine)
        cursor = self.db.execute(
            "INSERT OR IGNORE INTO conflicts (rc, member, kind, kept_source, kept_value, "
            "other_source, other_value, import_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                rc,
                member,
                kind,
                str(kept[0]),
                _text(kept[1]),
                str(other[0]),
                _text(other[1]),
                self.import_id,
            ),
        )
        counts.conflicts_added += cursor.rowcount

    def _store_adoptions(self, batch: SourceBatch) -> None:
        if batch.adoptions.empty:
            return
        from whipcount.record.codes import regular_session_on

        self.db.executemany(
            "INSERT OR IGNORE INTO adoptions (symbol, date, session, title, adoption_type, "
            "source) VALUES (?, ?, ?, ?, ?, ?)",
            [
                (
                    r.symbol,
                    r.date.date().isoformat(),
                    regular_session_on(r.date.date()),
                    r.title,
                    r.adoption_type,
                    batch.source,
                )
                for r in batch.adoptions.itertuples()
            ],
        )

    def _store_reference(self, batch: SourceBatch) -> None:
        for table, frame in batch.reference.items():
            columns = list(frame.columns)
            self.db.executemany(
                f"INSERT OR REPLACE INTO {table} ({', '.join(columns)}) "
                f"VALUES ({', '.join('?' * len(columns))})",
                [tuple(_plain(v) for v in row) for row in frame.itertuples(index=False)],
            )


def _public_id(row: dict[str, object], taken: set[str]) -> str:
    """The resolution symbol for a vote on the whole, else symbol#rcid, else the key."""
    symbol = row["symbol"]
    if symbol and not _is_false(row["final"]) and symbol not in taken:
        return str(symbol)
    if symbol and pd.notna(row["rcid"]):
        candidate = f"{symbol}#{int(row['rcid'])}"  # type: ignore[call-overload]
    elif symbol:
        candidate = f"{symbol}#{row['key']}"
    else:
        candidate = str(row["key"])
    suffix = 2
    unique = candidate
    while unique in taken:
        unique = f"{candidate}-{suffix}"
        suffix += 1
    return unique


def _vote_vectors(
    keys: pd.Series,
    members: pd.Series,
    votes: pd.Series,
    order: Sequence[object],
    codes: dict[str, int],
) -> np.ndarray:
    """One int8 row of vote codes per key in ``order``, one column per member code."""
    matrix = np.zeros((len(order), len(codes)), dtype=np.int8)
    position = {key: n for n, key in enumerate(order)}
    rows = keys.map(position)
    cols = members.map(codes)
    ok = rows.notna() & cols.notna()
    matrix[rows[ok].astype(int).to_numpy(), cols[ok].astype(int).to_numpy()] = votes[ok].to_numpy()
    return matrix


def _tally(vector: np.ndarray) -> np.ndarray:
    return np.array([(vector == 1).sum(), (vector == 3).sum(), (vector == 2).sum()], dtype=float)


def _totals_text(row: dict[str, Any] | pd.Series) -> str:
    """``yes-no-abstain-absent``, with ``?`` where a source gives no figure."""
    return "-".join("?" if pd.isna(row[t]) else str(int(row[t])) for t in TOTALS)


def _is_false(value: object) -> bool:
    return value is not None and value is not pd.NA and not bool(value)


def _date_bounds(row: dict[str, object]) -> tuple[str, str]:
    day = pd.Timestamp(row["date"]).date()
    session = row.get("session")
    if row["date_precision"] == DatePrecision.DAY or session is None or pd.isna(session):
        return day.isoformat(), day.isoformat()
    low, high = session_span(int(session))  # type: ignore[call-overload]
    return min(low, day).isoformat(), max(high, day).isoformat()


def _plain(value: object) -> object:
    """A value SQLite can store: numpy scalars to Python, NA to None."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and np.isnan(value):
        return None
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _label(code: object) -> str:
    from whipcount.record.codes import VOTE_LABELS

    number = int(code)  # type: ignore[call-overload]
    return "not a member" if number == NOT_MEMBER_CODE else VOTE_LABELS[number]


def _text(value: object) -> str | None:
    plain = _plain(value)
    if isinstance(plain, float) and plain.is_integer():
        plain = int(plain)
    return None if plain is None else str(plain)
