"""The accounts' tables, in the campaign database's metadata (one migration history).

They are defined on :data:`whipcount.campaign.tables.metadata` (which imports this
module, so that the metadata always describes the whole database) and created by the
hand-written migration ``0002_accounts``.

- ``users``: one row per account: the argon2 ``password_hash``, the role (an officer
  must have a post) and whether the account may sign in.  Users are deactivated, never
  deleted: the audit trail names them.
- ``sessions``: a browser's sign-in.  The row is keyed by the SHA-256 of the session
  id that the (signed) cookie carries, so a copy of the database does not let anyone
  sign in; ``csrf_token`` is the token the session's forms and scripts must send back.
- ``api_tokens``: scripts' credentials, keyed by the SHA-256 of the token (shown once);
  ``hint`` is its first characters, to tell tokens apart; revoked, never deleted.
- ``login_failures``: failed sign-ins (name tried, client address, when), counted by
  every server process of a deployment to rate-limit guessing.
"""

from __future__ import annotations

import sqlalchemy as sa

from whipcount.campaign.tables import CODE, NAME, WHEN, metadata

__all__ = ["api_tokens", "login_failures", "sessions", "users"]

DIGEST = sa.String(64)  # a SHA-256 in hex
ADDRESS = sa.String(64)  # an IPv4 or IPv6 address


def _user_key() -> sa.Column[int]:
    return sa.Column(
        "user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False
    )


users = sa.Table(
    "users",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("name", NAME, nullable=False, unique=True),
    sa.Column("password_hash", sa.Text, nullable=False),
    sa.Column("role", sa.String(10), nullable=False),
    sa.Column("post", CODE, nullable=True),
    sa.Column("active", sa.Boolean, nullable=False),
    sa.Column("created_at", WHEN, nullable=False),
    sa.Column("created_by", NAME, nullable=False),
    sa.Column("password_changed_at", WHEN, nullable=False),
    sa.CheckConstraint("role IN ('admin', 'lead', 'officer', 'viewer')", name="role"),
    sa.CheckConstraint("role <> 'officer' OR post IS NOT NULL", name="officer_post"),
    sqlite_autoincrement=True,  # ids are never reused
)

sessions = sa.Table(
    "sessions",
    metadata,
    sa.Column("id_hash", DIGEST, primary_key=True),
    _user_key(),
    sa.Column("csrf_token", sa.String(100), nullable=False),
    sa.Column("created_at", WHEN, nullable=False),
    sa.Column("expires_at", WHEN, nullable=False),
    sa.Index(None, "user_id"),
)

api_tokens = sa.Table(
    "api_tokens",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    _user_key(),
    sa.Column("label", NAME, nullable=False),
    sa.Column("token_hash", DIGEST, nullable=False, unique=True),
    sa.Column("hint", sa.String(20), nullable=False),
    sa.Column("created_at", WHEN, nullable=False),
    sa.Column("created_by", NAME, nullable=False),
    sa.Column("last_used_at", WHEN, nullable=True),
    sa.Column("revoked_at", WHEN, nullable=True),
    sa.Index(None, "user_id"),
    sqlite_autoincrement=True,
)

login_failures = sa.Table(
    "login_failures",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("name", NAME, nullable=False),
    sa.Column("address", ADDRESS, nullable=False),
    sa.Column("at", WHEN, nullable=False),
    sa.Index(None, "name", "at"),
    sa.Index(None, "address", "at"),
    sqlite_autoincrement=True,
)
