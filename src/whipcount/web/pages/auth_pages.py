"""Signing in and out: ``GET``/``POST /login`` and ``POST /logout`` (team mode).

The sign-in form is protected against cross-site posting twice: the authentication
middleware refuses an ``Origin`` other than the site's, and the form carries a token
that must equal the value of a short-lived cookie (:data:`LOGIN_COOKIE`, set when the
form is shown: the double-submit pattern, since there is no session yet to hold one).
A wrong name or password answers 401 and the form again; too many failures answer 429
with ``Retry-After`` (:mod:`whipcount.accounts.limits`).  A successful sign-in creates a
session (:meth:`~whipcount.accounts.store.AccountStore.create_session`), sets the signed
session cookie and goes to ``next`` when it is a path of this site.  Signing out
deletes the session and the cookie.  In single-user mode there is nothing to sign in
to: both pages lead home.
"""

from __future__ import annotations

import hmac
import secrets
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from whipcount.errors import AuthenticationError, RateLimitedError
from whipcount.web.auth import SESSION_COOKIE, Authenticator, account_store, safe_next
from whipcount.web.pages.layout import render

router = APIRouter(include_in_schema=False)

LOGIN_COOKIE = "whipcount_login"
_LOGIN_SECONDS = 3600


def _auth(request: Request) -> Authenticator:
    auth: Authenticator = request.app.state.auth
    return auth


def _form(
    request: Request, *, target: str, error: str = "", status_code: int = 200, name: str = ""
) -> HTMLResponse:
    """The sign-in form with a fresh double-submit token (in the form and the cookie)."""
    token = secrets.token_urlsafe(32)
    response = render(
        request,
        "login.html",
        status_code=status_code,
        login_token=token,
        next=target,
        error=error,
        name=name,
    )
    response.set_cookie(
        LOGIN_COOKIE,
        token,
        max_age=_LOGIN_SECONDS,
        path="/login",
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
    )
    return response


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request, next: str | None = None) -> Response:
    """The sign-in form (home, or ``next``, when already signed in)."""
    target = safe_next(next)
    if not _auth(request).team or getattr(request.state, "user", None) is not None:
        return RedirectResponse(target, status_code=303)
    return _form(request, target=target)


@router.post("/login", response_class=HTMLResponse)
async def login(
    request: Request,
    name: Annotated[str, Form(max_length=200)] = "",
    password: Annotated[str, Form(max_length=1024)] = "",
    csrf_token: Annotated[str, Form(max_length=200)] = "",
    next: Annotated[str, Form(max_length=2000)] = "/",
) -> Response:
    """Check the name and password; on success a session cookie and a 303 to ``next``."""
    auth, target = _auth(request), safe_next(next)
    if not auth.team:
        return RedirectResponse(target, status_code=303)
    expected = request.cookies.get(LOGIN_COOKIE, "")
    if not expected or not hmac.compare_digest(expected.encode(), csrf_token.encode()):
        message = "the sign-in form expired or came from elsewhere; please try again"
        return _form(request, target=target, error=message, status_code=403, name=name)
    accounts = account_store(request.app)
    address = request.client.host if request.client else "unknown"
    try:
        user = await run_in_threadpool(accounts.authenticate, name, password, address=address)
    except RateLimitedError as error:
        response = _form(request, target=target, error=str(error), status_code=429, name=name)
        response.headers["Retry-After"] = str(error.retry_after)
        return response
    except AuthenticationError as error:
        return _form(request, target=target, error=str(error), status_code=401, name=name)
    hours = request.app.state.settings.session_hours
    session = await run_in_threadpool(accounts.create_session, user, hours=hours)
    signed_in = RedirectResponse(target, status_code=303)
    auth.set_cookie(signed_in, request, session.id)
    signed_in.delete_cookie(LOGIN_COOKIE, path="/login")
    return signed_in


@router.post("/logout")
async def logout(request: Request) -> Response:
    """End the session (the middleware has checked its CSRF token) and forget the cookie."""
    auth = _auth(request)
    response = RedirectResponse("/login" if auth.team else "/", status_code=303)
    cookie = request.cookies.get(SESSION_COOKIE)
    session_id = auth.session_id(cookie) if cookie else None
    if auth.team and session_id is not None:
        await run_in_threadpool(account_store(request.app).end_session, session_id)
        auth.forget(session_id)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response
