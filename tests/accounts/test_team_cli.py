"""Team mode's settings and commands: the secret-key check, ``whipcount team ...`` on
SQLite and PostgreSQL, and ``whipcount serve --team``'s refusals."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from pydantic import SecretStr

from whipcount.cli import cli
from whipcount.errors import ConfigError
from whipcount.settings import Settings, check_team_settings
from whipcount.web.app import create_app

GOOD = "k9Vq2-x7LmP0aZ4rT8yW1nB6cD3eF5gH_jsUo"
PASSWORD = "correct horse battery"


@pytest.mark.parametrize(
    ("secret", "message"),
    [
        (None, "needs WHIPCOUNT_SECRET_KEY"),
        ("k9Vq2-x7LmP0aZ4rT8", "18 characters; team mode needs at least 32"),
        ("changethis" * 4, "well-known"),
        ("CHANGETHIS-changethis-1234567890", "well-known"),
        ("secret" + "1234567890" * 3, "well-known"),
        ("whipcountwhipcountwhipcountwhipcount", "well-known"),
        ("ab" * 20, "well-known or guessable"),
        ("0123456789" * 4, "well-known"),
    ],
)
def test_team_mode_refuses_a_weak_secret(secret: str | None, message: str, tmp_path: Path) -> None:
    settings = Settings(
        team=True, secret_key=None if secret is None else SecretStr(secret), record=tmp_path
    )
    with pytest.raises(ConfigError, match=message):
        check_team_settings(settings)
    with pytest.raises(ConfigError, match=message):
        create_app(settings)


def test_team_settings_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WHIPCOUNT_TEAM", "1")
    monkeypatch.setenv("WHIPCOUNT_SECRET_KEY", GOOD)
    monkeypatch.setenv("WHIPCOUNT_SESSION_HOURS", "2.5")
    settings = Settings()
    assert settings.team and settings.session_hours == 2.5
    assert GOOD not in repr(settings)  # a SecretStr
    check_team_settings(settings)
    assert create_app(settings).state.auth.team
    assert Settings(team=False).team is False and Settings().secret_key is not None


def team(database_url: str, *args: str, stdin: str | None = None) -> Result:
    runner = CliRunner()
    env = {"WHIPCOUNT_DATABASE_URL": database_url, "WHIPCOUNT_USER": "ops"}
    return runner.invoke(cli, ["team", *args], input=stdin, env=env, catch_exceptions=False)


def ok(result: Result) -> str:
    assert result.exit_code == 0, result.output
    return result.stdout


def test_team_commands(database_url: str) -> None:
    out = ok(team(database_url, "user", "add", "Alice", "--role", "admin", "--password-stdin",
                  stdin=PASSWORD + "\n"))  # fmt: skip
    assert out.strip() == "added alice (admin)"
    prompted = team(database_url, "user", "add", "bra", "--role", "officer", "--post", "BRA",
                    stdin=f"{PASSWORD}\n{PASSWORD}\n")  # fmt: skip
    assert "added bra (officer, post BRA)" in ok(prompted)
    weak = team(database_url, "user", "add", "x", "--role", "viewer", "--password-stdin",
                stdin="short\n")  # fmt: skip
    assert weak.exit_code == 1 and "at least 10 characters" in weak.output
    no_post = team(database_url, "user", "add", "y", "--role", "officer", "--password-stdin",
                   stdin=PASSWORD + "\n")  # fmt: skip
    assert no_post.exit_code == 1 and "needs a post" in no_post.output
    listed: list[dict[str, Any]] = json.loads(ok(team(database_url, "user", "list", "--json")))
    assert [(u["name"], u["role"], u["post"]) for u in listed] == [
        ("alice", "admin", None),
        ("bra", "officer", "BRA"),
    ]
    assert "password" not in json.dumps(listed).replace("password_changed_at", "")
    assert "alice" in ok(team(database_url, "user", "list"))
    changed = ok(team(database_url, "user", "set", "bra", "--post", "fra", "--inactive"))
    assert changed.strip() == "bra: officer, post FRA, inactive"
    assert team(database_url, "user", "set", "bra").exit_code == 2
    assert team(database_url, "user", "set", "alice", "--role", "lead").exit_code == 1
    assert "changed" in ok(team(database_url, "user", "passwd", "alice", "--password-stdin",
                                stdin="a new long password\n"))  # fmt: skip
    assert team(database_url, "user", "passwd", "nobody", "--password-stdin").exit_code == 1
    created = team(database_url, "token", "create", "alice", "--label", "nightly")
    secret = ok(created).strip()
    assert secret.startswith("wc_") and "store it now" in created.stderr
    tokens = json.loads(ok(team(database_url, "token", "list", "--json")))
    assert [(t["id"], t["user"], t["label"]) for t in tokens] == [(1, "alice", "nightly")]
    assert secret not in json.dumps(tokens) and secret.startswith(tokens[0]["hint"])
    assert "revoked" in ok(team(database_url, "token", "revoke", "1"))
    assert team(database_url, "token", "revoke", "7").exit_code == 1
    assert json.loads(ok(team(database_url, "token", "list", "--json")))[0]["revoked_at"]
    assert len(ok(team(database_url, "secret")).strip()) == 64


def serve(env: dict[str, str], *args: str) -> Result:
    return CliRunner().invoke(cli, ["serve", *args], env=env, catch_exceptions=False)


def test_serve_team_refuses_sqlite_and_weak_secrets(tmp_path: Path) -> None:
    sqlite = {"WHIPCOUNT_DATABASE_URL": f"sqlite:///{tmp_path / 'c.sqlite'}"}
    refused = serve({**sqlite, "WHIPCOUNT_SECRET_KEY": GOOD}, "--team", "--host", "0.0.0.0")
    assert refused.exit_code == 1 and "team mode runs on PostgreSQL" in refused.output
    default = serve({"WHIPCOUNT_SECRET_KEY": ""}, "--team")
    assert default.exit_code == 1 and "needs WHIPCOUNT_SECRET_KEY" in default.output
    weak = serve({**sqlite, "WHIPCOUNT_SECRET_KEY": "changethis", "WHIPCOUNT_TEAM": "1"})
    assert weak.exit_code == 1 and "at least 32" in weak.output
    bad_url = serve({"WHIPCOUNT_DATABASE_URL": "not a url", "WHIPCOUNT_SECRET_KEY": GOOD}, "--team")
    assert bad_url.exit_code == 1 and "not a database URL" in bad_url.output
    local = serve({}, "--host", "0.0.0.0")
    assert local.exit_code == 2 and "not a loopback address" in local.output


def test_serve_team_listens_anywhere_on_postgresql(monkeypatch: pytest.MonkeyPatch) -> None:
    import uvicorn

    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: calls.append({"app": app, **kw}))
    env = {
        "WHIPCOUNT_DATABASE_URL": "postgresql+psycopg://whip:pw@db.internal/whipcount",
        "WHIPCOUNT_SECRET_KEY": GOOD,
    }
    result = serve(env, "--team", "--host", "0.0.0.0", "--port", "8080")
    assert result.exit_code == 0, result.output
    (call,) = calls
    assert (call["host"], call["port"]) == ("0.0.0.0", 8080)
    assert call["app"].state.settings.team is True
