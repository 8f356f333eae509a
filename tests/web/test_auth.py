"""Team mode's sign-in: every route refused without it, sessions, CSRF, API tokens,
rate limiting, and the Origin check (which also guards single-user mode).

A team-mode app over a small campaign (:mod:`tests.web.team_fixtures`) on SQLite and
on PostgreSQL; each test signs in with its own client.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from itsdangerous import URLSafeTimedSerializer
from pydantic import SecretStr
from starlette.routing import Mount

from tests.web.team_fixtures import (
    CAMPAIGN,
    PASSWORD,
    SECRET,
    add_users,
    create_campaign,
    fast_passwords,
    sign_in,
)
from whipcount.accounts.store import AccountStore
from whipcount.settings import Settings
from whipcount.web.app import create_app
from whipcount.web.auth import SESSION_COOKIE, account_store, safe_next

REPORTS = f"/api/campaigns/{CAMPAIGN}/members/BRA/reports"
REPORT = {"position": "lean yes", "source": "MFA", "reliability": 0.6}


@pytest.fixture(scope="module")
def app(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[FastAPI]:
    create_campaign(database_url)
    record = tmp_path_factory.mktemp("record") / "none.sqlite"
    settings = Settings(
        record=record, database_url=database_url, team=True, secret_key=SecretStr(SECRET)
    )
    built = create_app(settings)
    add_users(AccountStore(account_store(built).engine, passwords=fast_passwords()))
    yield built
    if built.state.store is not None:
        built.state.store.close()


def client(app: FastAPI, **kwargs: Any) -> TestClient:
    return TestClient(app, **kwargs)


def reports(app: FastAPI) -> int:
    from whipcount.campaign.repository import CampaignStore

    store: CampaignStore = app.state.store
    return len(store.reports(CAMPAIGN))


def concrete(path: str) -> str:
    """A route's path with its parameters filled in."""
    values = {"name": CAMPAIGN, "member": "BRA", "iso3": "BRA", "post": "BRA", "token_id": "1"}
    return re.sub(r"\{(\w+)(:[^}]*)?\}", lambda m: values.get(m.group(1), "x"), path)


def flat_routes(app: FastAPI) -> list[tuple[str, set[str] | None, bool]]:
    """(path, methods, is a mount) of every route of the app, included routers
    flattened (FastAPI wraps them; older versions list their routes directly)."""
    found: list[tuple[str, set[str] | None, bool]] = []
    for route in app.routes:
        contexts = getattr(route, "effective_route_contexts", None)
        if contexts is not None:
            for context in contexts():
                found.append(
                    (context.path, getattr(context.original_route, "methods", None), False)
                )
        else:
            found.append((route.path, getattr(route, "methods", None), isinstance(route, Mount)))  # type: ignore[attr-defined]
    return found


def every_route(app: FastAPI) -> list[tuple[str, str]]:
    """(method, concrete path) of every route the app serves (a mount: one path in it)."""
    found = []
    for path, methods, mount in flat_routes(app):
        if mount:
            found.append(("GET", f"{path}/x"))
            continue
        for method in sorted(methods or {"GET"}):
            if method != "HEAD":
                found.append((method, concrete(path)))
    return found


def test_every_route_is_refused_without_signing_in(app: FastAPI) -> None:
    routes = every_route(app)
    paths = {path for _, path in routes}
    assert {"/api/openapi.json", "/api/docs", "/api/campaigns", "/admin/users", "/audit"} <= paths
    assert "/login" in paths and any(p.startswith("/static/") for p in paths)
    anonymous = client(app)
    before = reports(app)
    for method, path in routes:
        answer = anonymous.request(method, path, follow_redirects=False)
        if path == "/login" or path.startswith("/static/"):
            assert answer.status_code != 401, (method, path)  # public (POST /login: 403, no form)
            assert not answer.headers.get("location", "").startswith("/login?")
        elif path.startswith("/api"):
            assert answer.status_code == 401, (method, path, answer.text)
            assert answer.json()["error"] == "AuthenticationError"
            assert answer.headers["www-authenticate"].startswith("Bearer")
        else:
            assert answer.status_code == 303, (method, path, answer.text)
            assert answer.headers["location"].startswith("/login?next=%2F"), (method, path)
    assert reports(app) == before


