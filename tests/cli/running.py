"""Running a ``whipcount`` command in process, against a given record."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner, Result

from whipcount.cli import cli


def run(record: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, ["--record", str(record), *args], catch_exceptions=False)
