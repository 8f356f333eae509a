"""``whipcount serve``: the web application on this machine, run by uvicorn.

Single-user mode (the only one so far) serves the local record and campaign database
with no login, so it binds to a loopback address; team mode (accounts, PostgreSQL) is
needed before it may listen on a network.
"""

from __future__ import annotations

import ipaddress

import click

from whipcount.cli import settings

#: host names that are the local machine, besides loopback addresses
LOCAL_NAMES = ("localhost",)


def is_loopback(host: str) -> bool:
    """Whether ``host`` is a loopback address (127.0.0.0/8, ::1) or ``localhost``."""
    if host.lower() in LOCAL_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option(
    "--port", type=click.IntRange(1, 65535), default=8000, show_default=True, help="Port."
)
@click.option(
    "--team", is_flag=True, help="Team mode: accounts and roles, any address (not available yet)."
)
@click.pass_context
def serve(ctx: click.Context, host: str, port: int, team: bool) -> None:
    """Serve the JSON API (reference at /api/docs) for this machine's record and campaigns."""
    if team:
        raise click.ClickException(
            "team mode is not available yet; `whipcount serve` runs in single-user mode only"
        )
    if not is_loopback(host):
        raise click.BadParameter(
            f"{host} is not a loopback address: single-user mode has no login, so it serves "
            "this machine only (127.0.0.1, ::1 or localhost); other hosts need team mode "
            "(--team)",
            param_hint="--host",
        )
    import uvicorn

    from whipcount.web.app import create_app

    uvicorn.run(create_app(settings(ctx)), host=host, port=port)
