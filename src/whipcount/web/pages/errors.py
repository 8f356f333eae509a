"""Bad query parameters on a page, answered as a page.

FastAPI answers a request whose parameters fail validation (``?as_of=tomorrow``,
``?session=0``) with a JSON 422; that is right for ``/api`` and unhelpful in a browser.
:func:`validation_error` keeps the JSON answer for the API and renders ``error.html``
with each problem in words for every other path.  ``create_app`` registers it::

    app.add_exception_handler(RequestValidationError, validation_error)
"""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.exception_handlers import request_validation_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response

from whipcount.web.pages.layout import render


def problems(error: RequestValidationError) -> str:
    """Each validation problem as ``parameter: message``, joined by semicolons."""
    parts = []
    for item in error.errors():
        location: tuple[Any, ...] = tuple(item.get("loc", ()))
        where = ".".join(str(part) for part in location[1:]) or "request"
        parts.append(f"{where}: {item.get('msg', 'invalid')}")
    return "; ".join(parts)


async def validation_error(request: Request, error: Exception) -> Response:
    """A 422: JSON on ``/api``, the error page elsewhere."""
    if not isinstance(error, RequestValidationError) or request.url.path.startswith("/api"):
        return await request_validation_exception_handler(request, error)  # type: ignore[arg-type]
    return render(
        request,
        "error.html",
        status_code=422,
        error=f"Some of the page's parameters are not valid: {problems(error)}.",
        kind="Invalid parameters",
    )
