"""What each role may do: the permission functions pages and API routes call.

Every function takes the signed-in :class:`~whipcount.accounts.users.User`, or
``None`` in single-user mode, where the one person at the keyboard may do everything.
An inactive user may do nothing (they cannot sign in, but a page rendered for them
must not offer controls either).

=========  ======================================================================
role       may
=========  ======================================================================
viewer     read everything but the audit trail
officer    as a viewer, and report and log contacts for the members of their post
lead       every campaign write (create, refresh, delete, arguments, reports,
           contacts, member edits, sheet imports) and the audit trail
admin      as a lead, and manage users and their API tokens
=========  ======================================================================
"""

from __future__ import annotations

from whipcount.accounts.users import User

__all__ = ["can_admin", "can_report", "can_view_audit", "can_write_campaigns"]

_LEADS = ("lead", "admin")


def can_write_campaigns(user: User | None) -> bool:
    """Create, refresh, delete, edit, import into and argue any campaign."""
    return user is None or (user.active and user.role in _LEADS)


def can_report(user: User | None, member_post: str) -> bool:
    """Report on and log contacts with a member assigned to ``member_post`` (ISO3)."""
    if can_write_campaigns(user):
        return True
    assert user is not None
    return (
        user.active
        and user.role == "officer"
        and user.post is not None
        and user.post == member_post.strip().upper()
    )


def can_view_audit(user: User | None) -> bool:
    """Read the audit trail (leads and admins)."""
    return can_write_campaigns(user)


def can_admin(user: User | None) -> bool:
    """Add users, change their role, post, password or state, manage API tokens."""
    return user is None or (user.active and user.role == "admin")
