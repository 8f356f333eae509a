"""``whipcount campaign argument|report|contact|edit|history``: what the field brings in."""

from __future__ import annotations

import datetime as dt

import click

from whipcount.campaign.scale import CHANNELS, LEVELS
from whipcount.cli import domain_errors
from whipcount.cli.campaign_cmds import DAY, day, workspace
from whipcount.cli.output import output_options, print_json, print_rows


@click.group("argument")
def argument() -> None:
    """The campaign's arguments, each linked to the record's roll calls it speaks to."""


@argument.command("add")
@click.argument("name")
@click.argument("text")
@click.option("--link", help='Link the roll calls whose title or subjects match, e.g. "Ukraine".')
@output_options
@click.pass_context
@domain_errors
def argument_add(ctx: click.Context, name: str, text: str, link: str | None, output: str) -> None:
    """Add argument TEXT to campaign NAME."""
    from whipcount.campaign.documents import added_argument

    with workspace(ctx) as ws:
        added = ws.add_argument(name, text, link=link)
    if output == "json":
        print_json(added_argument(added))
    else:
        click.echo(f"argument {added.id} added; {len(added.linked)} roll calls linked, "
                   f"{len(added.reach)} members with a record on them")  # fmt: skip


@argument.command("list")
@click.argument("name")
@output_options
@click.pass_context
@domain_errors
def argument_list(ctx: click.Context, name: str, output: str) -> None:
    """The arguments of campaign NAME."""
    from whipcount.campaign.documents import arguments

    with workspace(ctx) as ws:
        rows = arguments(ws, name)
    print_rows(rows, ["id", "text", "link", "linked", "reached"], output, title="arguments")


@click.command("report")
@click.argument("name")
@click.argument("member")
@click.argument("position")
@click.option("--source", required=True, help="Who said it (e.g. 'MFA director, via embassy').")
@click.option("--reliability", type=float, required=True,
              help="How far the source is to be trusted, from 0 to 1.")  # fmt: skip
@click.option("--date", "on", type=DAY, help="Day of the report (default: today).")
@click.option("--reporter", help="Who files the report (default: WHIPCOUNT_USER).")
@click.option("--note", default="", help="Free text.")
@click.option("--version", "expected", type=int,
              help="Refuse if the member changed since this version (from the board).")  # fmt: skip
@output_options
@click.pass_context
@domain_errors
def report(
    ctx: click.Context,
    name: str,
    member: str,
    position: str,
    source: str,
    reliability: float,
    on: dt.datetime | None,
    reporter: str | None,
    note: str,
    expected: int | None,
    output: str,
) -> None:
    """Record that MEMBER's position is POSITION on the scale.

    POSITION is one of: yes, lean-yes, undecided, lean-abstain, abstain, lean-no, no,
    absent.  The board's forecast of MEMBER is updated by the report's likelihood.
    """
    from whipcount.campaign.documents import filed_report

    with workspace(ctx) as ws:
        added = ws.report(name, member, position, source=source, reliability=reliability,
                          reported_on=day(on), reporter=reporter, note=note,
                          expected_version=expected)  # fmt: skip
        document = filed_report(ws, name, added)
    if output == "json":
        print_json(document)
        return
    p = document["member"]["p_now"]
    click.echo(
        f"{added.iso3}: {added.position} ({added.source}, reliability {added.reliability:g}); "
        f"now yes {p['yes']:.0%}, no {p['no']:.0%}, abstain {p['abstain']:.0%}, "
        f"absent {p['absent']:.0%}; P(goal) {document['p_goal']:.1%}"
    )


@click.command("contact")
@click.argument("name")
@click.argument("member")
@click.option("--level", required=True, help="Who was met: " + "; ".join(LEVELS) + ".")
@click.option("--channel", required=True, help="How: " + "; ".join(CHANNELS) + ".")
@click.option("--date", "on", type=DAY, help="Day of the contact (default: today).")
@click.option("--argument", "arguments", type=int, multiple=True,
              help="Id of an argument used (repeat).")  # fmt: skip
@click.option("--response", default="", help="What the government answered.")
@click.option("--follow-up", type=DAY, help="Day to follow up.")
@click.option("--officer", help="Responsible officer (default: WHIPCOUNT_USER).")
@click.option("--note", default="")
@click.option("--version", "expected", type=int,
              help="Refuse if the member changed since this version.")  # fmt: skip
@output_options
@click.pass_context
@domain_errors
def contact(
    ctx: click.Context,
    name: str,
    member: str,
    level: str,
    channel: str,
    on: dt.datetime | None,
    arguments: tuple[int, ...],
    response: str,
    follow_up: dt.datetime | None,
    officer: str | None,
    note: str,
    expected: int | None,
    output: str,
) -> None:
    """Log a contact with MEMBER's government (a démarche, a call, a letter)."""
    with workspace(ctx) as ws:
        added = ws.contact(name, member, level=level, channel=channel, on=day(on),
                           arguments=list(arguments), response=response,
                           follow_up=day(follow_up), officer=officer, note=note,
                           expected_version=expected)  # fmt: skip
    if output == "json":
        print_json(added.document())
    else:
        click.echo(f"contact {added.id} with {added.iso3} logged ({added.level}, {added.channel})")


@click.command("edit")
@click.argument("name")
@click.argument("member")
@click.option("--post", help="ISO3 code of the embassy responsible for MEMBER.")
@click.option("--note", help="The member's note on the board.")
@click.option("--version", "expected", type=int, help="Refuse if MEMBER changed since.")
@output_options
@click.pass_context
@domain_errors
def edit(
    ctx: click.Context,
    name: str,
    member: str,
    post: str | None,
    note: str | None,
    expected: int | None,
    output: str,
) -> None:
    """Assign MEMBER to an embassy (post) or change its note on the board."""
    if post is None and note is None:
        raise click.UsageError("give --post or --note")
    with workspace(ctx) as ws:
        state = ws.edit_member(name, member, post=post, note=note, expected_version=expected)
    if output == "json":
        print_json(state.document())
    else:
        click.echo(f"{state.iso3}: post {state.post}, version {state.version}")


@click.command("history")
@click.argument("name")
@click.argument("member")
@output_options
@click.pass_context
@domain_errors
def history(ctx: click.Context, name: str, member: str, output: str) -> None:
    """Every report and contact on MEMBER, oldest first."""
    from whipcount.campaign.documents import member_history

    with workspace(ctx) as ws:
        document = member_history(ws, name, member)
    if output == "json":
        print_json(document)
        return
    code, reports, contacts = document["iso3"], document["reports"], document["contacts"]
    rows = [{"day": r["reported_on"], "what": f"{r['position']} ({r['source']}, "
             f"r={r['reliability']:g})", "who": r["reporter"], "note": r["note"]}
            for r in reports]  # fmt: skip
    rows += [{"day": c["on"], "what": f"{c['level']}, {c['channel']}: {c['response']}",
              "who": c["officer"], "note": c["note"]} for c in contacts]  # fmt: skip
    rows.sort(key=lambda r: str(r["day"]))
    print_rows(rows, ["day", "what", "who", "note"], output, title=f"{code}: reports and contacts")


COMMANDS = [argument, report, contact, edit, history]
