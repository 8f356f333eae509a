"""Campaign data is precious: bad input changes nothing, no update is lost between
processes, a killed writer leaves a consistent database, and every change is audited.
Each test runs on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import math
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from tests.campaign.conftest import ACTOR, CAMPAIGN, campaign_fields, snapshot
from whipcount.campaign import tables
from whipcount.campaign.database import integrity_problems
from whipcount.campaign.repository import (
    CampaignStore,
    ContactEdit,
    MemberEdit,
    ReportEdit,
)
from whipcount.errors import CampaignInputError, CampaignNotFoundError, StaleEditError

ROOT = Path(__file__).resolve().parents[2]
DAY = dt.date(2026, 10, 15)
REPORT: dict[str, Any] = {
    "iso3": "BRA",
    "position": "lean no",
    "source": "ambassador",
    "reliability": 0.7,
    "reported_on": DAY,
    "reporter": "desk",
    "actor": ACTOR,
}
CONTACT: dict[str, Any] = {
    "iso3": "BRA",
    "on": DAY,
    "level": "minister",
    "channel": "call",
    "arguments": [],
    "response": "",
    "follow_up": None,
    "officer": "officer",
    "actor": ACTOR,
}


def dump(store: CampaignStore) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, in primary-key order."""
    with store.engine.connect() as connection:
        return {
            table.name: [
                tuple(row)
                for row in connection.execute(sa.select(table).order_by(*table.primary_key.columns))
            ]
            for table in tables.metadata.sorted_tables
        }


def _report(**changes: Any) -> Callable[[CampaignStore], object]:
    return lambda s: s.add_report(CAMPAIGN, **{**REPORT, **changes})


def _contact(**changes: Any) -> Callable[[CampaignStore], object]:
    return lambda s: s.add_contact(CAMPAIGN, **{**CONTACT, **changes})


def _create(**changes: Any) -> Callable[[CampaignStore], object]:
    return lambda s: s.create_campaign(**campaign_fields(**{"name": "new", **changes}))


def _argument(**changes: Any) -> Callable[[CampaignStore], object]:
    fields = {"text": "t", "link_query": None, "linked": [], "reach": {}, "actor": ACTOR}
    return lambda s: s.add_argument(CAMPAIGN, **{**fields, **changes})


