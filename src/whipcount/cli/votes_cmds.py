"""``whipcount votes``, ``whipcount country`` and ``whipcount members``."""

from __future__ import annotations

import datetime as dt

import click

from whipcount.cli import domain_errors, open_record
from whipcount.cli.output import output_options, print_json, print_rows
from whipcount.record.span import parse_sessions


@click.command()
@click.argument("roll_call")
@click.option(
    "--vote",
    "only",
    type=click.Choice(["yes", "no", "abstain", "absent"]),
    help="Only the members who voted this way.",
)
@output_options
@click.pass_context
@domain_errors
def votes(ctx: click.Context, roll_call: str, only: str | None, output: str) -> None:
    """Every member's vote on ROLL_CALL (an id, a symbol such as A/RES/79/7, or rcid:N)."""
    with open_record(ctx) as rec:
        document = rec.votes(roll_call, only=only)
    if output == "json":
        print_json(document)
        return
    counted = document["counted"]
    title = (
        f"{document['id']} ({document['date']}, session {document['session_label']}): "
        f"{document['title']}\n{counted['yes']} yes, {counted['no']} no, "
        f"{counted['abstain']} abstain, {counted['absent']} absent"
    )
    print_rows(document["votes"], ["member", "name", "vote", "reason"], output, title=title)


@click.command()
@click.argument("member")
@click.option("--series", "series_id", help="Only this series' instances.")
@click.option("--sessions", help="Only these regular sessions, e.g. 70-79.")
@click.option(
    "--before",
    type=click.DateTime(["%Y-%m-%d"]),
    help="Only votes surely held before this date (approximate dates: the whole session).",
)
@click.option(
    "--since", type=click.DateTime(["%Y-%m-%d"]), help="Only votes surely held on or after it."
)
@output_options
@click.pass_context
@domain_errors
def country(
    ctx: click.Context,
    member: str,
    series_id: str | None,
    sessions: str | None,
    before: dt.datetime | None,
    since: dt.datetime | None,
    output: str,
) -> None:
    """MEMBER's votes (an ISO3 code, or a name)."""
    try:
        span = parse_sessions(sessions) if sessions else None
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="--sessions") from error
    if before and since and since >= before:
        raise click.BadParameter("--since must come before --before", param_hint="--since")
    with open_record(ctx) as rec:
        document = rec.country(
            member,
            series=series_id,
            sessions=span,
            before=before.date() if before else None,
            since=since.date() if since else None,
        )
    if output == "json":
        print_json(document)
        return
    summary = ", ".join(f"{v} {k}" for k, v in document["summary"].items())
    if output == "table":  # ~ marks an approximate date (Voeten's, before 2003)
        for vote in document["votes"]:
            if vote["date_precision"] == "approximate":
                vote["date"] = "~" + vote["date"]
    print_rows(
        document["votes"],
        ["date", "session", "roll_call", "vote", "title"],
        output,
        title=f"{document['member']['short_name']} ({document['member']['code']}): {summary}",
    )


@click.command()
@click.option("--on", type=click.DateTime(["%Y-%m-%d"]), help="Only the members on this day.")
@click.option("--bloc", help="Only members of this bloc (EU, NATO, AU, ARAB_LEAGUE, OIC, …).")
@click.option("--group", help="Only this regional group (AFRICAN, ASIA_PACIFIC, WEOG, …).")
@output_options
@click.pass_context
@domain_errors
def members(
    ctx: click.Context,
    on: dt.datetime | None,
    bloc: str | None,
    group: str | None,
    output: str,
) -> None:
    """Member identities: codes, names, admission, end and successor, group, blocs."""
    with open_record(ctx) as rec:
        rows = rec.members(on=on.date() if on else None, bloc=bloc, group=group)
    shown = [{**r, "blocs": " ".join(r["blocs"])} for r in rows] if output != "json" else rows
    print_rows(
        shown,
        ["code", "short_name", "admitted", "ended", "successor", "regional_group", "blocs"],
        output,
        title=f"{len(rows)} members",
    )
