"""Ideal points of the record: fit, save beside the record, load, and report.

A fit is named by its :class:`IdealPointSpec` (all votes, or one issue code; which
bridges; a session range) and saved as ``<record>.ideal-<key>.npz`` with the record
version it was fitted on, so that ``whipcount ideal show`` reads it instantly and a
new import makes it stale (shown, and refitted on request).  The documents returned
here are what ``whipcount ideal show --json`` prints (``docs/JSON.md``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from whipcount.errors import ConfigError, NotFoundError
from whipcount.measures.ideal_data import BRIDGES, Bridges, IdealData, bridge_groups
from whipcount.measures.selection import Selection, roll_call_mask
from whipcount.record.reader import ISSUE_CODES, Record
from whipcount.record.store import connect_readonly, record_version

if TYPE_CHECKING:  # the model loads numba and scipy: imported when a fit runs
    from whipcount.measures.idealpoints import IdealPointResults, Progress

Document = dict[str, Any]
REPLICATIONS = 20  # bootstrap replications of a fit, unless told otherwise


@dataclass(frozen=True)
class IdealPointSpec:
    """Which votes a fit scales: an issue code or all, the bridges, a session range."""

    issue: str | None = None
    bridges: Bridges = "both"
    first_session: int | None = None
    last_session: int | None = None

    def __post_init__(self) -> None:
        if self.issue is not None and self.issue not in ISSUE_CODES:
            raise NotFoundError(
                f"no issue code {self.issue!r}; use one of {', '.join(ISSUE_CODES)}"
            )
        if self.bridges not in BRIDGES:
            raise NotFoundError(f"no bridges {self.bridges!r}; use one of {', '.join(BRIDGES)}")

    def selection(self) -> Selection:
        """The roll calls this fit scales, as the measures select them."""
        bounded = self.first_session is not None or self.last_session is not None
        sessions = (self.first_session or 1, self.last_session or 10**6) if bounded else None
        return Selection(sessions=sessions, issue=self.issue)

    def key(self) -> str:
        """File-name key: ``all`` or the issue code, plus a digest of other choices."""
        name = self.issue or "all"
        if self == IdealPointSpec(issue=self.issue):
            return name
        digest = hashlib.sha1(json.dumps(asdict(self), sort_keys=True).encode()).hexdigest()
        return f"{name}-{digest[:8]}"


def session_bounds(text: str | None) -> tuple[int | None, int | None]:
    """The first and last session of ``--sessions A-B`` (``A`` alone: one session).

    Raises
    ------
    ValueError
        When ``text`` is not a session or a forward range of sessions from 1.
    """
    if text is None:
        return None, None
    first, _, last = text.partition("-")
    try:
        low, high = int(first), int(last or first)
    except ValueError:
        low, high = 0, -1
    if not 1 <= low <= high:
        raise ValueError("give a session or a range such as 40-79")
    return low, high


def fit_path(record: Path, spec: IdealPointSpec) -> Path:
    return record.with_name(f"{record.name}.ideal-{spec.key()}.npz")


def check_writable(record: Path) -> None:
    """Fail before a fit, not after it, if the fit could not be saved."""
    if not os.access(record.parent, os.W_OK):
        raise ConfigError(
            f"cannot save fits beside the record: {record.parent} is not writable; "
            "point WHIPCOUNT_RECORD at a writable copy"
        )


def build_data(record: Path, spec: IdealPointSpec) -> IdealData:
    """The observations of ``spec`` from the record's vote matrix."""
    with Record(record) as opened:
        matrix = opened.matrix()
        rows = roll_call_mask(opened, spec.selection())
    sessions = matrix.roll_calls["session"].to_numpy()
    groups = bridge_groups(record, matrix, spec.bridges)
    return IdealData.from_votes(
        matrix.votes[rows],
        sessions[rows],
        tuple(matrix.members["code"]),
        groups=None if groups is None else groups[rows],
    )


def fit_record(
    record: Path,
    spec: IdealPointSpec = IdealPointSpec(),
    *,
    replications: int = REPLICATIONS,
    seed: int = 0,
    progress: Progress | None = None,
    bootstrap_progress: Callable[[int], None] | None = None,
    **options: Any,
) -> IdealPointResults:
    """Fit the model on the record, bootstrap its standard errors, save the result."""
    from whipcount.measures.ideal_bootstrap import bootstrap
    from whipcount.measures.idealpoints import DynamicIdealPoints

    version = _version(record)
    check_writable(record)
    model = DynamicIdealPoints(build_data(record, spec), **options)
    results = model.fit(progress=progress)
    if replications:
        results = bootstrap(
            model,
            results,
            replications=replications,
            rng=np.random.default_rng(seed),
            progress=bootstrap_progress,
        )
    save_fit(record, spec, results, version=version, seed=seed)
    return results


