"""Documentation that cannot drift from the code."""

from __future__ import annotations

import re
from pathlib import Path

from whipcount.cli.reference import commands, render
from whipcount.settings import Settings

ROOT = Path(__file__).resolve().parents[1]


def test_cli_reference_is_current() -> None:
    assert (ROOT / "docs" / "CLI.md").read_text() == render(), (
        "docs/CLI.md is stale: run `python -m whipcount.cli.reference > docs/CLI.md`"
    )


def test_every_json_command_has_its_shape_documented() -> None:
    documented = set(
        re.findall(
            r"^## (whipcount [a-z -]+?)\s*$", (ROOT / "docs" / "JSON.md").read_text(), flags=re.M
        )
    )
    with_json = {
        name for name, command in commands() if any(p.name == "as_json" for p in command.params)
    }
    assert with_json <= documented, sorted(with_json - documented)


def test_every_setting_is_in_the_readme() -> None:
    readme = (ROOT / "README.md").read_text()
    for name in Settings.model_fields:
        assert f"WHIPCOUNT_{name.upper()}" in readme


def test_readme_quick_start_is_two_commands() -> None:
    readme = (ROOT / "README.md").read_text()
    block = readme.split("## Quick start", 1)[1].split("```sh", 1)[1].split("```", 1)[0]
    lines = [line for line in block.strip().splitlines() if line.strip()]
    assert [line.split()[0] for line in lines] == ["scripts/start", "scripts/test"]
    ci = (ROOT / ".ci" / "run").read_text()
    assert "scripts/test" in ci


def test_api_reference_is_current() -> None:
    from whipcount.web.reference import render as render_api

    assert (ROOT / "docs" / "API.md").read_text() == render_api(), (
        "docs/API.md is stale: run `python -m whipcount.web.reference > docs/API.md`"
    )
