"""``whipcount campaign``: create, list, show, refresh and audit campaigns.

The field commands (arguments, reports, contacts, member edits) are in
:mod:`whipcount.cli.campaign_field_cmds`, the count and the plan (board, targets,
scenario, what-it-takes) in :mod:`whipcount.cli.campaign_plan_cmds`, briefs and the
whip sheet in :mod:`whipcount.cli.campaign_paper_cmds`.  Every command opens a
:class:`~whipcount.campaign.workspace.Workspace` and calls one method.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import click

from whipcount.cli import domain_errors, settings
from whipcount.cli.output import output_options, print_json, print_rows, progress_bar
from whipcount.forecast.tally import MAJORITIES

if TYPE_CHECKING:
    from whipcount.campaign.workspace import Workspace

GOALS_HELP = "fewer-yes | more-yes | yes-below:N | yes-above:N | adopt | defeat"
DAY = click.DateTime(["%Y-%m-%d"])


@contextmanager
def workspace(ctx: click.Context) -> Iterator[Workspace]:
    """The campaign workspace of the command line's settings."""
    from whipcount.campaign.workspace import Workspace

    with Workspace(settings(ctx)) as opened:
        yield opened


def day(value: dt.datetime | None) -> dt.date | None:
    return value.date() if value is not None else None


@click.group("campaign")
def campaign() -> None:
    """Whip-count campaigns: the board, field reports, targets, scenarios and briefs.

    Campaigns live in their own database (WHIPCOUNT_DATABASE_URL; default an SQLite
    file in the user data folder).  Changes are recorded under WHIPCOUNT_USER (default:
    the login name) in the audit trail.
    """


@campaign.command("create")
@click.argument("name")
@click.option("--series", help="Series id of the vote (find one with `whipcount series find`).")
@click.option("--session", type=int, help="Session of the vote (default: the next instance).")
@click.option("--draft", help="Title of a new draft resolution (instead of --series).")
@click.option("--sponsor", "sponsors", multiple=True, help="A sponsor of the draft (repeat).")
@click.option("--lobbyist", required=True, help="The lobbying delegation (ISO3 code or name).")
@click.option("--goal", required=True, help=GOALS_HELP)
@click.option("--vote-date", type=DAY, required=True, help="Expected day of the vote.")
@click.option("--capacity", required=True,
              help="Démarches the team can make: N in all, or N/week.")  # fmt: skip
@click.option("--as-of", type=DAY, help="Forecast from the votes before this day (rehearsals).")
@click.option("--majority", type=click.Choice(MAJORITIES), default="simple", show_default=True)
@output_options
@click.pass_context
@domain_errors
def create(
    ctx: click.Context,
    name: str,
    series: str | None,
    session: int | None,
    draft: str | None,
    sponsors: tuple[str, ...],
    lobbyist: str,
    goal: str,
    vote_date: dt.datetime,
    capacity: str,
    as_of: dt.datetime | None,
    majority: str,
    output: str,
) -> None:
    """Create campaign NAME for a vote: forecast it and estimate who can be moved."""
    from whipcount.campaign.spec import CampaignSpec, parse_capacity

    if (series is None) == (draft is None):
        raise click.UsageError("give --series ID or --draft TITLE")
    number, per = parse_capacity(capacity)
    spec = CampaignSpec(
        name=name, lobbyist=lobbyist, goal=goal, vote_date=vote_date.date(), capacity=number,
        capacity_per=per, series=series, session=session, draft=draft, sponsors=sponsors,
        as_of=day(as_of), majority=majority,
    )  # fmt: skip
    with workspace(ctx) as ws, _spinner(settings(ctx).progress) as step:
        ws.create(spec, progress=step)
        document = ws.show(name)
    _print_show(document, output)


@campaign.command("refresh")
@click.argument("name")
@output_options
@click.pass_context
@domain_errors
def refresh(ctx: click.Context, name: str, output: str) -> None:
    """Recompute NAME's forecast and persuadability from the record as it is now."""
    with workspace(ctx) as ws, _spinner(settings(ctx).progress) as step:
        ws.refresh(name, progress=step)
        document = ws.show(name)
    _print_show(document, output)


