"""The real server for the web benchmarks (``load.py``, ``page_load.py``), as a process.

:func:`serving` starts ``whipcount serve`` (one uvicorn process, as a user runs it) or,
for more than one worker, ``uvicorn --factory whipcount.web.app:create_app --workers N``
(the same app, several processes sharing the port), on a free loopback port, against a
record and a campaign database given by ``WHIPCOUNT_RECORD`` and
``WHIPCOUNT_DATABASE_URL``; it waits until the server answers and stops it (the whole
process group) on exit.  The server's log goes to a file beside nothing else: the
benchmark's temporary folder.

:func:`warm` asks for a forecast until every worker answers it from memory (the first
answer may fit a model for about 30 s); :func:`cpu_seconds` is the CPU time a process
and its children have used (from ``/proc``), to show which side of a load test was busy.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx2

PYTHON = sys.executable
WHIPCOUNT = str(Path(PYTHON).with_name("whipcount"))
CUBA = "necessity-ending-economic-commercial-financial-embargo"
FORECAST = f"/api/forecast/series/{CUBA}"
READY = "/api/openapi.json"  # answers without touching the record or the database


@dataclass(frozen=True)
class Server:
    """A running server: its base URL and its (parent) process id."""

    base: str
    pid: int
    workers: int
    command: tuple[str, ...]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def server_command(port: int, workers: int) -> list[str]:
    """``whipcount serve`` for one worker, else uvicorn with the app factory."""
    if workers == 1:
        return [WHIPCOUNT, "serve", "--host", "127.0.0.1", "--port", str(port)]
    return [PYTHON, "-m", "uvicorn", "--factory", "whipcount.web.app:create_app",
            "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers)]  # fmt: skip


@contextmanager
def serving(
    *, record: Path, database_url: str, log: Path, workers: int = 1, timeout: float = 60.0
) -> Iterator[Server]:
    """A server on the record and campaign database given, stopped on exit."""
    port = free_port()
    command = server_command(port, workers)
    env = {**os.environ, "WHIPCOUNT_RECORD": str(record), "WHIPCOUNT_DATABASE_URL": database_url}
    with open(log, "ab") as output:
        process = subprocess.Popen(
            command, env=env, stdout=output, stderr=subprocess.STDOUT, start_new_session=True
        )
    server = Server(f"http://127.0.0.1:{port}", process.pid, workers, tuple(command))
    try:
        _wait_ready(server, process, timeout, log)
        yield server
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def _wait_ready(
    server: Server, process: subprocess.Popen[bytes], timeout: float, log: Path
) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server stopped: {log.read_text(errors='replace')[-2000:]}")
        try:
            if httpx2.get(server.base + READY, timeout=2.0).status_code == 200:
                return
        except httpx2.HTTPError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"the server did not answer within {timeout:g} s")


def warm(server: Server, path: str = FORECAST, *, quick: float = 0.25) -> float:
    """Ask for ``path`` until it is answered from memory; the seconds of the first answer.

    Each worker has its own cache, so the last round asks on many fresh connections
    (each may reach any worker) and must find every answer under ``quick`` seconds (a
    model loaded or fitted takes seconds).
    """
    fresh = httpx2.Limits(max_keepalive_connections=0)
    with httpx2.Client(base_url=server.base, limits=fresh, timeout=900.0) as client:
        start = time.perf_counter()
        client.get(path).raise_for_status()
        first = time.perf_counter() - start
        for _ in range(50):
            times = []
            for _ in range(4 * server.workers):
                start = time.perf_counter()
                client.get(path).raise_for_status()
                times.append(time.perf_counter() - start)
            if max(times) < quick:
                return first
    raise RuntimeError(f"{path} was still slow after warming: {max(times):.3f} s")


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) of ``pid`` and its live descendants, from ``/proc``."""
    ticks = os.sysconf("SC_CLK_TCK")
    parents: dict[int, int] = {}
    used: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # ended meanwhile
        parents[int(entry.name)] = int(fields[1])
        used[int(entry.name)] = int(fields[11]) + int(fields[12])
    family = {pid}
    grew = True
    while grew:
        more = {child for child, parent in parents.items() if parent in family} - family
        family |= more
        grew = bool(more)
    return sum(used.get(member, 0) for member in family) / ticks
