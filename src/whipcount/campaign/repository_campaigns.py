"""Campaigns and their arguments: creation, snapshot refresh, deletion.

Like :mod:`whipcount.campaign.repository_members`, these functions run inside a
transaction opened by :class:`whipcount.campaign.repository.CampaignStore`, check their
input first, and write an audit row with every change.

A campaign's snapshot (its forecast and persuadability, some hundred kilobytes of JSON)
changes only when the campaign is created or refreshed, while every question about the
campaign loads it; :func:`load` therefore reads the row without it and takes the decoded
snapshot from a small cache keyed by the database, the campaign's id, name, creation
time, version and last update (a refresh bumps the version), reading it on a miss with
the same version and update time as the row.  Only committed snapshots are cached (a
create or refresh reads its own without the cache), and snapshots are never changed in
place.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import OrderedDict
from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa

from whipcount.campaign import audit, inputs, tables
from whipcount.campaign import repository_members as board
from whipcount.campaign.entities import Argument, Campaign, utc
from whipcount.errors import CampaignInputError, CampaignNotFoundError

__all__ = ["add_argument", "arguments", "create", "delete", "load", "set_snapshot", "values"]


#: decoded snapshots, by (database, id, created_at, version, updated_at); most recent last
_SNAPSHOTS: OrderedDict[tuple[Any, ...], dict[str, Any]] = OrderedDict()
_SNAPSHOTS_KEPT = 16
_SNAPSHOTS_LOCK = threading.Lock()


def load(
    connection: sa.Connection, name: str, *, lock: bool = False, cached: bool = True
) -> Campaign:
    """The campaign named ``name``; ``lock`` holds it (PostgreSQL ``FOR SHARE``) until the
    transaction ends, so that it is not deleted or refreshed under a write.  ``cached``
    False reads the snapshot from the row and keeps it out of the cache (a write's own,
    not yet committed, snapshot)."""
    table = tables.campaigns
    which = table.c.name == inputs.name(name, "campaign name")
    if not cached:
        return _one(connection, sa.select(table).where(which), name, lock=lock)
    columns = [column for column in table.c if column.name != "snapshot"]
    row = _one_row(connection, sa.select(*columns).where(which), name, lock=lock)
    key = (
        connection.engine.url.render_as_string(hide_password=True),
        row["id"],
        row["name"],
        row["created_at"],
        row["version"],
        row["updated_at"],
    )
    with _SNAPSHOTS_LOCK:
        snapshot = _SNAPSHOTS.get(key)
        if snapshot is not None:
            _SNAPSHOTS.move_to_end(key)
    if snapshot is not None:
        return Campaign.from_row({**row, "snapshot": snapshot})
    # the snapshot of the very row read above: a refresh or a deletion committed in
    # between (PostgreSQL reads each statement afresh) finds nothing, and the whole row
    # is read again instead
    same = sa.and_(
        table.c.id == row["id"],
        table.c.version == row["version"],
        table.c.updated_at == row["updated_at"],
    )
    snapshot = connection.execute(sa.select(table.c.snapshot).where(same)).scalar_one_or_none()
    if snapshot is None:
        return _one(connection, sa.select(table).where(which), name, lock=lock)
    with _SNAPSHOTS_LOCK:
        _SNAPSHOTS[key] = snapshot
        while len(_SNAPSHOTS) > _SNAPSHOTS_KEPT:
            _SNAPSHOTS.popitem(last=False)
    return Campaign.from_row({**row, "snapshot": snapshot})


def _one_row(
    connection: sa.Connection, query: sa.Select[Any], name: str, *, lock: bool
) -> sa.RowMapping:
    if lock:
        query = query.with_for_update(read=True)
    row = connection.execute(query).mappings().one_or_none()
    if row is None:
        raise CampaignNotFoundError(f"no campaign named {name!r}")
    return row


def _one(connection: sa.Connection, query: sa.Select[Any], name: str, *, lock: bool) -> Campaign:
    return Campaign.from_row(_one_row(connection, query, name, lock=lock))


def _whole(value: object, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise CampaignInputError(f"{what} must be a whole number >= 1, not {value!r}")
    return value


def _choice(value: object, allowed: tuple[str, ...], what: str) -> str:
    if value not in allowed:
        raise CampaignInputError(f"{what} must be one of {', '.join(allowed)}, not {value!r}")
    return str(value)


def values(**given: Any) -> dict[str, Any]:
    """The checked, normalised columns of a new campaign (``create_campaign``'s fields)."""
    series, draft, session = given["series"], given["draft"], given["session"]
    sponsors = inputs.strings(given["sponsors"], "sponsors")
    return {
        "name": inputs.campaign_name(given["name"]),
        "lobbyist": inputs.code(given["lobbyist"], "lobbyist"),
        "goal": inputs.goal(given["goal"]),
        "majority": _choice(given["majority"], inputs.MAJORITIES, "majority"),
        "vote_date": inputs.day(given["vote_date"], "vote_date"),
        "capacity": _whole(given["capacity"], "capacity"),
        "capacity_per": _choice(given["capacity_per"], inputs.CAPACITY_PER, "capacity_per"),
        "as_of": inputs.optional_day(given["as_of"], "as_of"),
        "series": None if series is None else inputs.name(series, "series"),
        "session": None if session is None else _whole(session, "session"),
        "draft": None if draft is None else inputs.text(draft, "draft"),
        "sponsors": [inputs.code(s, "sponsor") for s in sponsors],
        "issues": inputs.strings(given["issues"], "issues"),
        "snapshot": inputs.snapshot(given["snapshot"]),
    }


def create(
    connection: sa.Connection, columns: dict[str, Any], *, at: dt.datetime, actor: str
) -> Campaign:
    """Insert a campaign (``columns`` from :func:`values`) and its members' board rows."""
    table = tables.campaigns
    taken = connection.execute(sa.select(table.c.id).where(table.c.name == columns["name"]))
    if taken.first() is not None:
        raise CampaignInputError(f"a campaign named {columns['name']!r} already exists")
    stamp = {"created_at": at, "created_by": actor, "updated_at": at, "updated_by": actor}
    connection.execute(sa.insert(table).values(**columns, **stamp, version=1))
    campaign = load(connection, columns["name"], cached=False)
    board.create_members(connection, campaign, at=at, actor=actor)
    after = {**campaign.document(), "snapshot": audit.snapshot_summary(campaign.snapshot)}
    _audit(connection, campaign, "create", None, after, at=at, actor=actor)
    return campaign


def set_snapshot(
    connection: sa.Connection, name: str, snapshot: object, *, at: dt.datetime, actor: str
) -> Campaign:
    """Replace the snapshot; members new to it get board rows."""
    stored = inputs.snapshot(snapshot)
    before = load(connection, name, lock=True)
    table = tables.campaigns
    connection.execute(
        sa.update(table)
        .where(table.c.id == before.id)
        .values(snapshot=stored, updated_at=at, updated_by=actor, version=table.c.version + 1)
    )
    after = load(connection, name, cached=False)
    board.create_members(connection, after, at=at, actor=actor)
    summary = [
        {"version": c.version, "snapshot": audit.snapshot_summary(c.snapshot)}
        for c in (before, after)
    ]
    _audit(connection, after, "update", summary[0], summary[1], at=at, actor=actor)
    return after


def delete(connection: sa.Connection, name: str, *, at: dt.datetime, actor: str) -> None:
    """Delete the campaign and its field data; the audit row keeps what it held."""
    campaign = load(connection, name, lock=True)
    before: dict[str, Any] = {
        **campaign.document(),
        "snapshot": audit.snapshot_summary(campaign.snapshot),
    }
    for table in (tables.arguments, tables.reports, tables.contacts):
        count = sa.select(sa.func.count()).where(table.c.campaign_id == campaign.id)
        before[table.name] = connection.execute(count).scalar_one()
    connection.execute(sa.delete(tables.campaigns).where(tables.campaigns.c.id == campaign.id))
    _audit(connection, campaign, "delete", before, None, at=at, actor=actor)


def _audit(
    connection: sa.Connection,
    campaign: Campaign,
    action: str,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    *,
    at: dt.datetime,
    actor: str,
) -> None:
    audit.record(
        connection,
        at=at,
        actor=actor,
        campaign=campaign,
        entity="campaign",
        key=campaign.name,
        action=action,
        before=before,
        after=after,
    )


def _argument(campaign: Campaign, row: Mapping[Any, Any]) -> Argument:
    return Argument(
        id=row["id"],
        campaign=campaign.name,
        text=row["text"],
        link_query=row["link_query"],
        linked=list(row["linked"]),
        reach=dict(row["reach"]),
        created_at=utc(row["created_at"]),
        created_by=row["created_by"],
    )


def add_argument(
    connection: sa.Connection,
    campaign: Campaign,
    *,
    text: object,
    link_query: object,
    linked: object,
    reach: object,
    at: dt.datetime,
    actor: str,
) -> Argument:
    """Add an argument to the campaign."""
    if not isinstance(text, str) or not text.strip():
        raise CampaignInputError("an argument needs a text")
    row = {
        "campaign_id": campaign.id,
        "text": text.strip(),
        "link_query": None if link_query is None else inputs.text(link_query, "link_query"),
        "linked": inputs.strings(linked, "linked roll calls"),
        "reach": inputs.reach(reach, set(campaign.members)),
        "created_at": at,
        "created_by": actor,
    }
    table = tables.arguments
    key = connection.execute(sa.insert(table).values(row).returning(table.c.id)).scalar_one()
    argument = _argument(campaign, {**row, "id": key})
    audit.record(
        connection,
        at=at,
        actor=actor,
        campaign=campaign,
        entity="argument",
        key=argument.id,
        action="create",
        before=None,
        after=argument.document(),
    )
    return argument


def arguments(connection: sa.Connection, campaign: Campaign) -> list[Argument]:
    """The campaign's arguments, oldest first."""
    table = tables.arguments
    query = sa.select(table).where(table.c.campaign_id == campaign.id).order_by(table.c.id)
    return [_argument(campaign, row) for row in connection.execute(query).mappings()]
