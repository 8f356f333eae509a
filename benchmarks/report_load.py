"""``LOAD.md`` from the document ``load.py`` writes to ``load.json``."""

from __future__ import annotations

from typing import Any

READ_HEAD = [
    "| load | requests | errors | req/s | p50 ms | p95 ms | p99 ms | max ms "
    "| server CPU ms/request |",
    "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
]


def _row(name: str, figures: dict[str, Any]) -> str:
    cpu = figures.get("server_cpu_s")
    per = "—" if cpu is None else f"{1000 * cpu / figures['requests']:.2f}"
    return (
        f"| {name} | {figures['requests']} | {figures['errors']} | {figures['throughput']:g} | "
        f"{figures['p50_ms']:.1f} | {figures['p95_ms']:.1f} | {figures['p99_ms']:.1f} | "
        f"{figures['max_ms']:.1f} | {per} |"
    )


def _reads(document: dict[str, Any]) -> list[str]:
    reads = document["reads"]
    forecast, baseline = reads["forecast"], reads["baseline"]
    verdict = "ok" if reads["ok"] else "MISSED"
    clients, seconds = document["clients"], document["seconds"]
    return [
        f"## Warm forecast, {clients} concurrent clients for {seconds:g} s",
        "",
        f"The first answer (fitting or loading the model) took {reads['first_answer_s']:g} s; "
        "then:",
        "",
        *READ_HEAD,
        _row(f"`GET {forecast['path']}` (warm)", forecast),
        _row(f"baseline: `GET {baseline['path']}` (same size, from memory)", baseline),
        "",
        f"Forecast p95 **{forecast['p95_ms']:.1f} ms** (target < 100 ms, no errors: {verdict}); "
        f"ratio to the baseline's p95: **{reads['ratio_p95']:.2f}×**.",
    ]


def _writes(document: dict[str, Any], writes: dict[str, Any]) -> list[str]:
    load, baseline = writes["load"], writes["baseline"]
    verdict = "ok" if writes["ok"] else "FAILED"
    writers, reports = document["writers"], document["reports"]
    return [
        f"## Field reports on {writes['backend']}: {writers} clients at once, "
        f"{reports} reports each",
        "",
        f"Campaign created through the API in {writes['campaign_creation_s']:g} s. "
        f"{len(writes['members'])} members, two clients each "
        f"({', '.join(writes['members'])}).",
        "",
        *READ_HEAD,
        _row(f"{writers} clients filing reports (every POST, retries included)", load),
        _row("baseline: one client filing as many reports alone", baseline),
        "",
        f"Reports expected {writes['expected']}, found afterwards in the members' histories "
        f"{writes['found']} (lost {writes['lost']}, duplicated {writes['duplicated']}); "
        f"stale versions answered 409 and retried: {writes['conflicts_retried']}; "
        f"5xx: {writes['server_errors']} — **{verdict}**. "
        f"p95 ratio to the lone client's: {load['p95_ms'] / baseline['p95_ms']:.2f}×.",
    ]


NOTES = [
    "## Reading the figures",
    "",
    "- The clients have no think time, so each load saturates the server: by Little's law "
    "a closed loop's latency is the number of clients over the throughput, and the p95 "
    "says how many requests per second the server sustains, not how long one takes alone. "
    "The server CPU per request (from `/proc`, the server's processes only) is the cost.",
    "- One uvicorn worker: on two cores the load generator needs the other one. More "
    "workers (`--workers 2`) share the two cores with the generator and each keeps its "
    "own forecast cache.",
    "- A warm forecast is a dictionary look-up keyed by the record version, and that "
    "version is re-read only when the record file's inode, size or times change "
    "(`whipcount.web.api.forecast.RecordVersion`); the answer is the encoded bytes kept "
    "in memory.",
    "- Errors count failed exchanges and statuses of 400 and above, except the 409s of "
    "writers whose member version was stale: the optimistic lock refusing a lost update, "
    "after which the writer retries with the current version.",
]


def markdown(document: dict[str, Any]) -> str:
    lines = [
        "# The web server under load",
        "",
        f"`{document['command']}` on {document['date']}: {document['machine']}; "
        f"load average {document['load_average']:g} at the start.",
        "",
        f"Server: `{document['server']}` ({document['workers']} uvicorn worker"
        f"{'s' if document['workers'] > 1 else ''}), record `{document['record']}`, a fresh "
        f"SQLite campaign database. Load: {document['generators']} generator process"
        f"{'es' if document['generators'] > 1 else ''} (`benchmarks/loadgen.py`, closed-loop "
        "asyncio clients, one keep-alive connection each, no think time), on the same "
        "machine, over loopback.",
        "",
        *_reads(document),
    ]
    for writes in document["writes"]:
        lines += ["", *_writes(document, writes)]
    lines += ["", *NOTES]
    return "\n".join(lines) + "\n"
