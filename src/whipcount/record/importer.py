"""Importing source files into the record: incremental, idempotent, atomic per file.

``import_sources`` discovers the import units under the given paths, skips those
whose files' checksum was imported before, reads each remaining unit completely
(a bad file raises before anything is written), merges it in one transaction and
logs it in ``imports``.  Afterwards it applies the published totals typed into the
project (``record/data/published_totals.csv``), relinks the series, bumps the record
version and refreshes the vote-matrix cache.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import sqlite3
import time
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from importlib import resources
from pathlib import Path

import pandas as pd

from whipcount.errors import SourceError
from whipcount.record.members import MemberDirectory, directory
from whipcount.record.prefetch import read_ahead
from whipcount.record.reconcile import MergeCounts, Merger
from whipcount.record.series import link_series
from whipcount.record.sources.batch import SourceBatch, roll_call_frame, vote_frame
from whipcount.record.sources.registry import SOURCES, discover
from whipcount.record.store import (
    connect_writer,
    create_lookup_indexes,
    drop_lookup_indexes,
    transaction,
)

Progress = Callable[[str, int, int], None]


@dataclass
class UnitReport:
    """What one import unit did."""

    source: str
    path: str
    status: str  # "imported", "unchanged" or "failed" (the file was refused whole)
    roll_calls_added: int = 0
    votes_added: int = 0
    votes_changed: int = 0
    conflicts_added: int = 0
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0


@dataclass
class ImportReport:
    """What an import run did, unit by unit."""

    record: str
    units: list[UnitReport]
    skipped: list[str]
    series: int = 0

    @property
    def roll_calls_added(self) -> int:
        return sum(u.roll_calls_added for u in self.units)

    @property
    def votes_added(self) -> int:
        return sum(u.votes_added for u in self.units)

    def to_dict(self) -> dict[str, object]:
        return {
            "record": self.record,
            "roll_calls_added": self.roll_calls_added,
            "votes_added": self.votes_added,
            "votes_changed": sum(u.votes_changed for u in self.units),
            "conflicts_added": sum(u.conflicts_added for u in self.units),
            "series": self.series,
            "units": [asdict(u) for u in self.units],
            "skipped": self.skipped,
        }


def checksum(paths: Iterable[Path]) -> str:
    digest = hashlib.sha256()
    for path in paths:
        with open(path, "rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    return digest.hexdigest()


def import_sources(
    record: Path,
    paths: Iterable[Path],
    *,
    progress: Progress | None = None,
    members: MemberDirectory | None = None,
) -> ImportReport:
    """Import every source under ``paths`` into the record at ``record``.

    A file that cannot be read is refused whole and the others are imported; the
    first such :class:`SourceError` is raised at the end, with the run's report as
    its ``report`` attribute.
    """
    members = members or directory()
    units, skipped = discover(list(paths))
    # official sources define ids; lists that only attach to known roll calls go last
    units.sort(key=lambda u: (u.attach_only, -u.precedence, str(u.path)))
    connection = connect_writer(record)
    try:
        with transaction(connection):
            _store_members(connection, members)
            drop_lookup_indexes(connection)
        reports: list[UnitReport] = []
        failures: list[SourceError] = []
        total = len(units) + 1
        pending = []
        for unit in units:
            digest = checksum(unit.files)
            seen = connection.execute(
                "SELECT 1 FROM imports WHERE source = ? AND sha256 = ?", (unit.source, digest)
            ).fetchone()
            if seen:
                reports.append(UnitReport(unit.source, str(unit.path), "unchanged"))
            else:
                pending.append((unit, digest))
        digests = {unit.path: digest for unit, digest in pending}
        clock = time.perf_counter()
        custom = members if members is not directory() else None
        for number, (unit, outcome) in enumerate(
            read_ahead([u for u, _ in pending], custom), start=len(reports) + 1
        ):
            if progress:
                progress(f"{unit.source}: {unit.path.name}", number - 1, total)
            if isinstance(outcome, SourceError):  # refuse this file whole, go on
                failures.append(outcome)
                reports.append(
                    UnitReport(unit.source, str(unit.path), "failed", notes=[str(outcome)])
                )
                continue
            done = _apply(connection, outcome, unit.path, digests[unit.path], members)
            done.seconds = round(time.perf_counter() - clock, 3)
            clock = time.perf_counter()
            reports.append(done)
        if progress:
            progress("published totals and series", len(units), total)
        reports.append(_import_published_totals(connection, members))
        changed = any(r.status == "imported" for r in reports)
        series, finished = _finish(connection, changed)
        if progress:
            progress("done", total, total)
    finally:
        connection.close()
    from whipcount.record.matrix import cache_path, refresh_cache

    if finished or not cache_path(record).exists():
        refresh_cache(record)
    shown = [r for r in reports if not (r.source == "published_totals" and r.status != "imported")]
    report = ImportReport(str(record), shown, [str(p) for p in skipped], series)
    if failures:
        failures[0].report = report
        if len(failures) > 1:
            failures[0].args = (f"{failures[0]} (and {len(failures) - 1} more failed files)",)
        raise failures[0]
    return report


def _apply(
    connection: sqlite3.Connection,
    batch: SourceBatch,
    path: Path,
    digest: str,
    members: MemberDirectory,
) -> UnitReport:
    started = _now()
    with transaction(connection):
        cursor = connection.execute(
            "INSERT INTO imports (started_at, finished_at, source, path, files, sha256, "
            "roll_calls_added, votes_added, votes_changed, conflicts_added, notes) "
            "VALUES (?, ?, ?, ?, ?, ?, 0, 0, 0, 0, ?)",
            (
                started,
                started,
                batch.source,
                str(path),
                json.dumps([str(f) for f in batch.files]),
                digest,
                json.dumps(batch.notes) if batch.notes else None,
            ),
        )
        import_id = int(cursor.lastrowid or 0)
        counts: MergeCounts = Merger(connection, members).apply(batch, import_id)
        # series, reasons and the version are brought up to date by _finish, even if
        # this run dies before it gets there: the next run sees this flag
        connection.execute("INSERT OR REPLACE INTO meta VALUES ('unfinished', '1')")
        connection.execute(
            "UPDATE imports SET finished_at = ?, notes = ?, roll_calls_added = ?, "
            "votes_added = ?, votes_changed = ?, conflicts_added = ? WHERE id = ?",
            (
                _now(),
                json.dumps(batch.notes) if batch.notes else None,
                counts.roll_calls_added,
                counts.votes_added,
                counts.votes_changed,
                counts.conflicts_added,
                import_id,
            ),
        )
    return UnitReport(
        batch.source,
        str(path),
        "imported",
        counts.roll_calls_added,
        counts.votes_added,
        counts.votes_changed,
        counts.conflicts_added,
        list(batch.notes),
    )


def _import_published_totals(
    connection: sqlite3.Connection, members: MemberDirectory
) -> UnitReport:
    """Totals typed in from the UN's records, applied to the roll calls that carry their
    symbols, each time such roll calls arrive (or the typed table changes)."""
    ref = resources.files("whipcount.record") / "data" / "published_totals.csv"
    with resources.as_file(ref) as path:
        digest = checksum([path])
        table = pd.read_csv(path, dtype={"symbol": str}, comment="#")
        known = {
            row[0]
            for row in connection.execute(
                "SELECT symbol FROM roll_calls WHERE symbol IS NOT NULL AND final IS NOT 0"
            )
        }
        applied = {
            row[0]
            for row in connection.execute(
                "SELECT r.symbol FROM source_totals t JOIN roll_calls r ON r.rc = t.rc "
                "WHERE t.source = 'published_totals'"
            )
        }
        row = connection.execute(
            "SELECT value FROM meta WHERE key = 'published_totals_sha256'"
        ).fetchone()
        if row is not None and row[0] == digest:
            known -= applied
        table = table[table["symbol"].isin(known)]
        if table.empty:
            return UnitReport("published_totals", str(path), "unchanged")
        roll_calls = roll_call_frame(
            {
                "key": table["symbol"],
                "symbol": table["symbol"],
                "date": pd.to_datetime(table["date"]),
                "date_precision": "day",
                "final": True,
                "yes": table["yes"],
                "no": table["no"],
                "abstain": table["abstain"],
            }
        )
        batch = SourceBatch("published_totals", [path], roll_calls, vote_frame([], [], []))
        report = _apply(connection, batch, path, digest, members)
        connection.execute(
            "INSERT OR REPLACE INTO meta VALUES ('published_totals_sha256', ?)", (digest,)
        )
        return report


def _store_members(connection: sqlite3.Connection, members: MemberDirectory) -> None:
    tables = {
        "member_periods": members.periods,
        "member_keys": members.keys,
        "regional_groups": members.groups,
        "blocs": members.blocs,
        "bloc_members": members.bloc_members,
    }
    for row in members.members.itertuples(index=False):
        connection.execute(
            "INSERT INTO members (code, iso3, iso2, cow, short_name, official_name, admitted, "
            "ended, successor, regional_group, notes) VALUES (?,?,?,?,?,?,?,?,?,?,?) "
            "ON CONFLICT (code) DO UPDATE SET iso3 = excluded.iso3, iso2 = excluded.iso2, "
            "cow = excluded.cow, short_name = excluded.short_name, "
            "official_name = excluded.official_name, admitted = excluded.admitted, "
            "ended = excluded.ended, successor = excluded.successor, "
            "regional_group = excluded.regional_group, notes = excluded.notes",
            (
                row.code,
                row.iso3 or None,
                row.iso2 or None,
                int(row.cow) if row.cow else None,
                row.short_name,
                row.official_name,
                row.admitted,
                row.ended or None,
                row.successor or None,
                members.group_on(row.code, None),
                row.notes or None,
            ),
        )
    for table, frame in tables.items():
        connection.execute(f"DELETE FROM {table}")
        columns = ", ".join(f'"{c}"' for c in frame.columns)
        connection.executemany(
            f"INSERT INTO {table} ({columns}) VALUES ({', '.join('?' * len(frame.columns))})",
            [tuple(v or None for v in row) for row in frame.itertuples(index=False)],
        )
    connection.executemany(
        "INSERT OR REPLACE INTO sources (name, precedence, description) VALUES (?, ?, ?)",
        [(name, p, text) for name, (p, text) in SOURCES.items()],
    )


def _finish(connection: sqlite3.Connection, changed: bool) -> tuple[int, bool]:
    """Relink series, apply absence reasons and bump the version after any change (of
    this run, or of an earlier one that died first). Returns (series, whether it ran)."""
    with transaction(connection):
        create_lookup_indexes(connection)
    count = int(connection.execute("SELECT COUNT(*) FROM series").fetchone()[0])
    unfinished = connection.execute("SELECT 1 FROM meta WHERE key = 'unfinished'").fetchone()
    if not changed and not unfinished:
        return count, False
    with transaction(connection):
        count = link_series(connection)
        _apply_absence_reasons(connection)
        connection.execute(
            "UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'record_version'"
        )
        connection.execute("DELETE FROM meta WHERE key = 'unfinished'")
    return count, True


def _apply_absence_reasons(connection: sqlite3.Connection) -> None:
    """Reasons for absences over documented periods (``record/data/absence_reasons.csv``)."""
    ref = resources.files("whipcount.record") / "data" / "absence_reasons.csv"
    with ref.open("r", encoding="utf-8") as handle:
        table = pd.read_csv(handle, comment="#", dtype=str)
    for row in table.itertuples(index=False):
        connection.execute(
            "UPDATE votes SET reason = ? WHERE member = ? AND vote = 8 AND reason IS NULL "
            "AND rc IN (SELECT rc FROM roll_calls WHERE date_min >= ? AND date_max <= ?)",
            (row.reason, row.code, row.start, row.end),
        )


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