GOOD_ROW = ReportEdit("ARG", "yes", "s", 0.5, DAY, "r")
BAD_INPUT: dict[str, tuple[Callable[[CampaignStore], object], type[Exception], str]] = {
    "unknown member": (_report(iso3="XYZ"), CampaignInputError, "XYZ is not a member of campaign"),
    "malformed code": (_report(iso3="BR"), CampaignInputError, "three-letter ISO3"),
    "position": (_report(position="maybe"), CampaignInputError, "not a position on the scale"),
    "reliability high": (_report(reliability=1.5), CampaignInputError, r"in \[0, 1\]"),
    "reliability negative": (_report(reliability=-0.1), CampaignInputError, r"in \[0, 1\]"),
    "reliability nan": (_report(reliability=math.nan), CampaignInputError, r"in \[0, 1\]"),
    "reliability text": (_report(reliability="0.5"), CampaignInputError, "a number"),
    "reliability bool": (_report(reliability=True), CampaignInputError, "a number"),
    "report day": (_report(reported_on="2026-10-15"), CampaignInputError, "must be a date"),
    "report time": (
        _report(reported_on=dt.datetime(2026, 1, 1)),
        CampaignInputError,
        "must be a date",
    ),
    "unknown campaign": (
        lambda s: s.add_report("nope", **REPORT),
        CampaignNotFoundError,
        "no campaign named 'nope'",
    ),
    "duplicate name": (_create(name=CAMPAIGN), CampaignInputError, "already exists"),
    "capacity": (_create(capacity=0), CampaignInputError, "capacity must be"),
    "goal": (_create(goal="win"), CampaignInputError, "goal 'win' is not one of"),
    "goal threshold": (_create(goal="yes-below:-1"), CampaignInputError, "is not one of"),
    "majority": (_create(majority="most"), CampaignInputError, "majority must be"),
    "capacity per": (_create(capacity_per="month"), CampaignInputError, "capacity_per"),
    "lobbyist": (_create(lobbyist="US"), CampaignInputError, "lobbyist must be"),
    "vote date": (_create(vote_date="soon"), CampaignInputError, "vote_date must be a date"),
    "empty name": (_create(name=" "), CampaignInputError, "campaign name must be"),
    "slash in name": (_create(name="cuba/2024"), CampaignInputError, "may not contain /"),
    "backslash in name": (_create(name="cuba\\2024"), CampaignInputError, "may not contain"),
    "dots for a name": (_create(name=".."), CampaignInputError, "only dots"),
    "no members": (_create(snapshot={"x": 1}), CampaignInputError, "must list its members"),
    "member twice": (
        _create(snapshot=snapshot(("BRA", "BRA"))),
        CampaignInputError,
        "a member twice",
    ),
    "snapshot nan": (
        _create(snapshot={**snapshot(), "p": math.nan}),
        CampaignInputError,
        "not a JSON document",
    ),
    "level": (_contact(level="king"), CampaignInputError, "not a contact level"),
    "channel": (_contact(channel="pigeon"), CampaignInputError, "not a contact channel"),
    "argument id": (_contact(arguments=[999]), CampaignInputError, "has no argument 999"),
    "follow-up": (
        _contact(follow_up=DAY - dt.timedelta(days=1)),
        CampaignInputError,
        "is before the contact",
    ),
    "nothing to edit": (
        lambda s: s.edit_member(CAMPAIGN, iso3="BRA", actor=ACTOR),
        CampaignInputError,
        "nothing to change",
    ),
    "post": (
        lambda s: s.edit_member(CAMPAIGN, iso3="BRA", post="X", actor=ACTOR),
        CampaignInputError,
        "post must be",
    ),
    "version zero": (_report(expected_version=0), CampaignInputError, "expected_version"),
    "no actor": (_report(actor=""), CampaignInputError, "actor must be"),
    "reach member": (_argument(reach={"IND": 0.5}), CampaignInputError, "not a campaign member"),
    "reach infinite": (_argument(reach={"BRA": math.inf}), CampaignInputError, "finite"),
    "argument text": (_argument(text=" "), CampaignInputError, "needs a text"),
    "linked": (_argument(linked="A/1"), CampaignInputError, "list of texts"),
    "bad snapshot": (
        lambda s: s.set_snapshot(CAMPAIGN, snapshot={"members": []}, actor=ACTOR),
        CampaignInputError,
        "must list its members",
    ),
    "delete unknown": (
        lambda s: s.delete_campaign("nope", actor=ACTOR),
        CampaignNotFoundError,
        "nope",
    ),
    "sheet with a bad row": (
        lambda s: s.apply_edits(
            CAMPAIGN,
            [GOOD_ROW, MemberEdit("BRA", note="x"), ReportEdit("CUB", "?", "s", 1, DAY, "r")],
            actor=ACTOR,
        ),
        CampaignInputError,
        "edit 3: '\\?' is not a position",
    ),
}


@pytest.mark.parametrize("case", list(BAD_INPUT), ids=list(BAD_INPUT))
def test_bad_input_changes_nothing(store: CampaignStore, case: str) -> None:
    _report()(store)  # some data to keep
    before = dump(store)
    call, error, message = BAD_INPUT[case]
    with pytest.raises(error, match=message):
        call(store)
    assert dump(store) == before


def test_stale_edit_is_refused_and_the_first_write_kept(database_url: str) -> None:
    with CampaignStore(database_url) as first, CampaignStore(database_url) as second:
        first.create_campaign(**campaign_fields())
        seen_first = first.members(CAMPAIGN)["BRA"].version
        seen_second = second.members(CAMPAIGN)["BRA"].version
        kept = first.add_report(CAMPAIGN, **{**REPORT, "expected_version": seen_first})
        before = dump(second)
        with pytest.raises(StaleEditError) as stale:
            second.add_report(
                CAMPAIGN, **{**REPORT, "position": "yes", "expected_version": seen_second}
            )
        assert (
            str(stale.value) == "BRA changed since you read it (version 1, now 2): reload and retry"
        )
        assert (stale.value.iso3, stale.value.expected, stale.value.current) == ("BRA", 1, 2)
        for write in (
            lambda: second.edit_member(
                CAMPAIGN, iso3="BRA", note="mine", expected_version=1, actor="b"
            ),
            lambda: second.add_contact(CAMPAIGN, **{**CONTACT, "expected_version": 1}),
            lambda: second.apply_edits(
                CAMPAIGN,
                [GOOD_ROW, MemberEdit("BRA", note="mine", expected_version=1)],
                actor="b",
            ),
        ):
            with pytest.raises(StaleEditError, match="BRA changed since you read it"):
                write()
        assert dump(second) == before
        assert second.reports(CAMPAIGN) == [kept]
        assert second.members(CAMPAIGN)["BRA"].version == 2


