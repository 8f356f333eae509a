"""``/api/align``: voting coincidence and agreement, as ``whipcount align … --json``.

Each route answers one form of the command and returns the document its ``--json``
prints (``docs/JSON.md``): a pair (``align A B``), a state against a group
(``align A --group G``), either of them period by period (``--by``), a state against
every member (``align A --all``) and the State Department check
(``align check-state-dept``).  The roll-call selection is the command's options as
query parameters (:func:`selection_query`).  Charts (``--plot``) are the CLI's alone.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Query

from whipcount.errors import WhipcountError
from whipcount.measures import alignment
from whipcount.measures import state_dept_check as check
from whipcount.measures.coincidence import Formula
from whipcount.measures.selection import FIRST_YEAR, Period, Selection, session_range
from whipcount.web.deps import RecordDep, SettingsDep

router = APIRouter(prefix="/align", tags=["align"])

Document = dict[str, Any]
#: Voeten's issue codes (``whipcount.record.reader.ISSUE_CODES``; a test keeps them equal)
IssueCode = Literal["me", "nu", "di", "hr", "co", "ec"]
SESSIONS_PATTERN = r"^\d+(-\d+)?$"


@contextmanager
def refused_as_422() -> Iterator[None]:
    """Turn the library's refusals of bad input (plain ``ValueError``) into 422s."""
    try:
        yield
    except ValueError as error:
        if isinstance(error, WhipcountError):  # a domain error: app.py maps it
            raise
        raise HTTPException(status_code=422, detail=str(error)) from error


def selection_query(
    *,
    year: Annotated[
        int | None, Query(ge=FIRST_YEAR, description="The State Department report's votes.")
    ] = None,
    session: Annotated[int | None, Query(ge=1, description="Only this regular session.")] = None,
    sessions: Annotated[
        str | None, Query(pattern=SESSIONS_PATTERN, description="Only these sessions: 70-79.")
    ] = None,
    since: Annotated[dt.date | None, Query(description="Only votes on/after it.")] = None,
    until: Annotated[dt.date | None, Query(description="Only votes on/before it.")] = None,
    issue: Annotated[IssueCode | None, Query(description="Only votes on this issue.")] = None,
    series: Annotated[str | None, Query(description="Only this series' instances.")] = None,
    important: Annotated[bool, Query(description="Only the important votes.")] = False,
    final_only: Annotated[bool, Query(description="Only votes on whole drafts.")] = False,
) -> Selection:
    """The roll calls to count, from the ``align`` command's selection options."""
    with refused_as_422():
        return Selection(
            sessions=session_range(sessions, session),
            since=since,
            until=until,
            issue=issue,
            series=series,
            important=important,
            final_only=final_only,
            report_year=year,
        )


SelectionDep = Annotated[Selection, Depends(selection_query)]
FormulaQuery = Annotated[
    Formula | None,
    Query(description="Coincidence formula (default: the --year report's, else votes-only)."),
]
ConsensusQuery = Annotated[
    int | None,
    Query(ge=0, description="Consensus resolutions in the period (default: the record's)."),
]
ByQuery = Annotated[Period, Query(description="One row per session or calendar year.")]


@router.get("/check-state-dept", response_model=None)
def check_state_dept(
    *,
    record: RecordDep,
    settings: SettingsDep,
    year: Annotated[list[int] | None, Query(description="Only these years.")] = None,
) -> Document:
    """The State Department's coincidence tables reproduced, year by year.

    As ``whipcount align check-state-dept --json``, with the reference folder beside
    the data folder.
    """
    folder = check.reference_folder(settings.data_folder())
    return check.check_state_dept(record, folder, tuple(year or check.REFERENCE_YEARS))


@router.get("/{a}/with/{b}", response_model=None)
def pair(
    *,
    a: str,
    b: str,
    record: RecordDep,
    selection: SelectionDep,
    formula: FormulaQuery = None,
    consensus: ConsensusQuery = None,
) -> Document:
    """Coincidence and agreement of two states, as ``whipcount align A B --json``."""
    with refused_as_422():
        code_a, code_b = alignment.distinct_pair(record, a, b)
    return alignment.align_pair(
        record, code_a, code_b, selection=selection, formula=formula, consensus=consensus
    )


@router.get("/{a}/with/{b}/trend", response_model=None)
def pair_trend(
    *,
    a: str,
    b: str,
    record: RecordDep,
    selection: SelectionDep,
    by: ByQuery = "year",
    formula: FormulaQuery = None,
) -> Document:
    """Two states period by period, as ``whipcount align A B --by PERIOD --json``."""
    with refused_as_422():
        code_a, code_b = alignment.distinct_pair(record, a, b)
    return alignment.align_trend(
        record, code_a, code_b, by=by, selection=selection, formula=formula
    )


@router.get("/{a}/group/{group}", response_model=None)
def group(
    *,
    a: str,
    group: str,
    record: RecordDep,
    selection: SelectionDep,
    formula: FormulaQuery = None,
    consensus: ConsensusQuery = None,
) -> Document:
    """A state against a bloc or regional group, as ``whipcount align A --group G --json``."""
    return alignment.align_group(
        record, a, group, selection=selection, formula=formula, consensus=consensus
    )


@router.get("/{a}/group/{group}/trend", response_model=None)
def group_trend(
    *,
    a: str,
    group: str,
    record: RecordDep,
    selection: SelectionDep,
    by: ByQuery = "year",
    formula: FormulaQuery = None,
) -> Document:
    """A state against a group period by period, as ``align A --group G --by PERIOD``."""
    return alignment.align_trend(
        record, a, group=group, by=by, selection=selection, formula=formula
    )


@router.get("/{a}/all", response_model=None)
def against_all(
    *,
    a: str,
    record: RecordDep,
    selection: SelectionDep,
    formula: FormulaQuery = None,
    consensus: ConsensusQuery = None,
) -> Document:
    """A state against every member, the report's table: ``whipcount align A --all --json``.

    The formula defaults to the ``year``'s report's, else ``state-2022``.
    """
    return alignment.align_all(record, a, selection=selection, formula=formula, consensus=consensus)
