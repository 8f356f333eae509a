"""The field data of a campaign's members: reports, contacts, board edits, whole sheets.

These functions run inside a write (or read) transaction opened by
:class:`whipcount.campaign.repository.CampaignStore`, on a campaign it has loaded.  Each
change to a member bumps the member's ``version`` with one conditional ``UPDATE``:

- with an expected version, ``... WHERE version = :expected``; no row updated means
  someone else changed the member since it was read: :class:`StaleEditError`, and the
  transaction rolls back;
- without, ``version = version + 1`` (atomic under the database's row or file lock), so
  that concurrent writers of the same member never lose an update.

Input is checked (:mod:`whipcount.campaign.edits`) before anything is written.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa

from whipcount.campaign import audit, edits, tables
from whipcount.campaign.entities import (
    Campaign,
    Contact,
    ContactEdit,
    Edit,
    MemberEdit,
    MemberState,
    Report,
    ReportEdit,
    utc,
)
from whipcount.errors import CampaignError, CampaignInputError, StaleEditError

__all__ = [
    "add_contact",
    "add_report",
    "apply_edits",
    "contacts",
    "create_members",
    "edit_member",
    "members",
    "reports",
]

Change = Report | Contact | MemberState


def _where(campaign: Campaign, iso3: str) -> sa.ColumnElement[bool]:
    table = tables.members
    return sa.and_(table.c.campaign_id == campaign.id, table.c.iso3 == iso3)


def _stale(stale: list[tuple[str, int, int]]) -> StaleEditError:
    parts = [
        f"{code} changed since you read it (version {was}, now {now})" for code, was, now in stale
    ]
    code, was, now = stale[0]
    return StaleEditError(
        "; ".join(parts) + ": reload and retry", iso3=code, expected=was, current=now
    )


def _bump(
    connection: sa.Connection,
    campaign: Campaign,
    iso3: str,
    *,
    expected: int | None,
    at: dt.datetime,
    actor: str,
) -> int:
    """Add one to the member's version (only from ``expected`` if given); the new version."""
    table = tables.members
    update = (
        sa.update(table)
        .where(_where(campaign, iso3))
        .values(version=table.c.version + 1, updated_at=at, updated_by=actor)
    )
    if expected is not None:
        update = update.where(table.c.version == expected)
    updated = connection.execute(update).rowcount
    current = connection.execute(sa.select(table.c.version).where(_where(campaign, iso3)))
    version = current.scalar_one_or_none()
    if version is None:
        raise CampaignError(f"campaign {campaign.name!r} has no board row for {iso3}")
    if updated != 1:
        assert expected is not None
        raise _stale([(iso3, expected, version)])
    return int(version)


def create_members(
    connection: sa.Connection, campaign: Campaign, *, at: dt.datetime, actor: str
) -> None:
    """Board rows (version 1, post = the member itself) for members that have none."""
    table = tables.members
    have = set(
        connection.execute(sa.select(table.c.iso3).where(table.c.campaign_id == campaign.id))
        .scalars()
        .all()
    )
    rows = [
        {
            "campaign_id": campaign.id,
            "iso3": code,
            "post": code,
            "note": "",
            "version": 1,
            "updated_at": at,
            "updated_by": actor,
        }
        for code in campaign.members
        if code not in have
    ]
    if rows:
        connection.execute(sa.insert(table), rows)


def _state(row: Any) -> MemberState:
    return MemberState(
        iso3=row["iso3"],
        post=row["post"],
        note=row["note"],
        version=row["version"],
        updated_at=utc(row["updated_at"]),
        updated_by=row["updated_by"],
    )


def members(connection: sa.Connection, campaign: Campaign) -> dict[str, MemberState]:
    """Every board row of the campaign, by ISO3 code."""
    table = tables.members
    query = sa.select(table).where(table.c.campaign_id == campaign.id).order_by(table.c.iso3)
    return {row["iso3"]: _state(row) for row in connection.execute(query).mappings()}


def _report(campaign: Campaign, row: Any) -> Report:
    values = {name: row[name] for name in Report.__dataclass_fields__ if name != "campaign"}
    values["created_at"] = utc(values["created_at"])
    return Report(campaign=campaign.name, **values)


def _contact(campaign: Campaign, row: Any) -> Contact:
    skip = {"campaign", "on"}
    values = {name: row[name] for name in Contact.__dataclass_fields__ if name not in skip}
    values["created_at"] = utc(values["created_at"])
    values["arguments"] = list(values["arguments"])
    return Contact(campaign=campaign.name, on=row["contacted_on"], **values)


def reports(connection: sa.Connection, campaign: Campaign, iso3: str | None) -> list[Report]:
    """The campaign's reports (of one member if given), in the order they were entered."""
    table = tables.reports
    query = sa.select(table).where(table.c.campaign_id == campaign.id).order_by(table.c.id)
    if iso3 is not None:
        query = query.where(table.c.iso3 == edits.member(campaign, iso3))
    return [_report(campaign, row) for row in connection.execute(query).mappings()]


def contacts(connection: sa.Connection, campaign: Campaign, iso3: str | None) -> list[Contact]:
    """The campaign's contacts (with one member if given), in the order they were entered."""
    table = tables.contacts
    query = sa.select(table).where(table.c.campaign_id == campaign.id).order_by(table.c.id)
    if iso3 is not None:
        query = query.where(table.c.iso3 == edits.member(campaign, iso3))
    return [_contact(campaign, row) for row in connection.execute(query).mappings()]


