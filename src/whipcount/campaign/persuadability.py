"""Persuadability: the probability that lobbying moves a member toward the goal.

Estimated from the record before a cut-off day only (roll calls with ``date_max < D``),
in three parts (docs/METHODS.md, "Persuadability"):

Part A, ``P(change)``
    an L2-regularised logistic regression, ``P(change) = 1 / (1 + exp(-(b0 + x'b)))``,
    fitted by Newton-Raphson (iteratively reweighted least squares) on the penalised
    log-likelihood ``sum(y log p + (1 - y) log(1 - p)) - (lambda / 2) |b|^2`` (the
    intercept is not penalised; features standardised on the training pairs; missing
    values set to the training mean), on every member's consecutive instances of the
    recurring series in the last ``sessions`` sessions before the cut-off (le Cessie &
    van Houwelingen 1992, "Ridge estimators in logistic regression", *Applied
    Statistics* 41(1)).  The outcome is whether the member's vote (yes, abstain, no)
    differs from its vote on the previous instance; pairs with an absence on either side
    are left out.  The features (:mod:`whipcount.campaign.persuadability_features`) are
    computed for each training pair from the pairs before its own session: no lobbyist
    enters Part A.
Part B, ``P(toward | change)``
    a smoothed estimate: over the member's changes on recurring series in the last
    ``sessions`` sessions, how often the new vote was closer (on yes-abstain-no) to the
    lobbyist's own vote of that instance than the old one, shrunk toward a prior equal
    to its agreement with the lobbyist (Voeten's index, last three years), itself
    blended with its agreement on the arguments' linked roll calls when given::

        prior = (10 A_3y + n_link A_link) / (10 + n_link)
        P(toward) = (toward + 5 prior) / (toward + away + 5)

    and 0 where its last vote on the series already equals the lobbyist's (no change can
    move it closer).  Without a lobbyist ``P(toward) = 0.5``.
Follow matrix
    ``follow[i, j]``: P(j changes in the same direction in the same instance | i
    changed), from the pairs of the last ``sessions`` sessions,
    ``(same_ij + 3 b_j) / (n_ij + 3)`` with ``b_j`` half of j's change rate; zero for
    members sharing no bloc or regional group; diagonal 1.

``p_move = P(change) * P(toward)``.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from whipcount.campaign.arguments import member_columns
from whipcount.campaign.persuadability_direction import follow, toward
from whipcount.campaign.persuadability_features import (
    FEATURES,
    Pairs,
    Target,
    design,
    features,
    nearest,
    similarity,
)
from whipcount.errors import CampaignInputError
from whipcount.forecast.data import ForecastData
from whipcount.record.reader import Record


@dataclass(frozen=True)
class Persuadability:
    """Per member: P(change), P(toward the lobbyist | change), the follow matrix and the
    features behind them (see the module docstring)."""

    members: list[str]
    p_change: np.ndarray
    p_toward: np.ndarray
    follow: np.ndarray
    features: dict[str, np.ndarray] = field(default_factory=dict)
    lobbyist: str | None = None

    @property
    def p_move(self) -> np.ndarray:
        """``p_change * p_toward``."""
        out: np.ndarray = self.p_change * self.p_toward
        return out

    def why(self, i: int) -> list[str]:
        """Short reasons for member ``i``'s values."""
        f = {k: float(v[i]) for k, v in self.features.items()}
        out = []
        n, c = f.get("n_series", math.nan), f.get("c_series", math.nan)
        if n > 0:
            out.append(f"changed its vote on {c:.0f} of {n:.0f} earlier instances")
        recent = f.get("rate_recent", math.nan)
        if not math.isnan(recent):
            out.append(f"changes {recent:.0%} of its votes on recurring resolutions lately")
        if f.get("abstained") == 1.0:
            out.append("abstained last time")
        if f.get("bloc_apart", 0.0) >= 0.5:
            out.append("voted apart from most of its bloc last time")
        agree = f.get("agree_lobbyist", math.nan)
        if self.lobbyist and not math.isnan(agree):
            text = f"votes with {self.lobbyist} on {agree:.0%} of roll calls"
            linked = f.get("agree_linked", math.nan)
            if not math.isnan(linked):
                text += f" ({linked:.0%} on the arguments' roll calls)"
            out.append(text)
        partners = [
            self.members[j]
            for j in np.argsort(-self.follow[i], kind="stable")
            if j != i and self.follow[i, j] >= 0.3
        ][:3]
        if partners:
            out.append(f"moves with {', '.join(partners)} (same bloc or group)")
        return out

    def document(self) -> dict[str, Any]:
        """A JSON-ready form (NaN as None)."""
        return {
            "members": list(self.members),
            "lobbyist": self.lobbyist,
            "p_change": _list(self.p_change),
            "p_toward": _list(self.p_toward),
            "follow": [_list(row) for row in self.follow],
            "features": {k: _list(v) for k, v in self.features.items()},
        }

    @classmethod
    def from_document(cls, doc: dict[str, Any]) -> Persuadability:
        def array(values: list[Any]) -> np.ndarray:
            return np.array([math.nan if v is None else v for v in values], dtype=float)

        return cls(
            members=[str(m) for m in doc["members"]],
            p_change=array(doc["p_change"]),
            p_toward=array(doc["p_toward"]),
            follow=np.array([array(r) for r in doc["follow"]]).reshape(
                len(doc["members"]), len(doc["members"])
            ),
            features={k: array(v) for k, v in doc["features"].items()},
            lobbyist=doc.get("lobbyist"),
        )


