"""Reading import units in a worker process while this one merges the previous unit.

Parsing a source (pyreadr, CSV, JSON) and merging it into SQLite each take about half
of an import; on two cores they overlap.  Results come back in submission order, at
most ``LOOKAHEAD`` units ahead, so memory stays bounded.  A reader's
:class:`~whipcount.errors.SourceError` is handed back with its unit, not raised here.
"""

from __future__ import annotations

import multiprocessing
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor

from whipcount.errors import SourceError, SourceFormatError
from whipcount.record.members import MemberDirectory, directory
from whipcount.record.sources.batch import SourceBatch
from whipcount.record.sources.registry import ImportUnit

LOOKAHEAD = 2
Outcome = SourceBatch | SourceError


def _read(unit: ImportUnit, members: MemberDirectory | None = None) -> Outcome:
    try:
        return unit.reader(unit.path, members or directory())
    except SourceError as error:
        return error
    except Exception as error:  # a reader's bug or an unforeseen damage: refuse the file
        return SourceFormatError(
            f"cannot read the file ({type(error).__name__}: {error})", path=unit.path
        )


def read_ahead(
    units: list[ImportUnit],
    members: MemberDirectory | None = None,
) -> Iterator[tuple[ImportUnit, Outcome]]:
    """Each unit with its batch (or the error that refused it), in order."""
    if len(units) < 2 or members is not None:
        for unit in units:
            yield unit, _read(unit, members)
        return
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
        queue: deque[tuple[ImportUnit, Future[Outcome]]] = deque()
        remaining = iter(units)
        for unit in remaining:
            queue.append((unit, pool.submit(_read, unit)))
            if len(queue) >= LOOKAHEAD:
                break
        while queue:
            unit, future = queue.popleft()
            following = next(remaining, None)
            if following is not None:
                queue.append((following, pool.submit(_read, following)))
            yield unit, future.result()