def _insert(
    connection: sa.Connection,
    campaign: Campaign,
    kind: str,
    values: dict[str, Any],
    *,
    expected: int | None,
    at: dt.datetime,
    actor: str,
) -> Report | Contact:
    version = _bump(connection, campaign, values["iso3"], expected=expected, at=at, actor=actor)
    table = tables.reports if kind == "report" else tables.contacts
    row = {**values, "created_at": at, "created_by": actor}
    key = connection.execute(sa.insert(table).values(row).returning(table.c.id)).scalar_one()
    stored = connection.execute(sa.select(table).where(table.c.id == key)).mappings().one()
    made = _report(campaign, stored) if kind == "report" else _contact(campaign, stored)
    after = {**made.document(), "member_version": version}
    audit.record(
        connection,
        at=at,
        actor=actor,
        campaign=campaign,
        entity=kind,
        key=key,
        action="create",
        before=None,
        after=after,
    )
    return made


def _edit(
    connection: sa.Connection,
    campaign: Campaign,
    values: dict[str, Any],
    *,
    expected: int | None,
    at: dt.datetime,
    actor: str,
) -> MemberState:
    table = tables.members
    where = _where(campaign, values["iso3"])
    before = _state(
        connection.execute(sa.select(table).where(where).with_for_update()).mappings().one()
    )
    changes = {k: v for k, v in values.items() if k != "iso3" and getattr(before, k) != v}
    if expected is not None and before.version != expected:
        raise _stale([(before.iso3, expected, before.version)])
    if not changes:
        return before
    _bump(connection, campaign, before.iso3, expected=expected, at=at, actor=actor)
    connection.execute(sa.update(table).where(where).values(changes))
    after = _state(connection.execute(sa.select(table).where(where)).mappings().one())
    audit.record(
        connection,
        at=at,
        actor=actor,
        campaign=campaign,
        entity="member",
        key=before.iso3,
        action="update",
        before=before.document(),
        after=after.document(),
    )
    return after


def _apply(
    connection: sa.Connection,
    campaign: Campaign,
    edit: Edit,
    values: dict[str, Any],
    *,
    expected: int | None,
    at: dt.datetime,
    actor: str,
) -> Change:
    if isinstance(edit, MemberEdit):
        return _edit(connection, campaign, values, expected=expected, at=at, actor=actor)
    kind = "report" if isinstance(edit, ReportEdit) else "contact"
    return _insert(connection, campaign, kind, values, expected=expected, at=at, actor=actor)


def add_report(
    connection: sa.Connection, campaign: Campaign, edit: ReportEdit, *, at: dt.datetime, actor: str
) -> Report:
    values = edits.report_values(campaign, edit)
    expected = edits.expected_version(edit.expected_version)
    made = _insert(connection, campaign, "report", values, expected=expected, at=at, actor=actor)
    assert isinstance(made, Report)
    return made


def add_contact(
    connection: sa.Connection, campaign: Campaign, edit: ContactEdit, *, at: dt.datetime, actor: str
) -> Contact:
    values = edits.contact_values(connection, campaign, edit)
    expected = edits.expected_version(edit.expected_version)
    made = _insert(connection, campaign, "contact", values, expected=expected, at=at, actor=actor)
    assert isinstance(made, Contact)
    return made


def edit_member(
    connection: sa.Connection, campaign: Campaign, edit: MemberEdit, *, at: dt.datetime, actor: str
) -> MemberState:
    values = edits.member_values(campaign, edit)
    expected = edits.expected_version(edit.expected_version)
    return _edit(connection, campaign, values, expected=expected, at=at, actor=actor)


def apply_edits(
    connection: sa.Connection,
    campaign: Campaign,
    sheet: Sequence[Edit],
    *,
    at: dt.datetime,
    actor: str,
) -> list[Change]:
    """Apply a whole sheet: every edit is checked, then every member's version (each
    edit's ``expected_version`` must be the member's version now), then all are written.
    Any error raises before the caller commits, so a sheet is applied whole or not at all."""
    prepared = []
    for number, edit in enumerate(sheet, start=1):
        try:
            prepared.append(
                (
                    edit,
                    edits.prepare(connection, campaign, edit),
                    edits.expected_version(edit.expected_version),
                )
            )
        except CampaignInputError as error:
            raise CampaignInputError(f"edit {number}: {error}") from error
    expected: dict[str, set[int]] = {}
    for _, values, version in prepared:
        versions = expected.setdefault(values["iso3"], set())
        if version is not None:
            versions.add(version)
    table = tables.members
    # lock every member of the sheet, in one order, so that two sheets cannot deadlock
    locked = connection.execute(
        sa.select(table.c.iso3, table.c.version)
        .where(table.c.campaign_id == campaign.id, table.c.iso3.in_(sorted(expected)))
        .order_by(table.c.iso3)
        .with_for_update()
    )
    current = {str(code): int(version) for code, version in locked}
    stale = [
        (code, was, current[code])
        for code in sorted(expected)
        for was in sorted(expected[code])
        if was != current[code]
    ]
    if stale:
        raise _stale(stale)
    return [
        _apply(connection, campaign, edit, values, expected=None, at=at, actor=actor)
        for edit, values, _version_ in prepared
    ]
