"""The campaign database's tables (SQLAlchemy Core), the one description of its schema.

The migrations in ``whipcount/migrations/versions`` are written by hand from these
tables; ``tests/campaign/test_migrations.py`` checks with Alembic's
``compare_metadata`` that the two agree on SQLite and PostgreSQL.

- ``campaigns``: one row per campaign; ``snapshot`` is the forecast and persuadability
  document the campaign was created (or last refreshed) with.
- ``members``: the board state of each snapshot member (embassy responsible, note, and
  a ``version`` bumped by every report, contact or edit that touches the member: the
  optimistic lock of concurrent edits).
- ``arguments``, ``reports`` and ``contacts``: the field data, appended, never updated
  in place (a report is superseded by a newer one, not edited).
- ``audit``: every change, with who, when, and the entity before and after (JSON). It
  has no foreign key, so that it outlives a deleted campaign.

Times are UTC (``timestamp with time zone`` on PostgreSQL); dates are calendar days.

Team mode's accounts (users, sessions, API tokens, failed sign-ins) live in the same
database and migration history: :mod:`whipcount.accounts.tables` defines them on this
module's ``metadata``, and is imported at the end of this module so that ``metadata``
always describes the whole database.
"""

from __future__ import annotations

import sqlalchemy as sa

__all__ = [
    "arguments",
    "audit",
    "campaigns",
    "contacts",
    "members",
    "metadata",
    "reports",
]

#: constraint names, so that migrations can name what they create and later alter
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = sa.MetaData(naming_convention=NAMING)

CODE = sa.String(3)  # an ISO 3166 alpha-3 code
NAME = sa.String(200)
WHEN = sa.DateTime(timezone=True)
DOCUMENT = sa.JSON(none_as_null=True)


def _campaign_key() -> sa.Column[int]:
    return sa.Column(
        "campaign_id",
        sa.Integer,
        sa.ForeignKey("campaigns.id", ondelete="CASCADE"),
        nullable=False,
    )


campaigns = sa.Table(
    "campaigns",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("name", NAME, nullable=False, unique=True),
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
    sa.Column("created_at", WHEN, nullable=False),
    sa.Column("created_by", NAME, nullable=False),
    sa.Column("updated_at", WHEN, nullable=False),
    sa.Column("updated_by", NAME, nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
    sa.CheckConstraint("capacity >= 1", name="capacity"),
    sa.CheckConstraint("capacity_per IN ('total', 'week')", name="capacity_per"),
    sa.CheckConstraint("majority IN ('simple', 'two-thirds')", name="majority"),
    sa.CheckConstraint("version >= 1", name="version"),
    sqlite_autoincrement=True,  # ids are never reused: the audit trail refers to them
)

members = sa.Table(
    "members",
    metadata,
    _campaign_key(),
    sa.Column("iso3", CODE, nullable=False),
    sa.Column("post", CODE, nullable=False),
    sa.Column("note", sa.Text, nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("updated_at", WHEN, nullable=False),
    sa.Column("updated_by", NAME, nullable=False),
    sa.PrimaryKeyConstraint("campaign_id", "iso3"),
    sa.CheckConstraint("version >= 1", name="version"),
)

arguments = sa.Table(
    "arguments",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    _campaign_key(),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("link_query", sa.Text, nullable=True),
    sa.Column("linked", DOCUMENT, nullable=False),
    sa.Column("reach", DOCUMENT, nullable=False),
    sa.Column("created_at", WHEN, nullable=False),
    sa.Column("created_by", NAME, nullable=False),
    sa.Index(None, "campaign_id"),
    sqlite_autoincrement=True,
)


def _member_key(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["campaign_id", "iso3"],
        ["members.campaign_id", "members.iso3"],
        name=f"fk_{table}_member_members",
        ondelete="CASCADE",
    )


reports = sa.Table(
    "reports",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("campaign_id", sa.Integer, nullable=False),
    sa.Column("iso3", CODE, nullable=False),
    sa.Column("position", sa.String(20), nullable=False),
    sa.Column("source", sa.Text, nullable=False),
    sa.Column("reliability", sa.Double, nullable=False),
    sa.Column("reported_on", sa.Date, nullable=False),
    sa.Column("reporter", NAME, nullable=False),
    sa.Column("note", sa.Text, nullable=False),
    sa.Column("created_at", WHEN, nullable=False),
    sa.Column("created_by", NAME, nullable=False),
    _member_key("reports"),
    sa.CheckConstraint("reliability >= 0 AND reliability <= 1", name="reliability"),
    sa.Index(None, "campaign_id", "iso3"),
    sqlite_autoincrement=True,
)

contacts = sa.Table(
    "contacts",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
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
    sa.Column("created_at", WHEN, nullable=False),
    sa.Column("created_by", NAME, nullable=False),
    _member_key("contacts"),
    sa.Index(None, "campaign_id", "iso3"),
    sqlite_autoincrement=True,
)

audit = sa.Table(
    "audit",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("at", WHEN, nullable=False),
    sa.Column("actor", NAME, nullable=False),
    sa.Column("campaign_id", sa.Integer, nullable=True),
    sa.Column("campaign", NAME, nullable=True),
    sa.Column("entity", sa.String(20), nullable=False),
    sa.Column("entity_key", sa.String(200), nullable=False),
    sa.Column("action", sa.String(10), nullable=False),
    sa.Column("before", DOCUMENT, nullable=True),
    sa.Column("after", DOCUMENT, nullable=True),
    sa.CheckConstraint("action IN ('create', 'update', 'delete')", name="action"),
    sa.Index(None, "campaign"),
    sqlite_autoincrement=True,
)


# the accounts' tables join ``metadata`` (see the module docstring)
from whipcount.accounts import tables as _accounts  # noqa: E402, F401
