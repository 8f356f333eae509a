"""Reproducing the State Department's coincidence tables from the record.

The reference folder (``reference/`` beside the raw data folder; its README explains
every column) holds the per-country tables of the reports "Voting Practices in the
United Nations" for 2016 and 2019–2023, and the reports' lists of counted votes. For
each year, :func:`check_year` selects the report's own votes
(:func:`~whipcount.measures.selection.report_year_mask`), computes the table of the
United States against every member with that year's formula
(:func:`~whipcount.measures.coincidence.report_formula`), and compares, row by row,
the printed coincidence, the printed counts and the "including consensus" figure,
the latter both with the record's consensus count and with the count the report prints.

Where the report computed from its own mistake, the check does the same and says so
(:data:`ERRATA`: the 2021 report counted the US vote on A/RES/75/289 as yes).  Every
row that still differs is given a cause: the record lacks some of the report's votes,
the printed row is internally inconsistent (the reference's ``source_note``), an exact
half printed rounded down, or printed counts that differ from the UN's record.
``whipcount align check-state-dept --markdown docs/COINCIDENCE_CHECK.md`` writes the
result as a page (:mod:`whipcount.measures.state_dept_page`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from whipcount.errors import ConfigError, NotFoundError
from whipcount.measures.alignment import table_rows
from whipcount.measures.coincidence import (
    Formula,
    contingency,
    decimals,
    report_formula,
)
from whipcount.measures.consensus import AdoptionIndex, consensus_for
from whipcount.measures.selection import Selection, roll_call_mask
from whipcount.record.codes import Vote
from whipcount.record.members import directory
from whipcount.record.reader import Record
from whipcount.record.sources.state_dept import state_dept_symbol

Document = dict[str, Any]
REFERENCE_YEARS = (2016, 2019, 2020, 2021, 2022, 2023)


@dataclass(frozen=True)
class ReportFacts:
    """Overall figures a report prints (reference README, "Overall figures")."""

    votes: int  # recorded plenary votes counted
    us_votes: tuple[int, int, int, int]  # the US yes, no, abstain, absent in its list
    consensus: int  # consensus resolutions, as printed
    pages: str  # where the table and the method are


REPORT_FACTS: dict[int, ReportFacts] = {
    2016: ReportFacts(112, (49, 50, 13, 0), 162, "pp. 4–5, 29–35"),
    2019: ReportFacts(100, (20, 72, 8, 0), 244, "pp. 9–10, 24–47, 68–76"),
    2020: ReportFacts(100, (21, 69, 10, 0), 209, "pp. 9–11, 28–38, 60–68"),
    2021: ReportFacts(86, (24, 52, 9, 1), 248, "pp. 8–10, 27–38, 58–65"),
    2022: ReportFacts(89, (33, 47, 9, 0), 246, "pp. 13–17, 39–56, 89–102"),
    2023: ReportFacts(88, (30, 49, 9, 0), 250, "pp. 14–18, 46–64, 107–121"),
}

#: Votes the report computed differently from its own list and the UN's record:
#: year → {roll call → the US vote the report's figures imply}.
ERRATA: dict[int, dict[str, Vote]] = {
    # 2021: the table implies a US yes on the Cuba embargo resolution (23 June 2021);
    # the UN record and the report's own list have no, and its summary count of
    # 25 US yes and 51 no carries the same mistake.
    2021: {"A/RES/75/289": Vote.YES},
}

_PRINTED_COUNTS = {
    "state-2016": {
        "identical": "identical",
        "opposite": "opposite",
        "abstentions": "abstentions",
        "absences": "absences",
    },
    "other": {
        "same": "identical",
        "opposite": "opposite",
        "partial": "partial",
        "absent": "absences",
    },
}


def reference_folder(data: Path) -> Path:
    """The reference folder: the sibling ``reference`` of the raw data folder."""
    folder = data.parent / "reference"
    if not folder.is_dir():
        raise ConfigError(f"no reference folder at {folder} (beside the data folder {data})")
    return folder


def check_state_dept(
    record: Record, folder: Path, years: tuple[int, ...] = REFERENCE_YEARS
) -> Document:
    """Every reference year checked; see :func:`check_year`."""
    unknown = [y for y in years if y not in REPORT_FACTS]
    if unknown:
        raise NotFoundError(f"no reference table for {unknown} (known: {list(REPORT_FACTS)})")
    return {"reference": str(folder), "years": [check_year(record, folder, y) for y in years]}


def check_year(record: Record, folder: Path, year: int) -> Document:
    """The report's table for ``year`` against the record's, row by row."""
    printed = _reference_table(folder, year)
    matrix = record.matrix()
    mask = roll_call_mask(record, Selection(report_year=year))
    formula, facts = report_formula(year), REPORT_FACTS[year]
    others = matrix.votes[mask][:, [matrix.column(code) for code in printed["code"]]]
    us, plain_us = _us_votes(record, mask, year), _us_votes(record, mask, None)
    tables = contingency(us, others)[0]
    from_record = consensus_for(AdoptionIndex.of(record), Selection(report_year=year))
    rows = [
        _compare_row(p, c, s, formula)
        for p, c, s in zip(
            printed.to_dict("records"),
            table_rows(tables, formula, from_record.count),
            table_rows(tables, formula, facts.consensus),
            strict=True,
        )
    ]
    plain = table_rows(contingency(plain_us, others)[0], formula, None)
    votes = compare_list(record, folder, year, mask)
    us_counts = [int((plain_us == v).sum()) for v in (1, 3, 2, 8)]
    lacking = _lacking(votes, facts, int(mask.sum()), us_counts)
    return {
        "year": year,
        "formula": formula,
        "pages": facts.pages,
        "report_votes": facts.votes,
        "record_votes": int(mask.sum()),
        "report_us_votes": list(facts.us_votes),
        "record_us_votes": us_counts,
        "errata": {k: v.label for k, v in ERRATA.get(year, {}).items()},
        "consensus": {"report": facts.consensus, "record": from_record.document()},
        "vote_list": votes,
        "selection_differs": lacking,
        **_tally_rows(rows, plain, from_record.count is not None),
        "mismatches": [_classify(r, lacking) for r in rows if not r["all_ok"]],
    }


def _tally_rows(rows: list[Document], plain: list[Document], known: bool) -> Document:
    return {
        "rows": len(rows),
        "coincidence_matched": sum(r["coincidence_ok"] for r in rows),
        "half_rounded_down": sum(r["half_down"] for r in rows),
        "coincidence_matched_without_errata": sum(
            r["printed"]["coincidence"] == p["coincidence_pct"] or r["half_down"]
            for r, p in zip(rows, plain, strict=True)
        ),
        "counts_matched": sum(r["counts_ok"] for r in rows),
        "with_consensus_matched": {
            "record": sum(r["record_ok"] for r in rows) if known else None,
            "report": sum(r["report_ok"] for r in rows),
        },
    }


def _reference_table(folder: Path, year: int) -> pd.DataFrame:
    path = folder / f"state_dept_coincidence_{year}.csv"
    if not path.is_file():
        raise ConfigError(f"no reference table {path}")
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    members = directory()
    codes = [
        iso3 if iso3 in members else members.search(name)
        for iso3, name in zip(frame["iso3"], frame["country"], strict=True)
    ]
    if None in codes:
        raise ConfigError(f"{path}: no member named {frame['country'][codes.index(None)]!r}")
    return frame.assign(code=codes)


def _us_votes(record: Record, mask: np.ndarray, year: int | None) -> np.ndarray:
    """The US votes on the selected roll calls, with the report's errata for ``year``."""
    matrix = record.matrix()
    us: np.ndarray = matrix.votes[mask, matrix.column("USA")].copy()
    ids = matrix.roll_calls["id"].to_numpy()[mask]
    for roll_call, vote in ERRATA.get(year or 0, {}).items():
        us[ids == roll_call] = int(vote)
    return us


