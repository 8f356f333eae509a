"""A whip sheet's edits, checked against the campaign and turned into the store's writes.

:func:`checked_edits` refuses what the sheet's own checks cannot know: a report dated
outside the campaign (:func:`whipcount.campaign.calendar.check_day`) or a post that is not
a member state.  :func:`store_edits` turns each row's edits into the store's
:class:`~whipcount.campaign.entities.ReportEdit` and
:class:`~whipcount.campaign.entities.MemberEdit`, each with the member version the row was
exported at, for :meth:`~whipcount.campaign.repository.CampaignStore.apply_edits` to
apply all or nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from whipcount.campaign.calendar import check_day
from whipcount.campaign.entities import UNSET, Campaign, Edit, MemberEdit, ReportEdit
from whipcount.campaign.sheet import RowEdit
from whipcount.errors import CampaignInputError

#: the source of a report made in the sheet without one
SHEET_SOURCE = "whip sheet"


def checked_edits(campaign: Campaign, edits: list[RowEdit], path: Path) -> list[RowEdit]:
    """``edits`` if every report's day and every post fits the campaign, else an error."""
    for e in edits:
        if e.report is not None:
            check_day(campaign, e.report.reported_on, f"the report on {e.iso3} (row {e.row})")
        if e.post is not None and e.post not in campaign.snapshot["members"]:
            raise CampaignInputError(
                f"{path.name}, row {e.row}, column post ({e.iso3}): {e.post!r} is not the "
                "ISO3 code of a member state (where the embassy is)"
            )
    return edits


def store_edits(edits: Sequence[RowEdit], *, reporter: str) -> list[Edit]:
    """The store's writes for a sheet's edits (``reporter``: for reports without one)."""
    writes: list[Edit] = []
    for e in edits:
        if e.report is not None:
            writes.append(
                ReportEdit(
                    iso3=e.iso3,
                    position=e.report.position,
                    source=e.report.source or SHEET_SOURCE,
                    reliability=e.report.reliability,
                    reported_on=e.report.reported_on,
                    reporter=e.report.reporter or reporter,
                    expected_version=e.version,
                )
            )
        if e.post is not None or e.note is not None:
            writes.append(
                MemberEdit(
                    iso3=e.iso3,
                    post=UNSET if e.post is None else e.post,
                    note=UNSET if e.note is None else e.note,
                    expected_version=e.version,
                )
            )
    return writes