@campaign.command("list")
@output_options
@click.pass_context
@domain_errors
def list_campaigns(ctx: click.Context, output: str) -> None:
    """Every campaign of the database."""
    with workspace(ctx) as ws:
        rows = ws.campaigns()
    if output != "json":
        rows = [{**r, "capacity": f"{r['capacity']}/week" if r["capacity_per"] == "week"
                 else r["capacity"]} for r in rows]  # fmt: skip
    columns = ["name", "title", "session", "lobbyist", "goal", "vote_date", "capacity", "as_of"]
    print_rows(rows, columns, output, title="campaigns")


@campaign.command("show")
@click.argument("name")
@output_options
@click.pass_context
@domain_errors
def show(ctx: click.Context, name: str, output: str) -> None:
    """One campaign: its vote, goal, count, arguments and activity."""
    with workspace(ctx) as ws:
        document = ws.show(name)
    _print_show(document, output)


@campaign.command("delete")
@click.argument("name")
@click.option("--yes", "confirmed", is_flag=True, help="Do not ask for confirmation.")
@click.pass_context
@domain_errors
def delete(ctx: click.Context, name: str, confirmed: bool) -> None:
    """Delete campaign NAME and its field data (the audit trail keeps the record)."""
    with workspace(ctx) as ws:
        ws.store.campaign(name)
        if not confirmed:
            click.confirm(f"delete campaign {name!r} and all its reports and contacts?",
                          abort=True)  # fmt: skip
        ws.store.delete_campaign(name, actor=ws.actor)
    click.echo(f"deleted {name}", err=True)


@campaign.command("audit")
@click.argument("name", required=False)
@click.option("--limit", type=int, default=50, show_default=True)
@output_options
@click.pass_context
@domain_errors
def audit(ctx: click.Context, name: str | None, limit: int, output: str) -> None:
    """The audit trail (newest first): who changed what, when, before and after."""
    with workspace(ctx) as ws:
        rows = ws.audit(name, limit=limit)
    if output == "json":
        print_json(rows)
        return
    shown = [{**r, "change": _change(r["before"], r["after"])} for r in rows]
    print_rows(shown, ["at", "actor", "campaign", "entity", "key", "action", "change"], output,
               title="audit trail")  # fmt: skip


def _change(before: Any, after: Any) -> str:
    if isinstance(before, dict) and isinstance(after, dict):
        keys = [k for k in after if before.get(k) != after.get(k)]
        return ", ".join(f"{k}: {before.get(k)!r} -> {after.get(k)!r}" for k in keys)[:120]
    return str(after if after is not None else before)[:120]


def _print_show(document: dict[str, Any], output: str) -> None:
    if output == "json":
        print_json(document)
        return
    rows = [
        {"field": k, "value": document[k]}
        for k in ("name", "title", "session", "lobbyist", "goal_text", "ask", "majority",
                  "vote_date", "as_of", "capacity", "capacity_per", "demarches_left",
                  "reports", "contacts", "forecast_p_goal", "p_goal", "p_adopted")
    ]  # fmt: skip
    rows.append({"field": "tally", "value": tally_text(document["tally"])})
    rows += [{"field": f"argument {a['id']}", "value": a["text"]} for a in document["arguments"]]
    print_rows(rows, ["field", "value"], output, title=f"campaign {document['name']}")


def tally_text(tally: dict[str, dict[str, Any]]) -> str:
    return ", ".join(f"{k} {v['mean']:.1f} [{v['q10']}-{v['q90']}]" for k, v in tally.items())


@contextmanager
def _spinner(show: bool) -> Iterator[Any]:
    with progress_bar(show, counts=False) as bar:
        task = bar.add_task("campaign", total=None)
        yield lambda message: bar.update(task, description=message)
