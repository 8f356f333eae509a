"""Forecast speed: one forecast as a whole process, a fit as of a day, the whole backtest.

Run from the project root (after ``scripts/start``; the backtest figure is read from
``backtest.json``, written by ``benchmarks/backtest.py``)::

    .venv/bin/python benchmarks/forecast.py             # prints, and rewrites FORECAST.md

Every figure is printed beside a baseline measured in the same run:

- ``whipcount forecast --series <Cuba> --json`` from a saved fit, as a whole process,
  against ``whipcount series show <Cuba> --json`` (opening the record and answering a
  query, as a process);
- fitting the forecaster as of a day, in a fresh cache folder (the ideal points of each
  training session's opening fitted too) and again with those cached, against building
  the same training features alone (no trees);
- the whole backtest (sessions 65 to the last), against one fit as of a day times the
  number of sessions.

Targets (issue #4): one forecast under 2 s; a fit under 30 s; the backtest under 15 min.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from run import process_seconds  # benchmarks/run.py, beside this script

from whipcount.forecast.analogs import TitleIndex
from whipcount.forecast.data import ForecastData
from whipcount.forecast.model import Forecaster
from whipcount.settings import Settings

HERE = Path(__file__).resolve().parent
CUBA = "necessity-ending-economic-commercial-financial-embargo"
AS_OF = dt.date(2024, 10, 1)
WHIPCOUNT = str(Path(sys.executable).with_name("whipcount"))


def fit_seconds(record: Path, cache: Path) -> tuple[float, float]:
    """A fit with the given ideal-point cache folder, and building its features alone."""
    data = ForecastData.from_record(record)
    model = Forecaster(cache=cache)
    start = time.perf_counter()
    model.fit(data, as_of=AS_OF)
    fit = time.perf_counter() - start
    fresh = ForecastData.from_record(record)
    fresh.feature_cache.clear()
    start = time.perf_counter()
    model.training_set(fresh, TitleIndex.build(fresh.titles), AS_OF, None)
    return fit, time.perf_counter() - start


def main() -> None:
    record = Settings().record
    rows = []
    forecast = [WHIPCOUNT, "--record", str(record), "forecast", "--series", CUBA,
                "--session", "79", "--as-of", AS_OF.isoformat(), "--json"]  # fmt: skip
    subprocess.run(forecast, check=True, capture_output=True)  # fit and save once
    rows.append(
        (
            f"`whipcount forecast --series {CUBA} --session 79 --as-of {AS_OF} --json` "
            "from a saved fit (process)",
            process_seconds(forecast),
            2.0,
            "`whipcount series show` of the same series (process)",
            process_seconds([WHIPCOUNT, "--record", str(record), "series", "show", CUBA, "--json"]),
        )
    )
    with tempfile.TemporaryDirectory() as folder:
        cold, features = fit_seconds(record, Path(folder))
        warm, _ = fit_seconds(record, Path(folder))
    rows.append((f"fit as of {AS_OF}, nothing cached", cold, 30.0,
                 "the same training features alone", features))  # fmt: skip
    rows.append((f"fit as of {AS_OF}, ideal points of the cut-offs cached", warm, 30.0,
                 "the same training features alone", features))  # fmt: skip
    saved = HERE / "backtest.json"
    if saved.exists():
        document = json.loads(saved.read_text())
        sessions = len(document["main"]["subsets"]["all"]["sessions"])
        rows.append(
            (
                f"the whole backtest, {sessions} sessions (`benchmarks/backtest.py`)",
                float(document["seconds"]),
                900.0,
                f"{sessions} fits as of a day (ideal points cached)",
                sessions * warm,
            )
        )
    lines = [
        "# Forecast speed",
        "",
        f"`python benchmarks/forecast.py` on {dt.date.today().isoformat()}: "
        f"{os.cpu_count()} cores, Python {platform.python_version()}, {platform.machine()}.",
        "",
        "| measure | seconds | target | baseline (same run) | baseline s | ratio |",
        "|---|---:|---:|---|---:|---:|",
    ]
    for name, seconds, target, baseline, base_seconds in rows:
        ok = "ok" if seconds < target else "MISSED"
        lines.append(
            f"| {name} | {seconds:.2f} | < {target:g} ({ok}) | {baseline} | "
            f"{base_seconds:.2f} | {seconds / base_seconds:.2f}× |"
        )
    text = "\n".join(lines)
    print(text)
    (HERE / "FORECAST.md").write_text(text + "\n")


if __name__ == "__main__":
    main()
