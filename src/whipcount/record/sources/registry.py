"""Which reader reads a file, and the precedence of sources when they disagree.

Precedence (highest first) decides which source's value the record keeps when
sources disagree on a member's vote, a total or a field; the other value is kept
in the ``conflicts`` table.  Official UN publications outrank scrapes of them, and
scrapes outrank research datasets; among Voeten's releases the newer curated one
outranks the older.  An absence that a list-only source merely *implies* never
outranks a vote or code that a source states.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from whipcount.errors import SourceFormatError
from whipcount.record.members import MemberDirectory
from whipcount.record.sources.batch import SourceBatch
from whipcount.record.sources.bsv import read_bsv_idealpoints, read_bsv_matches
from whipcount.record.sources.state_dept import read_state_dept
from whipcount.record.sources.tables import read_header
from whipcount.record.sources.undl_csv import COLUMNS as UNDL_COLUMNS
from whipcount.record.sources.undl_csv import read_undl_csv
from whipcount.record.sources.undl_scrape import read_undl_scrape
from whipcount.record.sources.unxml import read_unxml
from whipcount.record.sources.voeten import read_descriptions, read_published, read_unvotes
from whipcount.record.sources.voeten_wide import read_voeten_wide

Reader = Callable[[Path, MemberDirectory], SourceBatch]

#: source name → (precedence, description)
SOURCES: dict[str, tuple[int, str]] = {
    "undl_csv": (100, "UN Digital Library, General Assembly Voting Data (official CSV)"),
    "unxml": (90, "UN DGACM machine-readable GA resolutions (JSON)"),
    "undl_scrape": (80, "scrape of UN Digital Library voting records (wide ISO3)"),
    "published_totals": (75, "published totals typed in by whipcount from UN records"),
    "state_dept_votes": (70, "US State Department report: its list of recorded votes"),
    "state_dept_important": (70, "US State Department report: its important votes"),
    "voeten_unvotes": (60, "Voeten data, R package unvotes 0.3.0 (2021)"),
    "voeten_wide": (50, "Voeten data, 2024 release, wide ISO3 (derived copy)"),
    "voeten_published": (40, "Voeten data, 2016 release (UNVotesPublished.RData)"),
    "voeten_descriptions": (30, "Voeten roll-call descriptions and counts, sessions 1-70"),
    "bsv": (0, "Bailey-Strezhnev-Voeten ideal points (reference estimates)"),
}


ATTACH_ONLY = frozenset({"state_dept_votes", "state_dept_important"})


@dataclass(frozen=True)
class ImportUnit:
    """One importable thing: a main file, the reader for it, and companion files."""

    source: str
    path: Path
    reader: Reader
    companions: tuple[Path, ...] = ()

    @property
    def files(self) -> tuple[Path, ...]:
        return (self.path, *self.companions)

    @property
    def precedence(self) -> int:
        return SOURCES[self.source][0]

    @property
    def attach_only(self) -> bool:
        """Sources that only add to roll calls already in the record go last."""
        return self.source in ATTACH_ONLY


def _json_kind(path: Path) -> str | None:
    try:
        with open(path, encoding="utf-8") as handle:
            first = handle.readline()
        keys = set(json.loads(first)) if first.strip() else set()
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, TypeError):
        return "unxml" if path.suffix == ".json" else None
    return "unxml" if {"symbol", "MS_in_favour"} <= keys else None


def detect(path: Path) -> ImportUnit | None:
    """The import unit whose main file is ``path``, or ``None`` if whipcount does not read it
    (companion files such as ``un_roll_calls.rda`` are read with their main file)."""
    name = path.name
    lower = name.lower()
    if name == "un_votes.rda":
        folder = path.parent
        return ImportUnit(
            "voeten_unvotes",
            path,
            read_unvotes,
            (folder / "un_roll_calls.rda", folder / "un_roll_call_issues.rda"),
        )
    if lower.endswith((".rdata", ".rda")):
        return ImportUnit("voeten_published", path, read_published) if "votes" in lower else None
    if lower.endswith(".xls") and lower.startswith("descriptions"):
        return ImportUnit("voeten_descriptions", path, read_descriptions)
    if lower.endswith(".json"):
        return ImportUnit("unxml", path, read_unxml) if _json_kind(path) else None
    if lower.endswith((".csv", ".csv.gz", ".tab", ".tab.gz")):
        return _detect_table(path)
    return None


def _detect_table(path: Path) -> ImportUnit | None:
    header = set(read_header(path, "latin-1"))
    if header >= set(UNDL_COLUMNS):
        return ImportUnit("undl_csv", path, read_undl_csv)
    if {"Council", "Resolution", "Date"} <= header:
        return ImportUnit("undl_scrape", path, read_undl_scrape)
    if {"rcid", "date"} <= header and {"USA", "CUB"} <= header:
        return ImportUnit("voeten_wide", path, read_voeten_wide)
    if {"ccode", "IdealPoint"} <= header or {"ccode", "IdealPointFP"} <= header:
        return ImportUnit("bsv", path, read_bsv_idealpoints)
    if {"symbol", "us_vote", "yes", "no", "abstain", "absent"} <= header:
        return ImportUnit(
            "state_dept_important" if "important" in path.name else "state_dept_votes",
            path,
            read_state_dept,
        )
    if {"rcid1", "rcid2"} <= header:
        return ImportUnit("bsv", path, read_bsv_matches)
    return None


def discover(paths: Iterable[Path]) -> tuple[list[ImportUnit], list[Path]]:
    """Import units under ``paths`` (files or folders, searched recursively) and the
    files skipped as not a source.  A file named explicitly that whipcount cannot read
    is an error; unreadable files met while walking a folder are only skipped."""
    units: list[ImportUnit] = []
    skipped: list[Path] = []
    for path in paths:
        if path.is_dir():
            for file in sorted(p for p in path.rglob("*") if p.is_file()):
                unit = detect(file)
                if unit is None:
                    skipped.append(file)
                else:
                    units.append(unit)
        elif path.is_file():
            unit = detect(path)
            if unit is None:
                raise SourceFormatError("not a source format whipcount reads", path=path)
            units.append(unit)
        else:
            raise SourceFormatError("no such file or folder", path=path)
    companions = {c for u in units for c in u.companions}
    skipped = [p for p in skipped if p not in companions]
    unique = list({u.path.resolve(): u for u in units}.values())
    # lowest precedence first: higher ones then overrule and report conflicts
    unique.sort(key=lambda u: (u.precedence, str(u.path)))
    return unique, skipped