def test_stale_sheet_names_every_stale_member(store: CampaignStore) -> None:
    _report(iso3="ARG")(store)
    _report(iso3="CUB")(store)
    sheet = [
        ReportEdit("ARG", "yes", "s", 0.5, DAY, "r", expected_version=1),
        MemberEdit("BRA", note="ok", expected_version=1),
        ContactEdit("CUB", DAY, "minister", "call", "", "o", expected_version=1),
    ]
    with pytest.raises(StaleEditError) as stale:
        store.apply_edits(CAMPAIGN, sheet, actor=ACTOR)
    assert "ARG changed since you read it (version 1, now 2)" in str(stale.value)
    assert "CUB changed since you read it (version 1, now 2)" in str(stale.value)
    assert "BRA" not in str(stale.value)
    assert store.members(CAMPAIGN)["BRA"].note == ""


WRITER = f"""
import datetime as dt, sys, time
from pathlib import Path
from whipcount.campaign.repository import CampaignStore
url, count, who, go = sys.argv[1], int(sys.argv[2]), sys.argv[3], Path(sys.argv[4])
with CampaignStore(url) as store:
    while not go.exists():
        time.sleep(0.01)
    for i in range(count):
        store.add_report({CAMPAIGN!r}, iso3="BRA", position="yes", source=who, reliability=0.5,
                         reported_on=dt.date(2026, 1, 1), reporter=who, note=str(i), actor=who)
"""


