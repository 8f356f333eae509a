"""``whipcount align``: voting coincidence and agreement between states."""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from whipcount.cli import domain_errors, open_record, settings
from whipcount.cli.output import check_chart_path, output_options, print_json, print_rows
from whipcount.errors import WhipcountError
from whipcount.measures.coincidence import FORMULAS
from whipcount.measures.selection import FIRST_YEAR, Selection, session_range
from whipcount.record.reader import Record

F = TypeVar("F", bound=Callable[..., Any])
_MEASURES = [
    "roll_calls",
    "identical",
    "opposite",
    "abstentions",
    "absences",
    "coincidence_votes_only",
    "coincidence",
    "coincidence_with_consensus",
    "agreement",
    "s_score",
    "kappa",
    "agreement_roll_calls",
]


class _DefaultGroup(click.Group):
    """A group whose first argument, when it names no command, goes to ``show``."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ctx.help_option_names:
            args = ["show", *args]
        return super().parse_args(ctx, args)


@click.group(cls=_DefaultGroup)
def align() -> None:
    """How closely states vote together: coincidence and agreement indices.

    `whipcount align A B …` is short for `whipcount align show A B …`.
    """


def selection_options(func: F) -> F:
    """Add the roll-call selection options (passed on as one ``selection``)."""

    @click.option(
        "--year",
        type=click.IntRange(min=FIRST_YEAR),
        help="The State Department report's votes of this year.",
    )
    @click.option("--session", type=click.IntRange(min=1), help="Only this regular session.")
    @click.option("--sessions", help="Only these regular sessions, e.g. 70-79.")
    @click.option("--since", type=click.DateTime(["%Y-%m-%d"]), help="Only votes on/after it.")
    @click.option("--until", type=click.DateTime(["%Y-%m-%d"]), help="Only votes on/before it.")
    @click.option(
        "--issue",
        type=click.Choice(["me", "nu", "di", "hr", "co", "ec"]),
        help="Only votes on this issue (Voeten's codes; see docs/METHODS.md).",
    )
    @click.option("--series", "series_id", help="Only this series' instances.")
    @click.option("--important", is_flag=True, help="Only the State Department's important votes.")
    @click.option("--final-only", is_flag=True, help="Only votes on whole draft resolutions.")
    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        kwargs["selection"] = _selection(kwargs)
        return func(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


def _selection(options: dict[str, Any]) -> Selection:
    since, until = options.pop("since"), options.pop("until")
    try:
        return Selection(
            sessions=session_range(options.pop("sessions"), options.pop("session")),
            since=since.date() if since else None,
            until=until.date() if until else None,
            issue=options.pop("issue"),
            series=options.pop("series_id"),
            important=options.pop("important"),
            final_only=options.pop("final_only"),
            report_year=options.pop("year"),
        )
    except (ValueError, WhipcountError) as error:
        raise click.BadParameter(str(error)) from error


@align.command()
@click.argument("states", nargs=-1)
@click.option("--all", "against_all", is_flag=True, help="A against every member (default US).")
@click.option("--group", help="A against a bloc or regional group (EU, NATO, GRULAC, …).")
@click.option("--by", type=click.Choice(["session", "year"]), help="A trend: one row per period.")
@click.option("--formula", type=click.Choice(FORMULAS), help="Coincidence formula.")
@click.option(
    "--consensus",
    type=click.IntRange(min=0),
    help="Consensus resolutions in the period (default: the record's, where complete).",
)
@click.option(
    "--plot",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also draw a chart (FILE.png, .svg or .pdf).",
)
@selection_options
@output_options
@click.pass_context
@domain_errors
def show(ctx: click.Context, /, states: tuple[str, ...], **options: Any) -> None:
    """Coincidence and agreement of STATES: A B, A --group G, or [A] --all.

    Coincidence follows the State Department's formulas (by --formula, else the one of
    --year's report, else votes-only for a pair and state-2022 for --all); the
    consensus count comes from the record where its sources are complete, or from
    --consensus. Agreement, S-score and kappa leave absences out. Notes go to stderr:
    why nothing was counted, why an including-consensus figure is blank, and which
    trend period is partial.
    """
    if options["against_all"]:
        _show_all(ctx, states, options)
    elif options["by"]:
        _show_trend(ctx, states, options)
    else:
        _show_pair(ctx, states, options)


def _show_pair(ctx: click.Context, states: tuple[str, ...], options: dict[str, Any]) -> None:
    from whipcount.measures.alignment import align_group, align_pair

    _require(states, 1 if options["group"] else 2)
    common = {k: options[k] for k in ("selection", "formula", "consensus")}
    with open_record(ctx) as rec:
        if options["group"]:
            document = align_group(rec, states[0], options["group"], **common)
        else:
            _distinct(rec, states)
            document = align_pair(rec, states[0], states[1], **common)
    _plot(options["plot"], "plot_pair", document)
    if options["output"] == "json":
        print_json(document)
        return
    title = f"{document['a_name']} and {document['b_name']} ({document['formula']})"
    rows = [{"measure": k, "value": document[k]} for k in _MEASURES]
    print_rows(rows, ["measure", "value"], options["output"], title=title)
    if document["note"]:
        _note(document["note"])
    elif document["consensus"]["count"] is None:
        _note(f"coincidence_with_consensus is blank: {document['consensus']['why']}")


def _show_all(ctx: click.Context, states: tuple[str, ...], options: dict[str, Any]) -> None:
    from whipcount.measures.alignment import align_all

    if len(states) > 1 or options["group"] or options["by"]:
        raise click.UsageError("--all takes at most one state and no --group or --by")
    common = {k: options[k] for k in ("selection", "formula", "consensus")}
    with open_record(ctx) as rec:
        document = align_all(rec, states[0] if states else "USA", **common)
    _plot(options["plot"], "plot_table", document)
    if options["output"] == "json":
        print_json(document)
        return
    count = document["consensus"]["count"]
    title = (
        f"{document['a_name']}: {document['roll_calls']} roll calls, {document['formula']}, "
        f"consensus {'unknown' if count is None else count}"
    )
    columns = ["country", *document["columns"], "coincidence_pct", "with_consensus_pct"]
    print_rows(document["rows"], columns, options["output"], title=title)
    if document["note"]:
        _note(document["note"])
    elif count is None:
        _note(f"with_consensus_pct is blank: {document['consensus']['why']}")


def _show_trend(ctx: click.Context, states: tuple[str, ...], options: dict[str, Any]) -> None:
    from whipcount.measures.alignment import align_trend

    if options["consensus"] is not None:
        raise click.UsageError("--consensus is one count; with --by each period has its own")
    _require(states, 1 if options["group"] else 2)
    with open_record(ctx) as rec:
        if not options["group"]:
            _distinct(rec, states)
        document = align_trend(
            rec,
            states[0],
            states[1] if len(states) > 1 else None,
            group=options["group"],
            by=options["by"],
            selection=options["selection"],
            formula=options["formula"],
        )
    _plot(options["plot"], "plot_trend", document)
    if options["output"] == "json":
        print_json(document)
        return
    by = document["by"]
    print_rows(
        document["rows"],
        [by, "partial_period", *_MEASURES],
        options["output"],
        title=f"{document['a']} and {document['b']}",
    )
    if document["note"]:
        _note(document["note"])
    _blank_periods(document["rows"], by)


def _blank_periods(rows: list[dict[str, Any]], by: str) -> None:
    """Say why a trend's including-consensus figures are blank (one line per reason,
    or one line in all when the reasons are many)."""
    reasons: dict[str, list[int]] = {}
    for row in rows:
        if row["consensus"]["count"] is None:
            reasons.setdefault(str(row["consensus"]["why"]), []).append(row[by])
    if len(reasons) <= 3:
        for why, periods in reasons.items():
            label = by if len(periods) == 1 else f"{by}s"
            _note(f"coincidence_with_consensus is blank for {label} {_spans(periods)}: {why}")
        return
    periods = sorted(p for found in reasons.values() for p in found)
    _note(
        f"coincidence_with_consensus is blank for {len(periods)} periods ({by}s "
        f"{_spans(periods)}): the record's consensus count is unknown there "
        f"(--json gives each period's reason, consensus.why)"
    )


def _spans(values: list[int]) -> str:
    """Integers as runs: 1946–1950, 1953."""
    runs: list[list[int]] = []
    for value in sorted(values):
        if runs and value == runs[-1][1] + 1:
            runs[-1][1] = value
        else:
            runs.append([value, value])
    return ", ".join(str(a) if a == b else f"{a}–{b}" for a, b in runs)


def _note(text: str) -> None:
    click.echo(f"note: {text}", err=True)


def _distinct(rec: Record, states: tuple[str, ...]) -> None:
    """Refuse a pair of one state with itself."""
    from whipcount.measures.alignment import distinct_pair

    try:
        distinct_pair(rec, states[0], states[1])
    except ValueError as error:
        raise click.UsageError(str(error)) from error


def _require(states: tuple[str, ...], count: int) -> None:
    if len(states) != count:
        raise click.UsageError(
            "give two states (A B), or one state with --group or --all"
            if count == 2
            else "give one state with --group"
        )


def _plot(path: Path | None, kind: str, document: dict[str, Any]) -> None:
    if path is None:
        return
    from whipcount.measures import charts

    check_chart_path(path)
    getattr(charts, kind)(document, path)
    click.echo(f"chart written to {path}", err=True)


@align.command("check-state-dept")
@click.option("--year", "years", type=int, multiple=True, help="Only this year (repeatable).")
@click.option(
    "--reference",
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    help="Reference folder (default: `reference` beside the data folder).",
)
@click.option(
    "--markdown",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also write the result as a Markdown page (docs/COINCIDENCE_CHECK.md).",
)
@output_options
@click.pass_context
@domain_errors
def check_state_dept(
    ctx: click.Context,
    years: tuple[int, ...],
    reference: Path | None,
    markdown: Path | None,
    output: str,
) -> None:
    """Reproduce the State Department's coincidence tables: rows matched per year."""
    from whipcount.measures import state_dept_check as check
    from whipcount.measures import state_dept_page as page

    folder = reference or check.reference_folder(settings(ctx).data_folder())
    with open_record(ctx) as rec:
        document = check.check_state_dept(rec, folder, years or check.REFERENCE_YEARS)
    if markdown is not None:
        command = f"whipcount align check-state-dept --markdown {markdown}"
        markdown.write_text(page.to_markdown(document, command), encoding="utf-8")
    if output == "json":
        print_json(document)
        return
    if output == "csv":  # one table: every row that differs
        rows = [{"year": y["year"], **m} for y in document["years"] for m in y["mismatches"]]
        print_rows(rows, ["year", "country", "code", "cause"], output)
        return
    print_rows(page.summary_rows(document), list(page.SUMMARY_COLUMNS), output)