def _list(values: np.ndarray) -> list[float | None]:
    return [None if math.isnan(v) else round(float(v), 6) for v in np.asarray(values, float)]


def fit_logistic(
    x: np.ndarray, y: np.ndarray, penalty: float, *, tol: float = 1e-8, max_iter: int = 50
) -> np.ndarray:
    """Coefficients (intercept first) of the L2-penalised logistic regression of ``y`` on
    ``x`` (no missing values), by Newton-Raphson with step halving."""
    design_matrix = np.column_stack([np.ones(len(x)), x])
    ridge = np.full(design_matrix.shape[1], penalty)
    ridge[0] = 0.0
    beta = np.zeros(design_matrix.shape[1])
    mean = float(np.clip(y.mean(), 1e-6, 1 - 1e-6)) if len(y) else 0.5
    beta[0] = math.log(mean / (1 - mean))

    def objective(b: np.ndarray) -> float:
        eta = design_matrix @ b
        return float(np.sum(y * eta - np.logaddexp(0.0, eta)) - 0.5 * np.sum(ridge * b * b))

    current = objective(beta)
    for _ in range(max_iter):
        p = 1.0 / (1.0 + np.exp(-(design_matrix @ beta)))
        gradient = design_matrix.T @ (y - p) - ridge * beta
        hessian = (design_matrix * (p * (1 - p))[:, None]).T @ design_matrix + np.diag(ridge)
        step = np.linalg.solve(hessian + 1e-9 * np.eye(len(beta)), gradient)
        scale = 1.0
        while scale > 1e-6:
            candidate = beta + scale * step
            value = objective(candidate)
            if value >= current - 1e-12:
                break
            scale /= 2
        beta, improvement = candidate, value - current
        current = value
        if abs(improvement) < tol * (1 + abs(current)):
            break
    return beta


