"""``whipcount serve``: the web application, run by uvicorn.

Single-user mode (the default) serves the local record and campaign database with no
login, so it binds to a loopback address.  Team mode (``--team`` or
``WHIPCOUNT_TEAM=1``) requires accounts (:mod:`whipcount.accounts`), so it may listen on
any address; it refuses to start without a strong ``WHIPCOUNT_SECRET_KEY`` or without a
PostgreSQL ``WHIPCOUNT_DATABASE_URL`` (a team's database is shared by several server
processes and backed up as one; see docs/TEAM.md).
"""

from __future__ import annotations

import ipaddress
import os
import socket
import threading
import time
import webbrowser
from typing import Any

import click
import sqlalchemy as sa

from whipcount.cli import settings
from whipcount.errors import ConfigError
from whipcount.settings import Settings, check_team_settings

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
    "--team",
    is_flag=True,
    help="Team mode: sign-in, roles and any address (needs WHIPCOUNT_SECRET_KEY and a "
    "PostgreSQL WHIPCOUNT_DATABASE_URL; also WHIPCOUNT_TEAM=1).",
)
@click.option(
    "--open",
    "open_browser",
    is_flag=True,
    help="Open the dashboard in the web browser once the server answers.",
)
@click.pass_context
def serve(ctx: click.Context, host: str, port: int, team: bool, open_browser: bool) -> None:
    """Serve the dashboard and the JSON API (reference at /api/docs)."""
    chosen = settings(ctx)
    if team or chosen.team:
        chosen = chosen.model_copy(update={"team": True})
        try:
            check_team_deployment(chosen)
        except ConfigError as error:
            raise click.ClickException(str(error)) from error
    elif not is_loopback(host):
        raise click.BadParameter(
            f"{host} is not a loopback address: single-user mode has no login, so it serves "
            "this machine only (127.0.0.1, ::1 or localhost); other hosts need team mode "
            "(--team)",
            param_hint="--host",
        )
    import uvicorn

    from whipcount.web.api.forecast import ForecastCache
    from whipcount.web.app import create_app

    check_port_free(host, port)
    app = create_app(chosen, local_only=not chosen.team)
    app.state.forecasts = ForecastCache()  # before any request can make its own
    threading.Thread(target=warm_forecasts, args=(app,), daemon=True).start()
    url = dashboard_url(host, port)
    click.echo(f"whipcount dashboard: {url} (Ctrl+C stops it)", err=True)
    if open_browser:
        threading.Thread(target=open_when_up, args=(host, port, url), daemon=True).start()
    uvicorn.run(app, host=host, port=port)


def warm_forecasts(app: Any) -> bool:
    """Fit (or load) the forecaster of the next votes while the server starts, so that
    the first forecast page answers at once; a missing record leaves it for later."""
    from whipcount.web.api.forecast import ForecastCache

    if getattr(app.state, "forecasts", None) is None:
        app.state.forecasts = ForecastCache()
    try:
        app.state.forecasts.warm(app.state.settings.record)
    except Exception as error:  # no record yet (the pages say so), or a damaged one
        click.echo(f"forecasts not warmed: {error}", err=True)
        return False
    return True


def dashboard_url(host: str, port: int) -> str:
    """The address a browser opens for a server on ``host:port``."""
    shown = {"0.0.0.0": "127.0.0.1", "": "127.0.0.1", "::": "::1"}.get(host, host)
    if ":" in shown:  # an IPv6 address
        shown = f"[{shown}]"
    return f"http://{shown}:{port}/"


def check_port_free(host: str, port: int) -> None:
    """Refuse clearly when something already listens on ``host:port``."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        if os.name == "posix":  # as uvicorn binds (elsewhere it would share a busy port)
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as error:
            raise click.ClickException(
                f"cannot listen on {host}:{port} ({error.strerror}); is whipcount serve "
                f"already running there? Open {dashboard_url(host, port)} or pass --port"
            ) from error


def open_when_up(host: str, port: int, url: str, *, timeout: float = 30.0) -> bool:
    """Open ``url`` in the browser as soon as ``host:port`` accepts connections."""
    deadline = time.monotonic() + timeout
    target = {"0.0.0.0": "127.0.0.1", "": "127.0.0.1", "::": "::1"}.get(host, host)
    while time.monotonic() < deadline:
        try:
            with socket.create_connection((target, port), timeout=0.5):
                break
        except OSError:
            time.sleep(0.2)
    else:
        return False
    if not webbrowser.open(url):
        click.echo(f"no web browser found: open {url} yourself", err=True)
        return False
    return True


def check_team_deployment(chosen: Settings) -> None:
    """Refuse team mode without a strong secret or on anything but PostgreSQL
    (:class:`ConfigError` saying what to set)."""
    check_team_settings(chosen)
    url = chosen.database_url
    try:
        backend = sa.make_url(url).get_backend_name() if url else "sqlite"
    except sa.exc.ArgumentError as error:
        raise ConfigError(f"WHIPCOUNT_DATABASE_URL is not a database URL: {error}") from error
    if backend != "postgresql":
        raise ConfigError(
            "team mode runs on PostgreSQL: set WHIPCOUNT_DATABASE_URL to "
            "postgresql+psycopg://user:password@host/db (the campaigns and accounts of "
            f"the team; now: {backend}; see docs/TEAM.md)"
        )