def compare_list(record: Record, folder: Path, year: int, mask: np.ndarray) -> Document:
    """The report's list of counted votes against the record's selection.

    Each listed vote is looked up by symbol; one not found is matched by its printed
    yes-no-abstain tally to a selected roll call: one not listed means a misprinted
    symbol, one already listed means the report counts that vote again.
    """
    path = folder / f"state_dept_contested_votes_{year}.csv"
    document: Document = {"listed": None, "found": None, "misprinted": [], "repeated": []}
    document.update(lacking=[], not_listed=[])
    if not path.is_file():
        return document
    matrix = record.matrix()
    selected = matrix.roll_calls["rc"].to_numpy()[mask]
    chosen = set(selected.tolist())
    listed = pd.read_csv(path, dtype=str, keep_default_na=False).to_dict("records")
    located = [_find(record, row["symbol"]) for row in listed]
    found = {rc for rc in located if rc in chosen}
    spare = chosen - found
    by_tally = _tallies(matrix.votes[mask], selected)
    for row, rc in zip(listed, located, strict=True):
        if rc in chosen:
            continue
        candidates = by_tally.get(_printed_tally(row), [])
        free = [c for c in candidates if c in spare]
        if free:
            spare.discard(free[0])
            document["misprinted"].append(f"{row['symbol']} (= {_rc_id(matrix, free[0])})")
        elif candidates:
            document["repeated"].append(f"{row['symbol']} (= {_rc_id(matrix, candidates[0])})")
        else:
            document["lacking"].append(row["symbol"])
    document.update(listed=len(listed), found=len(found))
    document["not_listed"] = [_rc_id(matrix, rc) for rc in sorted(spare)]
    return document


