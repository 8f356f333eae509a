"""The web application: :func:`create_app` builds it for one settings object.

Domain errors become HTTP statuses here, at the edge and nowhere else (after httpx's
habit of one exception tree, mapped once): an unknown roll call, series, member or
campaign is 404, bad input 422, a stale edit 409 (with the member's versions), a missing
record 503; the body is ``{"detail": message, "error": class name}``.  The OpenAPI
schema is served at ``/api/openapi.json`` and its reference at ``/api/docs``
(``docs/API.md`` lists every route beside the CLI command it answers as).
"""

from __future__ import annotations

import importlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException

from whipcount import __version__
from whipcount.errors import (
    AccountInputError,
    AccountNotFoundError,
    AuthenticationError,
    CampaignInputError,
    CampaignNotFoundError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitedError,
    RecordMissingError,
    RecordSchemaError,
    SourceError,
    StaleEditError,
    WhipcountError,
)
from whipcount.settings import Settings
from whipcount.web import auth
from whipcount.web.headers import SecurityHeaders
from whipcount.web.pages import PAGES
from whipcount.web.pages.errors import validation_error

#: the dashboard's scripts, styles and icons, served at /static (no CDN: nothing else)
STATIC = Path(__file__).resolve().parent / "static"

#: the API's routers (``whipcount.web.api.<name>.router``), in the order of the docs
ROUTERS = ("record", "series", "align", "ideal", "forecast", "campaigns")

#: HTTP status of each domain error, most specific first
STATUSES: tuple[tuple[type[WhipcountError], int], ...] = (
    (StaleEditError, 409),
    (NotFoundError, 404),
    (CampaignNotFoundError, 404),
    (CampaignInputError, 422),
    (SourceError, 422),
    (RecordMissingError, 503),
    (RecordSchemaError, 503),
    (AuthenticationError, 401),
    (RateLimitedError, 429),
    (PermissionDeniedError, 403),
    (AccountNotFoundError, 404),
    (AccountInputError, 422),
)


def status_of(error: WhipcountError) -> int:
    """The HTTP status a domain error is answered with (400 for any other)."""
    return next((status for kind, status in STATUSES if isinstance(error, kind)), 400)


def create_app(settings: Settings | None = None, *, local_only: bool = False) -> FastAPI:
    """The application serving ``settings``' record and campaign database.

    ``local_only`` (what ``whipcount serve`` sets in single-user mode) refuses requests
    addressed to any host name but this machine's (``localhost``, loopback addresses):
    a site whose name an attacker re-points at 127.0.0.1 (DNS rebinding) is not this
    server to the browser, so it must not be served.
    """
    app = FastAPI(
        lifespan=_lifespan,
        title="whipcount",
        version=__version__,
        summary="Forecast and whip UN General Assembly votes.",
        openapi_url="/api/openapi.json",
        docs_url=None,  # pages/api_docs.py: the reference without a CDN
        redoc_url=None,
    )
    app.state.settings = settings or Settings()
    app.state.store = None
    app.state.local_only = local_only
    for name in ROUTERS:
        module = importlib.import_module(f"whipcount.web.api.{name}")
        app.include_router(module.router, prefix="/api")
    for name in PAGES:
        app.include_router(importlib.import_module(f"whipcount.web.pages.{name}").router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.add_exception_handler(WhipcountError, _domain_error)  # type: ignore[arg-type]
    auth.install(app, app.state.settings)  # sign-in in team mode, the Origin check always
    app.add_exception_handler(HTTPException, _http_error)  # type: ignore[arg-type]
    app.add_exception_handler(RequestValidationError, validation_error)
    app.add_middleware(SecurityHeaders)  # outermost: on every response, errors included
    return app


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    yield
    if app.state.store is not None:  # opened by the first campaign request
        app.state.store.close()
        app.state.store = None


async def _http_error(request: Request, error: HTTPException) -> Response:
    """An HTTP error (an unknown address, a refused method): a page for pages, else JSON."""
    if request.url.path.startswith("/api") or "text/html" not in request.headers.get("accept", ""):
        return await http_exception_handler(request, error)
    from whipcount.web.pages.layout import render

    return render(
        request,
        "error.html",
        status_code=error.status_code,
        error=error.detail,
        kind=f"HTTP {error.status_code}",
        headers=getattr(error, "headers", None),
    )


async def _domain_error(request: Request, error: WhipcountError) -> Response:
    if not request.url.path.startswith("/api"):  # a page: the error as a page
        from whipcount.web.pages.layout import render

        return render(
            request,
            "error.html",
            status_code=status_of(error),
            error=error,
            kind=type(error).__name__,
        )
    body: dict[str, Any] = {"detail": str(error), "error": type(error).__name__}
    if isinstance(error, StaleEditError):
        body.update(iso3=error.iso3, expected=error.expected, current=error.current)
    return JSONResponse(body, status_code=status_of(error))
