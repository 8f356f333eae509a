"""The ``whipcount`` command line: a thin shell over the library.

Each command opens the library object it needs and calls one method; domain errors
become one-line messages (exit code 1) here, at the edge.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from whipcount import __version__
from whipcount.errors import WhipcountError
from whipcount.record.reader import Record
from whipcount.settings import Settings

F = TypeVar("F", bound=Callable[..., Any])


def domain_errors(func: F) -> F:
    """Turn whipcount's errors into ``ClickException`` (message, exit code 1)."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except WhipcountError as error:
            raise click.ClickException(str(error)) from error

    return wrapper  # type: ignore[return-value]


def settings(ctx: click.Context) -> Settings:
    found: Settings = ctx.find_object(Settings) or Settings()
    return found


def open_record(ctx: click.Context) -> Record:
    return Record(settings(ctx).record)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="whipcount")
@click.option(
    "--record",
    "record_path",
    type=click.Path(path_type=Path),
    default=None,
    help="Record file (default: $WHIPCOUNT_RECORD, else the user data folder).",
)
@click.pass_context
def cli(ctx: click.Context, record_path: Path | None) -> None:
    """Forecast and whip UN General Assembly votes."""
    ctx.obj = Settings(record=record_path) if record_path else Settings()


def main() -> None:
    cli()


def _register() -> None:
    from whipcount.cli import (
        align_cmds,
        campaign_cmds,
        campaign_field_cmds,
        campaign_paper_cmds,
        campaign_plan_cmds,
        forecast_cmds,
        ideal_cmds,
        importing,
        record_cmds,
        series_cmds,
        serve_cmds,
        team_cmds,
        votes_cmds,
    )

    cli.add_command(importing.import_command)
    cli.add_command(record_cmds.record)
    cli.add_command(series_cmds.series)
    cli.add_command(votes_cmds.votes)
    cli.add_command(votes_cmds.country)
    cli.add_command(votes_cmds.members)
    cli.add_command(align_cmds.align)
    cli.add_command(ideal_cmds.ideal)
    cli.add_command(forecast_cmds.forecast_command)
    cli.add_command(forecast_cmds.backtest_command)
    for module in (campaign_field_cmds, campaign_plan_cmds, campaign_paper_cmds):
        for command in module.COMMANDS:
            campaign_cmds.campaign.add_command(command)
    cli.add_command(campaign_cmds.campaign)
    cli.add_command(serve_cmds.serve)
    cli.add_command(team_cmds.team)


_register()
