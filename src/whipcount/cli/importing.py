"""``whipcount import``: build or extend the record from source files."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path

import click
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from whipcount.cli import domain_errors, settings
from whipcount.cli.output import console, output_options, print_json, print_rows
from whipcount.errors import SourceError
from whipcount.record.importer import ImportReport, import_sources
from whipcount.settings import import_folders


@click.command("import")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--rebuild", is_flag=True, help="Delete the record first and import anew.")
@output_options
@click.pass_context
@domain_errors
def import_command(ctx: click.Context, paths: tuple[Path, ...], rebuild: bool, output: str) -> None:
    """Import source files into the record (default: the configured data folder and,
    beside a folder named raw, its sibling reference folder).

    Re-importing a file adds nothing; a file with newer votes adds only those; a bad
    file is refused whole, with the file, row and value named.
    """
    config = settings(ctx)
    sources = list(paths) or import_folders(config.data_folder())
    if rebuild:
        for suffix in ("", "-journal", ".matrix.npz"):
            config.record.with_name(config.record.name + suffix).unlink(missing_ok=True)
        for fit in config.record.parent.glob(config.record.name + ".ideal-*.npz"):
            fit.unlink()  # version numbers restart with a new record
    show = config.progress and output == "table" and console().is_terminal
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        TimeElapsedColumn(),
        console=console(),
        disable=not show,
        transient=True,
    ) as bar:
        task = bar.add_task("importing", total=None)

        def step(label: str, done: int, total: int) -> None:
            bar.update(task, description=label, completed=done, total=total)

        failure: SourceError | None = None
        try:
            report = import_sources(config.record, sources, progress=step)
        except SourceError as error:  # some files refused: show what was done, then fail
            if not isinstance(error.report, ImportReport):
                raise
            failure, report = error, error.report
    _show(report, output, config.record)
    if failure is not None:
        raise click.ClickException(str(failure))


def _show(report: ImportReport, output: str, record: Path) -> None:
    if output == "json":
        print_json(report.to_dict())
        return
    rows = [dict(asdict(u), path=Path(u.path).name) for u in report.units]
    print_rows(
        rows,
        [
            "source",
            "path",
            "status",
            "roll_calls_added",
            "votes_added",
            "votes_changed",
            "conflicts_added",
        ],
        output,
        title=f"import into {record}",
    )
    if output == "table":
        click.echo(
            f"{report.roll_calls_added} roll calls and {report.votes_added} votes added; "
            f"{report.series} series; {len(report.skipped)} files skipped (not a source "
            "format whipcount reads)."
        )
