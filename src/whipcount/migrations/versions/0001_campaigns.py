"""Campaigns: campaigns, members, arguments, reports, contacts and the audit trail.

Revision ID: 0001
Revises:
Create Date: 2026-11-30

Written by hand from whipcount/campaign/tables.py; tests/campaign/test_migrations.py
checks that the two agree.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

CODE = sa.String(3)
NAME = sa.String(200)
WHEN = sa.DateTime(timezone=True)
DOCUMENT = sa.JSON(none_as_null=True)


def _campaign_key(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["campaign_id"],
        ["campaigns.id"],
        name=f"fk_{table}_campaign_id_campaigns",
        ondelete="CASCADE",
    )


def _member_key(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["campaign_id", "iso3"],
        ["members.campaign_id", "members.iso3"],
        name=f"fk_{table}_member_members",
        ondelete="CASCADE",
    )


def _created() -> list[sa.Column[object]]:
    return [
        sa.Column("created_at", WHEN, nullable=False),
        sa.Column("created_by", NAME, nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        "campaigns",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("name", NAME, nullable=False),
        sa.Column("series", sa.String(100), nullable=True),
        sa.Column("session", sa.Integer, nullable=True),
        sa.Column("draft", sa.Text, nullable=True),
        sa.Column("sponsors", DOCUMENT, nullable=False),
        sa.Column("issues", DOCUMENT, nullable=False),
        sa.Column("lobbyist", CODE, nullable=False),
        sa.Column("goal", sa.String(40), nullable=False),
        sa.Column("majority", sa.String(20), nullable=False),
        sa.Column("vote_date", sa.Date, nullable=False),
        sa.Column("capacity", sa.Integer, nullable=False),
        sa.Column("capacity_per", sa.String(10), nullable=False),
        sa.Column("as_of", sa.Date, nullable=True),
        sa.Column("snapshot", DOCUMENT, nullable=False),
        *_created(),
        sa.Column("updated_at", WHEN, nullable=False),
        sa.Column("updated_by", NAME, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_campaigns"),
        sa.UniqueConstraint("name", name="uq_campaigns_name"),
        sa.CheckConstraint("capacity >= 1", name="ck_campaigns_capacity"),
        sa.CheckConstraint("capacity_per IN ('total', 'week')", name="ck_campaigns_capacity_per"),
        sa.CheckConstraint("majority IN ('simple', 'two-thirds')", name="ck_campaigns_majority"),
        sa.CheckConstraint("version >= 1", name="ck_campaigns_version"),
        sqlite_autoincrement=True,
    )
    op.create_table(
        "members",
        sa.Column("campaign_id", sa.Integer, nullable=False),
        sa.Column("iso3", CODE, nullable=False),
        sa.Column("post", CODE, nullable=False),
        sa.Column("note", sa.Text, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("updated_at", WHEN, nullable=False),
        sa.Column("updated_by", NAME, nullable=False),
        sa.PrimaryKeyConstraint("campaign_id", "iso3", name="pk_members"),
        _campaign_key("members"),
        sa.CheckConstraint("version >= 1", name="ck_members_version"),
    )
    op.create_table(
        "arguments",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("campaign_id", sa.Integer, nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("link_query", sa.Text, nullable=True),
        sa.Column("linked", DOCUMENT, nullable=False),
        sa.Column("reach", DOCUMENT, nullable=False),
        *_created(),
        sa.PrimaryKeyConstraint("id", name="pk_arguments"),
        _campaign_key("arguments"),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_arguments_campaign_id", "arguments", ["campaign_id"])
    op.create_table(
        "reports",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("campaign_id", sa.Integer, nullable=False),
        sa.Column("iso3", CODE, nullable=False),
        sa.Column("position", sa.String(20), nullable=False),
        sa.Column("source", sa.Text, nullable=False),
        sa.Column("reliability", sa.Double, nullable=False),
        sa.Column("reported_on", sa.Date, nullable=False),
        sa.Column("reporter", NAME, nullable=False),
        sa.Column("note", sa.Text, nullable=False),
        *_created(),
        sa.PrimaryKeyConstraint("id", name="pk_reports"),
        _member_key("reports"),
        sa.CheckConstraint("reliability >= 0 AND reliability <= 1", name="ck_reports_reliability"),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_reports_campaign_id", "reports", ["campaign_id", "iso3"])
    op.create_table(
        "contacts",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("campaign_id", sa.Integer, nullable=False),
        sa.Column("iso3", CODE, nullable=False),
        sa.Column("contacted_on", sa.Date, nullable=False),
        sa.Column("level", sa.String(40), nullable=False),
        sa.Column("channel", sa.String(40), nullable=False),
        sa.Column("arguments", DOCUMENT, nullable=False),
        sa.Column("response", sa.Text, nullable=False),
        sa.Column("follow_up", sa.Date, nullable=True),
        sa.Column("officer", NAME, nullable=False),
        sa.Column("note", sa.Text, nullable=False),
        *_created(),
        sa.PrimaryKeyConstraint("id", name="pk_contacts"),
        _member_key("contacts"),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_contacts_campaign_id", "contacts", ["campaign_id", "iso3"])
    op.create_table(
        "audit",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("at", WHEN, nullable=False),
        sa.Column("actor", NAME, nullable=False),
        sa.Column("campaign_id", sa.Integer, nullable=True),
        sa.Column("campaign", NAME, nullable=True),
        sa.Column("entity", sa.String(20), nullable=False),
        sa.Column("entity_key", sa.String(200), nullable=False),
        sa.Column("action", sa.String(10), nullable=False),
        sa.Column("before", DOCUMENT, nullable=True),
        sa.Column("after", DOCUMENT, nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_audit"),
        sa.CheckConstraint("action IN ('create', 'update', 'delete')", name="ck_audit_action"),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_audit_campaign", "audit", ["campaign"])


def downgrade() -> None:
    for table in ("audit", "contacts", "reports", "arguments", "members", "campaigns"):
        op.drop_table(table)
