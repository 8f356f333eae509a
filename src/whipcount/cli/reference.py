"""The CLI reference page (``docs/CLI.md``), generated from the commands' own help.

``python -m whipcount.cli.reference > docs/CLI.md`` rewrites it; ``tests/test_docs.py``
fails when the checked-in page differs from what the commands say.
"""

from __future__ import annotations

import click

from whipcount.cli import cli


def _walk(command: click.Command, path: list[str]) -> list[tuple[list[str], click.Command]]:
    found = [(path, command)]
    if isinstance(command, click.Group):
        for name in sorted(command.commands):
            found += _walk(command.commands[name], [*path, name])
    return found


def commands() -> list[tuple[str, click.Command]]:
    """Every command as (``whipcount record status``, command), in a stable order."""
    return [(" ".join(["whipcount", *path]), command) for path, command in _walk(cli, [])]


def render() -> str:
    lines = [
        "# whipcount command-line reference",
        "",
        "Generated from the commands' help by `python -m whipcount.cli.reference > docs/CLI.md`;",
        "a test fails when this page and the commands disagree.",
        "",
    ]
    for name, command in commands():
        context = click.Context(
            command,
            info_name=name,
            terminal_width=88,
            max_content_width=88,
            help_option_names=["-h", "--help"],
        )
        lines += [f"## {name}", "", "```text", command.get_help(context).rstrip(), "```", ""]
    return "\n".join(lines)


if __name__ == "__main__":
    click.echo(render(), nl=False)
