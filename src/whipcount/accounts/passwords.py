"""Passwords: argon2id hashes (argon2-cffi) and the rules a new password must meet.

:class:`Passwords` wraps a :class:`argon2.PasswordHasher` (the library's defaults,
RFC 9106's second recommendation: argon2id, 3 passes, 64 MiB, 4 lanes).  A hash made
with other parameters still verifies, and :meth:`Passwords.needs_rehash` says when a
successful sign-in should store a new hash, so raising the parameters upgrades every
account as its owner next signs in.  Verifying against :data:`Passwords.dummy` when no
such user exists takes as long as a real check, so the time of an answer does not tell
which names exist.

A new password has at least :data:`MIN_LENGTH` characters, at most :data:`MAX_LENGTH`
(a hash of a megabyte would be a cheap way to burn the server's time), and is not the
user's name.
"""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from whipcount.errors import AccountInputError

__all__ = ["MAX_LENGTH", "MIN_LENGTH", "Passwords", "check_password"]

MIN_LENGTH = 10
MAX_LENGTH = 1024


def check_password(password: str, *, name: str) -> None:
    """Raise :class:`AccountInputError` if ``password`` breaks the rules above."""
    if len(password) < MIN_LENGTH:
        raise AccountInputError(f"a password needs at least {MIN_LENGTH} characters")
    if len(password) > MAX_LENGTH:
        raise AccountInputError(f"a password has at most {MAX_LENGTH} characters")
    if password.strip().casefold() == name.strip().casefold():
        raise AccountInputError("a password must not be the user's name")


class Passwords:
    """Hash and verify passwords with one argon2 parameter set."""

    def __init__(self, hasher: PasswordHasher | None = None) -> None:
        self.hasher = hasher or PasswordHasher()
        #: a hash of nothing anyone knows, verified when a name does not exist
        self.dummy = self.hasher.hash("whipcount: no such user")

    def hash(self, password: str) -> str:
        """A new salted argon2id hash of ``password`` (the PHC string)."""
        return self.hasher.hash(password)

    def verify(self, stored: str, password: str) -> bool:
        """Whether ``password`` matches the ``stored`` hash (False for a broken hash)."""
        if len(password) > MAX_LENGTH:
            return False
        try:
            return self.hasher.verify(stored, password)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False

    def needs_rehash(self, stored: str) -> bool:
        """Whether ``stored`` was made with other parameters than this hasher's."""
        try:
            return self.hasher.check_needs_rehash(stored)
        except InvalidHashError:
            return True
