"""``whipcount campaign brief|export|import``: briefs for embassies and the whip sheet."""

from __future__ import annotations

from pathlib import Path

import click

from whipcount.cli import domain_errors
from whipcount.cli.campaign_cmds import workspace
from whipcount.cli.output import output_options, print_json, print_rows

FORMATS = ("markdown", "html", "pdf")


@click.command("brief")
@click.argument("name")
@click.argument("member", required=False)
@click.option("--post", help="The action request to this embassy (ISO3): all its members.")
@click.option("--format", "form", type=click.Choice(FORMATS), default="markdown",
              show_default=True)  # fmt: skip
@click.option("-o", "--output-file", "path", type=click.Path(dir_okay=False, path_type=Path),
              help="Write to this file (required for PDF); default: standard output.")  # fmt: skip
@output_options
@click.pass_context
@domain_errors
def brief(
    ctx: click.Context,
    name: str,
    member: str | None,
    post: str | None,
    form: str,
    path: Path | None,
    output: str,
) -> None:
    """A member's brief, or (--post) an embassy's action request, as Markdown, HTML or PDF."""
    from whipcount.campaign.briefing import render

    if (member is None) == (post is None):
        raise click.UsageError("give a MEMBER or --post ISO3")
    if form == "pdf" and path is None and output != "json":
        raise click.UsageError("a PDF needs --output-file FILE")
    with workspace(ctx) as ws:
        document = ws.post_brief(name, post) if post else ws.brief(name, str(member))
    if output == "json":
        print_json(document)
        return
    kind = "post" if post else "member"
    rendered = render(document, kind=kind, format=form, path=path)
    if path is None:
        click.echo(rendered if isinstance(rendered, str) else rendered.decode())
    else:
        click.echo(f"wrote {path}", err=True)


@click.command("export")
@click.argument("name")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.pass_context
@domain_errors
def export(ctx: click.Context, name: str, path: Path) -> None:
    """Write NAME's whip sheet to PATH (.csv or .xlsx), to edit and import back."""
    with workspace(ctx) as ws:
        count = ws.export_sheet(name, path)
    click.echo(f"wrote {count} members to {path}", err=True)


@click.command("import")
@click.argument("name")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--yes", "confirmed", is_flag=True, help="Apply without asking.")
@click.option("--dry-run", is_flag=True, help="Only show the changes.")
@output_options
@click.pass_context
@domain_errors
def import_sheet(
    ctx: click.Context, name: str, path: Path, confirmed: bool, dry_run: bool, output: str
) -> None:
    """Apply the edits of a whip sheet: every changed cell is shown first.

    A changed position, source, reliability, day or reporter becomes a new report; a
    changed post or note edits the member.  Rows whose member changed since the export
    (its version) are refused, and then nothing is applied.
    """
    if output == "json" and not (confirmed or dry_run):
        raise click.UsageError("with --json, give --yes to apply or --dry-run to only show")
    from whipcount.campaign.documents import import_result, sheet_changes

    with workspace(ctx) as ws:
        edits = ws.sheet_edits(name, path)
        rows = sheet_changes(edits)
        if output == "json" and (dry_run or not edits):
            print_json(import_result(rows))
            return
        if output != "json" and not edits:
            click.echo(f"nothing to apply: no editable cell of {path.name} differs from the board")
            return
        if output != "json":
            print_rows(rows, ["iso3", "row", "column", "before", "after"], output,
                       title=f"{len(rows)} changed cells in {path.name}")  # fmt: skip
        if not edits or dry_run:
            return
        if not confirmed:
            click.confirm(f"apply {len(rows)} changes to campaign {name!r}?", abort=True)
        applied = ws.apply_sheet(name, edits)
    if output == "json":
        print_json(import_result(rows, applied))
    else:
        click.echo(f"applied: {applied} writes", err=True)


COMMANDS = [brief, export, import_sheet]
