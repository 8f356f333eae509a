"""What a campaign knows from the record: its forecast and its members' persuadability.

A campaign is created for one vote; at creation (and on ``campaign refresh``) the
forecast of that vote (:func:`whipcount.forecast.record_forecast.forecast_vote`, as of
the campaign's ``as_of`` day or today) and the persuadability of every member
(:mod:`whipcount.campaign.persuadability`) are computed once and stored with the
campaign as its *snapshot*, a JSON document.  Everything else a campaign shows (the
board, targets, scenarios, briefs) is computed from the snapshot and the field data,
in milliseconds, without refitting a model; a refresh is explicit, so that the board
does not move under the team's feet when the record is updated.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from whipcount.campaign.arguments import rows_of
from whipcount.campaign.persuadability import Persuadability, persuadability
from whipcount.forecast.data import ForecastData
from whipcount.forecast.forecast import Forecast
from whipcount.forecast.model import Progress
from whipcount.forecast.record_forecast import ForecastRequest, forecast_vote
from whipcount.forecast.tally import Correlation
from whipcount.record.reader import Record

#: the snapshot's layout version, stored in it (for future migrations of the layout)
SNAPSHOT_VERSION = 1


def build_snapshot(
    record_path: Path,
    *,
    request: ForecastRequest,
    lobbyist: str,
    linked: Sequence[str] = (),
    progress: Progress | None = None,
) -> dict[str, Any]:
    """The forecast and persuadability snapshot of the vote ``request`` asks about;
    ``linked``: the roll calls of the campaign's arguments (see :func:`with_arguments`)."""
    forecast = forecast_vote(record_path, request, progress=progress)
    if progress is not None:
        progress("persuadability")
    as_of = dt.date.fromisoformat(forecast.as_of)
    target = forecast.target
    with Record(record_path) as record:
        names = {str(m["iso3"]): str(m["short_name"]) for m in record.members() if m.get("iso3")}
        previous = [{**p, **_counts(record, str(p["roll_call"]))} for p in forecast.previous]
        version = record.version
    persuade = _persuadability(
        record_path,
        series=target.series,
        session=target.session,
        as_of=as_of,
        lobbyist=lobbyist,
        members=list(forecast.members),
        title=target.title if target.series is None else None,
        linked=linked,
    )
    reference = previous[0]["yes"] if previous else int(forecast.document()["tally"]["yes"]["q50"])
    return {
        "version": SNAPSHOT_VERSION,
        "record_version": version,
        "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "members": list(forecast.members),
        "names": {code: names.get(code, code) for code in forecast.members},
        "forecast": _forecast_document(forecast),
        "reference_yes": int(reference),
        "previous_instances": previous,
        "persuadability": persuade.document(),
    }


def with_arguments(
    record_path: Path, snapshot: dict[str, Any], *, lobbyist: str, linked: Sequence[str]
) -> dict[str, Any]:
    """``snapshot`` with its persuadability recomputed for the arguments' roll calls
    ``linked`` (the direction of a move leans on the member's agreement with the
    lobbyist there: ``docs/METHODS.md``, persuadability)."""
    target = snapshot["forecast"]["target"]
    persuade = _persuadability(
        record_path,
        series=target.get("series"),
        session=int(target["session"]),
        as_of=dt.date.fromisoformat(snapshot["forecast"]["as_of"]),
        lobbyist=lobbyist,
        members=list(snapshot["members"]),
        title=target.get("title") if target.get("series") is None else None,
        linked=linked,
    )
    return {**snapshot, "persuadability": persuade.document()}


def _persuadability(
    record_path: Path,
    *,
    series: str | None,
    session: int,
    as_of: dt.date,
    lobbyist: str,
    members: list[str],
    title: str | None,
    linked: Sequence[str],
) -> Persuadability:
    rows = rows_of(ForecastData.from_record(record_path), linked) if linked else None
    return persuadability(
        record_path, series=series, session=session, as_of=as_of, lobbyist=lobbyist,
        members=members, linked_rows=rows, title=title,
    )  # fmt: skip


def _counts(record: Record, roll_call: str) -> dict[str, int]:
    counted = record.roll_call(roll_call)["counted"]
    return {k: int(counted.get(k, 0)) for k in ("yes", "no", "abstain", "absent")}


def _forecast_document(forecast: Forecast) -> dict[str, Any]:
    document = forecast.document()
    return {
        "target": {**document["target"], "date": forecast.target.date.isoformat()},
        "as_of": forecast.as_of,
        "majority": forecast.majority,
        "p": np.round(forecast.probabilities, 6).tolist(),
        "calls": list(forecast.calls),
        "reasons": forecast.reasons,
        "groups": [int(g) for g in forecast.groups],
        "correlation": forecast.correlation.document(),
        "tally": document["tally"],
        "p_adopted": document["p_adopted"],
        "analogs": document["analogs"],
    }


class Snapshot:
    """A stored snapshot, read back into arrays."""

    def __init__(self, document: dict[str, Any]) -> None:
        self.document = document
        forecast = document["forecast"]
        self.members: list[str] = list(document["members"])
        self.index = {code: i for i, code in enumerate(self.members)}
        self.names: dict[str, str] = dict(document["names"])
        self.p = np.asarray(forecast["p"], dtype=float).reshape(len(self.members), 4)
        self.p /= self.p.sum(axis=1, keepdims=True)
        self.groups = np.asarray(forecast["groups"], dtype=np.int64)
        c = forecast["correlation"]
        self.correlation = Correlation(absent=c["absent"], global_=c["global"], group=c["group"])
        self.calls: list[str] = list(forecast["calls"])
        self.reasons: list[list[str]] = [list(r) for r in forecast["reasons"]]
        self.target: dict[str, Any] = dict(forecast["target"])
        self.as_of = dt.date.fromisoformat(forecast["as_of"])
        self.reference_yes = int(document["reference_yes"])
        self.previous: list[dict[str, Any]] = list(document.get("previous_instances", []))
        self.persuadability = Persuadability.from_document(document["persuadability"])

    def name(self, iso3: str) -> str:
        return self.names.get(iso3, iso3)
