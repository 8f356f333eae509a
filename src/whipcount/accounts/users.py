"""The accounts' entities and the checks of what identifies a user.

A :class:`User` is signed in under a ``name`` (lower case letters, digits and
``. _ @ -``, at most 64 characters, so that it is safe in the audit trail and in a URL)
with one :data:`Role`.  An officer has a ``post``: the ISO3 code of the member state
whose embassy they serve, the same code a campaign's member is assigned to (the
member's ``post`` on the board).  Entities are frozen dataclasses and never carry a
password hash or a token's secret.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any, Literal, get_args

from whipcount.errors import AccountInputError

__all__ = ["ROLES", "ApiToken", "Role", "User", "check_name", "check_post", "check_role"]

#: admin: everything and the users; lead: every campaign write and the audit trail;
#: officer: reports and contacts for the members of their post; viewer: reads only
Role = Literal["admin", "lead", "officer", "viewer"]
ROLES: tuple[Role, ...] = get_args(Role)

_NAME = re.compile(r"[a-z0-9][a-z0-9._@-]{0,63}")
_POST = re.compile(r"[A-Z]{3}")


@dataclass(frozen=True)
class User:
    """A team member's account (never its password hash)."""

    id: int
    name: str
    role: Role
    post: str | None
    active: bool
    created_at: dt.datetime | None = None
    password_changed_at: dt.datetime | None = None

    def document(self) -> dict[str, Any]:
        """The JSON document of ``whipcount team user list --json`` and the audit trail."""
        return {
            "id": self.id,
            "name": self.name,
            "role": self.role,
            "post": self.post,
            "active": self.active,
            "created_at": _iso(self.created_at),
            "password_changed_at": _iso(self.password_changed_at),
        }


@dataclass(frozen=True)
class ApiToken:
    """An API token's record: what it is called, whose it is, its first characters
    (``hint``) and when it was used; the secret itself is shown once, at creation."""

    id: int
    user: str
    label: str
    hint: str
    created_at: dt.datetime
    last_used_at: dt.datetime | None
    revoked_at: dt.datetime | None

    @property
    def active(self) -> bool:
        return self.revoked_at is None

    def document(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "user": self.user,
            "label": self.label,
            "hint": self.hint,
            "created_at": _iso(self.created_at),
            "last_used_at": _iso(self.last_used_at),
            "revoked_at": _iso(self.revoked_at),
        }


def _iso(when: dt.datetime | None) -> str | None:
    return None if when is None else when.isoformat(timespec="seconds")


def check_name(name: str) -> str:
    """The user name, stripped and in lower case, or :class:`AccountInputError`."""
    cleaned = name.strip().lower()
    if not _NAME.fullmatch(cleaned):
        raise AccountInputError(
            f"{name!r} is not a valid user name: 1 to 64 lower-case letters, digits and "
            "'.', '_', '@', '-', starting with a letter or digit"
        )
    return cleaned


def check_role(role: str) -> Role:
    """``role`` if it is one of :data:`ROLES`, else :class:`AccountInputError`."""
    cleaned = role.strip().lower()
    if cleaned not in ROLES:
        raise AccountInputError(f"unknown role {role!r}: one of {', '.join(ROLES)}")
    return cleaned


def check_post(role: Role, post: str | None) -> str | None:
    """The post of a user of ``role``: an ISO3 code, required for an officer."""
    if post is None or not post.strip():
        if role == "officer":
            raise AccountInputError(
                "an officer needs a post: the ISO3 code of the member state whose embassy "
                "they serve (--post)"
            )
        return None
    cleaned = post.strip().upper()
    if not _POST.fullmatch(cleaned):
        raise AccountInputError(f"post {post!r} is not an ISO3 code (three letters)")
    return cleaned
