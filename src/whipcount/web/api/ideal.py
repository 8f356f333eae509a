"""``/api/ideal``: saved ideal-point fits, as ``whipcount ideal show|validate --json``.

The routes read the fit saved beside the record (:mod:`whipcount.measures.ideal_record`)
and never fit: a fit takes a minute or two, so where the CLI would fit first the API
answers 404 and names the command that fits (``whipcount ideal fit``).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query

from whipcount.measures.ideal_data import Bridges
from whipcount.measures.ideal_record import (
    IdealPointSpec,
    current_fit,
    session_bounds,
    show_points,
)
from whipcount.measures.ideal_validation import validate
from whipcount.web.api.align import SESSIONS_PATTERN, IssueCode, refused_as_422
from whipcount.web.deps import RecordDep

router = APIRouter(prefix="/ideal", tags=["ideal"])

Document = dict[str, Any]


def spec_query(
    *,
    issue: Annotated[IssueCode | None, Query(description="A fit on this issue only.")] = None,
    bridges: Annotated[
        Bridges, Query(description="Which repeated resolutions share item parameters.")
    ] = "both",
    sessions: Annotated[
        str | None, Query(pattern=SESSIONS_PATTERN, description="A fit of these sessions: 40-79.")
    ] = None,
) -> IdealPointSpec:
    """The fit named by the ``ideal`` commands' options."""
    with refused_as_422():
        first, last = session_bounds(sessions)
    return IdealPointSpec(issue, bridges, first, last)


SpecDep = Annotated[IdealPointSpec, Depends(spec_query)]


@router.get("/points", response_model=None)
def points(
    *,
    record: RecordDep,
    spec: SpecDep,
    member: Annotated[
        list[str] | None, Query(description="Members (codes or names); none: every member.")
    ] = None,
    session: Annotated[int | None, Query(description="Only this session, ranked.")] = None,
) -> list[Document]:
    """Ideal-point trajectories, as ``whipcount ideal show MEMBER… --json`` (or ``--all``).

    With ``session``, that session's points, highest first.  404 when the fit was not
    made (or the record changed since): ``whipcount ideal fit`` makes it.
    """
    codes = [record.resolve_member(m) for m in member] if member else None
    return show_points(current_fit(record.path, spec), codes, session)


@router.get("/validate", response_model=None)
def validate_fit(record: RecordDep, spec: SpecDep) -> Document:
    """Correlations with the published Bailey-Strezhnev-Voeten estimates, as
    ``whipcount ideal validate --json``."""
    return validate(record.path, current_fit(record.path, spec).frame)