def test_static_files_and_the_sign_in_form_are_public(app: FastAPI) -> None:
    anonymous = client(app)
    assert anonymous.get("/static/whipcount.css").status_code == 200
    form = anonymous.get("/login?next=/campaigns")
    assert form.status_code == 200 and 'name="password"' in form.text
    assert 'value="/campaigns"' in form.text


def test_a_redirect_remembers_the_page_and_comes_back(app: FastAPI) -> None:
    browser = client(app)
    refused = browser.get(f"/campaigns/{CAMPAIGN}?x=1", follow_redirects=False)
    assert refused.headers["location"] == f"/login?next=%2Fcampaigns%2F{CAMPAIGN}%3Fx%3D1"
    browser.get("/login")
    answer = browser.post(
        "/login",
        data={"name": "viewer", "password": PASSWORD, "next": f"/campaigns/{CAMPAIGN}",
              "csrf_token": browser.cookies["whipcount_login"]},
        follow_redirects=False,
    )  # fmt: skip
    assert answer.status_code == 303 and answer.headers["location"] == f"/campaigns/{CAMPAIGN}"


@pytest.mark.parametrize(
    ("target", "safe"),
    [
        ("/campaigns/x?y=1", "/campaigns/x?y=1"),
        ("//evil.example/", "/"),
        ("/\\evil.example", "/"),
        ("https://evil.example/", "/"),
        ("javascript:alert(1)", "/"),
        ("", "/"),
        (None, "/"),
        ("/a\r\nSet-Cookie: x=1", "/"),
    ],
)
def test_next_stays_on_the_site(target: str | None, safe: str) -> None:
    assert safe_next(target) == safe


def test_sign_in_sets_a_protected_session_cookie(app: FastAPI) -> None:
    browser = client(app)
    browser.get("/login")
    answer = browser.post(
        "/login",
        data={"name": "Lead", "password": PASSWORD, "next": "//evil.example",
              "csrf_token": browser.cookies["whipcount_login"]},
        follow_redirects=False,
    )  # fmt: skip
    assert answer.status_code == 303 and answer.headers["location"] == "/"
    cookie = next(c for c in answer.headers.get_list("set-cookie") if SESSION_COOKIE in c)
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Path=/" in cookie
    assert "Secure" not in cookie  # plain http here; https requests get Secure
    assert browser.get("/api/campaigns").status_code == 200
    https = client(app, base_url="https://testserver")
    https.get("/login")
    secure = https.post(
        "/login",
        data={"name": "lead", "password": PASSWORD, "csrf_token": https.cookies["whipcount_login"]},
        follow_redirects=False,
    )
    assert any("Secure" in c for c in secure.headers.get_list("set-cookie") if SESSION_COOKIE in c)


def test_wrong_passwords_and_forms_from_elsewhere_are_refused(app: FastAPI) -> None:
    browser = client(app)
    browser.get("/login")

    def attempt(name: str, password: str, token: str | None = None) -> Any:
        token = browser.cookies["whipcount_login"] if token is None else token
        data = {"name": name, "password": password, "csrf_token": token}
        return browser.post("/login", data=data)

    wrong = attempt("lead", "not it at all")
    assert wrong.status_code == 401 and "wrong name or password" in wrong.text
    unknown = attempt("nobody", PASSWORD)  # the same answer: names are not revealed
    assert unknown.status_code == 401 and "wrong name or password" in unknown.text
    assert attempt("lead", PASSWORD, token="x").status_code == 403
    fresh = client(app)  # no double-submit cookie at all
    assert fresh.post("/login", data={"name": "lead", "password": PASSWORD}).status_code == 403
    assert SESSION_COOKIE not in fresh.cookies and SESSION_COOKIE not in browser.cookies


