"""``whipcount record``: the state of the record, and where its sources disagree."""

from __future__ import annotations

from pathlib import Path

import click

from whipcount.cli import domain_errors, open_record
from whipcount.cli.output import output_options, print_json, print_rows


@click.group()
def record() -> None:
    """The vote record: status and conflicts."""


@record.command()
@output_options
@click.pass_context
@domain_errors
def status(ctx: click.Context, output: str) -> None:
    """How much the record holds, and every import."""
    with open_record(ctx) as rec:
        document = rec.status()
    if output == "json":
        print_json(document)
        return
    sessions = document["sessions"]
    conflicts = ", ".join(f"{n:,} {kind}" for kind, n in document["conflicts"].items())
    summary = [
        f"record     {document['record']} (version {document['version']})",
        f"roll calls {document['roll_calls']:,}  votes {document['votes']:,}  "
        f"members {document['members']}  series {document['series']:,}",
        f"dates      {document['first_date']} .. {document['last_date']}; "
        f"sessions {sessions[0]}..{sessions[-1]}"
        if sessions
        else "dates      none",
        f"conflicts  {conflicts or 'none'} (whipcount record conflicts)",
    ]
    for line in summary:  # with --csv the rows alone go to standard output
        click.echo(line, err=output == "csv")
    print_rows(
        [{**i, "file": Path(i["path"]).name} for i in document["imports"]],
        [
            "id",
            "finished_at",
            "source",
            "file",
            "roll_calls_added",
            "votes_added",
            "conflicts_added",
        ],
        output,
        title="imports",
    )


@record.command()
@click.option(
    "--kind",
    type=click.Choice(["vote", "totals", "date", "membership"]),
    help="Only conflicts of this kind.",
)
@click.option("--roll-call", help="Only conflicts on this roll call (id or symbol).")
@click.option("--limit", type=click.IntRange(min=1), default=None, help="At most this many rows.")
@output_options
@click.pass_context
@domain_errors
def conflicts(
    ctx: click.Context, kind: str | None, roll_call: str | None, limit: int | None, output: str
) -> None:
    """Where sources disagree: which value the record kept, and the other."""
    with open_record(ctx) as rec:
        rows = rec.conflicts(kind=kind, roll_call=roll_call, limit=limit)
    print_rows(
        rows,
        [
            "roll_call",
            "date",
            "member",
            "kind",
            "kept_source",
            "kept_value",
            "other_source",
            "other_value",
        ],
        output,
        title=f"{len(rows)} conflicts",
    )


@record.command("tally-check")
@click.option(
    "--markdown",
    "markdown",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also write the result as a Markdown page (docs/TALLY_CHECK.md).",
)
@output_options
@click.pass_context
@domain_errors
def tally_check(ctx: click.Context, markdown: Path | None, output: str) -> None:
    """Do the per-member votes reproduce the published totals? Rates and exceptions."""
    from whipcount.record.tally_check import to_markdown

    with open_record(ctx) as rec:
        document = rec.tally_check()
    if markdown is not None:
        markdown.write_text(
            to_markdown(document, f"whipcount record tally-check --markdown {markdown}"),
            encoding="utf-8",
        )
    if output == "json":
        print_json(document)
        return
    published = document["published"]
    click.echo(
        f"published totals reproduced: {published['matched']} of "
        f"{published['roll_calls']} roll calls",
        err=output == "csv",
    )
    if output == "table":  # with --csv, the exceptions alone (one table per output)
        print_rows(
            document["by_source"],
            ["source", "roll_calls", "matched", "match_rate", "absent_given", "absent_matched"],
            output,
        )
    print_rows(
        document["exceptions"],
        ["roll_call", "date", "source", "published", "counted", "category", "reason"],
        output,
        title="exceptions",
    )
