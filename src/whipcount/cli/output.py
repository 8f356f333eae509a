"""Output shared by every command: a rich table by default, ``--json`` or ``--csv``."""

from __future__ import annotations

import csv
import functools
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

import click
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

F = TypeVar("F", bound=Callable[..., Any])


def output_options(func: F) -> F:
    """Add ``--json`` and ``--csv`` to a command (passed on as ``output``)."""

    @click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
    @click.option("--csv", "as_csv", is_flag=True, help="Print the rows as CSV.")
    @functools.wraps(func)
    def wrapper(*args: Any, as_json: bool, as_csv: bool, **kwargs: Any) -> Any:
        if as_json and as_csv:
            raise click.UsageError("choose one of --json and --csv")
        kwargs["output"] = "json" if as_json else "csv" if as_csv else "table"
        return func(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


def print_json(document: object) -> None:
    click.echo(json.dumps(document, indent=2, ensure_ascii=False, default=str))


def print_rows(
    rows: Sequence[dict[str, Any]], columns: Sequence[str], output: str, title: str | None = None
) -> None:
    """Rows as a table, CSV, or (for ``json``) a JSON list."""
    if output == "json":
        print_json(list(rows))
    elif output == "csv":
        writer = csv.DictWriter(
            sys.stdout, fieldnames=list(columns), extrasaction="ignore", lineterminator="\n"
        )
        writer.writeheader()
        writer.writerows(rows)
    else:
        table = Table(title=title, show_lines=False)
        for column in columns:
            table.add_column(column.replace("_", " "), overflow="fold")
        for row in rows:
            table.add_row(*("" if row.get(c) is None else str(row.get(c)) for c in columns))
        console().print(table)


CHART_SUFFIXES = (".png", ".svg", ".pdf")


def check_chart_path(path: Path | None) -> None:
    """Refuse a ``--plot`` file whose suffix names no format we draw (before any work)."""
    if path is not None and path.suffix.lower() not in CHART_SUFFIXES:
        raise click.BadParameter("give a .png, .svg or .pdf file", param_hint="--plot")


def console(*, stderr: bool = False) -> Console:
    stream = sys.stderr if stderr else sys.stdout
    return Console(stderr=stderr, width=None if stream.isatty() else 160)


def progress_bar(show: bool, *, counts: bool = True, transient: bool = True) -> Progress:
    """The rich progress bar of long commands, on stderr, only on a terminal."""
    columns = [TextColumn("{task.description}"), BarColumn()]
    if counts:
        columns.append(TextColumn("{task.completed}/{task.total}"))
    columns.append(TimeElapsedColumn())
    err = console(stderr=True)
    return Progress(
        *columns, console=err, disable=not (show and err.is_terminal), transient=transient
    )
