"""The account store: users, sign-in, sessions and API tokens, on the campaign database.

:class:`AccountStore` works on the engine of the campaign database
(:mod:`whipcount.campaign.database`: its transactions, SQLite's write lock, the
migrations that also create the accounts' tables), so a team deployment has one
database, one backup and one migration history.  The web app builds one on its
campaign store's engine; the CLI opens one with :meth:`AccountStore.open`.

Every change to a user or a token is one transaction that also writes a row of the
audit trail (entity ``user`` or ``api_token``, no campaign; never a hash or a secret).
Sign-in (:meth:`AccountStore.authenticate`) is rate-limited (:mod:`.limits`); a
successful one rehashes the password when the hasher's parameters have changed.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from contextlib import AbstractContextManager
from types import TracebackType
from typing import Any, cast

import sqlalchemy as sa

from whipcount.accounts import credentials, limits
from whipcount.accounts.credentials import NewSession, Principal
from whipcount.accounts.passwords import Passwords, check_password
from whipcount.accounts.tables import api_tokens, sessions, users
from whipcount.accounts.users import ApiToken, Role, User, check_name, check_post, check_role
from whipcount.campaign import database, tables
from whipcount.campaign.entities import utc
from whipcount.errors import (
    AccountInputError,
    AccountNotFoundError,
    AuthenticationError,
    RateLimitedError,
)
from whipcount.settings import Settings

__all__ = ["AccountStore"]

_WRONG = "wrong name or password"
_TEXT = 200  # the longest name or address kept of a failed sign-in
#: password checks at once in this process (each argon2 check takes 64 MiB)
_VERIFYING = threading.BoundedSemaphore(4)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class AccountStore:
    """The accounts of the campaign database behind ``engine`` (already migrated).

    Parameters
    ----------
    engine
        The campaign database's engine (``CampaignStore.engine``).
    passwords
        The password hasher (default: argon2id with argon2-cffi's parameters).
    clock
        The current UTC time (tests move it to let failures leave the window).
    """

    def __init__(
        self,
        engine: sa.Engine,
        *,
        passwords: Passwords | None = None,
        clock: Callable[[], dt.datetime] = _now,
    ) -> None:
        self.engine = engine
        self.passwords = passwords or Passwords()
        self.clock = clock
        self._on_close: Callable[[], None] | None = None

    @classmethod
    def open(cls, settings: Settings, *, passwords: Passwords | None = None) -> AccountStore:
        """The accounts of the campaign database ``settings`` names (opened and migrated
        as :meth:`CampaignStore.open` does); :meth:`close` closes it."""
        from whipcount.campaign.repository import CampaignStore

        campaigns = CampaignStore.open(settings)
        store = cls(campaigns.engine, passwords=passwords)
        store._on_close = campaigns.close
        return store

    def close(self) -> None:
        if self._on_close is not None:
            self._on_close()

    def __enter__(self) -> AccountStore:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def _write(self) -> AbstractContextManager[sa.Connection]:
        return database.writing_or(self.engine, AccountInputError)

    # -- users ----------------------------------------------------------------------------

    def add_user(
        self, name: str, password: str, *, role: str, post: str | None = None, actor: str
    ) -> User:
        """Add an active user (:class:`AccountInputError` for a taken name, an unknown
        role, an officer without a post, or a weak password)."""
        name, checked = check_name(name), check_role(role)
        post = check_post(checked, post)
        check_password(password, name=name)
        hashed = self.passwords.hash(password)
        now = self.clock()
        with self._write() as connection:
            if _find(connection, name) is not None:
                raise AccountInputError(f"a user named {name!r} already exists")
            connection.execute(
                sa.insert(users).values(
                    name=name,
                    password_hash=hashed,
                    role=checked,
                    post=post,
                    active=True,
                    created_at=now,
                    created_by=actor,
                    password_changed_at=now,
                )
            )
            added = _load(connection, name)
            _audit(connection, at=now, actor=actor, entity="user", key=name, after=added.document())
            return added

    def user(self, name: str) -> User:
        """The user named ``name`` (:class:`AccountNotFoundError` if there is none)."""
        with database.reading(self.engine) as connection:
            return _load(connection, name.strip().lower())

    def user_by_id(self, user_id: int) -> User | None:
        with database.reading(self.engine) as connection:
            row = connection.execute(sa.select(users).where(users.c.id == user_id)).mappings()
            found = row.first()
            return None if found is None else _user(found)

    def users(self) -> list[User]:
        """Every user, by name."""
        with database.reading(self.engine) as connection:
            rows = connection.execute(sa.select(users).order_by(users.c.name)).mappings()
            return [_user(row) for row in rows]

    def set_password(self, name: str, password: str, *, actor: str) -> User:
        """Change the password; every session of the user ends."""
        before = self.user(name)
        check_password(password, name=before.name)
        hashed = self.passwords.hash(password)
        now = self.clock()
        with self._write() as connection:
            connection.execute(
                sa.update(users)
                .where(users.c.id == before.id)
                .values(password_hash=hashed, password_changed_at=now)
            )
            connection.execute(sa.delete(sessions).where(sessions.c.user_id == before.id))
            after = _load(connection, before.name)
            _audit(
                connection,
                at=now,
                actor=actor,
                entity="user",
                key=after.name,
                before=before.document(),
                after=after.document(),
            )
            return after

    def update_user(
        self,
        name: str,
        *,
        role: str | None = None,
        post: str | None = None,
        active: bool | None = None,
        actor: str,
    ) -> User:
        """Change a user's role, post (``""`` clears it) or whether they may sign in.
        Deactivating ends the user's sessions; the last active admin cannot be demoted
        or deactivated."""
        with self._write() as connection:
            _lock_users(connection)  # two admins demoting each other: one waits
            before = _load(connection, name.strip().lower())
            new_role: Role = before.role if role is None else check_role(role)
            new_post = before.post if post is None else (post or None)
            new_post = check_post(new_role, new_post)
            new_active = before.active if active is None else active
            losing_admin = before.role == "admin" and before.active
            demoted = new_role != "admin" or not new_active
            if losing_admin and demoted and _active_admins(connection) <= 1:
                raise AccountInputError(
                    f"{before.name} is the last active admin; make another admin first"
                )
            connection.execute(
                sa.update(users)
                .where(users.c.id == before.id)
                .values(role=new_role, post=new_post, active=new_active)
            )
            if not new_active:
                connection.execute(sa.delete(sessions).where(sessions.c.user_id == before.id))
            after = _load(connection, before.name)
            if after != before:
                _audit(
                    connection,
                    at=self.clock(),
                    actor=actor,
                    entity="user",
                    key=after.name,
                    before=before.document(),
                    after=after.document(),
                )
            return after

    # -- signing in -----------------------------------------------------------------------

    def authenticate(self, name: str, password: str, *, address: str) -> User:
        """The active user ``name`` whose password this is.

        Raises
        ------
        RateLimitedError
            Too many recent failures for the name or the address (:mod:`.limits`);
            the password is not even checked.
        AuthenticationError
            A wrong name or password, or an inactive user (one message for all).
        """
        tried, address = name.strip().lower()[:_TEXT], address[:64]
        now = self.clock()
        with self._write() as connection:
            limits.lock(connection)
            wait = limits.retry_after(connection, name=tried, address=address, now=now)
            attempt = None
            if wait is None:  # counted as a failure until the password proves right
                attempt = limits.record_failure(connection, name=tried, address=address, now=now)
            row = connection.execute(sa.select(users).where(users.c.name == tried)).mappings()
            found = row.first()
        if wait is not None:
            raise RateLimitedError(
                f"too many failed sign-ins; try again in {wait} seconds", retry_after=wait
            )
        stored = self.passwords.dummy if found is None else found["password_hash"]
        with _VERIFYING:  # argon2 takes 64 MiB a check: a few at a time
            right = self.passwords.verify(stored, password) and found is not None
        if not right or found is None or not found["active"]:
            raise AuthenticationError(_WRONG)
        with self._write() as connection:
            limits.clear(connection, name=tried, attempt=attempt)
            if self.passwords.needs_rehash(stored):
                connection.execute(
                    sa.update(users)
                    .where(users.c.id == found["id"])
                    .values(password_hash=self.passwords.hash(password))
                )
        return _user(found)

    # -- sessions -------------------------------------------------------------------------

    def create_session(self, user: User, *, hours: float) -> NewSession:
        """A new session of ``user`` lasting ``hours``."""
        with self._write() as connection:
            return credentials.new_session(
                connection, user_id=user.id, now=self.clock(), lifetime=dt.timedelta(hours=hours)
            )

    def session(self, session_id: str) -> tuple[User, str] | None:
        """The active user of an unexpired session and its CSRF token, or None."""
        with database.reading(self.engine) as connection:
            found = credentials.session_principal(connection, session_id, now=self.clock())
            return None if found is None else (_by_id(connection, found), found.csrf_token)

    def end_session(self, session_id: str) -> None:
        """Sign out: delete the session."""
        with self._write() as connection:
            digest = credentials.digest(session_id)
            connection.execute(sa.delete(sessions).where(sessions.c.id_hash == digest))

    # -- API tokens -----------------------------------------------------------------------

    def create_token(self, name: str, *, label: str, actor: str) -> tuple[str, ApiToken]:
        """A new API token of user ``name``: the secret (shown once) and its record."""
        label = label.strip()
        if not label or len(label) > _TEXT:
            raise AccountInputError("an API token needs a label of 1 to 200 characters")
        now = self.clock()
        with self._write() as connection:
            owner = _load(connection, name.strip().lower())
            secret, token_id = credentials.new_token(
                connection, user_id=owner.id, label=label, now=now, actor=actor
            )
            made = _tokens(connection, api_tokens.c.id == token_id)[0]
            _audit(
                connection,
                at=now,
                actor=actor,
                entity="api_token",
                key=str(token_id),
                after=made.document(),
            )
            return secret, made

    def tokens(self, name: str | None = None) -> list[ApiToken]:
        """The API tokens (of user ``name``, or everyone's), oldest first."""
        with database.reading(self.engine) as connection:
            which = sa.true() if name is None else users.c.name == name.strip().lower()
            return _tokens(connection, which)

    def revoke_token(self, token_id: int, *, actor: str) -> ApiToken:
        """Revoke a token (:class:`AccountNotFoundError` if there is no such token)."""
        now = self.clock()
        with self._write() as connection:
            found = _tokens(connection, api_tokens.c.id == token_id) if 0 < token_id < 2**31 else []
            if not found:
                raise AccountNotFoundError(f"no API token with id {token_id}")
            if found[0].revoked_at is None:
                connection.execute(
                    sa.update(api_tokens).where(api_tokens.c.id == token_id).values(revoked_at=now)
                )
            after = _tokens(connection, api_tokens.c.id == token_id)[0]
            if after != found[0]:
                _audit(
                    connection,
                    at=now,
                    actor=actor,
                    entity="api_token",
                    key=str(token_id),
                    before=found[0].document(),
                    after=after.document(),
                )
            return after

    def token_user(self, token: str) -> User | None:
        """The active user of an unrevoked API token, or None."""
        now = self.clock()
        with database.reading(self.engine) as connection:
            found = credentials.token_principal(connection, token, now=now)
            if found is None:
                return None
            principal, token_id, due = found
            user = _by_id(connection, principal)
        if due:
            with self._write() as connection:
                credentials.touch_token(connection, token_id, now=now)
        return user


# -- rows ---------------------------------------------------------------------------------


def _user(row: sa.RowMapping) -> User:
    return User(
        id=row["id"],
        name=row["name"],
        role=cast(Role, row["role"]),
        post=row["post"],
        active=bool(row["active"]),
        created_at=utc(row["created_at"]),
        password_changed_at=utc(row["password_changed_at"]),
    )


def _find(connection: sa.Connection, name: str) -> User | None:
    row = connection.execute(sa.select(users).where(users.c.name == name)).mappings().first()
    return None if row is None else _user(row)


def _load(connection: sa.Connection, name: str) -> User:
    found = _find(connection, name)
    if found is None:
        raise AccountNotFoundError(f"no user named {name!r}")
    return found


def _by_id(connection: sa.Connection, principal: Principal) -> User:
    row = connection.execute(sa.select(users).where(users.c.id == principal.user_id)).mappings()
    return _user(row.one())


#: the PostgreSQL advisory lock serialising changes of roles ("wcusers")
_USERS_LOCK = 0x7763_7573_6572


def _lock_users(connection: sa.Connection) -> None:
    """Serialise role changes for the rest of this transaction (PostgreSQL; SQLite's
    write transaction already holds the database's one write lock), so that the count
    of active admins cannot change between its reading and the change."""
    if connection.dialect.name == "postgresql":
        connection.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": _USERS_LOCK})


def _active_admins(connection: sa.Connection) -> int:
    query = sa.select(sa.func.count()).where(users.c.role == "admin", users.c.active.is_(True))
    return int(connection.execute(query).scalar_one())


def _tokens(connection: sa.Connection, which: sa.ColumnElement[bool]) -> list[ApiToken]:
    query = (
        sa.select(api_tokens, users.c.name)
        .join(users, users.c.id == api_tokens.c.user_id)
        .where(which)
        .order_by(api_tokens.c.id)
    )
    return [
        ApiToken(
            id=row["id"],
            user=row["name"],
            label=row["label"],
            hint=row["hint"],
            created_at=utc(row["created_at"]),
            last_used_at=None if row["last_used_at"] is None else utc(row["last_used_at"]),
            revoked_at=None if row["revoked_at"] is None else utc(row["revoked_at"]),
        )
        for row in connection.execute(query).mappings()
    ]


def _audit(
    connection: sa.Connection,
    *,
    at: dt.datetime,
    actor: str,
    entity: str,
    key: str,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> None:
    """One row of the audit trail, in the change's transaction (no campaign): a
    creation without ``before``, an update with both."""
    connection.execute(
        sa.insert(tables.audit).values(
            at=at,
            actor=actor,
            campaign_id=None,
            campaign=None,
            entity=entity,
            entity_key=key,
            action="create" if before is None else "update",
            before=before,
            after=after,
        )
    )
