"""The campaign store: the one write path of campaign data.

:class:`CampaignStore` opens the campaign database (:mod:`whipcount.campaign.database`:
SQLite by default, PostgreSQL through ``WHIPCOUNT_DATABASE_URL``), migrates it to the
newest schema, and offers keyword-only, typed reads and writes that return frozen
dataclasses (:mod:`whipcount.campaign.entities`), never database rows.

Every write is one transaction that also writes its audit row
(:mod:`whipcount.campaign.audit`); input is checked first
(:mod:`whipcount.campaign.inputs`), so that bad input raises
:class:`~whipcount.errors.CampaignInputError` and changes nothing.  Writes to a member
take an optional ``expected_version`` (the version the caller read): if the member has
changed since, :class:`~whipcount.errors.StaleEditError` is raised and nothing is
written (see :mod:`whipcount.campaign.repository_members`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from contextlib import AbstractContextManager
from pathlib import Path
from types import TracebackType
from typing import Any

import sqlalchemy as sa

from whipcount.campaign import audit, database, inputs, tables
from whipcount.campaign import repository_campaigns as campaign_ops
from whipcount.campaign import repository_members as board
from whipcount.campaign.entities import (
    UNSET,
    Argument,
    AuditEntry,
    Campaign,
    Contact,
    ContactEdit,
    Edit,
    MemberEdit,
    MemberState,
    Report,
    ReportEdit,
    Unset,
)
from whipcount.errors import CampaignError, CampaignInputError
from whipcount.settings import Settings

__all__ = [
    "UNSET",
    "Argument",
    "AuditEntry",
    "Campaign",
    "CampaignStore",
    "Contact",
    "ContactEdit",
    "Edit",
    "MemberEdit",
    "MemberState",
    "Report",
    "ReportEdit",
]


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class CampaignStore:
    """The campaign database at ``url``, migrated to the newest schema on opening.

    Parameters
    ----------
    url
        An SQLAlchemy URL: ``sqlite:///path/campaigns.sqlite`` or
        ``postgresql+psycopg://user@host/db``.

    Raises
    ------
    CampaignError
        If the database cannot be opened or migrated.
    """

    def __init__(self, url: str) -> None:
        self.engine = database.create_engine(url)
        #: the database's URL, with any password hidden
        self.url = database.redacted(self.engine.url)
        try:
            database.upgrade(self.engine)
        except sa.exc.SQLAlchemyError as error:
            self.engine.dispose()
            raise CampaignError(f"cannot open the campaign database {self.url}: {error}") from error
        except BaseException:
            self.engine.dispose()
            raise

    @classmethod
    def open(cls, settings: Settings) -> CampaignStore:
        """The store ``settings.database_url`` names, else ``campaigns.sqlite`` in the
        user data folder (created if need be)."""
        url = settings.database_url or database.default_url()
        parsed = sa.make_url(url)
        if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        return cls(url)

    def __repr__(self) -> str:
        return f"CampaignStore({self.url!r})"

    def close(self) -> None:
        """Close every connection of the store."""
        self.engine.dispose()

    def __enter__(self) -> CampaignStore:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    # -- transactions -------------------------------------------------------------------

    def _write(self) -> AbstractContextManager[sa.Connection]:
        return database.writing_or(self.engine, CampaignInputError)

    # -- campaigns ----------------------------------------------------------------------

    def create_campaign(
        self,
        *,
        name: str,
        lobbyist: str,
        goal: str,
        majority: str,
        vote_date: dt.date,
        capacity: int,
        capacity_per: str,
        as_of: dt.date | None,
        series: str | None,
        session: int | None,
        draft: str | None,
        sponsors: Sequence[str],
        issues: Sequence[str],
        snapshot: Mapping[str, Any],
        actor: str,
    ) -> Campaign:
        """Create a campaign and a board row (version 1) for each of its snapshot's
        members; ``snapshot`` must list them under ``"members"`` (ISO3 codes)."""
        columns = campaign_ops.values(
            name=name,
            lobbyist=lobbyist,
            goal=goal,
            majority=majority,
            vote_date=vote_date,
            capacity=capacity,
            capacity_per=capacity_per,
            as_of=as_of,
            series=series,
            session=session,
            draft=draft,
            sponsors=sponsors,
            issues=issues,
            snapshot=snapshot,
        )
        actor = inputs.name(actor, "actor")
        with self._write() as connection:
            return campaign_ops.create(connection, columns, at=_now(), actor=actor)

    def campaign(self, name: str) -> Campaign:
        """The campaign named ``name`` (:class:`CampaignNotFoundError` if there is none)."""
        with database.reading(self.engine) as connection:
            return campaign_ops.load(connection, name)

    def campaigns(self) -> list[Campaign]:
        """Every campaign, by name."""
        table = tables.campaigns
        with database.reading(self.engine) as connection:
            rows = connection.execute(sa.select(table).order_by(table.c.name)).mappings()
            return [Campaign.from_row(row) for row in rows]

    def set_snapshot(self, name: str, *, snapshot: Mapping[str, Any], actor: str) -> Campaign:
        """Replace the campaign's snapshot (a refresh: the campaign's version goes up by
        one); members new to it get board rows; the audit keeps a summary of both."""
        actor = inputs.name(actor, "actor")
        with self._write() as connection:
            return campaign_ops.set_snapshot(connection, name, snapshot, at=_now(), actor=actor)

    def delete_campaign(self, name: str, *, actor: str) -> None:
        """Delete a campaign and all its field data (the audit trail keeps the history)."""
        actor = inputs.name(actor, "actor")
        with self._write() as connection:
            campaign_ops.delete(connection, name, at=_now(), actor=actor)

    # -- arguments ----------------------------------------------------------------------

    def add_argument(
        self,
        name: str,
        *,
        text: str,
        link_query: str | None,
        linked: Sequence[str],
        reach: Mapping[str, float | None],
        actor: str,
    ) -> Argument:
        """Add an argument: its text, the query that found its roll calls, their ids, and
        its reach per member (NaN or None where unknown, stored as None)."""
        actor = inputs.name(actor, "actor")
        with self._write() as connection:
            campaign = campaign_ops.load(connection, name, lock=True)
            return campaign_ops.add_argument(
                connection,
                campaign,
                text=text,
                link_query=link_query,
                linked=linked,
                reach=reach,
                at=_now(),
                actor=actor,
            )

    def arguments(self, name: str) -> list[Argument]:
        """The campaign's arguments, oldest first."""
        with database.reading(self.engine) as connection:
            return campaign_ops.arguments(connection, campaign_ops.load(connection, name))

    # -- members: reports, contacts, board edits ----------------------------------------

    def add_report(
        self,
        name: str,
        *,
        iso3: str,
        position: str,
        source: str,
        reliability: float,
        reported_on: dt.date,
        reporter: str,
        note: str = "",
        expected_version: int | None = None,
        actor: str,
    ) -> Report:
        """Add a field report on a member (bumps the member's version)."""
        edit = ReportEdit(
            iso3, position, source, reliability, reported_on, reporter, note, expected_version
        )
        actor = inputs.name(actor, "actor")
        with self._write() as connection:
            campaign = campaign_ops.load(connection, name, lock=True)
            return board.add_report(connection, campaign, edit, at=_now(), actor=actor)

    def reports(self, name: str, *, iso3: str | None = None) -> list[Report]:
        """The campaign's reports (on one member if given), oldest first."""
        with database.reading(self.engine) as connection:
            return board.reports(connection, campaign_ops.load(connection, name), iso3)

    def add_contact(
        self,
        name: str,
        *,
        iso3: str,
        on: dt.date,
        level: str,
        channel: str,
        arguments: Sequence[int],
        response: str,
        follow_up: dt.date | None,
        officer: str,
        note: str = "",
        expected_version: int | None = None,
        actor: str,
    ) -> Contact:
        """Record a contact with a member (bumps the member's version)."""
        edit = ContactEdit(
            iso3=iso3,
            on=on,
            level=level,
            channel=channel,
            response=response,
            officer=officer,
            arguments=list(arguments),
            follow_up=follow_up,
            note=note,
            expected_version=expected_version,
        )
        actor = inputs.name(actor, "actor")
        with self._write() as connection:
            campaign = campaign_ops.load(connection, name, lock=True)
            return board.add_contact(connection, campaign, edit, at=_now(), actor=actor)

    def contacts(self, name: str, *, iso3: str | None = None) -> list[Contact]:
        """The campaign's contacts (with one member if given), oldest first."""
        with database.reading(self.engine) as connection:
            return board.contacts(connection, campaign_ops.load(connection, name), iso3)

    def members(self, name: str) -> dict[str, MemberState]:
        """The board state of every member of the campaign, by ISO3 code."""
        with database.reading(self.engine) as connection:
            return board.members(connection, campaign_ops.load(connection, name))

    def edit_member(
        self,
        name: str,
        *,
        iso3: str,
        post: str | Unset = UNSET,
        note: str | Unset = UNSET,
        expected_version: int | None = None,
        actor: str,
    ) -> MemberState:
        """Change a member's post (embassy responsible) or note; an edit that changes
        nothing returns the state as it is and bumps nothing."""
        edit = MemberEdit(iso3, post, note, expected_version)
        actor = inputs.name(actor, "actor")
        with self._write() as connection:
            campaign = campaign_ops.load(connection, name, lock=True)
            return board.edit_member(connection, campaign, edit, at=_now(), actor=actor)

    def apply_edits(
        self, name: str, edits: Sequence[Edit], *, actor: str
    ) -> list[Report | Contact | MemberState]:
        """Apply a whole sheet in one transaction, all or nothing (see
        :func:`whipcount.campaign.repository_members.apply_edits`); the results in order."""
        actor = inputs.name(actor, "actor")
        with self._write() as connection:
            campaign = campaign_ops.load(connection, name, lock=True)
            return board.apply_edits(connection, campaign, edits, at=_now(), actor=actor)

    # -- audit --------------------------------------------------------------------------

    def audit(self, name: str | None = None, *, limit: int | None = None) -> list[AuditEntry]:
        """The audit trail, newest first: of the campaign ``name`` (also after it was
        deleted), or of the whole database."""
        if limit is not None and (
            isinstance(limit, bool) or not isinstance(limit, int) or limit < 0
        ):
            raise CampaignInputError(f"limit must be a whole number >= 0, not {limit!r}")
        if limit is not None and limit >= 2**63:  # beyond an SQL integer: no limit at all
            limit = None
        with database.reading(self.engine) as connection:
            found = audit.entries(connection, name, limit=limit)
            if name is not None and not found:
                campaign_ops.load(connection, name)  # raises if unknown
            return found
