"""Team mode's accounts: users and their roles, passwords, sessions and API tokens.

- :mod:`~whipcount.accounts.users`: the :class:`User` and :class:`ApiToken` entities
  and the checks of names, roles and posts;
- :mod:`~whipcount.accounts.roles`: what each role may do (the permission functions
  pages and API routes call);
- :mod:`~whipcount.accounts.passwords`: argon2id hashing and the password rules;
- :mod:`~whipcount.accounts.tables`: the tables, in the campaign database's metadata
  (one migration history);
- :mod:`~whipcount.accounts.store`: :class:`~whipcount.accounts.store.AccountStore`,
  the one write path (users, sign-in with rate limiting, sessions, API tokens).

Only the entities and the permission functions are imported here, so that pages can
use them without touching the database layer.
"""

from whipcount.accounts.roles import can_admin, can_report, can_view_audit, can_write_campaigns
from whipcount.accounts.users import ROLES, ApiToken, Role, User

__all__ = [
    "ROLES",
    "ApiToken",
    "Role",
    "User",
    "can_admin",
    "can_report",
    "can_view_audit",
    "can_write_campaigns",
]