def test_sign_in_is_rate_limited(app: FastAPI) -> None:
    accounts = AccountStore(account_store(app).engine, passwords=fast_passwords())
    accounts.add_user("guessed", PASSWORD, role="viewer", actor="setup")
    browser = client(app)
    browser.get("/login")

    def attempt(password: str) -> Any:
        data = {"name": "guessed", "password": password,
                "csrf_token": browser.cookies["whipcount_login"]}  # fmt: skip
        return browser.post("/login", data=data, follow_redirects=False)

    assert [attempt(f"guess number {i}").status_code for i in range(5)] == [401] * 5
    limited = attempt(PASSWORD)  # even the right password now waits
    assert limited.status_code == 429
    assert 800 < int(limited.headers["retry-after"]) <= 900
    assert "too many failed sign-ins" in limited.text
    assert SESSION_COOKIE not in browser.cookies


def test_sessions_end_on_sign_out(app: FastAPI) -> None:
    signed = sign_in(client(app), "lead")
    cookie = signed.client.cookies[SESSION_COOKIE]
    assert signed.client.get("/api/campaigns").status_code == 200
    # the sign-out form needs the token too
    assert signed.client.post("/logout", follow_redirects=False).status_code == 403
    out = signed.client.post("/logout", data={"csrf_token": signed.csrf}, follow_redirects=False)
    assert out.status_code == 303 and out.headers["location"] == "/login"
    assert SESSION_COOKIE not in signed.client.cookies
    replay = client(app, cookies={SESSION_COOKIE: cookie})
    assert replay.get("/api/campaigns").status_code == 401


def test_forged_and_foreign_cookies_are_refused(app: FastAPI) -> None:
    signed = sign_in(client(app), "lead")
    cookie = signed.client.cookies[SESSION_COOKIE]
    tampered = cookie[:-2] + ("AA" if not cookie.endswith("AA") else "BB")
    assert client(app, cookies={SESSION_COOKIE: tampered}).get("/api/campaigns").status_code == 401
    session_id = URLSafeTimedSerializer(SECRET, salt="whipcount.session").loads(cookie)
    other_key = URLSafeTimedSerializer("another key " * 4, salt="whipcount.session")
    foreign = client(app, cookies={SESSION_COOKIE: other_key.dumps(session_id)})
    assert foreign.get("/api/campaigns").status_code == 401
    unsigned = client(app, cookies={SESSION_COOKIE: session_id})
    assert unsigned.get("/api/campaigns").status_code == 401


def test_unsafe_requests_need_the_session_csrf_token(app: FastAPI) -> None:
    signed = sign_in(client(app), "lead")
    before = reports(app)
    assert signed.client.post(REPORTS, json=REPORT).status_code == 403
    wrong = signed.client.post(REPORTS, json=REPORT, headers={"X-CSRF-Token": "guess"})
    assert wrong.status_code == 403 and wrong.json()["error"] == "PermissionDeniedError"
    odd = signed.client.post(REPORTS, json=REPORT, headers={"X-CSRF-Token": "é".encode("latin-1")})
    assert odd.status_code == 403  # not a 500: tokens are compared as bytes
    assert reports(app) == before
    assert signed.write("POST", REPORTS, json=REPORT).status_code == 201
    assert reports(app) == before + 1
    # a form carries it as a field (the body still reaches the route)
    form = signed.client.post(
        "/admin/users",
        data={
            "name": "formuser",
            "password": PASSWORD,
            "role": "viewer",
            "csrf_token": signed.csrf,
        },
        follow_redirects=False,
    )
    assert form.status_code == 403  # a lead is not an admin: the route, not the CSRF, said no
    admin = sign_in(client(app), "root")
    added = admin.client.post(
        "/admin/users",
        data={"name": "formuser", "password": PASSWORD, "role": "viewer", "csrf_token": admin.csrf},
        follow_redirects=False,
    )
    assert added.status_code == 303, added.text
    refused = admin.client.post(
        "/admin/users",
        data={"name": "formuser2", "password": PASSWORD, "role": "viewer", "csrf_token": "no"},
    )
    assert refused.status_code == 403
    names = [u.name for u in account_store(app).users()]
    assert "formuser" in names and "formuser2" not in names


