"""Who is asking: the authentication middleware, in front of every route.

:func:`install` adds :class:`AuthMiddleware` (a pure ASGI middleware) to the app in
both modes.  For every HTTP request it:

1. refuses (403) an unsafe request (POST, PUT, PATCH, DELETE) whose ``Origin`` is not
   the ``Host`` it was sent to, or which the browser marks as cross-site
   (``Sec-Fetch-Site``): a page on another site cannot make a visitor's browser write,
   even to a single-user server on localhost;
2. in single-user mode sets ``request.state.user = None`` and
   ``request.state.csrf_token = ""`` and goes on;
3. in team mode resolves the user from ``Authorization: Bearer wc_...`` (an API
   token) or else from the session cookie :data:`SESSION_COOKIE` (the session id,
   signed with ``WHIPCOUNT_SECRET_KEY`` by itsdangerous; the session itself is a row of
   the database, :mod:`whipcount.accounts.credentials`), and sets ``request.state.user``
   and ``request.state.csrf_token``;
4. in team mode refuses every request without a user but those of :func:`is_public`
   (the sign-in page and the static files): under ``/api`` with 401 and a JSON body
   ``{"detail", "error"}``, elsewhere with a 303 to ``/login?next=<path>``;
5. in team mode refuses (403) an unsafe request authenticated by the cookie unless it
   carries the session's CSRF token, in the ``X-CSRF-Token`` header or a form field
   ``csrf_token`` (the body is read and replayed to the route).  API-token requests
   need none: a browser never adds an Authorization header on its own.

Credentials are looked up in a thread (the database calls block) and the answer is
kept :data:`CACHE_SECONDS` per credential, so a page's burst of requests costs one
lookup; a signed-out session is forgotten at once in this process, and within
:data:`CACHE_SECONDS` in the others.  What each role may do is decided by the routes
(:mod:`whipcount.web.permissions`), not here.
"""

from __future__ import annotations

import hmac
import ipaddress
import threading
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlsplit

from fastapi import FastAPI
from itsdangerous import BadSignature, URLSafeTimedSerializer
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import Headers
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from whipcount.accounts.credentials import digest
from whipcount.accounts.store import AccountStore
from whipcount.accounts.users import User
from whipcount.settings import Settings, check_team_settings

__all__ = [
    "CACHE_SECONDS",
    "CSRF_FIELD",
    "CSRF_HEADER",
    "SESSION_COOKIE",
    "AuthMiddleware",
    "Authenticator",
    "Identity",
    "account_store",
    "install",
    "is_public",
    "local_host",
    "safe_next",
    "same_origin",
]

SESSION_COOKIE = "whipcount_session"
CSRF_HEADER = "x-csrf-token"
CSRF_FIELD = "csrf_token"
CACHE_SECONDS = 5.0
UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})
#: the largest form body read to find its CSRF token
MAX_FORM_BYTES = 1 << 20
_CACHE_LIMIT = 10_000
_DEFAULT_PORTS = {"http": 80, "https": 443}
_FORMS = ("application/x-www-form-urlencoded", "multipart/form-data")
_LOCK = threading.Lock()


def is_public(path: str) -> bool:
    """Paths served without signing in: the sign-in page and the static files."""
    return path == "/login" or path.startswith("/static/")


