"""``whipcount series``: find a series and show its instances."""

from __future__ import annotations

from typing import Any

import click

from whipcount.cli import domain_errors, open_record
from whipcount.cli.output import output_options, print_json, print_rows


@click.group()
def series() -> None:
    """Series: the same resolution session after session."""


@series.command()
@click.argument("words", nargs=-1, required=True)
@click.option("--limit", type=int, default=10, show_default=True, help="At most this many.")
@output_options
@click.pass_context
@domain_errors
def find(ctx: click.Context, words: tuple[str, ...], limit: int, output: str) -> None:
    """Series whose titles match WORDS (e.g. cuba embargo), best match first."""
    text = " ".join(words)
    with open_record(ctx) as rec:
        rows = rec.series_find(text, limit=limit)
    if not rows and output == "table":
        click.echo(f"no series matches {text!r}", err=True)
        return
    print_rows(rows, ["id", "instances", "first_session", "last_session", "title"], output)


@series.command()
@click.argument("series_id")
@output_options
@click.pass_context
@domain_errors
def show(ctx: click.Context, series_id: str, output: str) -> None:
    """Every instance of SERIES_ID with its tally."""
    with open_record(ctx) as rec:
        document = rec.series_show(series_id)
    if output == "json":
        print_json(document)
        return
    rows = [_row(i) for i in document["instances"]]
    print_rows(
        rows,
        ["session", "date", "roll_call", "yes", "no", "abstain", "absent", "published", "check"],
        output,
        title=f"{document['id']}: {document['title']}",
    )
    if output == "table":
        click.echo(
            "~ marks an approximate date (Voeten's, before 2003); ≠ marks a tally whose "
            "per-member votes do not reproduce the published totals (docs/TALLY_CHECK.md).",
            err=True,
        )


def _row(instance: dict[str, Any]) -> dict[str, Any]:
    published = instance["published_totals"]
    fields = ("yes", "no", "abstain")
    counted = tuple(instance["totals"][t] for t in fields)
    given = tuple(published[t] for t in fields) if published else None
    approximate = instance["date_precision"] == "approximate"
    return {
        **{k: v for k, v in instance.items() if k != "totals"},
        **instance["totals"],
        "date": ("~" if approximate else "") + instance["date"],
        "published": "-".join(str(v) for v in given) if given else "",
        "check": "" if given is None else ("ok" if given == counted else "≠"),
    }
