"""Routes of series: ``whipcount series find|show``.

A series is the same resolution session after session; its documents are the ones
``whipcount series find --json`` and ``whipcount series show --json`` print
(``docs/JSON.md``).  An unknown series is 404.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from whipcount.web.deps import RecordDep

router = APIRouter(tags=["series"])


@router.get("/series/find", response_model=None)
def series_find(
    record: RecordDep,
    words: Annotated[
        str, Query(min_length=1, description="Words of the title, e.g. cuba embargo.")
    ],
    limit: Annotated[int, Query(ge=1, description="At most this many.")] = 10,
) -> list[dict[str, Any]]:
    """Series whose titles match the words, best match first (``whipcount series find``)."""
    return record.series_find(words, limit=limit)


@router.get("/series/{series_id}", response_model=None)
def series_show(record: RecordDep, series_id: str) -> dict[str, Any]:
    """Every instance of a series with its tally (``whipcount series show``)."""
    return record.series_show(series_id)
