"""``/api/forecast``: vote forecasts, as ``whipcount forecast --json``.

A forecast of a series' next instance (``--series``) or of a new draft (``--draft``),
as of a day, with a majority; the document is the CLI's (``docs/JSON.md``).  The
rolling-origin backtest (``whipcount backtest``, minutes of fitting) is the CLI's alone.

Each app keeps its forecasts in memory (:class:`ForecastCache`): the record's
:class:`~whipcount.forecast.data.ForecastData` per record version, the fitted
forecasters per (record version, fit day, settings) — loaded once from the fits saved
beside the record (:mod:`whipcount.forecast.stored`), or fitted and saved — and the
encoded documents per (record version, request), so that a repeated question is
answered from memory.  A new import changes the record version and so every key.

The record version itself is read again only when the record's file changes
(:class:`RecordVersion`: its inode, size, modification and change times), so that a
question answered from memory touches neither SQLite nor a worker thread: opening the
record per request was nearly half of the server's CPU time per warm request.  A file
changed less than :data:`SETTLED` seconds ago is read every time, so that two writes within
one tick of the file system's clock, with the same size, cannot leave a stale version cached
(git's "racy clean" rule).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from pathlib import Path
from typing import Annotated, Generic, TypeVar

from fastapi import APIRouter, Depends, Query, Request, Response
from starlette.concurrency import run_in_threadpool

from whipcount.forecast.data import ForecastData
from whipcount.forecast.model import Forecaster, ForecastResults
from whipcount.forecast.record_forecast import ForecastRequest, fit_day, forecast_vote
from whipcount.forecast.stored import fit_path, fitted
from whipcount.forecast.tally import Majority
from whipcount.record.reader import Record
from whipcount.web.api.align import IssueCode

router = APIRouter(prefix="/forecast", tags=["forecast"])

V = TypeVar("V")

#: seconds after its last change from which a record file's signature is trusted
SETTLED = 2.0
Signature = tuple[int, int, int, int, int]


class RecordVersion:
    """The version of the record at a path, read again only when the file changes.

    Calling it stats the file (a microsecond) and opens the record only when the stat
    differs from the one its version was read at, or when the file changed less than
    ``settled`` seconds before that read.  A missing or foreign file raises as opening
    the record does.
    """

    def __init__(self, settled: float = SETTLED) -> None:
        self.settled_ns = int(settled * 1e9)
        self.reads = 0  # how many times the record was opened
        self._known: dict[Path, tuple[Signature, int]] = {}

    def __call__(self, path: Path) -> int:
        try:
            stat = os.stat(path)
        except OSError:
            return self._read(path)  # raises the record's own error
        signature = (stat.st_dev, stat.st_ino, stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns)
        known = self._known.get(path)
        if known is not None and known[0] == signature:
            return known[1]
        version = self._read(path)
        if time.time_ns() - max(stat.st_mtime_ns, stat.st_ctime_ns) > self.settled_ns:
            self._known[path] = (signature, version)
        else:
            self._known.pop(path, None)
        return version

    def _read(self, path: Path) -> int:
        self.reads += 1
        with Record(path) as record:
            return record.version


class _Recent(Generic[V]):
    """A small least-recently-used map."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._items: OrderedDict[Hashable, V] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> V | None:
        with self._lock:  # read on the event loop while a worker thread may put
            value = self._items.get(key)
            if value is not None:
                self._items.move_to_end(key)
            return value

    def put(self, key: Hashable, value: V) -> V:
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)
            return value

    def __len__(self) -> int:
        return len(self._items)


