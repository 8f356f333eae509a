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
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from whipcount import __version__
from whipcount.errors import (
    CampaignInputError,
    CampaignNotFoundError,
    NotFoundError,
    RecordMissingError,
    RecordSchemaError,
    SourceError,
    StaleEditError,
    WhipcountError,
)
from whipcount.settings import Settings

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
)


def status_of(error: WhipcountError) -> int:
    """The HTTP status a domain error is answered with (400 for any other)."""
    return next((status for kind, status in STATUSES if isinstance(error, kind)), 400)


def create_app(settings: Settings | None = None) -> FastAPI:
    """The application serving ``settings``' record and campaign database."""
    app = FastAPI(
        lifespan=_lifespan,
        title="whipcount",
        version=__version__,
        summary="Forecast and whip UN General Assembly votes.",
        openapi_url="/api/openapi.json",
        docs_url="/api/docs",
        redoc_url=None,
    )
    app.state.settings = settings or Settings()
    app.state.store = None
    for name in ROUTERS:
        module = importlib.import_module(f"whipcount.web.api.{name}")
        app.include_router(module.router, prefix="/api")
    app.add_exception_handler(WhipcountError, _domain_error)  # type: ignore[arg-type]
    return app


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    yield
    if app.state.store is not None:  # opened by the first campaign request
        app.state.store.close()
        app.state.store = None


async def _domain_error(request: Request, error: WhipcountError) -> JSONResponse:
    body: dict[str, Any] = {"detail": str(error), "error": type(error).__name__}
    if isinstance(error, StaleEditError):
        body.update(iso3=error.iso3, expected=error.expected, current=error.current)
    return JSONResponse(body, status_code=status_of(error))
