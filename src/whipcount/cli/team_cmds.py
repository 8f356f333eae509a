"""``whipcount team``: the accounts of a team deployment (team mode).

Users and API tokens live in the campaign database (WHIPCOUNT_DATABASE_URL), so these
commands run wherever that database is reachable: on the server, to create the first
admin before anyone can sign in, or from an admin's machine.  Passwords are read from
a hidden prompt (typed twice) or, for scripts, from the first line of standard input
(``--password-stdin``); they never appear on the command line.  Every change is
recorded in the audit trail under WHIPCOUNT_USER (default: the login name).
"""

from __future__ import annotations

import getpass
import secrets
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

import click

from whipcount.cli import domain_errors, settings
from whipcount.cli.output import output_options, print_rows

if TYPE_CHECKING:
    from whipcount.accounts.store import AccountStore

ROLE = click.Choice(["admin", "lead", "officer", "viewer"])
PASSWORD_STDIN = click.option(
    "--password-stdin", is_flag=True, help="Read the password from the first line of stdin."
)


@contextmanager
def accounts(ctx: click.Context) -> Iterator[AccountStore]:
    """The account store of the command line's campaign database."""
    from whipcount.accounts.store import AccountStore

    with AccountStore.open(settings(ctx)) as opened:
        yield opened


def actor(ctx: click.Context) -> str:
    return settings(ctx).user or getpass.getuser()


def read_password(from_stdin: bool) -> str:
    """The new password: stdin's first line, or a hidden prompt typed twice."""
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    value: str = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    return value


@click.group("team")
def team() -> None:
    """Accounts of a team deployment: users, roles and API tokens.

    Roles: admin (everything, and users), lead (every campaign change and the audit
    trail), officer (reports and contacts for the members assigned to their --post),
    viewer (reads only).  See docs/TEAM.md.
    """


@team.command("secret")
def secret() -> None:
    """Print a new random WHIPCOUNT_SECRET_KEY (64 characters)."""
    click.echo(secrets.token_urlsafe(48))


@team.group("user")
def user() -> None:
    """Add, list and change users."""


@user.command("add")
@click.argument("name")
@click.option("--role", type=ROLE, required=True, help="The user's role.")
@click.option("--post", help="Officers: ISO3 code of the member state whose embassy they serve.")
@PASSWORD_STDIN
@click.pass_context
@domain_errors
def add_user(
    ctx: click.Context, name: str, role: str, post: str | None, password_stdin: bool
) -> None:
    """Add a user NAME (lower-case letters, digits and . _ @ -)."""
    password = read_password(password_stdin)
    with accounts(ctx) as store:
        added = store.add_user(name, password, role=role, post=post, actor=actor(ctx))
    click.echo(f"added {added.name} ({added.role}{f', post {added.post}' if added.post else ''})")


@user.command("list")
@output_options
@click.pass_context
@domain_errors
def list_users(ctx: click.Context, output: str) -> None:
    """Every user: role, post, whether they may sign in."""
    with accounts(ctx) as store:
        rows = [u.document() for u in store.users()]
    columns = ["name", "role", "post", "active", "created_at", "password_changed_at"]
    print_rows(rows, columns, output, title="Users")


@user.command("passwd")
@click.argument("name")
@PASSWORD_STDIN
@click.pass_context
@domain_errors
def passwd(ctx: click.Context, name: str, password_stdin: bool) -> None:
    """Set the password of NAME (their sessions end)."""
    with accounts(ctx) as store:
        store.user(name)  # an unknown name fails before the prompt
        changed = store.set_password(name, read_password(password_stdin), actor=actor(ctx))
    click.echo(f"password of {changed.name} changed")


@user.command("set")
@click.argument("name")
@click.option("--role", type=ROLE, help="A new role.")
@click.option("--post", help="A new post (ISO3; an empty string clears it).")
@click.option("--active/--inactive", default=None, help="Whether NAME may sign in.")
@click.pass_context
@domain_errors
def set_user(
    ctx: click.Context, name: str, role: str | None, post: str | None, active: bool | None
) -> None:
    """Change the role, post or state of NAME (deactivating ends their sessions)."""
    if role is None and post is None and active is None:
        raise click.UsageError("give --role, --post, --active or --inactive")
    with accounts(ctx) as store:
        changed = store.update_user(name, role=role, post=post, active=active, actor=actor(ctx))
    state = "active" if changed.active else "inactive"
    click.echo(f"{changed.name}: {changed.role}, post {changed.post or '-'}, {state}")


@team.group("token")
def token() -> None:
    """Create, list and revoke API tokens (for scripts: Authorization: Bearer wc_...)."""


@token.command("create")
@click.argument("name")
@click.option("--label", required=True, help="What the token is for (e.g. 'nightly import').")
@click.pass_context
@domain_errors
def create_token(ctx: click.Context, name: str, label: str) -> None:
    """Create an API token for user NAME and print it (this once: only its hash is kept)."""
    with accounts(ctx) as store:
        value, made = store.create_token(name, label=label, actor=actor(ctx))
    click.echo(value)
    click.echo(f"token {made.id} of {made.user} ({made.label}); store it now", err=True)


@token.command("list")
@output_options
@click.pass_context
@domain_errors
def list_tokens(ctx: click.Context, output: str) -> None:
    """Every API token: its user, label, first characters and last use (never the secret)."""
    with accounts(ctx) as store:
        rows = [t.document() for t in store.tokens()]
    columns = ["id", "user", "label", "hint", "created_at", "last_used_at", "revoked_at"]
    print_rows(rows, columns, output, title="API tokens")


@token.command("revoke")
@click.argument("token_id", metavar="ID", type=click.IntRange(1))
@click.pass_context
@domain_errors
def revoke_token(ctx: click.Context, token_id: int) -> None:
    """Revoke the API token ID (see `whipcount team token list`)."""
    with accounts(ctx) as store:
        revoked = store.revoke_token(token_id, actor=actor(ctx))
    click.echo(f"token {revoked.id} of {revoked.user} ({revoked.label}) revoked")