def safe_next(target: str | None) -> str:
    """``target`` if it is a path of this site (where to go after signing in), else
    ``/``: never another site (``//host``, ``https://...``, ``/\\host``)."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return "/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or any(c in target for c in "\r\n\\"):
        return "/"
    return target


def install(app: FastAPI, settings: Settings) -> None:
    """Add the middleware to ``app`` (refusing a team mode whose secret is weak: raises
    :class:`~whipcount.errors.ConfigError`)."""
    if settings.team:
        check_team_settings(settings)
    app.state.auth = Authenticator(settings)
    app.add_middleware(AuthMiddleware)


def account_store(app: Any) -> AccountStore:
    """The app's account store, on the engine of its campaign store (opened on first
    use, as :func:`whipcount.web.deps.get_store` opens it)."""
    state = app.state
    with _LOCK:
        from whipcount.web.deps import get_store

        store = get_store(Request({"type": "http", "app": app}))
        current = getattr(state, "accounts", None)
        if current is None or current.engine is not store.engine:
            state.accounts = AccountStore(store.engine)
    accounts: AccountStore = state.accounts
    return accounts


@dataclass(frozen=True)
class Identity:
    """A resolved credential: the user and the CSRF token their unsafe requests need
    (empty for an API token)."""

    user: User
    csrf_token: str
    by_cookie: bool


class Authenticator:
    """The cookie signer and the short-lived cache of resolved credentials of one app."""

    def __init__(self, settings: Settings) -> None:
        self.team = settings.team
        self.max_age = int(settings.session_hours * 3600)
        secret = settings.secret_key.get_secret_value() if settings.secret_key else ""
        self._serializer = URLSafeTimedSerializer(secret or "single-user", salt="whipcount.session")
        self._cache: dict[str, tuple[float, Identity | None]] = {}

    def cookie_value(self, session_id: str) -> str:
        """The signed cookie value carrying ``session_id``."""
        return self._serializer.dumps(session_id)

    def session_id(self, cookie: str) -> str | None:
        """The session id of a cookie, or None if it is forged or too old."""
        try:
            value = self._serializer.loads(cookie, max_age=self.max_age)
        except BadSignature:
            return None
        return value if isinstance(value, str) else None

    def set_cookie(self, response: Response, request: Request, session_id: str) -> None:
        response.set_cookie(
            SESSION_COOKIE,
            self.cookie_value(session_id),
            max_age=self.max_age,
            path="/",
            httponly=True,
            samesite="lax",
            secure=request.url.scheme == "https",
        )

    def forget(self, session_id: str) -> None:
        """Drop a signed-out session from this process's cache."""
        self._cache.pop("s" + digest(session_id), None)

    def clear(self) -> None:
        """Drop every cached credential (after a change to a user or a token)."""
        self._cache.clear()

    async def identify(self, app: Any, headers: Headers) -> Identity | None:
        """The identity of a request's credentials (None when it has none valid)."""
        authorization = headers.get("authorization", "")
        if authorization:
            scheme, _, token = authorization.partition(" ")
            if scheme.lower() != "bearer" or not token.strip():
                return None
            return await self._cached("t", token.strip(), app)
        cookie = _cookie(headers, SESSION_COOKIE)
        session_id = self.session_id(cookie) if cookie else None
        return None if session_id is None else await self._cached("s", session_id, app)

    async def _cached(self, kind: str, secret: str, app: Any) -> Identity | None:
        key = kind + digest(secret)
        now = time.monotonic()
        hit = self._cache.get(key)
        if hit is not None and hit[0] > now:
            return hit[1]
        # in a worker thread: the first lookup opens (and migrates) the database
        found = await run_in_threadpool(lambda: _lookup(account_store(app), kind, secret))
        if len(self._cache) >= _CACHE_LIMIT:
            self._cache.clear()
        self._cache[key] = (now + CACHE_SECONDS, found)
        return found


def _lookup(accounts: AccountStore, kind: str, secret: str) -> Identity | None:
    if kind == "t":
        user = accounts.token_user(secret)
        return None if user is None else Identity(user, "", by_cookie=False)
    found = accounts.session(secret)
    return None if found is None else Identity(found[0], found[1], by_cookie=True)


def _cookie(headers: Headers, name: str) -> str | None:
    return Request({"type": "http", "headers": headers.raw}).cookies.get(name)


