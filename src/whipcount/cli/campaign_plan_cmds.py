"""``whipcount campaign board|targets|scenario|what-it-takes``: the count and the plan."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from whipcount.cli import domain_errors
from whipcount.cli.campaign_cmds import tally_text, workspace
from whipcount.cli.output import check_chart_path, output_options, print_json, print_rows

_SHORT = {"yes": "yes", "no": "no", "abstain": "abst", "absent": "absent"}


def _percent(p: dict[str, float]) -> str:
    return " ".join(f"{_SHORT.get(k, k)} {v:.0%}" for k, v in p.items())


@click.command("board")
@click.argument("name")
@click.option("--sort", type=click.Choice(["goal", "iso3", "yes", "reported"]), default="goal",
              show_default=True, help="Row order of the table.")  # fmt: skip
@click.option("--plot", type=click.Path(dir_okay=False, path_type=Path),
              help="Also draw the board's map and tally to this .png/.svg/.pdf file.")  # fmt: skip
@output_options
@click.pass_context
@domain_errors
def board(ctx: click.Context, name: str, sort: str, plot: Path | None, output: str) -> None:
    """The whip board: every member's forecast, latest report and current odds."""
    check_chart_path(plot)
    with workspace(ctx) as ws:
        current = ws.board(name)
        document = current.document()
        if plot is not None:
            from whipcount.campaign.charts import plot_board

            click.echo(f"wrote {plot_board(current, plot, ws.settings.map_geometry)}", err=True)
    if output == "json":
        print_json(document)
        return
    rows = [
        {**m, "forecast": _percent(m["forecast"]), "now": _percent(m["p_now"]),
         "reported": f"{m['position']} ({m['source']}, {m['reliability']:g}, {m['reported_on']})"
         if m["position"] else ""}
        for m in _sorted(document["members"], sort, document["ask"])
    ]  # fmt: skip
    print_rows(rows, ["iso3", "name", "post", "forecast", "now", "call", "reported", "version"],
               output, title=f"{name}: {document['goal_text']}")  # fmt: skip
    if output == "table":
        click.echo(f"tally (mean, 10-90 %): {tally_text(document['tally'])}; "
                   f"P(goal) {document['p_goal']:.1%}; "
                   f"P(adopted) {document['p_adopted']:.1%}")  # fmt: skip


def _sorted(members: list[dict[str, Any]], key: str, ask: str) -> list[dict[str, Any]]:
    if key == "iso3":
        return sorted(members, key=lambda m: m["iso3"])
    if key == "yes":
        return sorted(members, key=lambda m: -m["p_now"]["yes"])
    if key == "reported":
        return sorted(members, key=lambda m: (m["reported_on"] is None, m["reported_on"] or ""))
    # goal: the undecided first — members whose odds of the asked vote are nearest to even
    return sorted(members, key=lambda m: abs(m["p_now"][ask] - 0.5))


@click.command("targets")
@click.argument("name")
@click.option("--top", type=int, help="Only the N best targets.")
@output_options
@click.pass_context
@domain_errors
def targets(ctx: click.Context, name: str, top: int | None, output: str) -> None:
    """Members ranked by the expected change toward the goal per démarche, and the plan."""
    with workspace(ctx) as ws:
        document = ws.targets(name, top=top)
    if output == "json":
        print_json(document)
        return
    rows = [{**m, "now": _percent(m["p_now"]), "p_move": f"{m['p_move']:.0%}",
             "gain": f"{m['expected_gain']:.2f}", "why": m["reasons"][0] if m["reasons"] else ""}
            for m in document["members"]]  # fmt: skip
    print_rows(rows, ["iso3", "name", "now", "p_move", "gain", "why"], output,
               title=f"{name}: targets ({document['goal_text']})")  # fmt: skip
    if output == "table":
        p = document["plan"]
        if p["left_out"]:
            click.echo("left out of the plan (contacted in the last 7 days, awaiting follow-up): "
                       + ", ".join(p["left_out"]))  # fmt: skip
        click.echo(f"plan ({p['demarches']} démarches): {', '.join(p['members']) or 'none'}; "
                   f"expected tally {tally_text(p['expected_tally'])}; "
                   f"P(goal) {p['p_goal_before']:.1%} -> {p['p_goal']:.1%}")  # fmt: skip


@click.command("scenario")
@click.argument("name")
@click.argument("votes", nargs=-1, required=True)
@output_options
@click.pass_context
@domain_errors
def scenario(ctx: click.Context, name: str, votes: tuple[str, ...], output: str) -> None:
    """The tally if these members vote as given: ISO3=VOTE ... (VOTE: yes, no, abstain, absent)."""
    from whipcount.campaign.documents import parse_votes
    from whipcount.errors import CampaignInputError

    try:
        fixed = parse_votes(votes)
    except CampaignInputError as error:
        raise click.BadParameter(str(error), param_hint="VOTES") from error
    with workspace(ctx) as ws:
        document = ws.scenario(name, fixed)
    if output == "json":
        print_json(document)
        return
    click.echo(f"if {', '.join(f'{k} votes {v}' for k, v in document['fixed'].items())}:")
    click.echo(f"  tally {tally_text(document['tally'])}")
    click.echo(f"  P(goal) {document['board']['p_goal']:.1%} -> {document['p_goal']:.1%}; "
               f"P(adopted) {document['p_adopted']:.1%}")  # fmt: skip


@click.command("what-it-takes")
@click.argument("name")
@click.option("--probability", type=float, default=0.5, show_default=True,
              help="The chance of reaching the goal to aim for.")  # fmt: skip
@output_options
@click.pass_context
@domain_errors
def what_it_takes(ctx: click.Context, name: str, probability: float, output: str) -> None:
    """The smallest set of members whose moves reach the goal with this probability."""
    with workspace(ctx) as ws:
        document = ws.what_it_takes(name, probability=probability)
    if output == "json":
        print_json(document)
        return
    print_rows(document["steps"], ["iso3", "name", "p_goal"], output,
               title=f"{name}: members to move to {document['ask']}")  # fmt: skip
    if output == "table":
        verdict = "reached" if document["reached"] else "not reachable even moving all of them"
        click.echo(f"{len(document['members'])} members: P(goal) {document['p_goal_now']:.1%} -> "
                   f"{document['p_goal']:.1%} ({verdict}, aim {probability:.0%})")  # fmt: skip


COMMANDS = [board, targets, scenario, what_it_takes]
