"""``whipcount ideal``: dynamic ideal points — fit, show, validate."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import click

from whipcount.cli import domain_errors, settings
from whipcount.cli.output import (
    check_chart_path,
    output_options,
    print_json,
    print_rows,
    progress_bar,
)
from whipcount.measures.ideal_data import BRIDGES
from whipcount.measures.ideal_record import (
    REPLICATIONS,
    IdealPointSpec,
    StoredFit,
    fit_problem,
    fit_record,
    load_fit,
    session_bounds,
    show_points,
)
from whipcount.measures.ideal_validation import validate
from whipcount.record.reader import ISSUE_CODES, Record

F = TypeVar("F", bound=Callable[..., Any])


@click.group()
def ideal() -> None:
    """Dynamic ideal points: each member's position, session by session."""


def spec_options(func: F) -> F:
    """The options naming a fit (passed on as one ``spec``)."""

    @click.option("--issue", type=click.Choice(ISSUE_CODES), help="Only roll calls on this issue.")
    @click.option(
        "--bridges",
        type=click.Choice(BRIDGES),
        default="both",
        show_default=True,
        help="Which repeated resolutions share item parameters.",
    )
    @click.option(
        "--sessions",
        help="Fit only these sessions, e.g. 40-79 (a separate fit, on its own scale).",
    )
    @functools.wraps(func)
    def wrapper(
        *args: Any, issue: str | None, bridges: str, sessions: str | None, **kw: Any
    ) -> Any:
        try:
            first, last = session_bounds(sessions)
        except ValueError as error:
            raise click.BadParameter(str(error), param_hint="--sessions") from error
        kw["spec"] = IdealPointSpec(issue, bridges, first, last)  # type: ignore[arg-type]
        return func(*args, **kw)

    return wrapper  # type: ignore[return-value]


@ideal.command("fit")
@spec_options
@click.option(
    "--bootstrap",
    "replications",
    default=REPLICATIONS,
    show_default=True,
    type=click.IntRange(0),
    help="Parametric-bootstrap replications for standard errors (0: none).",
)
@click.option("--seed", default=0, show_default=True, help="Seed of the bootstrap.")
@output_options
@click.pass_context
@domain_errors
def fit_command(
    ctx: click.Context, spec: IdealPointSpec, replications: int, seed: int, output: str
) -> None:
    """Fit the model on the record and save it beside the record."""
    record = settings(ctx).record
    results = _fit(ctx, record, spec, replications, seed, show=output == "table")
    stored = load_fit(record, spec)
    assert stored is not None
    if output == "json":
        print_json({k: v for k, v in stored.meta.items() if k != "summary"})
    else:
        click.echo(results.summary())


@ideal.command("show")
@click.argument("members", nargs=-1)
@click.option("--all", "every", is_flag=True, help="Every member.")
@click.option("--session", type=int, help="Only this session (ranked).")
@spec_options
@click.option("--plot", type=click.Path(dir_okay=False, path_type=Path),
              help="Also draw a chart to this .png/.svg/.pdf file.")  # fmt: skip
@output_options
@click.pass_context
@domain_errors
def show_command(
    ctx: click.Context,
    members: tuple[str, ...],
    every: bool,
    session: int | None,
    spec: IdealPointSpec,
    plot: Path | None,
    output: str,
) -> None:
    """Trajectories of MEMBERS (codes or names), or --all; fits first if needed."""
    if not members and not every:
        raise click.UsageError("give member codes, or --all")
    check_chart_path(plot)
    record = settings(ctx).record
    with Record(record) as opened:
        codes = None if every else [opened.resolve_member(m) for m in members]
    rows = show_points(_current_fit(ctx, record, spec), codes, session)
    if not rows:
        click.echo(f"no ideal points in session {session} in this fit", err=True)
    if output == "json":
        print_json(rows)
    else:
        print_rows(rows, ["iso3", "session", "ideal", "se"], output, title=_title(spec))
    if plot is not None:
        _plot(plot, rows, spec, session)


@ideal.command("validate")
@spec_options
@output_options
@click.pass_context
@domain_errors
def validate_command(ctx: click.Context, spec: IdealPointSpec, output: str) -> None:
    """Correlations with the published Bailey-Strezhnev-Voeten estimates."""
    record = settings(ctx).record
    stored = _current_fit(ctx, record, spec)
    document = validate(record, stored.frame)
    if output == "json":
        print_json(document)
        return
    rows = [{"table": table, **figures} for table, figures in document.items()]
    print_rows(
        rows,
        ["table", "pairs", "sessions", "overall", "within_median", "within_min"],
        output,
        title="correlation with BSV's all-votes estimates "
        "(overall; median and lowest within a session)",
    )
    if spec.issue:
        click.echo(f"note: a fit on issue {spec.issue} against BSV's all-votes estimates", err=True)


def _current_fit(ctx: click.Context, record: Path, spec: IdealPointSpec) -> StoredFit:
    stored = load_fit(record, spec)
    reason = fit_problem(stored)
    if reason is not None:
        click.echo(
            f"{reason}: fitting ideal points with {REPLICATIONS} bootstrap replications, "
            "a minute or two "
            "(`whipcount ideal fit --bootstrap N` chooses)…",
            err=True,
        )
        _fit(ctx, record, spec, REPLICATIONS, 0, show=True)
        stored = load_fit(record, spec)
    assert stored is not None
    return stored


def _fit(
    ctx: click.Context,
    record: Path,
    spec: IdealPointSpec,
    replications: int,
    seed: int,
    *,
    show: bool,
) -> Any:
    with _bars(settings(ctx).progress and show) as (on_iteration, on_replication):
        return fit_record(
            record,
            spec,
            replications=replications,
            seed=seed,
            progress=on_iteration,
            bootstrap_progress=on_replication(replications),
        )


@contextmanager
def _bars(show: bool) -> Iterator[tuple[Any, Any]]:
    """Progress bars: iterations of the fit, then bootstrap replications."""
    with progress_bar(show) as bar:
        fitting = bar.add_task("fitting", total=None)

        def on_iteration(iteration: int, change: float) -> None:
            bar.update(fitting, completed=iteration, description=f"fitting (change {change:.1e})")

        def on_replication(total: int) -> Callable[[int], None]:
            task = bar.add_task("bootstrap", total=total, visible=total > 0)
            return lambda done: bar.update(task, completed=done)

        yield on_iteration, on_replication


def _title(spec: IdealPointSpec) -> str:
    return "ideal points" + (f" on issue {spec.issue}" if spec.issue else "")


def _plot(
    path: Path, rows: list[dict[str, Any]], spec: IdealPointSpec, session: int | None
) -> None:
    from whipcount.measures import ideal_charts

    if session is not None:
        ideal_charts.plot_session(rows, path, title=f"{_title(spec)}, session {session}")
    else:
        ideal_charts.plot_trajectories(rows, path, title=_title(spec))
    click.echo(f"chart written to {path}", err=True)
