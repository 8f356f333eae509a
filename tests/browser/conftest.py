"""Browser fixtures: the real app under uvicorn and Debian's chromium driven by Playwright.

* ``server_url`` (session): ``create_app`` over the real record (the session's
  ``record_path``) and a temporary SQLite campaign database, served by uvicorn in a
  background thread on a free loopback port, until the session ends;
* ``browser`` (session): chromium launched by Playwright's sync API with
  ``executable_path`` (``WHIPCOUNT_CHROMIUM``, else ``chromium`` on the PATH; Playwright
  never downloads a browser).  Without chromium the tests are skipped — except in CI
  (``CI`` set), where a missing browser fails them;
* ``page`` (per test): a fresh context and page; after the test its screenshot is saved
  as ``artifacts/screenshots/<test>.png`` under the project (kept by CI as artifacts).

Playwright's sync API runs its own event loop in a greenlet; it stays in these plain
(non-async) fixtures, and uvicorn's loop lives in its own thread.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import uvicorn

from whipcount.settings import Settings
from whipcount.web.app import create_app

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "artifacts" / "screenshots"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test here is a browser test on the real record."""
    for item in items:
        if Path(str(item.fspath)).parent == Path(__file__).parent:
            item.add_marker(pytest.mark.browser)
            item.add_marker(pytest.mark.slow)


def chromium_path() -> str | None:
    """The chromium to drive: ``WHIPCOUNT_CHROMIUM``, else ``chromium`` on the PATH."""
    return os.environ.get("WHIPCOUNT_CHROMIUM") or shutil.which("chromium")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class ServerThread:
    """uvicorn serving an app in a daemon thread; started and stopped explicitly."""

    def __init__(self, app: Any, port: int) -> None:
        config = uvicorn.Config(
            app, host="127.0.0.1", port=port, log_level="warning", lifespan="on"
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, name="uvicorn", daemon=True)
        self.url = f"http://127.0.0.1:{port}"

    def start(self, timeout: float = 30.0) -> None:
        self.thread.start()
        deadline = time.monotonic() + timeout
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the test server did not start")
            time.sleep(0.05)

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=30)


@pytest.fixture(scope="session")
def server_url(record_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("browser")
    settings = Settings(record=record_path, database_url=f"sqlite:///{folder / 'campaigns.sqlite'}")
    server = ServerThread(create_app(settings), free_port())
    server.start()
    try:
        yield server.url
    finally:
        server.stop()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Chromium for one module: Playwright's sync API keeps an event loop running in
    this thread while it is open, which later tests' ``asyncio.run`` could not share."""
    executable = chromium_path()
    if executable is None:
        message = "chromium is not installed (scripts/setup-browser, or set WHIPCOUNT_CHROMIUM)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture
def page(browser: Any, server_url: str, request: pytest.FixtureRequest) -> Iterator[Any]:
    """A fresh page on the test server (``page.goto("/...")`` is relative to it); its
    screenshot is saved after the test, passed or failed."""
    context = browser.new_context(base_url=server_url, viewport={"width": 1280, "height": 900})
    opened = context.new_page()
    opened.set_default_timeout(30_000)
    try:
        yield opened
    finally:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        name = re.sub(r"[^\w.-]+", "_", request.node.name)
        try:
            opened.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
        finally:
            context.close()
