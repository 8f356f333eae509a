"""``/api/campaigns``: every route answers as ``whipcount campaign ... --json`` does.

A rehearsal of the 2024 Cuba embargo vote as of 1 October 2024 (the forecast fit saved
for that day is shared with the CLI tests), lobbied by the United States for fewer yes
votes, is created through the API once per database; each test then asks a route and the
command line the same question on the same database and compares the documents.  The
tests run in file order: the field data they add is what the later ones see.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result
from fastapi.testclient import TestClient

from tests.cli.running import run
from whipcount.settings import Settings
from whipcount.web.app import create_app

pytestmark = pytest.mark.slow

CUBA = "necessity-ending-economic-commercial-financial-embargo"
NAME = "cuba-2024"
API = f"/api/campaigns/{NAME}"
ACTOR = "lead"
CREATE = {
    "name": NAME, "series": CUBA, "lobbyist": "United States", "goal": "fewer-yes",
    "vote_date": "2024-10-30", "capacity": "3/week", "as_of": "2024-10-01",
}  # fmt: skip

Cli = Callable[..., Any]


@pytest.fixture(scope="module")
def client(record_path: Path, database_url: str) -> Iterator[TestClient]:
    settings = Settings(record=record_path, database_url=database_url, user=ACTOR, progress=False)
    with TestClient(create_app(settings)) as opened:
        yield opened


@pytest.fixture(scope="module")
def created(client: TestClient) -> dict[str, Any]:
    """The campaign, created through the API (the document it answered with)."""
    response = client.post("/api/campaigns", json=CREATE)
    assert response.status_code == 201, response.text
    document: dict[str, Any] = response.json()
    return document


@pytest.fixture
def shell(record_path: Path, database_url: str, monkeypatch: pytest.MonkeyPatch) -> Cli:
    """``whipcount campaign ARGS`` on the same database: its Result."""
    monkeypatch.setenv("WHIPCOUNT_DATABASE_URL", database_url)
    monkeypatch.setenv("WHIPCOUNT_USER", ACTOR)

    def invoke(*args: str) -> Result:
        return run(record_path, "campaign", *args)

    return invoke


@pytest.fixture
def cli(shell: Cli) -> Cli:
    """``whipcount campaign ARGS --json``: the document it prints."""

    def document(*args: str) -> Any:
        result = shell(*args, "--json")
        assert result.exit_code == 0, result.output
        return json.loads(result.stdout)

    return document


def ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    return response.json()


def test_create_show_and_list(client: TestClient, created: dict[str, Any], cli: Cli) -> None:
    assert created["session"] == 79 and created["lobbyist"] == "USA"
    assert created["goal_text"] == "fewer than 187 yes votes"
    assert ok(client.get(API)) == cli("show", NAME) == created
    assert ok(client.get("/api/campaigns")) == cli("list")


def test_create_and_show_refuse_bad_input(client: TestClient, created: dict[str, Any]) -> None:
    again = client.post("/api/campaigns", json={**CREATE, "name": NAME.upper()})
    assert again.status_code == 422 and "already exists" in again.json()["detail"]
    assert client.post("/api/campaigns", json={**CREATE, "series": None}).status_code == 422
    assert client.post("/api/campaigns", json={**CREATE, "capacity": "lots"}).status_code == 422
    missing = client.get("/api/campaigns/no-such-campaign")
    assert missing.status_code == 404 and missing.json()["error"] == "CampaignNotFoundError"
    assert client.get("/api/campaigns/no-such-campaign/board").status_code == 404


def test_arguments(client: TestClient, created: dict[str, Any], cli: Cli) -> None:
    text = "Cuba supports Russia's war against Ukraine"
    added = ok(client.post(f"{API}/arguments", json={"text": text, "link": "Ukraine"}), 201)
    assert added["linked"] == len(added["roll_calls"]) > 0
    listed = ok(client.get(f"{API}/arguments"))
    assert listed == cli("argument", "list", NAME)
    assert listed[-1] == {k: v for k, v in added.items() if k != "roll_calls"}
    assert client.post(f"{API}/arguments", json={"text": " "}).status_code == 422


def test_report_history_and_stale_versions(
    client: TestClient, created: dict[str, Any], cli: Cli
) -> None:
    brazil = _row(ok(client.get(f"{API}/board")), "BRA")
    body = {"position": "lean abstain", "source": "MFA", "reliability": 0.8,
            "date": "2024-10-25", "version": brazil["version"]}  # fmt: skip
    filed = ok(client.post(f"{API}/members/Brazil/reports", json=body), 201)
    assert filed["member"] == _row(cli("board", NAME), "BRA")
    assert filed["report"]["reporter"] == ACTOR and filed["member"]["position"] == "lean abstain"
    history = ok(client.get(f"{API}/members/bra/history"))
    assert history == cli("history", NAME, "BRA")
    assert {**filed["report"], "kind": "report"} == history["reports"][-1]

    stale = client.post(f"{API}/members/BRA/reports", json=body)
    assert stale.status_code == 409, stale.text
    assert stale.json() | {"detail": ""} == {
        "detail": "", "error": "StaleEditError", "iso3": "BRA",
        "expected": brazil["version"], "current": filed["member"]["version"],
    }  # fmt: skip


@pytest.mark.parametrize(
    ("member", "changes", "message"),
    [
        ("BRA", {"position": "maybe"}, "not a position"),
        ("BRA", {"reliability": 1.5}, "reliability"),
        ("XXX", {}, "not a member"),
    ],
)
def test_a_report_off_the_scale_is_refused(
    client: TestClient, created: dict[str, Any], member: str, changes: dict[str, Any], message: str
) -> None:
    body = {"position": "no", "source": "rumour", "reliability": 0.3, **changes}
    refused = client.post(f"{API}/members/{member}/reports", json=body)
    assert refused.status_code == 422 and message in refused.json()["detail"]
    assert client.post("/api/campaigns/none/members/BRA/reports", json=body).status_code == 404


def test_contact(client: TestClient, created: dict[str, Any], cli: Cli) -> None:
    body = {"level": "minister", "channel": "capital", "arguments": [1], "date": "2024-10-09",
            "response": "will consider", "follow_up": "2024-10-20"}  # fmt: skip
    logged = ok(client.post(f"{API}/members/BRA/contacts", json=body), 201)
    assert logged["officer"] == ACTOR and logged["arguments"] == [1]
    assert {**logged, "kind": "contact"} == cli("history", NAME, "BRA")["contacts"][-1]
    bad = client.post(f"{API}/members/BRA/contacts", json={**body, "level": "janitor"})
    assert bad.status_code == 422


def test_edit_member(client: TestClient, created: dict[str, Any], cli: Cli) -> None:
    argentina = _row(ok(client.get(f"{API}/board")), "ARG")
    body = {"post": "ury", "note": "via Montevideo", "version": argentina["version"]}
    edited = ok(client.patch(f"{API}/members/ARG", json=body))
    assert edited["post"] == "URY" and edited["updated_by"] == ACTOR
    row = _row(cli("board", NAME), "ARG")
    assert (row["post"], row["note"], row["version"]) == (
        "URY",
        "via Montevideo",
        edited["version"],
    )
    assert client.patch(f"{API}/members/ARG", json=body).status_code == 409
    assert client.patch(f"{API}/members/ARG", json={"version": 1}).status_code == 422
    assert client.patch(f"{API}/members/ARG", json={"post": "XYZ"}).status_code == 422


def test_board_targets_and_what_it_takes(
    client: TestClient, created: dict[str, Any], cli: Cli
) -> None:
    board = ok(client.get(f"{API}/board"))
    assert board == cli("board", NAME) and len(board["members"]) == 193
    targets = ok(client.get(f"{API}/targets", params={"top": 5}))
    assert targets == cli("targets", NAME, "--top", "5") and len(targets["members"]) == 5
    takes = ok(client.get(f"{API}/what-it-takes", params={"probability": 0.9}))
    assert takes == cli("what-it-takes", NAME, "--probability", "0.9") and takes["reached"]
    assert client.get(f"{API}/targets", params={"top": 0}).status_code == 422
    assert client.get(f"{API}/what-it-takes", params={"probability": 1.5}).status_code == 422


def test_scenario(client: TestClient, created: dict[str, Any], cli: Cli) -> None:
    votes = ["BRA=abstain", "arg=no"]
    asked = ok(client.get(f"{API}/scenario", params={"votes": votes}))
    assert asked == cli("scenario", NAME, *votes)
    assert asked == ok(client.post(f"{API}/scenario", json={"votes": {"bra": "abstain",
                                                                      "ARG": "no"}}))  # fmt: skip
    assert asked["fixed"] == {"BRA": "abstain", "ARG": "no"}
    for bad in (["BRA"], ["BRA=maybe"], ["BRA=no", "bra=yes"], ["XXX=no"]):
        assert client.get(f"{API}/scenario", params={"votes": bad}).status_code == 422
    assert client.get(f"{API}/scenario").status_code == 422


def test_briefs(client: TestClient, created: dict[str, Any], cli: Cli, shell: Cli) -> None:
    document = ok(client.get(f"{API}/members/BRA/brief"))
    assert document == cli("brief", NAME, "BRA") and document["member"]["iso3"] == "BRA"
    markdown = client.get(f"{API}/members/BRA/brief", params={"format": "markdown"})
    assert markdown.headers["content-type"].startswith("text/markdown")
    assert markdown.text + "\n" == shell("brief", NAME, "BRA").stdout
    html = client.get(f"{API}/members/BRA/brief", params={"format": "html"})
    assert html.headers["content-type"].startswith("text/html") and "Brazil" in html.text
    post = ok(client.get(f"{API}/posts/URY/brief"))
    assert post == cli("brief", NAME, "--post", "URY")
    assert [m["member"]["iso3"] for m in post["members"]] == ["ARG", "URY"]
    pdf = client.get(f"{API}/posts/BRA/brief", params={"format": "pdf"})
    assert pdf.headers["content-type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    assert client.get(f"{API}/posts/XYZ/brief").status_code == 422
    assert client.get(f"{API}/members/BRA/brief", params={"format": "doc"}).status_code == 422


def test_the_whip_sheet_out_and_back(
    client: TestClient, created: dict[str, Any], cli: Cli, shell: Cli, tmp_path: Path
) -> None:
    exported = client.get(f"{API}/sheet", params={"format": "csv"})
    assert exported.headers["content-disposition"] == f'attachment; filename="{NAME}.csv"'
    path = tmp_path / "sheet.csv"
    assert shell("export", NAME, str(path)).exit_code == 0
    assert exported.content == path.read_bytes()
    xlsx = client.get(f"{API}/sheet", params={"format": "xlsx"})
    assert xlsx.headers["content-type"].endswith("sheet") and xlsx.content.startswith(b"PK")
    unchanged = _import(client, xlsx.content, format="xlsx", yes="true")
    assert unchanged == {"changes": [], "applied": False}

    edited = _edited(exported.content, "MEX", position="lean no", reliability="0.6")
    path.write_bytes(edited)
    shown = _import(client, edited, dry_run="true")
    assert shown == cli("import", NAME, str(path), "--dry-run")
    assert {c["column"] for c in shown["changes"]} == {"position", "reliability", "source"}
    applied = _import(client, edited, yes="true")
    assert applied == {**shown, "applied": True, "writes": 1}
    assert _row(cli("board", NAME), "MEX")["position"] == "lean no"

    again = client.post(f"{API}/sheet", params={"yes": "true"}, content=edited)
    assert again.status_code == 409  # its versions are stale now
    assert client.post(f"{API}/sheet", content=edited).status_code == 422  # neither flag
    broken = client.post(f"{API}/sheet", params={"dry_run": "true"}, content=b"no,sheet\n")
    assert broken.status_code == 422


def test_audit_trail(client: TestClient, created: dict[str, Any], cli: Cli) -> None:
    trail = ok(client.get(f"{API}/audit", params={"limit": 20}))
    assert trail == cli("audit", NAME, "--limit", "20")
    assert {e["entity"] for e in trail} >= {"campaign", "argument", "report", "contact", "member"}
    assert ok(client.get("/api/audit")) == cli("audit")
    assert client.get("/api/campaigns/none/audit").status_code == 404


def test_refresh(client: TestClient, created: dict[str, Any], cli: Cli) -> None:
    refreshed = ok(client.post(f"{API}/refresh"))
    assert refreshed == cli("show", NAME)
    assert refreshed["reports"] == 2 and refreshed["arguments"][0]["link"] == "Ukraine"


def test_delete(client: TestClient, created: dict[str, Any], cli: Cli) -> None:
    assert ok(client.delete(API)) == {"deleted": NAME}
    assert client.get(API).status_code == 404
    assert client.delete(API).status_code == 404
    assert cli("list") == []


def _row(board: dict[str, Any], iso3: str) -> dict[str, Any]:
    return next(m for m in board["members"] if m["iso3"] == iso3)


def _import(client: TestClient, data: bytes, **params: str) -> Any:
    return ok(client.post(f"{API}/sheet", params=params, content=data))


def _edited(sheet: bytes, iso3: str, **cells: str) -> bytes:
    rows = list(csv.DictReader(io.StringIO(sheet.decode("utf-8-sig"))))
    for row in rows:
        if row["iso3"] == iso3:
            row.update(cells, source="embassy cable")
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode()
