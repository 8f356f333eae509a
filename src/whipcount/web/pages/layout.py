"""Rendering a page: the Jinja2 environment and the context every template gets.

Templates live in ``whipcount/web/templates`` and extend ``base.html`` (blocks
``title``, ``head``, ``content``, ``scripts``).  Autoescaping is on for every template,
so text from the record or from a campaign (a member's note, a report's source) can
never become markup.  Every page's context carries the signed-in ``user`` (None in
single-user mode), its ``csrf_token`` (put in ``<meta name="csrf-token">`` for the
scripts and in every form), ``team`` (whether accounts are on) and the navigation.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"

_ENVIRONMENT = Environment(
    loader=FileSystemLoader(TEMPLATES),
    autoescape=select_autoescape(default=True, default_for_string=True),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)


@dataclass(frozen=True)
class NavLink:
    """A link of the navigation bar."""

    href: str
    label: str


def percent(value: float | None, digits: int = 0) -> str:
    """``0.934`` as ``93%`` (``—`` for None), the pages' one way to show a probability."""
    if value is None:
        return "—"
    return f"{100 * value:.{digits}f}%"


def probability(p: float) -> str:
    """A probability in whole percent that never rounds a near-certainty to 100% or 0%
    (``>99%``, ``<1%``): a member 99.6% sure to vote yes is not certain."""
    if 0.995 <= p < 1:
        return ">99%"
    if 0 < p < 0.005:
        return "<1%"
    return f"{100 * p:.0f}%"


_ENVIRONMENT.filters["percent"] = percent
_ENVIRONMENT.filters["probability"] = probability


def environment() -> Environment:
    """The templates' environment (shared; filters are registered once here)."""
    return _ENVIRONMENT


def navigation(user: Any) -> list[NavLink]:
    """The navigation bar's links for ``user`` (None: single-user mode, everything)."""
    links = [NavLink("/", "Search"), NavLink("/campaigns", "Campaigns")]
    role = getattr(user, "role", None)
    if user is None or role in ("lead", "admin"):
        links.append(NavLink("/audit", "Audit"))
    if role == "admin":
        links.append(NavLink("/admin/users", "Users"))
    return links


def render(
    request: Request,
    template: str,
    *,
    status_code: int = 200,
    headers: Mapping[str, str] | None = None,
    **context: Any,
) -> HTMLResponse:
    """``template`` rendered with ``context`` and the common context, as a response."""
    user = getattr(request.state, "user", None)
    settings = request.app.state.settings
    common = {
        "request": request,
        "user": user,
        "csrf_token": getattr(request.state, "csrf_token", ""),
        "team": bool(getattr(settings, "team", False)),
        "settings": settings,
        "nav": navigation(user),
        "path": request.url.path,
    }
    html = _ENVIRONMENT.get_template(template).render({**common, **context})
    return HTMLResponse(html, status_code=status_code, headers=headers)
