"""``whipcount forecast`` and ``whipcount backtest``: vote forecasts and their record."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

from whipcount.cli import domain_errors, settings
from whipcount.cli.output import (
    check_chart_path,
    output_options,
    print_json,
    print_rows,
    progress_bar,
)
from whipcount.forecast.tally import MAJORITIES
from whipcount.record.reader import ISSUE_CODES

#: The feature groups of ``whipcount.forecast.features.GROUPS`` (kept equal by a test;
#: named here so that the command line starts without loading the forecaster).
FEATURE_GROUPS = ("history", "participation", "series", "blocs", "ideal", "sponsors", "vote")


@contextmanager
def _spinner(show: bool) -> Iterator[Any]:
    with progress_bar(show, counts=False) as bar:
        task = bar.add_task("forecast", total=None)
        yield lambda message: bar.update(task, description=message)


@click.command("forecast")
@click.option("--series", help="Series id (find one with `whipcount series find`).")
@click.option("--session", type=int, help="Session of the vote (default: the next one).")
@click.option("--draft", help="Title of a new draft resolution (instead of --series).")
@click.option("--sponsor", "sponsors", multiple=True, help="A sponsor of the draft (repeat).")
@click.option("--issue", "issues", multiple=True, type=click.Choice(ISSUE_CODES),
              help="An issue code of the draft (repeat).")  # fmt: skip
@click.option("--as-of", type=click.DateTime(["%Y-%m-%d"]),
              help="Use only votes before this day (default: all before the vote).")  # fmt: skip
@click.option("--majority", type=click.Choice(MAJORITIES), default="simple", show_default=True,
              help="Majority needed for adoption.")  # fmt: skip
@click.option("--plot", type=click.Path(dir_okay=False, path_type=Path),
              help="Also draw the map and the tally to this .png/.svg/.pdf file.")  # fmt: skip
@output_options
@click.pass_context
@domain_errors
def forecast_command(
    ctx: click.Context,
    series: str | None,
    session: int | None,
    draft: str | None,
    sponsors: tuple[str, ...],
    issues: tuple[str, ...],
    as_of: dt.datetime | None,
    majority: str,
    plot: Path | None,
    output: str,
) -> None:
    """Every member's vote on a series' next instance or a draft, the tally and P(adopted)."""
    from whipcount.forecast.record_forecast import ForecastRequest, forecast_vote

    if (series is None) == (draft is None):
        raise click.UsageError("give --series ID or --draft TITLE")
    check_chart_path(plot)
    request = ForecastRequest(
        series=series, session=session, draft=draft, sponsors=sponsors, issues=issues,
        as_of=as_of.date() if as_of else None, majority=majority,
    )  # fmt: skip
    with _spinner(settings(ctx).progress) as step:
        result = forecast_vote(settings(ctx).record, request, progress=step)
    document = result.document()
    if output == "json":
        print_json(document)
    else:
        _print_forecast(document, output)
    if plot is not None:
        from whipcount.forecast.charts import plot_forecast

        click.echo(
            f"wrote {plot_forecast(result, plot, geometry=settings(ctx).map_geometry)}", err=True
        )


def _print_forecast(document: dict[str, Any], output: str) -> None:
    rows = [
        {
            "iso3": m["iso3"],
            **{k: f"{100 * v:.0f}%" for k, v in m["p"].items()},
            "call": m["call"],
            "reasons": "; ".join(m["reasons"]),
        }
        for m in sorted(document["members"], key=lambda m: (-m["p"]["no"], -m["p"]["abstain"]))
    ]
    columns = ["iso3", "yes", "no", "abstain", "absent", "call", "reasons"]
    target = document["target"]
    print_rows(rows, columns, output, title=f"{target['title']} (session {target['session']})")
    if output == "table":
        tally = document["tally"]
        click.echo(
            "tally (mean, 10-90 %): "
            + ", ".join(f"{k} {v['mean']:.1f} [{v['q10']}-{v['q90']}]" for k, v in tally.items())
            + f"; P(adopted, {document['majority']} majority) = {document['p_adopted']:.3f}"
        )
        if document["analogs"] and not document["previous_instances"]:
            click.echo("leans on: " + "; ".join(
                f"{a['roll_call']} ({a['similarity']:.2f})" for a in document["analogs"]
            ))  # fmt: skip


@click.command("backtest")
@click.option("--from-session", "first", type=int, default=65, show_default=True)
@click.option("--to-session", "last", type=int, help="Last session (default: the record's).")
@click.option("--recurring", is_flag=True, help="Score only roll calls of recurring series.")
@click.option("--ablation", "ablations", multiple=True,
              type=click.Choice(FEATURE_GROUPS),
              help="Also refit without this feature group (repeat).")  # fmt: skip
@click.option("--plot", type=click.Path(dir_okay=False, path_type=Path),
              help="Also draw the reliability diagram to this file.")  # fmt: skip
@output_options
@click.pass_context
@domain_errors
def backtest_command(
    ctx: click.Context,
    first: int,
    last: int | None,
    recurring: bool,
    ablations: tuple[str, ...],
    plot: Path | None,
    output: str,
) -> None:
    """Rolling-origin backtest: each session forecast from the record before it."""
    from whipcount.forecast.backtest import Backtest
    from whipcount.forecast.data import ForecastData
    from whipcount.forecast.model import Forecaster
    from whipcount.forecast.stored import cache_folder

    check_chart_path(plot)
    record = settings(ctx).record
    data = ForecastData.from_record(record)
    model = Forecaster(cache=cache_folder(record) / "ideal")
    runner = Backtest(model, first=first, last=last, ablations=ablations)
    with progress_bar(settings(ctx).progress, transient=False) as bar:
        task = bar.add_task("backtest", total=len(runner.sessions(data)))
        document = runner.run(
            data, progress=lambda done, what: bar.update(task, completed=done, description=what)
        )
    subset = document["subsets"]["recurring" if recurring else "all"]
    if output == "json":
        print_json({**subset, "model": document["model"]})
    else:
        print_rows(_score_rows(subset), _SCORE_COLUMNS, output, title="log loss by session")
    if plot is not None:
        from whipcount.forecast.charts import plot_reliability

        click.echo(f"wrote {plot_reliability(document, plot)}", err=True)


_SCORE_COLUMNS = ["session", "roll_calls", "model", "log_loss", "brier", "accuracy", "macro_f1",
                  "tally_mae", "coverage80"]  # fmt: skip


def _score_rows(subset: dict[str, Any]) -> list[dict[str, Any]]:
    rows = []
    for entry in [*subset["sessions"], {"session": "all", "roll_calls": None, **subset["overall"]}]:
        for name, scores in entry["models"].items():
            rows.append({"session": entry["session"], "roll_calls": entry["roll_calls"],
                         "model": name, **scores})  # fmt: skip
    return rows
