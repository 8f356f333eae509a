"""Forecasts of the record's series and of new drafts, as the CLI and the API ask them.

:func:`forecast_vote` resolves a :class:`ForecastRequest` against the record: the target
(the instance of a series in a session, or a draft), the cut-off day, the fitted
forecaster (:mod:`whipcount.forecast.stored`), and returns the
:class:`~whipcount.forecast.forecast.Forecast`.

The cut-off: ``as_of`` when given (only votes strictly before it are used); otherwise
the day of the vote for an instance the record holds, else the day after the record's
last vote.  Without a session, a series' next instance is the one after its last
instance before the cut-off; a draft is voted in the session in progress on the
``as_of`` day, or else in the session after the record's last.  Fits are shared by
every cut-off that sees the same votes: the model is fitted as of the day after the
last vote before the cut-off.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from whipcount.errors import NotFoundError
from whipcount.forecast.data import ForecastData
from whipcount.forecast.forecast import Forecast
from whipcount.forecast.model import Forecaster, ForecastResults, Progress
from whipcount.forecast.stored import fitted
from whipcount.forecast.target import Target
from whipcount.record.codes import regular_session_on
from whipcount.record.reader import Record

#: ``fits(day, model, data)``: the forecaster ``model`` fitted on ``data`` as of ``day``
FitSource = Callable[[dt.date, Forecaster, ForecastData], ForecastResults]


@dataclass(frozen=True, kw_only=True)
class ForecastRequest:
    """What to forecast: a series (and session), or a draft; as of a day."""

    series: str | None = None
    session: int | None = None
    draft: str | None = None
    sponsors: tuple[str, ...] = ()
    issues: tuple[str, ...] = ()
    as_of: dt.date | None = None
    majority: str = "simple"
    model: Forecaster = field(default_factory=Forecaster)

    def __post_init__(self) -> None:
        if (self.series is None) == (self.draft is None):
            raise NotFoundError("give either a series or a draft title")


def fit_day(data: ForecastData, day: dt.date) -> dt.date:
    """The day after the last vote before ``day`` (the same votes, hence the same fit)."""
    found = data.data_day(day)
    if found is None:
        raise NotFoundError(f"the record has no vote before {day.isoformat()}")
    return found


def resolve_target(data: ForecastData, request: ForecastRequest, record: Record) -> Target:
    if request.series is not None:
        record.series_show(request.series)  # NotFoundError names the unknown series
        session = request.session
        if session is None and request.as_of is not None:
            session = _next_session(data, request.series, request.as_of)
        return Target.next_instance(data, request.series, session)
    assert request.draft is not None
    sponsors = frozenset(record.resolve_member(s) for s in request.sponsors) or None
    if sponsors:
        iso3 = dict(zip(data.codes, data.matrix.members["iso3"].astype(str), strict=True))
        sponsors = frozenset(iso3.get(code, code) for code in sponsors)
    if request.session is not None:
        session = request.session
    elif request.as_of is not None:
        session = regular_session_on(request.as_of)
    else:  # the session after the record's last
        session = int(data.sessions.max()) + 1
    return Target.draft(
        request.draft,
        session=session,
        not_before=request.as_of,
        sponsors=sponsors,
        issues=request.issues or None,
    )


def _next_session(data: ForecastData, series: str, day: dt.date) -> int:
    """The session of the series' next instance as seen on ``day``: the one after its
    last instance before that day (its first session if it had none yet)."""
    rows = data.series_rows[series]
    earlier = rows[data.before(day)[rows]]
    if len(earlier):
        return int(data.sessions[earlier].max()) + 1
    return int(data.sessions[rows].min())


def forecast_vote(
    path: Path,
    request: ForecastRequest,
    *,
    progress: Progress | None = None,
    rng: np.random.Generator | None = None,
    data: ForecastData | None = None,
    fits: FitSource | None = None,
) -> Forecast:
    """The forecast asked by ``request`` from the record at ``path``.

    ``data`` (the record's :class:`ForecastData`, built when not given) and ``fits``
    (``fits(day, model, data)``: the model fitted as of ``day``, by default
    :func:`~whipcount.forecast.stored.fitted`) let a long-running caller, the web
    app, keep both in memory.
    """
    data = data or ForecastData.from_record(path)
    with Record(path) as record:
        target = resolve_target(data, request, record)
    held = target.row is not None
    if held and request.as_of is not None and request.as_of > target.date:
        raise NotFoundError(
            f"the session {target.session} instance of {target.series} was voted on "
            f"{target.date.isoformat()}, before the as-of day {request.as_of.isoformat()}: "
            "a forecast of it may only use votes before it (give an earlier --as-of, or "
            "leave out --session to forecast the next instance)"
        )
    as_of = request.as_of or (target.date if held else dt.date.max)
    day = fit_day(data, as_of)
    if fits is None:
        results = fitted(path, day, model=request.model, data=data, progress=progress)
    else:
        results = fits(day, request.model, data)
    result = results.predict(target, majority=request.majority, rng=rng)
    return result.with_as_of((as_of if as_of != dt.date.max else day).isoformat())
