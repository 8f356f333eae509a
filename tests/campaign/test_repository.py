"""The campaign store's reads and writes, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from typing import Any

import pytest
import sqlalchemy as sa
from hypothesis import given
from hypothesis import strategies as st

from tests.campaign.conftest import ACTOR, CAMPAIGN, MEMBERS, campaign_fields, snapshot
from whipcount.campaign import inputs
from whipcount.campaign.repository import (
    UNSET,
    Campaign,
    CampaignStore,
    ContactEdit,
    MemberEdit,
    Report,
    ReportEdit,
)
from whipcount.errors import CampaignError, CampaignInputError, CampaignNotFoundError
from whipcount.settings import Settings

DAY = dt.date(2026, 10, 15)


def report(store: CampaignStore, iso3: str = "BRA", **changes: Any) -> Report:
    fields: dict[str, Any] = {
        "iso3": iso3,
        "position": "lean no",
        "source": "ambassador",
        "reliability": 0.7,
        "reported_on": DAY,
        "reporter": "desk officer",
        "actor": ACTOR,
    }
    fields.update(changes)
    return store.add_report(CAMPAIGN, **fields)


def test_campaign_round_trip(store: CampaignStore) -> None:
    campaign = store.campaign(CAMPAIGN)
    expected = campaign_fields()
    for name in ("name", "lobbyist", "goal", "majority", "vote_date", "capacity", "as_of"):
        assert getattr(campaign, name) == expected[name]
    assert campaign.sponsors == ["CUB"] and campaign.issues == ["ec"]
    assert campaign.snapshot == snapshot()
    assert campaign.members == list(MEMBERS)
    assert campaign.version == 1 and campaign.created_by == ACTOR
    assert campaign.created_at.tzinfo == dt.UTC
    assert abs(dt.datetime.now(dt.UTC) - campaign.created_at) < dt.timedelta(minutes=1)
    assert [c.name for c in store.campaigns()] == [CAMPAIGN]
    states = store.members(CAMPAIGN)
    assert sorted(states) == list(MEMBERS)
    assert all(s.version == 1 and s.post == s.iso3 and s.note == "" for s in states.values())
    assert campaign.document()["members"] == len(MEMBERS)
    assert campaign.document(snapshot=True)["snapshot"] == snapshot()


def test_inputs_are_normalised(new_campaign: Callable[..., Campaign]) -> None:
    made = new_campaign(name="  second  ", lobbyist="fra", goal=" Yes-Below:120 ", session=None)
    assert (made.name, made.lobbyist, made.goal, made.session) == (
        "second",
        "FRA",
        "yes-below:120",
        None,
    )


def test_reports_contacts_and_arguments_round_trip(store: CampaignStore) -> None:
    first = report(store, "bra", position="Lean-No", reliability=1)
    second = report(
        store, "CUB", position="yes", note="firm", reported_on=DAY - dt.timedelta(days=3)
    )
    assert (first.iso3, first.position, first.reliability) == ("BRA", "lean no", 1.0)
    assert store.reports(CAMPAIGN) == [first, second]
    assert store.reports(CAMPAIGN, iso3="cub") == [second]
    assert second.created_at.tzinfo == dt.UTC and second.reported_on == DAY - dt.timedelta(days=3)

    argument = store.add_argument(
        CAMPAIGN,
        text=" Cuba's vote on Ukraine ",
        link_query="ukraine",
        linked=["A/RES/ES-11/1"],
        reach={"bra": 0.4, "FRA": float("nan"), "ARG": None},
        actor=ACTOR,
    )
    assert argument.text == "Cuba's vote on Ukraine"
    assert argument.reach == {"BRA": 0.4, "FRA": None, "ARG": None}
    assert store.arguments(CAMPAIGN) == [argument]

    contact = store.add_contact(
        CAMPAIGN,
        iso3="BRA",
        on=DAY,
        level="ambassador",
        channel="capital",
        arguments=[argument.id],
        response="will consider",
        follow_up=DAY + dt.timedelta(days=7),
        officer="pol officer",
        actor=ACTOR,
    )
    assert (contact.level, contact.channel) == ("ambassador in new york", "demarche in the capital")
    assert store.contacts(CAMPAIGN) == [contact]
    assert store.contacts(CAMPAIGN, iso3="CUB") == []
    assert contact.document()["follow_up"] == "2026-10-22"
    # BRA: one report and one contact; CUB: one report
    assert store.members(CAMPAIGN)["BRA"].version == 3
    assert store.members(CAMPAIGN)["CUB"].version == 2


def test_edit_member(store: CampaignStore) -> None:
    state = store.edit_member(
        CAMPAIGN, iso3="ARG", post="bra", note="covered from Brasília", actor="ana"
    )
    assert (state.post, state.note, state.version, state.updated_by) == (
        "BRA",
        "covered from Brasília",
        2,
        "ana",
    )
    again = store.edit_member(CAMPAIGN, iso3="ARG", note="covered from Brasília", actor="ana")
    assert again == state  # nothing changed, nothing bumped
    noted = store.edit_member(
        CAMPAIGN, iso3="ARG", post=UNSET, note="", expected_version=2, actor="bo"
    )
    assert (noted.post, noted.note, noted.version) == ("BRA", "", 3)
    assert store.members(CAMPAIGN)["ARG"] == noted


def test_campaigns_are_separate(
    store: CampaignStore, new_campaign: Callable[..., Campaign]
) -> None:
    new_campaign(name="other", snapshot=snapshot(("BRA", "IND")))
    report(store, "BRA")
    assert store.reports("other") == []
    assert store.members("other")["BRA"].version == 1
    with pytest.raises(CampaignInputError, match="IND is not a member of campaign 'cuba embargo'"):
        report(store, "IND")
    assert [c.name for c in store.campaigns()] == [CAMPAIGN, "other"]


def test_set_snapshot_adds_members_and_keeps_data(store: CampaignStore) -> None:
    report(store, "BRA")
    wider = snapshot((*MEMBERS, "IND"))
    refreshed = store.set_snapshot(CAMPAIGN, snapshot=wider, actor="ana")
    assert refreshed.version == 2 and refreshed.updated_by == "ana"
    assert refreshed.snapshot == wider
    assert store.members(CAMPAIGN)["IND"].version == 1
    assert store.members(CAMPAIGN)["BRA"].version == 2
    assert len(store.reports(CAMPAIGN)) == 1


def test_delete_campaign(store: CampaignStore) -> None:
    report(store, "BRA")
    store.delete_campaign(CAMPAIGN, actor="ana")
    assert store.campaigns() == []
    with pytest.raises(CampaignNotFoundError, match="no campaign named 'cuba embargo'"):
        store.campaign(CAMPAIGN)
    with pytest.raises(CampaignNotFoundError):
        store.reports(CAMPAIGN)
    deleted = store.audit(CAMPAIGN)[0]
    assert (deleted.action, deleted.actor, deleted.after) == ("delete", "ana", None)
    assert deleted.before is not None and deleted.before["reports"] == 1
    # the name is free again, and the new campaign's ids do not reuse the old ones
    fresh = store.create_campaign(**campaign_fields())
    assert fresh.id > deleted.before["id"]
    assert store.members(CAMPAIGN)["BRA"].version == 1


def test_apply_edits_all_or_nothing(store: CampaignStore) -> None:
    argument = store.add_argument(
        CAMPAIGN, text="t", link_query=None, linked=[], reach={}, actor=ACTOR
    )
    sheet = [
        ReportEdit("BRA", "abstain", "ambassador", 0.8, DAY, "desk", expected_version=1),
        MemberEdit("BRA", note="moving", expected_version=1),
        ContactEdit("CUB", DAY, "minister", "call", "no", "officer", [argument.id]),
        MemberEdit("FRA", post="FRA", expected_version=1),  # unchanged: no bump
    ]
    done = store.apply_edits(CAMPAIGN, sheet, actor="ana")
    assert [type(d).__name__ for d in done] == ["Report", "MemberState", "Contact", "MemberState"]
    states = store.members(CAMPAIGN)
    assert (states["BRA"].version, states["BRA"].note) == (3, "moving")
    assert (states["CUB"].version, states["FRA"].version) == (2, 1)
    assert len(store.audit(CAMPAIGN)) == 1 + 1 + 3  # campaign, argument, three changes


def test_open_uses_the_user_data_folder(tmp_path: Any) -> None:
    with CampaignStore.open(Settings()) as opened:
        assert opened.url == f"sqlite:///{tmp_path / 'xdg' / 'whipcount' / 'campaigns.sqlite'}"
    assert (tmp_path / "xdg" / "whipcount" / "campaigns.sqlite").is_file()
    url = f"sqlite:///{tmp_path / 'deep' / 'er' / 'c.sqlite'}"
    with CampaignStore.open(Settings(database_url=url)) as opened:
        assert repr(opened) == f"CampaignStore({url!r})"


def test_url_hides_the_password() -> None:
    with pytest.raises(CampaignError) as caught:
        CampaignStore("postgresql+psycopg://ana:secret@127.0.0.1:1/nowhere")
    assert "secret" not in str(caught.value)
    assert "ana:***@127.0.0.1" in str(caught.value)
    assert "secret" not in repr(Settings(database_url="postgresql://ana:secret@h/db"))


def test_a_file_that_is_not_a_database(tmp_path: Any) -> None:
    path = tmp_path / "campaigns.sqlite"
    path.write_bytes(b"this is not an SQLite database, just some text" * 100)
    with pytest.raises(CampaignError, match="cannot open the campaign database"):
        CampaignStore(f"sqlite:///{path}")


def test_in_memory_sqlite() -> None:
    with CampaignStore("sqlite://") as opened:
        opened.create_campaign(**campaign_fields())
        assert opened.members(CAMPAIGN)["USA"].version == 1


def test_sqlite_connections(tmp_path: Any) -> None:
    """Foreign keys on (deleting a campaign cascades), WAL, a busy timeout, and write
    transactions that take the write lock at BEGIN."""
    with CampaignStore(f"sqlite:///{tmp_path / 'c.sqlite'}") as opened:
        opened.create_campaign(**campaign_fields())
        report(opened, "BRA")
        statements: list[str] = []
        sa.event.listen(
            opened.engine, "before_cursor_execute", lambda *args: statements.append(args[2])
        )
        with opened.engine.connect() as connection:
            pragma = connection.exec_driver_sql
            assert pragma("PRAGMA foreign_keys").scalar() == 1
            assert pragma("PRAGMA journal_mode").scalar() == "wal"
            assert pragma("PRAGMA busy_timeout").scalar() == 60_000
        opened.delete_campaign(CAMPAIGN, actor=ACTOR)
        assert "BEGIN IMMEDIATE" in statements
        with opened.engine.connect() as connection:
            for table in ("members", "reports"):
                count = connection.exec_driver_sql(f"SELECT count(*) FROM {table}").scalar()
                assert count == 0


@given(st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.integers(-3, 3)))
def test_reliability_is_exactly_the_unit_interval(value: float) -> None:
    if math.isfinite(value) and 0 <= value <= 1:
        assert inputs.reliability(value) == float(value)
    else:
        with pytest.raises(CampaignInputError):
            inputs.reliability(value)


@given(st.sampled_from(["yes-below", "yes-above"]), st.integers(0, 400), st.booleans())
def test_goal_thresholds(kind: str, threshold: int, shout: bool) -> None:
    text = f"{kind}:{threshold}"
    assert inputs.goal(text.upper() if shout else text) == text
    with pytest.raises(CampaignInputError):
        inputs.goal(f"{kind}:{-threshold - 1}")


def test_a_cached_snapshot_never_outlives_its_campaign(
    store: CampaignStore, database_url: str
) -> None:
    """Snapshots are cached between loads (``repository_campaigns.load``); a refresh, a
    deletion and a new campaign of the same name are each seen at once, by this store
    and by another process's."""
    first = store.campaign(CAMPAIGN).snapshot
    assert store.campaign(CAMPAIGN).snapshot is first  # decoded once
    with CampaignStore(database_url) as other:
        assert other.campaign(CAMPAIGN).snapshot == first
        wider = snapshot((*MEMBERS, "IND"))
        other.set_snapshot(CAMPAIGN, snapshot=wider, actor="ana")
        assert store.campaign(CAMPAIGN).snapshot == wider
        other.delete_campaign(CAMPAIGN, actor="ana")
        with pytest.raises(CampaignNotFoundError):
            store.campaign(CAMPAIGN)
        narrow = snapshot(("BRA", "USA"))
        other.create_campaign(**campaign_fields(snapshot=narrow))
        assert store.campaign(CAMPAIGN).snapshot == narrow
    # a create that fails after its row is written caches nothing
    with pytest.raises(CampaignInputError):
        store.create_campaign(**campaign_fields(name="broken", snapshot={"members": ["NOPE"]}))
    with pytest.raises(CampaignNotFoundError):
        store.campaign("broken")