class ForecastCache:
    """One app's forecasts in memory: data, fitted forecasters, encoded documents.

    Parameters
    ----------
    documents : int
        Encoded forecast documents kept (the most recently asked).
    fits : int
        Fitted forecasters kept (one per fit day and settings).
    """

    def __init__(self, *, documents: int = 512, fits: int = 4) -> None:
        self.documents: _Recent[bytes] = _Recent(documents)
        self.fits: _Recent[ForecastResults] = _Recent(fits)
        self.data: _Recent[ForecastData] = _Recent(1)
        self.version = RecordVersion()
        self._lock = threading.Lock()  # one forecast computed at a time

    async def answer(self, path: Path, request: ForecastRequest) -> bytes:
        """The JSON document of ``request`` on the record at ``path``, as it is now.

        A document in memory is answered on the event loop (the record version is a
        stat of its file); any other is computed in a worker thread.
        """
        version = self.version(path)
        found = self.documents.get((str(path), version, request))
        if found is not None:
            return found
        return await run_in_threadpool(self.document, path, version, request)

    def document(self, path: Path, version: int, request: ForecastRequest) -> bytes:
        """The JSON document of ``request`` on the record ``path`` at ``version``."""
        key = (str(path), version, request)
        found = self.documents.get(key)
        if found is not None:
            return found
        with self._lock:
            found = self.documents.get(key)  # computed while this request waited
            if found is not None:
                return found
            data = self._data(path, version)
            result = forecast_vote(path, request, data=data, fits=self._fits(path, version))
            return self.documents.put(key, _encode(result.document()))

    def warm(self, path: Path) -> dt.date:
        """Load (or fit and save) the forecaster that every forecast without an as-of day
        uses — fitted on the whole record — so that the first such page does not wait
        for it; answers its fit day.  ``whipcount serve`` calls it in the background."""
        version = self.version(path)
        with self._lock:
            data = self._data(path, version)
            day = fit_day(data, dt.date.max)
            self._fits(path, version)(day, Forecaster(), data)
        return day

    def _data(self, path: Path, version: int) -> ForecastData:
        key = (str(path), version)
        return self.data.get(key) or self.data.put(key, ForecastData.from_record(path))

    def _fits(
        self, path: Path, version: int
    ) -> Callable[[dt.date, Forecaster, ForecastData], ForecastResults]:
        def fit(day: dt.date, model: Forecaster, data: ForecastData) -> ForecastResults:
            key = (version, fit_path(path, model, day))
            found = self.fits.get(key)
            if found is None:
                found = self.fits.put(key, fitted(path, day, model=model, data=data))
            return found

        return fit


def _encode(document: object) -> bytes:
    """JSON as the app's responses encode it (no NaN)."""
    return json.dumps(document, ensure_ascii=False, allow_nan=False, separators=(",", ":")).encode(
        "utf-8"
    )


async def get_forecasts(request: Request) -> ForecastCache:
    """The app's forecast cache, made on first use (on the event loop: no race)."""
    state = request.app.state
    if getattr(state, "forecasts", None) is None:
        state.forecasts = ForecastCache()
    forecasts: ForecastCache = state.forecasts
    return forecasts


async def get_record_path(request: Request) -> Path:
    """The record's path (the settings' ``record``), without opening it."""
    path: Path = request.app.state.settings.record
    return path


ForecastsDep = Annotated[ForecastCache, Depends(get_forecasts)]
RecordPathDep = Annotated[Path, Depends(get_record_path)]
SessionQuery = Annotated[
    int | None, Query(ge=1, description="Session of the vote (default: the next one).")
]
AsOfQuery = Annotated[
    dt.date | None, Query(description="Use only votes before this day (default: all before).")
]
MajorityQuery = Annotated[Majority, Query(description="Majority needed for adoption.")]


@router.get("/series/{series}", response_model=None)
async def series_forecast(
    *,
    series: str,
    record: RecordPathDep,
    forecasts: ForecastsDep,
    session: SessionQuery = None,
    as_of: AsOfQuery = None,
    majority: MajorityQuery = "simple",
) -> Response:
    """Every member's vote on a series' next instance, the tally and P(adopted).

    As ``whipcount forecast --series ID --json``; without ``session``, the instance
    after the series' last one before ``as_of``.
    """
    request = ForecastRequest(series=series, session=session, as_of=as_of, majority=majority)
    return _answer(await forecasts.answer(record, request))


@router.get("/draft", response_model=None)
async def draft_forecast(
    *,
    draft: Annotated[str, Query(min_length=1, description="Title of the draft resolution.")],
    record: RecordPathDep,
    forecasts: ForecastsDep,
    sponsor: Annotated[list[str] | None, Query(description="Its sponsors (repeat).")] = None,
    issue: Annotated[list[IssueCode] | None, Query(description="Its issue codes.")] = None,
    session: SessionQuery = None,
    as_of: AsOfQuery = None,
    majority: MajorityQuery = "simple",
) -> Response:
    """Every member's vote on a new draft, as ``whipcount forecast --draft TITLE --json``."""
    request = ForecastRequest(
        draft=draft,
        sponsors=tuple(sponsor or ()),
        issues=tuple(issue or ()),
        session=session,
        as_of=as_of,
        majority=majority,
    )
    return _answer(await forecasts.answer(record, request))


def _answer(body: bytes) -> Response:
    return Response(content=body, media_type="application/json")
