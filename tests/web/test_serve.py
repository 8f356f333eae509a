"""``whipcount serve``: a real server on a free port answers as the CLI does."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import webbrowser
from pathlib import Path
from typing import Any

import pytest

from tests.cli.running import run
from whipcount.cli.serve_cmds import dashboard_url, is_loopback, open_when_up


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def get_json(url: str, *, timeout: float = 30.0) -> Any:
    """The JSON at ``url``, retried until the server is up (or ``timeout`` seconds)."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                return json.load(response)
        except (urllib.error.URLError, ConnectionError):
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


@pytest.mark.slow
def test_serve_answers_as_the_cli(record_path: Path) -> None:
    port = free_port()
    command = ["-m", "whipcount", "--record", str(record_path), "serve", "--port", str(port)]
    server = subprocess.Popen(
        [sys.executable, *command],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env=os.environ.copy(),
    )
    try:
        served = get_json(f"http://127.0.0.1:{port}/api/record/status")
        schema = get_json(f"http://127.0.0.1:{port}/api/openapi.json")
    finally:
        server.terminate()
        _, stderr = server.communicate(timeout=30)
    assert served == json.loads(run(record_path, "record", "status", "--json").output)
    assert "/api/record/status" in schema["paths"]
    assert f"http://127.0.0.1:{port}" in stderr.decode()  # uvicorn's startup line


def test_serve_refuses_a_network_address(tmp_path: Path) -> None:
    result = run(tmp_path / "record.sqlite", "serve", "--host", "0.0.0.0")
    assert result.exit_code == 2
    assert "not a loopback address" in result.output and "--team" in result.output


def test_team_mode_needs_a_secret(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # the rest of `serve --team` is tested in tests/accounts/test_team_cli.py
    monkeypatch.delenv("WHIPCOUNT_SECRET_KEY", raising=False)
    result = run(tmp_path / "record.sqlite", "serve", "--team", "--host", "0.0.0.0")
    assert result.exit_code == 1
    assert "team mode needs WHIPCOUNT_SECRET_KEY" in result.output


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("127.1.2.3", True),
        ("::1", True),
        ("localhost", True),
        ("LocalHost", True),
        ("0.0.0.0", False),
        ("192.168.1.10", False),
        ("::", False),
        ("example.org", False),
    ],
)
def test_is_loopback(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback


def test_serve_refuses_a_busy_port_clearly(tmp_path: Path) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = run(tmp_path / "record.sqlite", "serve", "--port", str(port))
    assert result.exit_code == 1
    assert f"cannot listen on 127.0.0.1:{port}" in result.output
    assert "--port" in result.output


@pytest.mark.parametrize(
    ("host", "url"),
    [
        ("127.0.0.1", "http://127.0.0.1:8000/"),
        ("0.0.0.0", "http://127.0.0.1:8000/"),
        ("::1", "http://[::1]:8000/"),
        ("::", "http://[::1]:8000/"),
        ("localhost", "http://localhost:8000/"),
    ],
)
def test_dashboard_url(host: str, url: str) -> None:
    assert dashboard_url(host, 8000) == url


def test_open_waits_for_the_server_then_opens_the_browser(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    opened: list[str] = []
    monkeypatch.setattr(webbrowser, "open", lambda url: opened.append(url) or True)
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        port = server.getsockname()[1]
        assert open_when_up("127.0.0.1", port, "http://x/", timeout=5)
    assert opened == ["http://x/"]


def test_open_gives_up_when_nothing_answers(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(webbrowser, "open", lambda url: pytest.fail("opened"))
    assert not open_when_up("127.0.0.1", free_port(), "http://x/", timeout=0.5)


def test_open_without_a_browser_says_where_to_go(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(webbrowser, "open", lambda url: False)
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        assert not open_when_up("127.0.0.1", server.getsockname()[1], "http://x/", timeout=5)
    assert "open http://x/ yourself" in capsys.readouterr().err
