"""The account store on SQLite and PostgreSQL: users, argon2 hashes, sign-in with rate
limiting shared by processes, sessions, API tokens, and the audit trail of changes."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
import sqlalchemy as sa
from argon2 import PasswordHasher

from tests.accounts.conftest import Clock
from tests.web.team_fixtures import fast_passwords
from whipcount.accounts import limits
from whipcount.accounts.passwords import Passwords
from whipcount.accounts.store import AccountStore
from whipcount.accounts.tables import api_tokens, login_failures, sessions, users
from whipcount.campaign import database, tables
from whipcount.campaign.repository import CampaignStore
from whipcount.errors import (
    AccountInputError,
    AccountNotFoundError,
    AuthenticationError,
    RateLimitedError,
)

PASSWORD = "correct horse battery"
ADDRESS = "192.0.2.1"


def column(accounts: AccountStore, query: sa.Select[tuple[str]]) -> list[str]:
    with accounts.engine.connect() as connection:
        return [str(v) for v in connection.execute(query).scalars()]


def test_users_are_added_checked_and_listed(accounts: AccountStore) -> None:
    added = accounts.add_user(" Alice ", PASSWORD, role="Admin", actor="setup")
    assert (added.name, added.role, added.post, added.active) == ("alice", "admin", None, True)
    officer = accounts.add_user("officer.bra", PASSWORD, role="officer", post="bra", actor="alice")
    assert officer.post == "BRA"
    assert [u.name for u in accounts.users()] == ["alice", "officer.bra"]
    assert accounts.user("ALICE") == added
    assert accounts.user_by_id(added.id) == added and accounts.user_by_id(999) is None
    refusals = [
        ({"name": "alice"}, "already exists"),
        ({"name": "bad name"}, "not a valid user name"),
        ({"name": "x" * 65}, "not a valid user name"),
        ({"role": "boss"}, "unknown role"),
        ({"role": "officer"}, "needs a post"),
        ({"role": "officer", "post": "BR"}, "not an ISO3 code"),
        ({"password": "short"}, "at least 10"),
        ({"password": "x" * 1025}, "at most 1024"),
        ({"name": "carefulbob", "password": "CarefulBob"}, "not be the user's name"),
    ]
    for changes, message in refusals:
        fields = {"name": "new", "password": PASSWORD, "role": "viewer", **changes}
        name, password = fields.pop("name"), fields.pop("password")
        with pytest.raises(AccountInputError, match=message):
            accounts.add_user(name, password, actor="alice", **fields)
    assert len(accounts.users()) == 2
    with pytest.raises(AccountNotFoundError):
        accounts.user("nobody")


def test_passwords_are_argon2id_hashes(accounts: AccountStore) -> None:
    accounts.add_user("alice", PASSWORD, role="admin", actor="setup")
    (stored,) = column(accounts, sa.select(users.c.password_hash))
    assert stored.startswith("$argon2id$") and PASSWORD not in stored
    accounts.add_user("bob", PASSWORD, role="viewer", actor="setup")
    assert len(set(column(accounts, sa.select(users.c.password_hash)))) == 2  # salted
    assert accounts.authenticate("alice", PASSWORD, address=ADDRESS).name == "alice"
    passwords = Passwords()
    assert passwords.verify(passwords.hash(PASSWORD), PASSWORD)
    assert not passwords.verify("not a hash", PASSWORD)
    assert not passwords.verify(passwords.hash(PASSWORD), "x" * 2000)
    assert passwords.needs_rehash("not a hash")


def test_a_sign_in_rehashes_with_new_parameters(accounts: AccountStore, clock: Clock) -> None:
    accounts.add_user("alice", PASSWORD, role="admin", actor="setup")
    stronger = Passwords(PasswordHasher(time_cost=2, memory_cost=2048, parallelism=1))
    upgraded = AccountStore(accounts.engine, passwords=stronger, clock=clock)
    (old,) = column(accounts, sa.select(users.c.password_hash))
    assert stronger.needs_rehash(old)
    upgraded.authenticate("alice", PASSWORD, address=ADDRESS)
    (new,) = column(accounts, sa.select(users.c.password_hash))
    assert new != old and not stronger.needs_rehash(new) and "t=2" in new
    assert accounts.authenticate("alice", PASSWORD, address=ADDRESS).name == "alice"


def test_wrong_passwords_unknown_and_inactive_users(accounts: AccountStore) -> None:
    accounts.add_user("alice", PASSWORD, role="admin", actor="setup")
    accounts.add_user("bob", PASSWORD, role="viewer", actor="setup")
    for name, password in (("alice", "wrong password"), ("nobody", PASSWORD)):
        with pytest.raises(AuthenticationError, match=r"^wrong name or password$"):
            accounts.authenticate(name, password, address=ADDRESS)
    accounts.update_user("bob", active=False, actor="alice")
    with pytest.raises(AuthenticationError, match=r"^wrong name or password$"):
        accounts.authenticate("bob", PASSWORD, address=ADDRESS)


def test_five_failures_for_a_name_wait_out_the_window(
    accounts: AccountStore, clock: Clock, database_url: str
) -> None:
    accounts.add_user("alice", PASSWORD, role="admin", actor="setup")
    for minute in range(limits.PER_NAME):
        clock.advance(minutes=1)
        with pytest.raises(AuthenticationError):
            accounts.authenticate("alice", f"guess {minute}", address=f"198.51.100.{minute}")
    # another process (its own engine) sees the same failures
    other = AccountStore(sa.create_engine(database_url), passwords=fast_passwords(), clock=clock)
    with pytest.raises(RateLimitedError) as refused:
        other.authenticate("alice", PASSWORD, address="203.0.113.9")
    other.engine.dispose()
    # the first failure was 4 minutes ago: it leaves the 15-minute window in 11 minutes
    assert refused.value.retry_after == 11 * 60
    clock.advance(seconds=refused.value.retry_after)
    assert accounts.authenticate("alice", PASSWORD, address=ADDRESS).name == "alice"
    # success forgot the name's failures
    with pytest.raises(AuthenticationError):
        accounts.authenticate("alice", "one more guess", address=ADDRESS)
    assert accounts.authenticate("alice", PASSWORD, address=ADDRESS).name == "alice"


def test_an_address_is_limited_across_names(accounts: AccountStore, clock: Clock) -> None:
    accounts.add_user("alice", PASSWORD, role="admin", actor="setup")
    for i in range(limits.PER_ADDRESS):
        with pytest.raises(AuthenticationError):
            accounts.authenticate(f"user{i}", PASSWORD, address=ADDRESS)
    with pytest.raises(RateLimitedError, match="try again in 900 seconds"):
        accounts.authenticate("alice", PASSWORD, address=ADDRESS)
    assert accounts.authenticate("alice", PASSWORD, address="192.0.2.2").name == "alice"
    clock.advance(minutes=15, seconds=1)
    assert accounts.authenticate("alice", PASSWORD, address=ADDRESS).name == "alice"
    with pytest.raises(AuthenticationError):  # a huge name is cut, not an error
        accounts.authenticate("x" * 500, PASSWORD, address="a" * 100)


def test_sessions_expire_end_and_die_with_the_password(
    accounts: AccountStore, clock: Clock
) -> None:
    alice = accounts.add_user("alice", PASSWORD, role="admin", actor="setup")
    bob = accounts.add_user("bob", PASSWORD, role="viewer", actor="alice")
    session = accounts.create_session(alice, hours=1)
    assert accounts.session(session.id) == (alice, session.csrf_token)
    assert column(accounts, sa.select(sessions.c.id_hash)) != [session.id]  # stored hashed
    assert accounts.session("not a session") is None
    clock.advance(minutes=61)
    assert accounts.session(session.id) is None
    again = accounts.create_session(alice, hours=1)  # and the expired row is deleted
    assert len(column(accounts, sa.select(sessions.c.id_hash))) == 1
    accounts.end_session(again.id)
    assert accounts.session(again.id) is None
    first, second = accounts.create_session(bob, hours=1), accounts.create_session(alice, hours=1)
    accounts.set_password("bob", "a brand new password", actor="alice")
    assert accounts.session(first.id) is None and accounts.session(second.id) is not None
    accounts.add_user("carol", PASSWORD, role="admin", actor="alice")
    accounts.update_user("alice", active=False, actor="carol")
    assert accounts.session(second.id) is None
    assert accounts.authenticate("bob", "a brand new password", address=ADDRESS).name == "bob"


def test_roles_posts_and_the_last_admin(accounts: AccountStore) -> None:
    accounts.add_user("alice", PASSWORD, role="admin", actor="setup")
    accounts.add_user("bob", PASSWORD, role="viewer", actor="alice")
    officer = accounts.update_user("bob", role="officer", post="fra", actor="alice")
    assert (officer.role, officer.post) == ("officer", "FRA")
    with pytest.raises(AccountInputError, match="needs a post"):
        accounts.update_user("bob", post="", actor="alice")
    assert accounts.update_user("bob", role="lead", post="", actor="alice").post is None
    for change in ({"role": "lead"}, {"active": False}):
        with pytest.raises(AccountInputError, match="last active admin"):
            accounts.update_user("alice", actor="alice", **change)  # type: ignore[arg-type]
    accounts.update_user("bob", role="admin", actor="alice")
    assert accounts.update_user("alice", role="viewer", actor="bob").role == "viewer"
    with pytest.raises(AccountNotFoundError):
        accounts.update_user("nobody", role="lead", actor="bob")


def test_api_tokens_are_shown_once_and_revocable(accounts: AccountStore, clock: Clock) -> None:
    accounts.add_user("alice", PASSWORD, role="admin", actor="setup")
    lead = accounts.add_user("lead", PASSWORD, role="lead", actor="alice")
    secret, token = accounts.create_token("lead", label="nightly import", actor="alice")
    assert secret.startswith("wc_") and len(secret) > 40 and secret.startswith(token.hint)
    stored = column(accounts, sa.select(api_tokens.c.token_hash))
    assert stored != [secret] and len(stored[0]) == 64
    assert token.last_used_at is None and token.active
    assert accounts.token_user(secret) == lead
    used = accounts.tokens("lead")[0].last_used_at
    assert used == clock.now
    clock.advance(seconds=30)
    accounts.token_user(secret)
    assert accounts.tokens()[0].last_used_at == used  # at most once a minute
    assert accounts.token_user(secret + "x") is None and accounts.token_user("Bearer x") is None
    revoked = accounts.revoke_token(token.id, actor="alice")
    assert revoked.revoked_at is not None and not revoked.active
    assert accounts.token_user(secret) is None
    assert accounts.revoke_token(token.id, actor="alice") == revoked  # twice: no change
    for missing in (999, 0, 2**40):
        with pytest.raises(AccountNotFoundError):
            accounts.revoke_token(missing, actor="alice")
    with pytest.raises(AccountInputError, match="label"):
        accounts.create_token("lead", label=" ", actor="alice")
    with pytest.raises(AccountNotFoundError):
        accounts.create_token("nobody", label="x", actor="alice")
    other, _ = accounts.create_token("lead", label="second", actor="alice")
    accounts.update_user("lead", active=False, actor="alice")
    assert accounts.token_user(other) is None  # an inactive user's tokens stop working
    assert [t.label for t in accounts.tokens()] == ["nightly import", "second"]


def test_every_account_change_is_audited_without_secrets(
    accounts: AccountStore, clock: Clock
) -> None:
    accounts.add_user("alice", PASSWORD, role="admin", actor="setup")
    accounts.add_user("bob", PASSWORD, role="viewer", actor="alice")
    accounts.update_user("bob", role="lead", actor="alice")
    accounts.update_user("bob", role="lead", actor="alice")  # no change, no row
    clock.advance(hours=1)
    accounts.set_password("bob", "another good password", actor="alice")
    secret, token = accounts.create_token("bob", label="script", actor="alice")
    accounts.revoke_token(token.id, actor="alice")
    with accounts.engine.connect() as connection:
        rows = connection.execute(sa.select(tables.audit).order_by(tables.audit.c.id)).mappings()
        trail = [dict(row) for row in rows]
    assert [(r["actor"], r["entity"], r["entity_key"], r["action"]) for r in trail] == [
        ("setup", "user", "alice", "create"),
        ("alice", "user", "bob", "create"),
        ("alice", "user", "bob", "update"),
        ("alice", "user", "bob", "update"),
        ("alice", "api_token", str(token.id), "create"),
        ("alice", "api_token", str(token.id), "update"),
    ]
    assert trail[2]["before"]["role"] == "viewer" and trail[2]["after"]["role"] == "lead"
    assert trail[3]["before"]["password_changed_at"] != trail[3]["after"]["password_changed_at"]
    text = repr(trail)
    assert "argon2" not in text and secret not in text and PASSWORD not in text
    assert all(r["campaign"] is None for r in trail)


def test_simultaneous_guesses_cannot_pass_the_limit(
    accounts: AccountStore, database_url: str
) -> None:
    """A burst of wrong passwords at once: each is counted before its password is
    checked, so no more than the limit are ever checked."""
    accounts.add_user("victim", PASSWORD, role="admin", actor="setup")
    checked: list[str] = []
    verify = accounts.passwords.verify

    def counting(stored: str, password: str) -> bool:
        checked.append(password)
        return verify(stored, password)

    accounts.passwords.verify = counting  # type: ignore[method-assign]

    def guess(i: int) -> str:
        try:
            accounts.authenticate("victim", f"guess {i}", address=f"198.51.100.{i}")
        except RateLimitedError:
            return "limited"
        except AuthenticationError:
            return "wrong"
        return "in"

    with ThreadPoolExecutor(max_workers=12) as pool:
        outcomes = list(pool.map(guess, range(30)))
    assert outcomes.count("wrong") == limits.PER_NAME == len(checked)
    assert outcomes.count("limited") == 30 - limits.PER_NAME
    with pytest.raises(RateLimitedError):  # and the right password waits too
        accounts.authenticate("victim", PASSWORD, address=ADDRESS)


def test_a_right_password_takes_back_its_own_failure(accounts: AccountStore) -> None:
    accounts.add_user("alice", PASSWORD, role="admin", actor="setup")
    for _ in range(limits.PER_ADDRESS + 5):  # never counted against the address
        assert accounts.authenticate("alice", PASSWORD, address=ADDRESS).name == "alice"
    with database.reading(accounts.engine) as connection:
        assert (
            connection.execute(sa.select(sa.func.count()).select_from(login_failures)).scalar() == 0
        )


def test_two_admins_demoting_each_other_at_once_leave_one(
    accounts: AccountStore, database_url: str, clock: Clock
) -> None:
    accounts.add_user("ana", PASSWORD, role="admin", actor="setup")
    accounts.add_user("ben", PASSWORD, role="admin", actor="setup")
    stores = [  # two server processes: each its own engine, set up as the app sets it up
        AccountStore(CampaignStore(database_url).engine, passwords=fast_passwords(), clock=clock)
        for _ in range(2)
    ]
    start = threading.Barrier(2)

    def demote(pair: tuple[AccountStore, str, str]) -> str:
        store, actor, other = pair
        start.wait()
        try:
            store.update_user(other, role="viewer", actor=actor)
        except AccountInputError:
            return "refused"
        return "done"

    with ThreadPoolExecutor(max_workers=2) as pool:
        outcomes = sorted(pool.map(demote, [(stores[0], "ana", "ben"), (stores[1], "ben", "ana")]))
    for store in stores:
        store.engine.dispose()
    assert outcomes == ["done", "refused"]
    assert [u.name for u in accounts.users() if u.role == "admin" and u.active] in (
        ["ana"],
        ["ben"],
    )
