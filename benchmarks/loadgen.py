"""The load generator of ``benchmarks/load.py``, run as its own process.

Closed-loop clients on asyncio, each holding one keep-alive HTTP/1.1 connection of its
own, in a process apart from the server's: ``load.py`` starts one or more of these
processes and merges what they print (one JSON document on standard output).  The client
is a few lines over asyncio streams (:class:`Connection`: a request line, headers, a
``Content-Length`` body) rather than ``httpx.AsyncClient``: httpx spent about 1 ms of CPU
per request, as much as the server, so that on two cores the generator, not the server,
set the pace and the latencies.  Two kinds of load:

``read``
    Every client GETs ``--path`` again and again until ``--seconds`` have passed (a
    client starts its next request as soon as the last one is answered: no think time).
``write``
    Client *i* files ``--reports`` field reports on the member ``members[i % len]``
    (so that several clients write to the same member), each with the member version it
    last saw: a stale one is answered 409 with the current version, and the client
    retries with it (the optimistic lock at work).  The accepted reports and the 409s
    are counted apart.

All clients of all processes start together at ``--start-at`` (a ``time.time()``).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import sys
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

#: what a failed exchange raises (the connection is then opened again)
TRANSPORT_ERRORS = (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, ValueError)


class Connection:
    """One keep-alive HTTP/1.1 connection to the server at ``base``."""

    def __init__(self, base: str) -> None:
        url = urlsplit(base)
        self.host, self.port = url.hostname or "127.0.0.1", url.port or 80
        self._streams: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None = None

    async def request(self, method: str, path: str, body: bytes | None = None) -> tuple[int, bytes]:
        """Send one request and read its whole answer: ``(status, body)``."""
        if self._streams is None:
            self._streams = await asyncio.open_connection(self.host, self.port)
        reader, writer = self._streams
        head = f"{method} {path} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\n"
        if body is not None:
            head += f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
        try:
            writer.write(head.encode("ascii") + b"\r\n" + (body or b""))
            lines = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1").split("\r\n")
            status = int(lines[0].split(" ", 2)[1])
            headers = dict(_header(line) for line in lines[1:] if line)
            if "content-length" not in headers:
                raise ValueError(f"an answer without Content-Length: {lines[0]}")
            content = await reader.readexactly(int(headers["content-length"]))
        except TRANSPORT_ERRORS:
            await self.close()
            raise
        if headers.get("connection", "").lower() == "close":
            await self.close()
        return status, content

    async def close(self) -> None:
        if self._streams is not None:
            writer = self._streams[1]
            self._streams = None
            writer.close()
            with contextlib.suppress(OSError):
                await writer.wait_closed()


def _header(line: str) -> tuple[str, str]:
    name, _, value = line.partition(":")
    return name.strip().lower(), value.strip()


@dataclass
class Tally:
    """What one process saw: latencies (ms) of answered requests and the statuses."""

    latencies: list[float] = field(default_factory=list)
    statuses: dict[str, int] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)  # transport errors (no answer)
    accepted: int = 0  # reports filed (201)
    conflicts: int = 0  # stale versions answered 409 and retried

    def count(self, status: int, seconds: float) -> None:
        self.latencies.append(seconds * 1000)
        self.statuses[str(status)] = self.statuses.get(str(status), 0) + 1

    def document(self, seconds: float) -> dict[str, Any]:
        return {
            "seconds": seconds,
            "latencies_ms": self.latencies,
            "statuses": self.statuses,
            "failures": self.failures[:20],
            "failed": len(self.failures),
            "accepted": self.accepted,
            "conflicts": self.conflicts,
        }


async def _reader(base: str, path: str, deadline: float, tally: Tally) -> None:
    connection = Connection(base)
    try:
        while time.perf_counter() < deadline:
            start = time.perf_counter()
            try:
                status, _ = await connection.request("GET", path)
            except TRANSPORT_ERRORS as error:
                tally.failures.append(f"{type(error).__name__}: {error}")
                continue
            tally.count(status, time.perf_counter() - start)
    finally:
        await connection.close()


async def _writer(
    base: str, campaign: str, member: str, *, client_no: int, reports: int, tally: Tally
) -> None:
    url = f"/api/campaigns/{campaign}/members/{member}/reports"
    positions = ("yes", "lean yes", "undecided", "lean no", "no")
    version: int | None = None
    connection = Connection(base)
    try:
        for number in range(reports):
            body = {
                "position": positions[(client_no + number) % len(positions)],
                "source": f"load client {client_no}",
                "reliability": 0.6,
                "note": f"client {client_no} report {number}",
            }
            while True:  # until accepted, retrying a stale version with the current one
                payload = json.dumps({**body, "version": version}).encode()
                start = time.perf_counter()
                try:
                    status, content = await connection.request("POST", url, payload)
                except TRANSPORT_ERRORS as error:
                    tally.failures.append(f"{type(error).__name__}: {error}")
                    break
                tally.count(status, time.perf_counter() - start)
                answer = json.loads(content)
                if status == 409 and "current" in answer:
                    tally.conflicts += 1
                    version = int(answer["current"])
                    continue
                if status == 201:
                    tally.accepted += 1
                    version = int(answer["member"]["version"])
                else:
                    tally.failures.append(f"{status}: {content[:200]!r}")
                break
    finally:
        await connection.close()


async def _run(args: argparse.Namespace) -> dict[str, Any]:
    tally = Tally()
    await asyncio.sleep(max(0.0, args.start_at - time.time()))
    began = time.perf_counter()
    if args.kind == "read":
        deadline = began + args.seconds
        jobs = [_reader(args.base, args.path, deadline, tally) for _ in range(args.clients)]
    else:
        members = args.members.split(",")
        numbers = range(args.first, args.first + args.clients)
        options = {"reports": args.reports, "tally": tally}
        jobs = [
            _writer(args.base, args.campaign, members[n % len(members)], client_no=n, **options)
            for n in numbers
        ]
    await asyncio.gather(*jobs)
    return tally.document(time.perf_counter() - began)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("kind", choices=("read", "write"))
    parser.add_argument("--base", required=True, help="the server, e.g. http://127.0.0.1:8000")
    parser.add_argument("--clients", type=int, required=True)
    parser.add_argument("--start-at", type=float, default=0.0, help="time.time() to start at")
    parser.add_argument("--path", help="read: the URL path to GET")
    parser.add_argument("--seconds", type=float, default=10.0, help="read: how long")
    parser.add_argument("--campaign", help="write: the campaign's name")
    parser.add_argument("--members", help="write: ISO3 codes, comma-separated")
    parser.add_argument("--reports", type=int, default=10, help="write: reports per client")
    parser.add_argument("--first", type=int, default=0, help="write: number of the first client")
    args = parser.parse_args(argv)
    json.dump(asyncio.run(_run(args)), sys.stdout)


if __name__ == "__main__":
    main()
