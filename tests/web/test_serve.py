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
from pathlib import Path
from typing import Any

import pytest

from tests.cli.running import run
from whipcount.cli.serve_cmds import is_loopback


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


def test_team_mode_is_not_available_yet(tmp_path: Path) -> None:
    result = run(tmp_path / "record.sqlite", "serve", "--team", "--host", "0.0.0.0")
    assert result.exit_code == 1
    assert "team mode is not available yet" in result.output


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