def test_api_tokens_work_without_csrf_until_revoked(app: FastAPI) -> None:
    admin = sign_in(client(app), "root")
    made = admin.client.post(
        "/admin/tokens", data={"user": "lead", "label": "sheet sync", "csrf_token": admin.csrf}
    )
    assert made.status_code == 201
    found = re.search(r'id="new-token-secret">(wc_[^<]+)<', made.text)
    assert found
    secret = found.group(1)
    script = client(app, headers={"Authorization": f"Bearer {secret}"})
    assert script.get("/api/campaigns").status_code == 200
    before = reports(app)
    assert script.post(REPORTS, json=REPORT).status_code == 201  # no CSRF token needed
    assert reports(app) == before + 1
    (token,) = [t for t in account_store(app).tokens("lead") if t.label == "sheet sync"]
    assert token.last_used_at is not None and secret.startswith(token.hint)
    revoked = admin.client.post(
        f"/admin/tokens/{token.id}/revoke", data={"csrf_token": admin.csrf}, follow_redirects=False
    )
    assert revoked.status_code == 303
    assert script.get("/api/campaigns").status_code == 401
    for header in ("Bearer wc_nonsense", "Basic bGVhZDpwYXNz", "Bearer ", f"Bearer {secret}x"):
        answer = client(app, headers={"Authorization": header}).get("/api/campaigns")
        assert answer.status_code == 401, header


def test_cross_origin_writes_are_refused(app: FastAPI) -> None:
    signed = sign_in(client(app), "lead")
    before = reports(app)
    for headers in (
        {"Origin": "https://evil.example"},
        {"Origin": "null"},
        {"Origin": "http://testserver.evil.example"},
        {"Origin": "http://testserver:8080"},
        {"Sec-Fetch-Site": "cross-site"},
    ):
        answer = signed.write("POST", REPORTS, json=REPORT, headers=headers)
        assert answer.status_code == 403, headers
    assert reports(app) == before
    same = signed.write("POST", REPORTS, json=REPORT, headers={"Origin": "http://testserver"})
    assert same.status_code == 201
    assert (
        signed.client.get(
            REPORTS.rsplit("/", 1)[0] + "/history", headers={"Origin": "https://evil.example"}
        ).status_code
        == 200
    )


def test_single_user_mode_refuses_cross_origin_writes_too(tmp_path: Path) -> None:
    from whipcount.campaign.repository import CampaignStore

    url = f"sqlite:///{tmp_path / 'campaigns.sqlite'}"
    create_campaign(url)
    settings = Settings(record=tmp_path / "none.sqlite", database_url=url, user="local")
    with TestClient(create_app(settings)) as local:
        evil = local.post(REPORTS, json=REPORT, headers={"Origin": "http://evil.example"})
        assert evil.status_code == 403 and evil.json()["error"] == "PermissionDeniedError"
        site = local.post(REPORTS, json=REPORT, headers={"Sec-Fetch-Site": "same-site"})
        assert site.status_code == 403
        with CampaignStore(url) as store:
            assert store.reports(CAMPAIGN) == []
        ok = local.post(REPORTS, json=REPORT, headers={"Origin": "http://testserver"})
        assert ok.status_code == 201
        assert local.post(REPORTS, json=REPORT).status_code == 201  # a script: no Origin
        # no accounts in single-user mode: WHIPCOUNT_USER is the actor
        assert ok.json()["report"]["created_by"] == "local"
        assert local.get("/login", follow_redirects=False).headers["location"] == "/"


def test_single_user_serve_answers_only_to_this_machine(tmp_path: Path) -> None:
    """``local_only`` (``whipcount serve`` in single-user mode): a name re-pointed at
    127.0.0.1 by its owner (DNS rebinding) is refused, loopback names are served."""
    settings = Settings(
        record=tmp_path / "record.sqlite", database_url=f"sqlite:///{tmp_path / 'c.sqlite'}"
    )
    app = create_app(settings, local_only=True)
    for host in ("127.0.0.1:8000", "localhost:8000", "[::1]:8000", "127.0.0.2"):
        with TestClient(app, base_url=f"http://{host}") as local:
            assert local.get("/static/whipcount.css").status_code == 200, host
    for host in ("evil.example:8000", "127.0.0.1.evil.example", "", "[bad"):
        answer = TestClient(app).get("/api/campaigns", headers={"host": host})
        assert answer.status_code == 421, host
        assert "only to localhost" in answer.json()["detail"]
    assert TestClient(create_app(settings)).get("/static/whipcount.css").status_code == 200
