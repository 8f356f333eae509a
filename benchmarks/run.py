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
  the Python interpreter (``python -c pass``).

Targets (issue #2): import under 30 s on 2 cores; record + VoteMatrix under 1 s;
``series show`` under 1 s.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from whipcount.record.importer import import_sources
from whipcount.record.members import directory
from whipcount.record.sources.registry import discover
from whipcount.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=None, help="source folder")
    parser.add_argument("--no-write", action="store_true", help="do not rewrite RESULTS.md")
    args = parser.parse_args()
    data = args.data or Settings().data_folder()
    rows = []
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
    lines = [
        "# Benchmark results",
        "",
        f"`python benchmarks/run.py` on {dt.date.today().isoformat()}: {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, {platform.machine()}, data from `{data}`.",
        "",
        "| measure | seconds | target | baseline (same run) | baseline s | ratio |",
        "|---|---:|---:|---|---:|---:|",
    ]
    for name, seconds, target, base_name, base in rows:
        verdict = "ok" if seconds < target else "MISSED"
        lines.append(
            f"| {name} | {seconds:.3f} | < {target:g} ({verdict}) | {base_name} | "
            f"{base:.3f} | {seconds / base:.2f}× |"
        )
    text = "\n".join(lines) + "\n"
    print(text)
    if not args.no_write:
        (ROOT / "benchmarks" / "RESULTS.md").write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
