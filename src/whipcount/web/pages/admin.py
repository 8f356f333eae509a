"""The administrators' page (``/admin/users``) and the audit trail (``/audit``).

``/admin/users`` lists the accounts and API tokens and holds the forms that change
them: add a user, change a user's role, post, state or password, create a token (shown
once, on the page that answers the form) and revoke one.  Each form posts here with
the session's CSRF token (checked by the middleware); each change goes through
:class:`~whipcount.accounts.store.AccountStore`, which writes it to the audit trail
under the signed-in admin's name.  Only admins see the page
(:func:`~whipcount.accounts.roles.can_admin`).

``/audit`` is the audit trail (newest first, optionally of one campaign), for leads
and admins (:func:`~whipcount.accounts.roles.can_view_audit`): who changed what, with
the fields that changed.
"""

from __future__ import annotations

import getpass
from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from whipcount.accounts.passwords import check_password
from whipcount.accounts.roles import can_admin, can_view_audit
from whipcount.accounts.users import ROLES
from whipcount.errors import AccountInputError, AccountNotFoundError, PermissionDeniedError
from whipcount.web.auth import Authenticator, account_store
from whipcount.web.deps import WorkspaceDep
from whipcount.web.pages.layout import render

router = APIRouter(include_in_schema=False)

Text = Annotated[str, Form(max_length=1024)]


def _admin(request: Request) -> str:
    """The acting admin's name (the audit trail's actor), or 403."""
    user = getattr(request.state, "user", None)
    if not can_admin(user):
        raise PermissionDeniedError(f"{_name(user)} may not manage users (admins only)")
    settings = request.app.state.settings
    return str(user.name if user is not None else settings.user or getpass.getuser())


def _name(user: Any) -> str:
    return str(getattr(user, "name", "nobody"))


def _page(request: Request, *, status_code: int = 200, **context: Any) -> HTMLResponse:
    accounts = account_store(request.app)
    return render(
        request,
        "admin_users.html",
        status_code=status_code,
        users=accounts.users(),
        tokens=accounts.tokens(),
        roles=ROLES,
        **{"message": "", "error": "", "new_token": None, **context},
    )


async def _change(request: Request, change: Callable[[str], str]) -> Response:
    """Apply ``change`` (given the actor, it returns a message) and answer with the page:
    303 back to it, or 422 with the error."""
    actor = _admin(request)
    try:
        message = await run_in_threadpool(change, actor)
    except (AccountInputError, AccountNotFoundError) as error:
        return await run_in_threadpool(_page, request, status_code=422, error=str(error))
    auth: Authenticator = request.app.state.auth
    auth.clear()  # a deactivated user or revoked token stops working here at once
    return RedirectResponse(f"/admin/users?done={message}", status_code=303)


@router.get("/admin/users", response_class=HTMLResponse)
def users_page(request: Request, done: str = "") -> HTMLResponse:
    """The accounts and API tokens, and the forms that change them."""
    _admin(request)
    messages = {"added": "User added.", "updated": "User changed.", "revoked": "Token revoked."}
    return _page(request, message=messages.get(done, ""))


@router.post("/admin/users")
async def add_user(
    request: Request, name: Text, password: Text, role: Text, post: Text = ""
) -> Response:
    """Add a user."""
    accounts = account_store(request.app)

    def add(actor: str) -> str:
        accounts.add_user(name, password, role=role, post=post or None, actor=actor)
        return "added"

    return await _change(request, add)


@router.post("/admin/users/{name}")
async def change_user(
    request: Request,
    name: str,
    *,
    role: Text = "",
    post: Text | None = None,
    active: Text = "",
    password: Text = "",
) -> Response:
    """Change a user's role, post, state (``active`` = ``yes``/``no``) or password."""
    accounts = account_store(request.app)

    def change(actor: str) -> str:
        state = {"yes": True, "no": False}.get(active)
        if password:  # a weak password refuses the whole form, before anything changes
            check_password(password, name=accounts.user(name).name)
        accounts.update_user(name, role=role or None, post=post, active=state, actor=actor)
        if password:
            accounts.set_password(name, password, actor=actor)
        return "updated"

    return await _change(request, change)


@router.post("/admin/tokens", response_class=HTMLResponse)
async def create_token(request: Request, user: Text, label: Text) -> Response:
    """Create an API token; the answer shows it, once."""
    actor = _admin(request)
    accounts = account_store(request.app)
    try:
        secret, token = await run_in_threadpool(
            lambda: accounts.create_token(user, label=label, actor=actor)
        )
    except (AccountInputError, AccountNotFoundError) as error:
        return await run_in_threadpool(_page, request, status_code=422, error=str(error))
    return await run_in_threadpool(
        _page, request, status_code=201, new_token={"secret": secret, "token": token}
    )


@router.post("/admin/tokens/{token_id}/revoke")
async def revoke_token(request: Request, token_id: int) -> Response:
    """Revoke an API token."""
    accounts = account_store(request.app)

    def revoke(actor: str) -> str:
        accounts.revoke_token(token_id, actor=actor)
        return "revoked"

    return await _change(request, revoke)


@router.get("/audit", response_class=HTMLResponse)
def audit_page(
    request: Request,
    ws: WorkspaceDep,
    campaign: str = "",
    limit: Annotated[int, Query(ge=1, le=5000)] = 200,
) -> HTMLResponse:
    """The audit trail, newest first, of every change or of one campaign's."""
    user = getattr(request.state, "user", None)
    if not can_view_audit(user):
        raise PermissionDeniedError(f"{_name(user)} may not read the audit trail")
    if campaign:
        ws.store.campaign(campaign)  # 404 for an unknown campaign
    entries = ws.audit(campaign or None, limit=limit)
    return render(
        request,
        "audit.html",
        entries=[{**entry, "changes": changes(entry)} for entry in entries],
        campaigns=[c["name"] for c in ws.campaigns()],
        campaign=campaign,
        limit=limit,
    )


def changes(entry: dict[str, Any]) -> list[tuple[str, Any, Any]]:
    """The fields an audit entry changed: (field, before, after); every field of a
    creation or a deletion."""
    before, after = entry.get("before") or {}, entry.get("after") or {}
    fields = list(dict.fromkeys([*before, *after]))
    return [
        (field, before.get(field), after.get(field))
        for field in fields
        if before.get(field) != after.get(field)
    ]
