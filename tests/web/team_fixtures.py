"""A team-mode app on a small campaign, for the authentication and permission tests.

The campaign (:data:`CAMPAIGN`, members :data:`MEMBERS`) is stored directly with a
small but complete snapshot (a flat forecast, no persuadability signal), so that its
board, reports and contacts work without fitting a forecast.  Users of every role are
added with a fast argon2 parameter set (the hashing itself is tested in
``tests/accounts``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from argon2 import PasswordHasher
from fastapi.testclient import TestClient

from tests.campaign.conftest import campaign_fields
from whipcount.accounts.passwords import Passwords
from whipcount.accounts.store import AccountStore

CAMPAIGN = "cuba-embargo"
MEMBERS = ("ARG", "BRA", "CUB", "FRA", "USA")
SECRET = "k9Vq2-x7LmP0aZ4rT8yW1nB6cD3eF5gH_jsUo"
PASSWORD = "a long enough password"
#: name: (role, post)
USERS = {
    "root": ("admin", None),
    "lead": ("lead", None),
    "brasilia": ("officer", "BRA"),
    "viewer": ("viewer", None),
}


def fast_passwords() -> Passwords:
    return Passwords(PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))


def full_snapshot(members: tuple[str, ...] = MEMBERS) -> dict[str, Any]:
    """A snapshot the board can be built from: even odds for every member."""
    n = len(members)
    nans: list[float | None] = [None] * n
    return {
        "version": 1,
        "members": list(members),
        "names": {code: code.title() for code in members},
        "forecast": {
            "p": [[0.4, 0.3, 0.2, 0.1] for _ in members],
            "groups": [0] * n,
            "correlation": {"absent": 0.1, "global": 0.1, "group": 0.1},
            "calls": ["yes"] * n,
            "reasons": [["flat"] for _ in members],
            "target": {
                "series": "cuba embargo",
                "session": 81,
                "title": "Cuba",
                "date": "2026-11-03",
            },
            "as_of": "2026-10-01",
        },
        "reference_yes": 3,
        "persuadability": {
            "members": list(members),
            "p_change": [0.2] * n,
            "p_toward": [0.5] * n,
            "follow": [[1.0 if i == j else 0.0 for j in range(n)] for i in range(n)],
            "features": {"distance": nans},
            "lobbyist": "USA",
        },
    }


def create_campaign(url: str) -> None:
    from whipcount.campaign.repository import CampaignStore

    with CampaignStore(url) as store:
        store.create_campaign(**campaign_fields(name=CAMPAIGN, snapshot=full_snapshot()))
        # BRA's embassy also covers ARG; the others keep their own
        store.edit_member(CAMPAIGN, iso3="ARG", post="BRA", actor="setup")


def add_users(accounts: AccountStore) -> None:
    for name, (role, post) in USERS.items():
        accounts.add_user(name, PASSWORD, role=role, post=post, actor="setup")


@dataclass
class SignedIn:
    """A client signed in through the form, with its session's CSRF token."""

    client: TestClient
    csrf: str

    def write(self, method: str, url: str, **kwargs: Any) -> Any:
        headers = {"X-CSRF-Token": self.csrf, **kwargs.pop("headers", {})}
        return self.client.request(method, url, headers=headers, **kwargs)


def sign_in(client: TestClient, name: str, password: str = PASSWORD) -> SignedIn:
    """Sign ``client`` in through the login form; its CSRF token from a page."""
    form = client.get("/login")
    token = client.cookies.get("whipcount_login")
    assert form.status_code == 200 and token, form.text
    answer = client.post(
        "/login",
        data={"name": name, "password": password, "csrf_token": token, "next": "/admin/users"},
        follow_redirects=False,
    )
    assert answer.status_code == 303, answer.text
    page = client.get("/login?next=/", follow_redirects=True)
    found = re.search(r'name="csrf-token" content="([^"]*)"', page.text)
    assert found and found.group(1), page.text[:500]
    return SignedIn(client, found.group(1))
