"""Benchmarks of the record: import, opening the vote matrix, a CLI query as a process.

Run from the project root (after ``scripts/setup``)::

    .venv/bin/python benchmarks/run.py                 # prints, and rewrites RESULTS.md
    .venv/bin/python benchmarks/run.py --data PATH --no-write

Every figure is printed beside a baseline measured in the same run, so that the
ratio says something even on another machine:

- full import into an empty record, against merely *reading* every source file with
  whipcount's readers (parsing and normalising, no database);
- opening the record and getting the VoteMatrix in a fresh process (the cache the
  importer leaves), against building the matrix from the SQL tables in that process;
- ``whipcount series show <Cuba series> --json`` as a whole process, against starting
  the Python interpreter (``python -c pass``);
- importing a full-size file in the UN Digital Library's official CSV format (written
  from the record in the run: every roll call with a UN symbol, one row per member and
  vote, about 870,000 rows and 300 MB) into an empty record, against pandas merely
  parsing that file;
- the State Department's coincidence table of one state against every member for one
  session (``align_all``), in process: first with the in-memory caches cleared (the
  matrix read from its cache file, the adoptions indexed), then warm; against counting
  the same vote tables with Python loops over roll calls and members.

Targets (issue #2): import under 30 s on 2 cores; record + VoteMatrix under 1 s;
``series show`` under 1 s. Issue #3: one state against all for one session under
200 ms. ``--align-only RECORD`` runs just the last measure on an existing record.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import functools
import os
import platform
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

from whipcount.measures import consensus
from whipcount.measures.alignment import align_all
from whipcount.measures.selection import Selection
from whipcount.record import matrix as matrix_module
from whipcount.record.importer import import_sources
from whipcount.record.matrix import load_matrix
from whipcount.record.members import directory
from whipcount.record.reader import Record
from whipcount.record.sources.registry import discover
from whipcount.record.sources.undl_csv import COLUMNS
from whipcount.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
ALIGN_SESSION = 78
Row = tuple[str, float, float | None, str, float]


def timed(function: object, *args: object) -> float:
    start = time.perf_counter()
    function(*args)  # type: ignore[operator]
    return time.perf_counter() - start


def process_seconds(command: list[str], runs: int = 5) -> float:
    """Median wall time of a whole process."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def read_only(data: Path) -> None:
    units, _ = discover([data])
    members = directory()
    for unit in units:
        unit.reader(unit.path, members)


MATRIX_WARM = (
    "import sys, pathlib; from whipcount import Record, load_matrix; "
    "path = pathlib.Path(sys.argv[1]); Record(path).close(); load_matrix(path)"
)
MATRIX_COLD = (
    "import sqlite3, sys; from whipcount.record.matrix import build_matrix; "
    "build_matrix(sqlite3.connect(f'file:{sys.argv[1]}?mode=ro', uri=True))"
)