@dataclass(frozen=True, kw_only=True)
class PersuadabilityModel:
    """Part A's logistic model and Parts B and the follow matrix, fitted on ``sessions``
    sessions before a cut-off with ridge ``penalty`` (on standardised features)."""

    sessions: int = 10
    penalty: float = 1.0

    def __post_init__(self) -> None:
        if self.sessions < 1:
            raise CampaignInputError("sessions must be at least 1")
        if self.penalty < 0:
            raise CampaignInputError("penalty must not be negative")

    def fit(self, data: ForecastData, *, as_of: dt.date) -> PersuadabilityResults:
        """Fit on the record before ``as_of`` (no later vote is read)."""
        pairs = Pairs.build(data)
        past = data.before(as_of)
        known = past[pairs.row]
        if not known.any():
            raise CampaignInputError(f"the record has no recurring vote before {as_of}")
        last = int(pairs.session[known].max())
        window = known & (pairs.session > last - self.sessions)
        groupings = data.groupings(as_of)
        targets, index = training_targets(data, pairs, past, np.flatnonzero(window))
        values = features(data, pairs, targets, groupings)
        x_all = design(values)
        pair_rows = np.flatnonzero(window)[index]
        valid = pairs.valid[pair_rows]
        x = x_all[valid]
        y = pairs.change[pair_rows][valid].astype(np.float64)
        center = np.nanmean(x, axis=0)
        scale = np.nanstd(x, axis=0)
        center, scale = np.nan_to_num(center), np.where(np.nan_to_num(scale) > 0, scale, 1.0)
        z = np.nan_to_num((x - center) / scale)
        beta = fit_logistic(z, y, self.penalty)
        return PersuadabilityResults(
            model=self,
            data=data,
            as_of=as_of,
            intercept=float(beta[0]),
            coefficients=dict(zip(FEATURES, map(float, beta[1:]), strict=True)),
            center=center,
            scale=scale,
            n_obs=len(y),
            window=window,
        )


def training_targets(
    data: ForecastData, pairs: Pairs, past: np.ndarray, chosen: np.ndarray
) -> tuple[list[Target], np.ndarray]:
    """One target per chosen pair, as known at its own session's opening."""
    full = _series_similarity(pairs, past)
    targets = []
    known_by_session: dict[int, np.ndarray] = {}
    for p in chosen:
        session = int(pairs.session[p])
        known = known_by_session.get(session)
        if known is None:
            known = past[pairs.row] & (pairs.session < session)
            known_by_session[session] = known
        k = int(pairs.series[p])
        started = np.zeros(len(pairs.names), dtype=bool)
        started[pairs.series[known]] = True
        targets.append(Target(k, session, int(pairs.prev[p]), known, nearest(full[k], started, k)))
    return targets, np.arange(len(chosen))


def _series_similarity(pairs: Pairs, past: np.ndarray) -> np.ndarray:
    """Series x series title similarity as of the cut-off."""
    return similarity(pairs, past, pairs.first_title)