def _printed_tally(row: dict[str, str]) -> tuple[int, int, int]:
    return (int(row["yes"] or -1), int(row["no"] or -1), int(row["abstain"] or -1))


def _tallies(votes: np.ndarray, rcs: np.ndarray) -> dict[tuple[int, int, int], list[int]]:
    """Selected roll calls by their counted yes-no-abstain tally."""
    yes, no, abstain = ((votes == v).sum(axis=1).tolist() for v in (1, 3, 2))
    found: dict[tuple[int, int, int], list[int]] = {}
    for rc, key in zip(rcs.tolist(), zip(yes, no, abstain, strict=True), strict=True):
        found.setdefault(key, []).append(rc)
    return found


def _find(record: Record, symbol: str) -> int | None:
    canonical = state_dept_symbol(symbol)
    try:
        return record.resolve_roll_call(canonical or symbol)
    except NotFoundError:
        return None


def _rc_id(matrix: Any, rc: int) -> str:
    calls = matrix.roll_calls
    return str(calls.loc[calls["rc"] == rc, "id"].iloc[0])


def _compare_row(
    printed: Document, computed: Document, stated: Document, formula: Formula
) -> Document:
    """One country: the printed row against the record's (``stated``: the same, with
    the report's own consensus count)."""
    places = decimals(formula)
    names = _PRINTED_COUNTS["state-2016" if places else "other"]
    ours = {name: computed[name] for name in names}
    theirs = {name: _int(printed[column]) for name, column in names.items()}
    shown = _float(printed["coincidence_votes_only"])
    shown_with = _float(printed["coincidence_with_consensus"])
    exact = (computed["coincidence"] or 0.0) * 100 * 10**places
    half_down = abs(exact - math.floor(exact) - 0.5) < 1e-9 and (
        shown == computed["coincidence_pct"] - 10.0**-places
    )
    row = {
        "country": printed["country"],
        "code": printed["code"],
        "printed": {**theirs, "coincidence": shown, "with_consensus": shown_with},
        "computed": {
            **ours,
            "coincidence": computed["coincidence_pct"],
            "with_consensus": computed["with_consensus_pct"],
            "with_report_consensus": stated["with_consensus_pct"],
        },
        "note": printed["source_note"] or None,
        "coincidence_ok": shown == computed["coincidence_pct"] or half_down,
        "half_down": half_down,
        "counts_ok": ours == theirs,
        "record_ok": shown_with == computed["with_consensus_pct"],
        "report_ok": shown_with == stated["with_consensus_pct"],
    }
    consensus_ok = row["record_ok"] or row["report_ok"]
    row["all_ok"] = row["coincidence_ok"] and row["counts_ok"] and consensus_ok and not half_down
    return row


def _lacking(votes: Document, facts: ReportFacts, selected: int, us_votes: list[int]) -> str | None:
    """Why a whole year cannot be reproduced, if it cannot."""
    if votes["listed"] is None:
        if selected == facts.votes and tuple(us_votes) == facts.us_votes:
            return None
        return (
            f"the report's list of votes is not transcribed; the record's selection has "
            f"{selected} votes (US {_dashed(us_votes)}) against the report's {facts.votes} "
            f"(US {_dashed(list(facts.us_votes))})"
        )
    if votes["lacking"] or votes["repeated"]:
        parts = []
        if votes["lacking"]:
            parts.append(f"the record lacks {len(votes['lacking'])} of the report's votes")
        if votes["repeated"]:
            parts.append(f"the report counts {len(votes['repeated'])} votes twice or more")
        return "; ".join(parts)
    return None


def _classify(row: Document, lacking: str | None) -> Document:
    if lacking:
        cause = f"selection: {lacking}"
    elif row["half_down"]:
        cause = "an exact half printed rounded down"
    elif row["note"]:
        cause = f"the printed row is inconsistent: {row['note']}"
    elif not row["counts_ok"] and row["coincidence_ok"]:
        cause = "the printed counts differ from the UN's record"
    elif not row["counts_ok"]:
        cause = "the printed counts and percentage differ from the UN's record"
    elif not (row["record_ok"] or row["report_ok"]):
        cause = "the including-consensus figure differs under both consensus counts"
    else:
        cause = "unexplained"
    return {k: row[k] for k in ("country", "code", "printed", "computed", "note")} | {
        "cause": cause
    }


def _int(text: str) -> int | None:
    return int(text) if str(text).strip() else None


def _float(text: str) -> float | None:
    return float(text) if str(text).strip() else None


def _dashed(values: list[int]) -> str:
    return "-".join(str(v) for v in values)