def _python(script: str, *args: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-c", script, *args], cwd=ROOT)


def test_two_processes_lose_no_update(store: CampaignStore, tmp_path: Path) -> None:
    count = 30
    go = tmp_path / "go"
    writers = [
        _python(WRITER, store.engine.url.render_as_string(False), str(count), who, str(go))
        for who in ("ana", "bo")
    ]
    time.sleep(0.5)
    go.touch()
    assert [w.wait(timeout=120) for w in writers] == [0, 0]
    reports = store.reports(CAMPAIGN, iso3="BRA")
    assert len(reports) == 2 * count
    assert {r.source for r in reports} == {"ana", "bo"}
    assert store.members(CAMPAIGN)["BRA"].version == 1 + 2 * count
    audited = [e for e in store.audit(CAMPAIGN) if e.entity == "report"]
    assert len(audited) == 2 * count
    assert sorted(e.after["member_version"] for e in audited if e.after) == list(
        range(2, 2 * count + 2)
    )


STALLED = f"""
import datetime as dt, sys, time
from pathlib import Path
import sqlalchemy as sa
from whipcount.campaign.repository import CampaignStore, ContactEdit, MemberEdit, ReportEdit
url, marker = sys.argv[1], Path(sys.argv[2])
store = CampaignStore(url)

@sa.event.listens_for(store.engine, "commit")
def stall(connection):  # everything is written, nothing committed
    marker.write_text("in the transaction")
    time.sleep(600)

day = dt.date(2026, 1, 1)
store.apply_edits({CAMPAIGN!r}, [ReportEdit("BRA", "yes", "s", 0.5, day, "r")]
                  + [MemberEdit(code, note="half-way") for code in ("ARG", "CUB", "FRA")]
                  + [ContactEdit("USA", day, "minister", "call", "", "o")], actor="killed")
"""


def _wait_for(check: Callable[[], bool], process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while not check():
        assert process.poll() is None, "the writer ended early"
        assert time.monotonic() < deadline, "the writer never got there"
        time.sleep(0.02)


def test_killed_in_the_middle_of_a_transaction(store: CampaignStore, tmp_path: Path) -> None:
    _report()(store)
    before = dump(store)
    marker = tmp_path / "marker"
    writer = _python(STALLED, store.engine.url.render_as_string(False), str(marker))
    try:
        _wait_for(marker.exists, writer)
    finally:
        os.kill(writer.pid, signal.SIGKILL)
        writer.wait()
    store.close()
    with CampaignStore(store.engine.url.render_as_string(False)) as reopened:
        assert integrity_problems(reopened.engine) == []
        assert dump(reopened) == before
        _report(iso3="USA")(reopened)  # and it takes writes again
        assert reopened.members(CAMPAIGN)["USA"].version == 2


LOOPING = WRITER.replace("while not go.exists():", "if False:")


def test_killed_while_writing_in_a_loop(store: CampaignStore, tmp_path: Path) -> None:
    writer = _python(LOOPING, store.engine.url.render_as_string(False), "100000", "w", "-")
    try:
        _wait_for(lambda: len(store.reports(CAMPAIGN)) >= 5, writer)
    finally:
        os.kill(writer.pid, signal.SIGKILL)
        writer.wait()
    store.close()
    with CampaignStore(store.engine.url.render_as_string(False)) as reopened:
        assert integrity_problems(reopened.engine) == []
        written = len(reopened.reports(CAMPAIGN))
        assert written >= 5
        assert reopened.members(CAMPAIGN)["BRA"].version == 1 + written
        audited = [e for e in reopened.audit(CAMPAIGN) if e.entity == "report"]
        assert len(audited) == written


def test_every_change_is_audited(store: CampaignStore) -> None:
    argument = store.add_argument(
        CAMPAIGN, text="t", link_query="q", linked=["R/1"], reach={"BRA": 0.5}, actor="a1"
    )
    made = store.add_report(CAMPAIGN, **{**REPORT, "actor": "a2"})
    contact = store.add_contact(CAMPAIGN, **{**CONTACT, "arguments": [argument.id], "actor": "a3"})
    store.edit_member(CAMPAIGN, iso3="BRA", note="n", post="ARG", actor="a4")
    store.set_snapshot(CAMPAIGN, snapshot=snapshot(("BRA", "IND")), actor="a5")
    store.delete_campaign(CAMPAIGN, actor="a6")
    trail = store.audit(CAMPAIGN)
    assert [(e.entity, e.action, e.actor) for e in trail] == [
        ("campaign", "delete", "a6"),
        ("campaign", "update", "a5"),
        ("member", "update", "a4"),
        ("contact", "create", "a3"),
        ("report", "create", "a2"),
        ("argument", "create", "a1"),
        ("campaign", "create", ACTOR),
    ]
    delete, refresh, edit, contacted, reported, argued, created = trail
    assert all(e.campaign == CAMPAIGN and e.at.tzinfo == dt.UTC for e in trail)
    assert [e.at for e in trail] == sorted((e.at for e in trail), reverse=True)
    assert created.before is None and created.after is not None
    assert created.after["name"] == CAMPAIGN and created.after["snapshot"]["members"] == 5
    assert argued.after == argument.document() and argued.entity_key == str(argument.id)
    assert reported.after == {**made.document(), "member_version": 2}
    assert contacted.after == {**contact.document(), "member_version": 3}
    assert edit.before is not None and edit.after is not None and edit.entity_key == "BRA"
    assert (edit.before["note"], edit.before["post"], edit.before["version"]) == ("", "BRA", 3)
    assert (edit.after["note"], edit.after["post"], edit.after["version"]) == ("n", "ARG", 4)
    assert refresh.before is not None and refresh.after is not None
    assert (refresh.before["snapshot"]["members"], refresh.after["snapshot"]["members"]) == (5, 2)
    assert refresh.before["snapshot"]["sha256"] != refresh.after["snapshot"]["sha256"]
    assert delete.after is None and delete.before is not None
    assert (delete.before["reports"], delete.before["contacts"], delete.before["arguments"]) == (
        1,
        1,
        1,
    )
    assert [e.document() for e in store.audit(limit=2)] == [d.document() for d in trail[:2]]
    with pytest.raises(CampaignNotFoundError):
        store.audit("never existed")
    with pytest.raises(CampaignInputError, match="limit"):
        store.audit(limit=-1)