@dataclass(frozen=True, kw_only=True, eq=False)
class PersuadabilityResults:
    """A fitted :class:`PersuadabilityModel`: named coefficients (on standardised
    features) and :meth:`predict`."""

    model: PersuadabilityModel
    data: ForecastData
    as_of: dt.date
    intercept: float
    coefficients: dict[str, float]
    center: np.ndarray
    scale: np.ndarray
    n_obs: int
    window: np.ndarray  # bool per pair: the fit's sessions

    def p_change(self, values: dict[str, np.ndarray]) -> np.ndarray:
        """P(change) from feature arrays (as :func:`features` returns them)."""
        z = np.nan_to_num((design(values) - self.center) / self.scale)
        beta = np.array([self.coefficients[name] for name in FEATURES])
        out: np.ndarray = 1.0 / (1.0 + np.exp(-(self.intercept + z @ beta)))
        return out

    def target(
        self, *, series: str | None, session: int, title: str | None = None,
        analog_rows: np.ndarray | None = None,
    ) -> Target:  # fmt: skip
        """The instance to rate, as known on the cut-off day."""
        data, pairs = self.data, Pairs.build(self.data)
        past = data.before(self.as_of)
        known = past[pairs.row] & (pairs.session < session)
        started = np.zeros(len(pairs.names), dtype=bool)
        started[pairs.series[known]] = True
        if series is None:
            if analog_rows is not None and len(analog_rows):
                named = {str(data.series[r]) for r in analog_rows if data.series[r] is not None}
                similar = [(pairs.names.index(n), 1.0) for n in sorted(named)]
                similar = [(j, w) for j, w in similar if started[j]]
            else:
                scores = similarity(pairs, past, [title or ""])[0]
                similar = nearest(scores, started, -1)
            return Target(-1, session, -1, known, similar)
        if series not in data.series_rows:
            raise CampaignInputError(f"no series {series!r} in the record")
        k = pairs.names.index(series)
        rows = data.series_rows[series]
        earlier = rows[past[rows] & (data.sessions[rows] < session)]
        prev = int(earlier[-1]) if len(earlier) else -1
        scores = similarity(pairs, past, [pairs.first_title[k]])[0]
        return Target(k, session, prev, known, nearest(scores, started, k))

    def predict(
        self,
        *,
        series: str | None,
        session: int,
        members: list[str],
        lobbyist: str | None,
        linked_rows: np.ndarray | None = None,
        analog_rows: np.ndarray | None = None,
        title: str | None = None,
    ) -> Persuadability:
        """Persuadability of ``members`` (ISO3 or member codes) on the instance of
        ``series`` in ``session`` (a draft when ``series`` is None: its ``title`` or
        ``analog_rows`` find the similar series), lobbied by ``lobbyist``."""
        data, pairs = self.data, Pairs.build(self.data)
        columns = np.array(member_columns(data, members), dtype=np.int64)
        target = self.target(series=series, session=session, title=title, analog_rows=analog_rows)
        groupings = data.groupings(self.as_of)
        values = {k: v[0] for k, v in features(data, pairs, [target], groupings).items()}
        p_change = self.p_change({k: v[None, :] for k, v in values.items()})[0]
        p_toward = np.full(data.n_members, 0.5)
        if lobbyist is not None:
            own = member_columns(data, [lobbyist])[0]
            direction = toward(
                data, pairs, self.window, as_of=self.as_of, lobbyist=own, linked_rows=linked_rows
            )
            values.update({k: v for k, v in direction.items() if k != "p_toward"})
            # members that voted like the lobbyist last time keep their estimate: a
            # démarche to them secures a wavering vote (their gain is nil while the board
            # puts them at the ask, so they rank last unless reports show them drifting)
            p_toward = direction["p_toward"].copy()
            p_toward[own] = 0.0
        matrix = follow(pairs, self.window, groupings)[np.ix_(columns, columns)]
        return Persuadability(
            members=list(members),
            p_change=p_change[columns],
            p_toward=p_toward[columns],
            follow=matrix,
            features={k: np.asarray(v, dtype=float)[columns] for k, v in values.items()},
            lobbyist=lobbyist,
        )

    def summary(self) -> dict[str, Any]:
        """The fit: cut-off, observations, named coefficients."""
        return {
            "as_of": self.as_of.isoformat(),
            "sessions": self.model.sessions,
            "penalty": self.model.penalty,
            "n_obs": self.n_obs,
            "intercept": self.intercept,
            "coefficients": dict(self.coefficients),
        }


_FITS: dict[tuple[str, int, str, int, float], PersuadabilityResults] = {}
_DATA: dict[tuple[str, int], ForecastData] = {}


def persuadability(
    path: Path,
    *,
    series: str | None,
    session: int,
    as_of: dt.date,
    lobbyist: str | None,
    members: list[str],
    linked_rows: np.ndarray | None = None,
    title: str | None = None,
    model: PersuadabilityModel | None = None,
) -> Persuadability:
    """Persuadability of ``members`` on a series' instance (or a draft ``title``) in
    ``session``, lobbied by ``lobbyist``, from the record at ``path`` before ``as_of``
    (fits are kept in memory by record version and the day's data)."""
    model = model or PersuadabilityModel()
    with Record(path) as record:
        version = record.version
    key = (str(path), version, as_of.isoformat(), model.sessions, model.penalty)
    results = _FITS.get(key)
    if results is None:
        data = _DATA.get((str(path), version))
        if data is None:
            data = ForecastData.from_record(path)
            _DATA.clear()
            _DATA[(str(path), version)] = data
        results = model.fit(data, as_of=data.data_day(as_of) or as_of)
        if len(_FITS) >= 8:
            _FITS.pop(next(iter(_FITS)))
        _FITS[key] = results
    return results.predict(
        series=series,
        session=session,
        members=members,
        lobbyist=lobbyist,
        linked_rows=linked_rows,
        title=title,
    )
