"""What the signed-in user may do on the JSON API: route dependencies over
:mod:`whipcount.accounts.roles`.

The authentication middleware (:mod:`whipcount.web.auth`) has set
``request.state.user`` (None in single-user mode, where everything is allowed).  These
dependencies refuse with :class:`~whipcount.errors.PermissionDeniedError` (403, before
the route's body runs, so nothing is written):

- :data:`CampaignWriter`: every campaign write (leads and admins);
- :data:`AuditReader`: the audit trail (leads and admins);
- :data:`MemberReporter`: a report or contact on the member of the path, allowed to
  leads and admins, and to an officer when the member is assigned to their post (the
  member's ``post`` on the campaign's board).
"""

from __future__ import annotations

from fastapi import Depends, Request

from whipcount.accounts.roles import can_report, can_view_audit, can_write_campaigns
from whipcount.accounts.users import User
from whipcount.errors import PermissionDeniedError
from whipcount.web.deps import WorkspaceDep

__all__ = ["AuditReader", "CampaignWriter", "MemberReporter", "current_user", "filed_by"]


def current_user(request: Request) -> User | None:
    """The signed-in user (None in single-user mode)."""
    user: User | None = getattr(request.state, "user", None)
    return user


def _who(user: User | None) -> str:
    return "nobody" if user is None else f"{user.name} ({user.role})"


def require_campaign_writer(request: Request) -> None:
    user = current_user(request)
    if not can_write_campaigns(user):
        raise PermissionDeniedError(f"{_who(user)} may not change campaigns (leads and admins)")


def require_audit_reader(request: Request) -> None:
    user = current_user(request)
    if not can_view_audit(user):
        raise PermissionDeniedError(f"{_who(user)} may not read the audit trail")


def require_member_reporter(request: Request, name: str, member: str, ws: WorkspaceDep) -> None:
    user = current_user(request)
    if can_write_campaigns(user):
        return
    if user is None or user.role != "officer":
        raise PermissionDeniedError(f"{_who(user)} may not report or log contacts")
    iso3 = ws.member(name, member)
    post = ws.store.members(name)[iso3].post
    if not can_report(user, post):
        raise PermissionDeniedError(
            f"{user.name} is the officer of post {user.post}; {iso3} is assigned to post {post}"
        )


def filed_by(request: Request, given: str | None, field: str) -> str | None:
    """Who a report or contact is filed under: ``given`` for leads and admins (and in
    single-user mode), who may file what a colleague heard; an officer's own name,
    whatever they typed (another name is refused, so a report cannot be passed off as
    someone else's)."""
    user = current_user(request)
    if user is None or can_write_campaigns(user):
        return given
    if given is not None and given.strip() and given.strip() != user.name:
        raise PermissionDeniedError(
            f"{user.name} files reports and contacts under their own name, not as {field} "
            f"{given.strip()!r}"
        )
    return user.name


CampaignWriter = Depends(require_campaign_writer)
AuditReader = Depends(require_audit_reader)
MemberReporter = Depends(require_member_reporter)
