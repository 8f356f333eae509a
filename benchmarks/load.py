"""The web server under load: warm forecasts to 50 clients, field reports from 20 at once.

Run from the project root (after ``scripts/start``, which builds the record)::

    .venv/bin/python benchmarks/load.py                # prints, rewrites LOAD.md and load.json
    .venv/bin/python benchmarks/load.py --postgres     # writes on PostgreSQL too (throwaway)
    .venv/bin/python benchmarks/load.py --database-url postgresql+psycopg://u@host/db

The real server runs as its own process (``whipcount serve``: one uvicorn worker; or
``--workers N``, see ``server.py``) on the record (``--record``, default the settings')
and a fresh SQLite campaign database in a temporary folder; the load comes from other
processes (``loadgen.py``: closed-loop asyncio clients, one keep-alive connection each,
no think time).  Every figure has a baseline measured in the same run:

- reads: ``--clients`` clients GET the Cuba embargo forecast, warmed first (the first
  answer may fit a model), for ``--seconds``; the baseline is the same load on
  ``/api/openapi.json``, a JSON document of the same size (50 KB) that FastAPI holds in
  memory and encodes per request.  Target (issue 6): p95 under 100 ms, no errors.
- writes: a campaign on the same series is created through the API, then ``--writers``
  clients at once each file ``--reports`` reports, two clients per member, each sending
  the member version it last saw (a stale one is answered 409 and retried with the
  current one); afterwards every member's history is read back and each report must be
  there exactly once, with no 5xx.  The baseline is one client filing the same number
  of reports alone.  On SQLite, and on PostgreSQL with ``--postgres`` (a throwaway
  cluster, as the tests start one) or ``--database-url``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

import httpx2
from report_load import markdown
from server import CUBA, FORECAST, PYTHON, Server, cpu_seconds, serving, warm

from whipcount.settings import Settings

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
BASELINE = "/api/openapi.json"
TARGET_P95_MS = 100.0
CAMPAIGN = {
    "series": CUBA, "session": 79, "lobbyist": "USA", "goal": "fewer-yes",
    "vote_date": "2024-10-30", "capacity": "3/week", "as_of": "2024-10-01",
}  # fmt: skip


def generate(kind: str, base: str, clients: int, processes: int, **options: Any) -> dict[str, Any]:
    """Run ``loadgen.py`` in ``processes`` processes sharing ``clients``; merge their counts."""
    start_at = time.time() + 1.0 + 0.3 * processes  # every process started by then
    commands, first = [], 0
    for number in range(processes):
        share = clients // processes + (number < clients % processes)
        extra = [f"--{k.replace('_', '-')}={v}" for k, v in options.items()]
        commands.append([PYTHON, str(HERE / "loadgen.py"), kind, f"--base={base}",
                         f"--clients={share}", f"--start-at={start_at}", f"--first={first}",
                         *extra])  # fmt: skip
        first += share
    running = [subprocess.Popen(c, stdout=subprocess.PIPE, text=True) for c in commands]
    parts = [json.loads(p.communicate()[0]) for p in running]
    if any(p.returncode for p in running):
        raise RuntimeError("a load generator failed")
    merged: dict[str, Any] = {"seconds": max(p["seconds"] for p in parts), "statuses": {}}
    for key in ("latencies_ms", "failures"):
        merged[key] = [x for p in parts for x in p[key]]
    for key in ("failed", "accepted", "conflicts"):
        merged[key] = sum(p[key] for p in parts)
    for part in parts:
        for status, n in part["statuses"].items():
            merged["statuses"][status] = merged["statuses"].get(status, 0) + n
    return merged


def percentile(values: list[float], q: float) -> float:
    """The nearest-rank percentile ``q`` (0-100) of ``values``."""
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, round(q / 100 * len(ordered)) - 1))]


def summary(run: dict[str, Any], server_cpu: float | None = None) -> dict[str, Any]:
    """Requests, errors, throughput and latency percentiles of one merged run.

    Errors are failed exchanges and statuses of 400 and above but 409 (a stale version,
    which a writer retries: the optimistic lock doing its job).
    """
    latencies = run["latencies_ms"]
    statuses = run["statuses"].items()
    errors = run["failed"] + sum(n for s, n in statuses if int(s) >= 400 and s != "409")
    return {
        "requests": len(latencies), "errors": errors, "statuses": run["statuses"],
        "seconds": round(run["seconds"], 3),
        "throughput": round(len(latencies) / run["seconds"], 1),
        **{f"p{q}_ms": round(percentile(latencies, q), 2) for q in (50, 95, 99)},
        "max_ms": round(max(latencies), 2),
        "server_cpu_s": None if server_cpu is None else round(server_cpu, 2),
        "failures": run["failures"][:5],
    }  # fmt: skip


def read_load(server: Server, path: str, args: argparse.Namespace) -> dict[str, Any]:
    before = cpu_seconds(server.pid)
    run = generate("read", server.base, args.clients, args.generators, path=path,
                   seconds=args.seconds)  # fmt: skip
    return summary(run, cpu_seconds(server.pid) - before) | {"path": path}


def reads(server: Server, args: argparse.Namespace) -> dict[str, Any]:
    first = warm(server)
    baseline = read_load(server, BASELINE, args)
    forecast = read_load(server, FORECAST, args)
    return {
        "first_answer_s": round(first, 2), "baseline": baseline, "forecast": forecast,
        "ratio_p95": round(forecast["p95_ms"] / baseline["p95_ms"], 2),
        "ok": forecast["p95_ms"] < TARGET_P95_MS and forecast["errors"] == 0,
    }  # fmt: skip


def create_campaign(server: Server, name: str) -> tuple[float, list[str]]:
    """Create the campaign through the API: its seconds and the members on its board."""
    start = time.perf_counter()
    created = httpx2.post(f"{server.base}/api/campaigns", json={"name": name, **CAMPAIGN},
                         timeout=900.0)  # fmt: skip
    seconds = time.perf_counter() - start
    if created.status_code != 201:
        raise RuntimeError(f"campaign creation answered {created.status_code}: {created.text}")
    board = httpx2.get(f"{server.base}/api/campaigns/{name}/board", timeout=60.0).json()
    return seconds, [row["iso3"] for row in board["members"]]


def reports_filed(server: Server, name: str, members: list[str]) -> list[str]:
    """The notes of every report on ``members``, read back through the API."""
    notes = []
    for member in members:
        url = f"{server.base}/api/campaigns/{name}/members/{member}/history"
        history = httpx2.get(url, timeout=60.0)
        history.raise_for_status()
        notes += [report["note"] for report in history.json()["reports"]]
    return notes


def writes(server: Server, backend: str, args: argparse.Namespace) -> dict[str, Any]:
    name = f"load-{backend}-{int(time.time())}"
    creation, members = create_campaign(server, name)
    shared = members[: max(1, args.writers // 2)]  # two clients per member
    alone = members[len(shared)]
    baseline = generate("write", server.base, 1, 1, campaign=name, members=alone,
                        reports=args.reports)  # fmt: skip
    before = cpu_seconds(server.pid)
    run = generate("write", server.base, args.writers, args.generators, campaign=name,
                   members=",".join(shared), reports=args.reports)  # fmt: skip
    load = summary(run, cpu_seconds(server.pid) - before)
    expected = sorted(f"client {c} report {r}" for c in range(args.writers)
                      for r in range(args.reports))  # fmt: skip
    found = sorted(reports_filed(server, name, shared))
    server_errors = sum(n for s, n in run["statuses"].items() if int(s) >= 500)
    return {
        "backend": backend, "campaign_creation_s": round(creation, 2),
        "members": shared, "expected": len(expected), "found": len(found),
        "accepted": run["accepted"], "conflicts_retried": run["conflicts"],
        "lost": len(set(expected) - set(found)), "duplicated": len(found) - len(set(found)),
        "server_errors": server_errors, "load": load, "baseline": summary(baseline),
        "ok": found == expected and server_errors == 0 and run["failed"] == 0,
    }  # fmt: skip


@contextmanager
def postgres_url(args: argparse.Namespace) -> Iterator[str | None]:
    """The PostgreSQL database to write to: given, a throwaway one, or none."""
    if args.database_url:
        yield args.database_url
        return
    if not args.postgres:
        yield None
        return
    sys.path.insert(0, str(ROOT))
    from tests.campaign.postgres import fresh_database, start_cluster

    cluster = start_cluster()
    try:
        with fresh_database(cluster.url) as url:
            yield url
    finally:
        cluster.stop()


def run(args: argparse.Namespace) -> dict[str, Any]:
    document: dict[str, Any] = {
        "date": dt.date.today().isoformat(), "command": " ".join(["python", *sys.argv]),
        "machine": machine(), "load_average": round(os.getloadavg()[0], 2),
        "record": str(args.record), "workers": args.workers,
        "clients": args.clients, "seconds": args.seconds, "writers": args.writers,
        "reports": args.reports, "generators": args.generators, "writes": [],
    }  # fmt: skip
    with tempfile.TemporaryDirectory() as folder, ExitStack() as stack:
        sqlite = f"sqlite:///{Path(folder) / 'campaigns.sqlite'}"
        server = stack.enter_context(serving(record=args.record, database_url=sqlite,
                                             log=Path(folder) / "server.log",
                                             workers=args.workers))  # fmt: skip
        document["server"] = " ".join(server.command)
        document["reads"] = reads(server, args)
        document["writes"].append(writes(server, "sqlite", args))
        url = stack.enter_context(postgres_url(args))
        if url is not None:
            on_pg = stack.enter_context(serving(record=args.record, database_url=url,
                                                log=Path(folder) / "server-pg.log",
                                                workers=args.workers))  # fmt: skip
            document["writes"].append(writes(on_pg, "postgresql", args))
    return document


def machine() -> str:
    model = next((line.split(":", 1)[1].strip() for line in
                  Path("/proc/cpuinfo").read_text().splitlines()
                  if line.startswith("model name")), platform.processor())  # fmt: skip
    return (f"{os.cpu_count()} cores ({model}), Python {platform.python_version()}, "
            f"{platform.system()} {platform.release()}")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--record", type=Path, default=None, help="default: the settings'")
    parser.add_argument("--workers", type=int, default=1, help="uvicorn worker processes")
    parser.add_argument("--clients", type=int, default=50, help="concurrent readers")
    parser.add_argument("--seconds", type=float, default=10.0, help="length of each read load")
    parser.add_argument("--writers", type=int, default=20, help="concurrent writers")
    parser.add_argument("--reports", type=int, default=10, help="reports per writer")
    parser.add_argument("--generators", type=int, default=1, help="load generator processes")
    parser.add_argument("--postgres", action="store_true", help="also a throwaway PostgreSQL")
    parser.add_argument("--database-url", help="also this PostgreSQL database (SQLAlchemy URL)")
    parser.add_argument("--no-write", action="store_true", help="do not rewrite LOAD.md/.json")
    args = parser.parse_args()
    args.record = args.record or Settings().record
    document = run(args)
    text = markdown(document)
    print(text)
    if not args.no_write:
        (HERE / "LOAD.md").write_text(text, encoding="utf-8")
        (HERE / "load.json").write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
    ok = document["reads"]["ok"] and all(w["ok"] for w in document["writes"])
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