class AuthMiddleware:
    """The middleware of the module docstring (configured by ``app.state.auth``)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        auth: Authenticator = scope["app"].state.auth
        state = scope.setdefault("state", {})
        state["user"], state["csrf_token"] = None, ""
        if getattr(scope["app"].state, "local_only", False) and not local_host(request):
            message = "this server answers only to localhost (single-user mode)"
            await _refuse(421, message, "PermissionDeniedError")(scope, receive, send)
            return
        unsafe = request.method in UNSAFE
        if unsafe and not same_origin(request):
            await _refuse(403, "cross-origin request refused", "PermissionDeniedError")(
                scope, receive, send
            )
            return
        if not auth.team:
            await self.app(scope, receive, send)
            return
        identity = await auth.identify(scope["app"], request.headers)
        if identity is not None:
            state["user"], state["csrf_token"] = identity.user, identity.csrf_token
        if is_public(request.url.path):
            await self.app(scope, receive, send)
            return
        if identity is None:
            await _unauthenticated(request)(scope, receive, send)
            return
        if unsafe and identity.by_cookie:
            receive, token = await _csrf_token(request, receive)
            if token is None or not hmac.compare_digest(
                token.encode(), identity.csrf_token.encode()
            ):
                message = "missing or wrong CSRF token (send the X-CSRF-Token header)"
                await _refuse(403, message, "PermissionDeniedError")(scope, receive, send)
                return
        await self.app(scope, receive, send)


def local_host(request: Request) -> bool:
    """Whether the request's ``Host`` names this machine (``localhost`` or a loopback
    address), not a name that merely resolves to it (DNS rebinding)."""
    host = request.headers.get("host", "")
    try:
        name = urlsplit(f"http://{host}").hostname or ""
    except ValueError:
        return False
    if name == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def same_origin(request: Request) -> bool:
    """Whether an unsafe request comes from a page of this site (see the docstring)."""
    origin = request.headers.get("origin")
    if origin is None:
        return request.headers.get("sec-fetch-site", "same-origin") in ("same-origin", "none")
    parts = urlsplit(origin)
    host = request.headers.get("host")
    if parts.scheme not in _DEFAULT_PORTS or not parts.hostname or host is None:
        return False
    try:
        claimed = urlsplit(f"{parts.scheme}://{host}")
        ports = (parts.port, claimed.port)
    except ValueError:
        return False
    default = _DEFAULT_PORTS[parts.scheme]
    return parts.hostname == claimed.hostname and (ports[0] or default) == (ports[1] or default)


async def _csrf_token(request: Request, receive: Receive) -> tuple[Receive, str | None]:
    """The request's CSRF token (header, else form field) and a ``receive`` that
    replays the body read to find it."""
    header = request.headers.get(CSRF_HEADER)
    if header is not None:
        return receive, header
    if not request.headers.get("content-type", "").startswith(_FORMS):
        return receive, None
    messages: list[Message] = []
    size = 0
    while True:
        message = await receive()
        messages.append(message)
        size += len(message.get("body", b""))
        done = message["type"] != "http.request" or not message.get("more_body")
        if done or size > MAX_FORM_BYTES:
            break
    if size > MAX_FORM_BYTES:
        return receive, None
    form = await Request(request.scope, _replay(messages, receive)).form()
    token = form.get(CSRF_FIELD)
    await form.close()
    return _replay(messages, receive), token if isinstance(token, str) else None


def _replay(messages: list[Message], receive: Receive) -> Receive:
    pending = list(messages)

    async def replay() -> Message:
        return pending.pop(0) if pending else await receive()

    return replay


def _unauthenticated(request: Request) -> Callable[[Scope, Receive, Send], Awaitable[None]]:
    path = request.url.path
    if path == "/api" or path.startswith("/api/"):
        response = _refuse(
            401,
            "sign in, or send an API token (Authorization: Bearer wc_...)",
            "AuthenticationError",
        )
        response.headers["WWW-Authenticate"] = 'Bearer realm="whipcount"'
        return response
    target = path + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse(f"/login?next={quote(target, safe='')}", status_code=303)


def _refuse(status: int, detail: str, error: str) -> Response:
    return JSONResponse({"detail": detail, "error": error}, status_code=status)