def write_official_csv(record: Path, target: Path) -> None:
    """The record's votes on roll calls with a UN symbol, in the official CSV format."""
    codes = {1: "Y", 2: "A", 3: "N", 8: "X"}
    db = sqlite3.connect(f"file:{record}?mode=ro", uri=True)
    query = (
        "SELECT r.rc, v.member, m.official_name, v.vote, r.date, r.session, r.symbol, "
        "r.title, r.yes, r.no, r.abstain, r.absent FROM votes v JOIN roll_calls r USING (rc) "
        "JOIN members m ON m.code = v.member WHERE r.symbol LIKE 'A/RES/%' ORDER BY r.rc"
    )
    with open(target, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        for rc, member, name, vote, day, session, symbol, title, *totals in db.execute(query):
            writer.writerow(
                [
                    rc,
                    member,
                    name.upper(),
                    codes[vote],
                    day,
                    session,
                    symbol,
                    "",
                    "",
                    "",
                    title,
                    title,
                    "",
                    "",
                    *("" if t is None else t for t in totals),
                    193,
                    "",
                ]
            )


def align_cold(record: Path) -> float:
    """Open the record and compute one state against all, in-memory caches cleared."""
    matrix_module._CACHE.clear()
    consensus._INDEXES.clear()
    start = time.perf_counter()
    with Record(record) as opened:
        align_all(opened, "USA", selection=Selection(sessions=(ALIGN_SESSION, ALIGN_SESSION)))
    return time.perf_counter() - start


def align_warm(record: Path, runs: int = 20) -> float:
    with Record(record) as opened:
        selection = Selection(sessions=(ALIGN_SESSION, ALIGN_SESSION))
        align_all(opened, "USA", selection=selection)
        table = functools.partial(align_all, opened, "USA", selection=selection)
        return statistics.median(timed(table) for _ in range(runs))


def tables_by_loops(record: Path) -> list[list[int]]:
    """The same vote tables, counted by Python loops over roll calls and members."""
    matrix = load_matrix(record)
    category = {1: 0, 2: 1, 3: 2, 8: 3}
    us = matrix.column("USA")
    tables = [[0] * 16 for _ in range(matrix.shape[1])]
    for row, session in enumerate(matrix.roll_calls["session"].tolist()):
        if session != ALIGN_SESSION:
            continue
        votes = matrix.votes[row].tolist()
        if votes[us]:
            for member, vote in enumerate(votes):
                if vote:
                    tables[member][4 * category[votes[us]] + category[vote]] += 1
    return tables


def open_cold(record: Path) -> float:
    """Open the record and load its VoteMatrix, in-memory caches cleared."""
    matrix_module._CACHE.clear()
    start = time.perf_counter()
    with Record(record) as opened:
        opened.matrix()
    return time.perf_counter() - start


def align_rows(record: Path) -> list[Row]:
    cold = statistics.median(align_cold(record) for _ in range(5))
    opening = statistics.median(open_cold(record) for _ in range(5))
    warm = align_warm(record)
    load_matrix(record)
    loops = statistics.median(timed(tables_by_loops, record) for _ in range(5))
    name = f"one state against all members, session {ALIGN_SESSION} (`align_all`)"
    return [
        (
            f"{name}, in-memory caches cleared",
            cold,
            0.2,
            "open the record and load the VoteMatrix, caches cleared",
            opening,
        ),
        (
            f"{name}, warm",
            warm,
            0.2,
            "only its vote tables, by Python loops over roll calls and members",
            loops,
        ),
    ]


def print_rows(rows: list[Row]) -> list[str]:
    lines = []
    for name, seconds, target, base_name, base in rows:
        if target is None:
            lines.append(
                f"| {name} | {seconds:.3f} | — | {base_name} | {base:.3f} | {seconds / base:.2f}× |"
            )
            continue
        verdict = "ok" if seconds < target else "MISSED"
        lines.append(
            f"| {name} | {seconds:.3f} | < {target:g} ({verdict}) | {base_name} | "
            f"{base:.3f} | {seconds / base:.2f}× |"
        )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=None, help="source folder")
    parser.add_argument("--no-write", action="store_true", help="do not rewrite RESULTS.md")
    parser.add_argument("--align-only", type=Path, help="time only `align` on this record")
    args = parser.parse_args()
    if args.align_only:
        print("\n".join(print_rows(align_rows(args.align_only))))
        return
    data = args.data or Settings().data_folder()
    rows: list[Row] = []
    with tempfile.TemporaryDirectory() as folder:
        record = Path(folder) / "record.sqlite"
        directory()  # load the member tables outside the timings
        parse = timed(read_only, data)
        imported = timed(import_sources, record, [data])
        rows.append(
            (
                "full import of every source into an empty record",
                imported,
                30.0,
                "reading the same files, no database",
                parse,
            )
        )
        warm = process_seconds([PYTHON, "-c", MATRIX_WARM, str(record)])
        cold = process_seconds([PYTHON, "-c", MATRIX_COLD, str(record)])
        rows.append(
            (
                "open the record and get the VoteMatrix (fresh process)",
                warm,
                1.0,
                "build the matrix from the SQL tables (fresh process)",
                cold,
            )
        )
        series = "necessity-ending-economic-commercial-financial-embargo"
        show = process_seconds(
            [
                str(Path(PYTHON).with_name("whipcount")),
                "--record",
                str(record),
                "series",
                "show",
                series,
                "--json",
            ]
        )
        start = process_seconds([PYTHON, "-c", "pass"])
        rows.append(
            (
                f"`whipcount series show {series} --json` (process)",
                show,
                1.0,
                "`python -c pass` (interpreter start)",
                start,
            )
        )
        official = Path(folder) / "ga_voting.csv"
        write_official_csv(record, official)
        parse_csv = timed(lambda: pd.read_csv(official, dtype=str, keep_default_na=False))
        into = Path(folder) / "official.sqlite"
        official_import = timed(import_sources, into, [official])
        rows.append(
            (
                "import a full-size official UN Digital Library CSV",
                official_import,
                None,
                "pandas read_csv of the same file",
                parse_csv,
            )
        )
        rows += align_rows(record)
    lines = [
        "# Benchmark results",
        "",
        f"`python benchmarks/run.py` on {dt.date.today().isoformat()}: {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, {platform.machine()}, data from `{data}`.",
        "",
        "| measure | seconds | target | baseline (same run) | baseline s | ratio |",
        "|---|---:|---:|---|---:|---:|",
    ]
    lines += print_rows(rows)
    lines += [
        "",
        "Ideal points (a full fit, the R peers side by side, and the validation against the",
        "published estimates) have their own page: `python benchmarks/idealpoints.py --peers`",
        "writes [IDEALPOINTS.md](IDEALPOINTS.md).",
        "",
        "Forecasts: `python benchmarks/backtest.py` writes [BACKTEST.md](BACKTEST.md) (the",
        "backtest against the baselines, ablations, reliability diagram), and",
        "`python benchmarks/forecast.py` writes [FORECAST.md](FORECAST.md) (a forecast as a",
        "process, a fit, the whole backtest).",
        "",
        "Campaigns: `python benchmarks/persuadability.py` writes",
        "[PERSUADABILITY.md](PERSUADABILITY.md) (persuadability against ideal-point distance).",
        "",
        "The web server: `python benchmarks/load.py --postgres` writes [LOAD.md](LOAD.md) (50",
        "concurrent clients on the warm forecast endpoint; 20 clients filing field reports at once",
        "on SQLite and PostgreSQL, counted afterwards), and `python benchmarks/page_load.py`",
        "writes [PAGE_LOAD.md](PAGE_LOAD.md) (the forecast page in headless chromium).",
    ]
    text = "\n".join(lines) + "\n"
    print(text)
    if not args.no_write:
        (ROOT / "benchmarks" / "RESULTS.md").write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
