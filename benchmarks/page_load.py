"""The forecast page in headless chromium: navigation to the ``load`` event.

Run from the project root (after ``scripts/start`` and ``scripts/setup dev``, which
installs Debian's chromium)::

    .venv/bin/python benchmarks/page_load.py      # prints, rewrites PAGE_LOAD.md and .json

The real server runs as its own process (``whipcount serve``, see ``server.py``) on the
record (``--record``) and a fresh SQLite campaign database; the Cuba embargo forecast is
warmed through the API and the page is fetched once.  Then Playwright drives Debian's
chromium (``executable_path``: ``$WHIPCOUNT_CHROMIUM`` or ``/usr/bin/chromium``; no
browser of Playwright's own) and loads the page ``--loads`` times, each in a new
browser context (an empty profile: no cookies, an empty HTTP cache, so every load
fetches the page's styles, scripts and icons as a first visit does), reading
``PerformanceNavigationTiming``: ``loadEventEnd`` (navigation start to the end of the
``load`` event), ``domContentLoadedEventEnd`` and ``responseEnd`` (the HTML received).
The baseline, measured the same way in the same run, is navigating to the app's
stylesheet (``/static/whipcount.css``): a static file from the same server, the floor of
a navigation.  Target (issue 6): the forecast page loads in under 1 s.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import sys
import tempfile
from pathlib import Path
from typing import Any

import httpx2
from load import machine, percentile
from playwright.sync_api import Browser, sync_playwright
from server import CUBA, Server, serving, warm

from whipcount.settings import Settings

HERE = Path(__file__).resolve().parent
PAGE = f"/forecast/series/{CUBA}"
BASELINE = "/static/whipcount.css"
TARGET_MS = 1000.0
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip
TIMING = "JSON.stringify(performance.getEntriesByType('navigation')[0])"


def chromium() -> str:
    """Debian's chromium, or the one ``WHIPCOUNT_CHROMIUM`` names."""
    path = os.environ.get("WHIPCOUNT_CHROMIUM", "/usr/bin/chromium")
    if not Path(path).is_file():
        raise SystemExit(f"no chromium at {path}: run scripts/setup dev or set WHIPCOUNT_CHROMIUM")
    return path


def load_once(browser: Browser, url: str) -> dict[str, float]:
    """Load ``url`` in a fresh context; its navigation timings in ms."""
    context = browser.new_context()
    try:
        page = context.new_page()
        response = page.goto(url, wait_until="load", timeout=60_000)
        if response is None or response.status != 200:
            status = None if response is None else response.status
            raise RuntimeError(f"{url} answered {status}")
        timing = json.loads(page.evaluate(TIMING))
    finally:
        context.close()
    return {
        "load_ms": timing["loadEventEnd"] - timing["startTime"],
        "dom_ms": timing["domContentLoadedEventEnd"] - timing["startTime"],
        "response_ms": timing["responseEnd"] - timing["startTime"],
        "bytes": timing.get("transferSize", 0),
    }


def measure(browser: Browser, url: str, loads: int) -> dict[str, Any]:
    load_once(browser, url)  # the browser's own first-use costs, not the page's
    runs = [load_once(browser, url) for _ in range(loads)]
    figures: dict[str, Any] = {"loads": loads, "html_bytes": runs[-1]["bytes"]}
    for key in ("load_ms", "dom_ms", "response_ms"):
        values = [run[key] for run in runs]
        figures[key] = {"median": round(statistics.median(values), 1),
                        "p95": round(percentile(values, 95), 1),
                        "max": round(max(values), 1)}  # fmt: skip
    return figures


def check_page(server: Server) -> None:
    answer = httpx2.get(server.base + PAGE, timeout=120.0)
    if answer.status_code != 200:
        raise SystemExit(f"{PAGE} answered {answer.status_code}: the page is not there (yet)")


def run(args: argparse.Namespace) -> dict[str, Any]:
    load_average = round(os.getloadavg()[0], 2)
    with tempfile.TemporaryDirectory() as folder:
        database = f"sqlite:///{Path(folder) / 'campaigns.sqlite'}"
        with serving(record=args.record, database_url=database,
                     log=Path(folder) / "server.log") as server:  # fmt: skip
            warm(server)
            check_page(server)
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path=chromium(), args=CHROMIUM_ARGS, headless=True
                )
                try:
                    version = browser.version
                    page = measure(browser, server.base + PAGE, args.loads)
                    baseline = measure(browser, server.base + BASELINE, args.loads)
                finally:
                    browser.close()
            command = " ".join(server.command)
    return {
        "date": dt.date.today().isoformat(), "command": " ".join(["python", *sys.argv]),
        "machine": machine(), "load_average": load_average, "chromium": version, "server": command,
        "record": str(args.record), "page": PAGE, "baseline_url": BASELINE,
        "forecast_page": page, "baseline": baseline,
        "ratio_median": round(page["load_ms"]["median"] / baseline["load_ms"]["median"], 2),
        "ok": page["load_ms"]["p95"] < TARGET_MS,
    }  # fmt: skip


def markdown(document: dict[str, Any]) -> str:
    def row(name: str, figures: dict[str, Any]) -> str:
        load, dom, got = figures["load_ms"], figures["dom_ms"], figures["response_ms"]
        return (f"| {name} | {figures['loads']} | {got['median']:.0f} | {dom['median']:.0f} | "
                f"{load['median']:.0f} | {load['p95']:.0f} | {load['max']:.0f} |")  # fmt: skip

    page = document["forecast_page"]
    verdict = "ok" if document["ok"] else "MISSED"
    return "\n".join([
        "# The forecast page in headless chromium",
        "",
        f"`{document['command']}` on {document['date']}: {document['machine']} "
        f"(load average {document['load_average']:g} at the start); "
        f"chromium {document['chromium']} (Debian's, headless, a new empty context per load); "
        f"server `{document['server']}` (1 uvicorn worker), record `{document['record']}`, "
        "forecast warmed first.",
        "",
        "| page | loads | HTML received, median ms | DOMContentLoaded, median ms | "
        "load, median ms | load, p95 ms | load, max ms |",
        "|---|---:|---:|---:|---:|---:|---:|",
        row(f"`{document['page']}`", page),
        row(f"baseline: `{document['baseline_url']}` (a static file)", document["baseline"]),
        "",
        f"Forecast page load p95 **{page['load_ms']['p95']:.0f} ms** (target < 1 s: {verdict}); "
        f"median ratio to the baseline: **{document['ratio_median']:.2f}×**.",
    ]) + "\n"  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--record", type=Path, default=None, help="default: the settings'")
    parser.add_argument("--loads", type=int, default=20, help="page loads of each URL")
    parser.add_argument("--no-write", action="store_true", help="do not rewrite PAGE_LOAD.*")
    args = parser.parse_args()
    args.record = args.record or Settings().record
    document = run(args)
    text = markdown(document)
    print(text)
    if not args.no_write:
        (HERE / "PAGE_LOAD.md").write_text(text, encoding="utf-8")
        (HERE / "page_load.json").write_text(json.dumps(document, indent=2) + "\n")
    sys.exit(0 if document["ok"] else 1)


if __name__ == "__main__":
    main()
