"""Sessions and API tokens: random secrets, stored only as their SHA-256.

- A **session** id is 32 random bytes (URL-safe base64).  The browser holds it in a
  cookie signed with the deployment's secret key (:mod:`whipcount.web.auth`); the
  database holds its SHA-256, the user, the session's CSRF token and when it expires.
  Signing out deletes the row; a password change or deactivation deletes all of the
  user's rows.
- An **API token** is ``wc_`` and 32 random bytes (URL-safe base64), shown once when it
  is created; the database holds its SHA-256, a label, a hint (its first characters) and
  when it was last used (updated at most once a minute).  Revoking sets ``revoked_at``.

A high-entropy secret needs no slow hash: SHA-256 of 256 random bits cannot be
reversed, and it lets a lookup be one indexed equality.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

import sqlalchemy as sa

from whipcount.accounts.tables import api_tokens, sessions, users
from whipcount.campaign.entities import utc

__all__ = [
    "TOKEN_PREFIX",
    "NewSession",
    "Principal",
    "digest",
    "new_session",
    "new_token",
    "session_principal",
    "token_principal",
    "touch_token",
]

TOKEN_PREFIX = "wc_"
_HINT = len(TOKEN_PREFIX) + 6
_LAST_USED_EVERY = dt.timedelta(minutes=1)


@dataclass(frozen=True)
class NewSession:
    """A session just created: its id (for the cookie, never stored) and CSRF token."""

    id: str
    csrf_token: str
    expires_at: dt.datetime


@dataclass(frozen=True)
class Principal:
    """Who a credential belongs to: the user's id and, for a session, its CSRF token
    (empty for an API token, whose requests need none)."""

    user_id: int
    csrf_token: str


def digest(secret: str) -> str:
    """The SHA-256 (hex) under which a session id or token is stored."""
    return hashlib.sha256(secret.encode()).hexdigest()


def new_session(
    connection: sa.Connection, *, user_id: int, now: dt.datetime, lifetime: dt.timedelta
) -> NewSession:
    """Store a new session of ``user_id`` (and delete every expired session)."""
    connection.execute(sa.delete(sessions).where(sessions.c.expires_at <= now))
    created = NewSession(
        id=secrets.token_urlsafe(32),
        csrf_token=secrets.token_urlsafe(32),
        expires_at=now + lifetime,
    )
    connection.execute(
        sa.insert(sessions).values(
            id_hash=digest(created.id),
            user_id=user_id,
            csrf_token=created.csrf_token,
            created_at=now,
            expires_at=created.expires_at,
        )
    )
    return created


def session_principal(
    connection: sa.Connection, session_id: str, *, now: dt.datetime
) -> Principal | None:
    """The active user of an unexpired session, or None."""
    row = connection.execute(
        sa.select(sessions.c.user_id, sessions.c.csrf_token)
        .join(users, users.c.id == sessions.c.user_id)
        .where(
            sessions.c.id_hash == digest(session_id),
            sessions.c.expires_at > now,
            users.c.active.is_(True),
        )
    ).first()
    return None if row is None else Principal(user_id=row.user_id, csrf_token=row.csrf_token)


def new_token(
    connection: sa.Connection, *, user_id: int, label: str, now: dt.datetime, actor: str
) -> tuple[str, int]:
    """Store a new API token of ``user_id``: the token (to show once) and its id."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    inserted = connection.execute(
        sa.insert(api_tokens)
        .values(
            user_id=user_id,
            label=label,
            token_hash=digest(token),
            hint=token[:_HINT],
            created_at=now,
            created_by=actor,
        )
        .returning(api_tokens.c.id)
    ).scalar_one()
    return token, int(inserted)


def token_principal(
    connection: sa.Connection, token: str, *, now: dt.datetime
) -> tuple[Principal, int, bool] | None:
    """The active user of an unrevoked API token (None if there is none), the token's
    id, and whether its ``last_used_at`` is due for an update (:func:`touch_token`)."""
    if not token.startswith(TOKEN_PREFIX):
        return None
    row = connection.execute(
        sa.select(api_tokens.c.id, api_tokens.c.user_id, api_tokens.c.last_used_at)
        .join(users, users.c.id == api_tokens.c.user_id)
        .where(
            api_tokens.c.token_hash == digest(token),
            api_tokens.c.revoked_at.is_(None),
            users.c.active.is_(True),
        )
    ).first()
    if row is None:
        return None
    due = row.last_used_at is None or utc(row.last_used_at) < now - _LAST_USED_EVERY
    return Principal(user_id=row.user_id, csrf_token=""), int(row.id), due


def touch_token(connection: sa.Connection, token_id: int, *, now: dt.datetime) -> None:
    """Note that the token was used at ``now``."""
    connection.execute(
        sa.update(api_tokens).where(api_tokens.c.id == token_id).values(last_used_at=now)
    )