def save_fit(
    record: Path, spec: IdealPointSpec, results: IdealPointResults, *, version: int, seed: int
) -> Path:
    frame = results.frame()
    meta = {
        "record_version": version,
        "spec": asdict(spec),
        "options": results.options,
        "iterations": results.iterations,
        "converged": results.converged,
        "seconds": round(results.seconds, 3),
        "log_posterior": results.log_posterior,
        "replications": results.replications,
        "seed": seed,
        "accuracy": results.accuracy(),
        "fitted_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "summary": results.summary(),
    }
    target = fit_path(record, spec)
    temporary = target.with_name(target.name + ".tmp.npz")
    try:
        np.savez(
            temporary,
            member=frame["member"].to_numpy().astype(str),
            session=frame["session"].to_numpy(),
            ideal=frame["ideal"].to_numpy(),
            se=frame["se"].to_numpy(),
            n_votes=frame["n_votes"].to_numpy(),
            meta=np.array(json.dumps(meta)),
        )
        temporary.replace(target)
    except OSError as error:
        raise ConfigError(
            f"cannot save the fit beside the record ({error}); fits live in the record's "
            "folder, so point WHIPCOUNT_RECORD at a writable copy"
        ) from error
    return target


@dataclass(frozen=True)
class StoredFit:
    """A saved fit: its table and what produced it."""

    frame: pd.DataFrame  # member, session, ideal, se, n_votes
    meta: dict[str, Any]
    current: bool  # fitted on the record's present version


def load_fit(record: Path, spec: IdealPointSpec) -> StoredFit | None:
    path = fit_path(record, spec)
    if not path.is_file():
        return None
    try:
        with np.load(path) as saved:
            meta = json.loads(str(saved["meta"]))
            frame = pd.DataFrame(
                {k: saved[k] for k in ("member", "session", "ideal", "se", "n_votes")}
            )
    except (OSError, ValueError, KeyError):
        return None
    frame["member"] = frame["member"].astype(object)
    return StoredFit(frame, meta, meta.get("record_version") == _version(record))


def trajectories(fit: StoredFit, members: list[str] | None = None) -> list[Document]:
    """The ``ideal show --json`` document: ``{iso3, session, ideal, se}`` rows."""
    frame = fit.frame
    if members is not None:
        missing = [m for m in members if m not in set(frame["member"])]
        if missing:
            raise NotFoundError(f"no ideal points for {', '.join(missing)} in this fit")
        frame = frame[frame["member"].isin(members)]
    frame = frame.sort_values(["member", "session"])
    return [
        {
            "iso3": str(member),
            "session": int(session),
            "ideal": round(float(ideal), 4),
            "se": None if np.isnan(se) else round(float(se), 4),
        }
        for member, session, ideal, se in zip(
            frame["member"], frame["session"], frame["ideal"], frame["se"], strict=True
        )
    ]


def fit_problem(stored: StoredFit | None) -> str | None:
    """Why a saved fit cannot be shown as it is (``None`` when it can)."""
    if stored is None:
        return "no fit yet"
    return None if stored.current else "the record changed since the last fit"


def current_fit(record: Path, spec: IdealPointSpec) -> StoredFit:
    """The saved fit of ``spec`` on the record's present version, without fitting.

    Raises
    ------
    NotFoundError
        When there is no such fit (``whipcount ideal fit`` makes it).
    """
    stored = load_fit(record, spec)
    problem = fit_problem(stored)
    if problem is not None or stored is None:
        raise NotFoundError(
            f"{problem}: no ideal points of {spec.key()} to show; fit them first "
            "(`whipcount ideal fit` with the same --issue, --bridges and --sessions)"
        )
    return stored


def show_points(
    fit: StoredFit, members: list[str] | None = None, session: int | None = None
) -> list[Document]:
    """The ``ideal show --json`` document: the trajectories of ``members`` (all when
    ``None``), or with ``session`` that session's points, highest first."""
    rows = trajectories(fit, members)
    if session is None:
        return rows
    return sorted((r for r in rows if r["session"] == session), key=lambda r: -r["ideal"])


def _version(record: Path) -> int:
    connection = connect_readonly(record)
    try:
        return record_version(connection)
    finally:
        connection.close()
