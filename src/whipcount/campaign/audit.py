"""The audit trail: every change to the campaign database, with who, when, before, after.

Each write of :mod:`whipcount.campaign.repository` calls :func:`record` in its own
transaction, so that a change and its audit row are committed together or not at all.
``before`` is ``None`` for a creation and ``after`` for a deletion.  The rows carry the
campaign's name as well as its id and have no foreign key: the trail of a deleted
campaign stays readable.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

import sqlalchemy as sa

from whipcount.campaign import tables
from whipcount.campaign.entities import AuditEntry, Campaign, utc

__all__ = ["ENTITIES", "entries", "record", "snapshot_summary"]

ENTITIES = ("campaign", "argument", "report", "contact", "member")


def record(
    connection: sa.Connection,
    *,
    at: dt.datetime,
    actor: str,
    campaign: Campaign | None,
    entity: str,
    key: str | int,
    action: str,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
) -> None:
    """Write one audit row (inside the caller's transaction)."""
    assert entity in ENTITIES
    connection.execute(
        sa.insert(tables.audit).values(
            at=at,
            actor=actor,
            campaign_id=None if campaign is None else campaign.id,
            campaign=None if campaign is None else campaign.name,
            entity=entity,
            entity_key=str(key),
            action=action,
            before=before,
            after=after,
        )
    )


def entries(
    connection: sa.Connection, campaign: str | None, *, limit: int | None
) -> list[AuditEntry]:
    """The trail, newest first: of one campaign (by name) or of the whole database."""
    table = tables.audit
    query = sa.select(table).order_by(table.c.id.desc())
    if campaign is not None:
        query = query.where(table.c.campaign == campaign)
    if limit is not None:
        query = query.limit(limit)
    out = []
    for row in connection.execute(query).mappings():
        out.append(
            AuditEntry(
                id=row["id"],
                at=utc(row["at"]),
                actor=row["actor"],
                campaign=row["campaign"],
                entity=row["entity"],
                entity_key=row["entity_key"],
                action=row["action"],
                before=row["before"],
                after=row["after"],
            )
        )
    return out


def snapshot_summary(snapshot: dict[str, Any]) -> dict[str, Any]:
    """What the trail keeps of a snapshot: its top-level scalars, size and digest."""
    canonical = json.dumps(snapshot, sort_keys=True, separators=(",", ":"))
    scalars = {
        key: value
        for key, value in snapshot.items()
        if value is None or isinstance(value, str | int | float | bool)
    }
    return {
        **scalars,
        "members": len(snapshot.get("members", [])),
        "sha256": hashlib.sha256(canonical.encode()).hexdigest(),
    }
