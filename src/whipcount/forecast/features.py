"""The features of one member on one target vote, as known on the cut-off day.

Each row of a :class:`FeatureFrame` is a (target, member) pair.  The columns come in
named groups, so that the backtest can drop one group at a time (the ablations of
docs/METHODS.md):

``history``
    the member's votes on the last three earlier instances of the series (``prev1``
    … ``prev3``, categorical) and its class shares over all of them; its
    similarity-weighted votes on the most similar earlier roll calls (``ana_*``,
    :mod:`whipcount.forecast.analogs`); its class shares over one and three years.
``participation``
    absences among its last 20 votes, its current run of absences, how many votes it
    cast in three years, its absent shares on the series, and its absences on the other
    votes of the last instance's day (staying away from one vote is a choice).
``series``
    the series' own dynamics: instances so far, sessions since the last, the last
    instance's tally shares and their change from the one before.
``blocs``
    on the reference votes (the last instance, else the analogs), the shares of the
    member's blocs, of its regional group, and of its peers (members weighted by
    agreement with it) voting each way; its regional group.
``ideal``
    its latest ideal point and the ordered-probit probabilities of its vote on the
    series' item (else the analogs' items).
``sponsors``
    whether it sponsors the draft or sponsored the last instance, the share of its
    blocs' members sponsoring, the number of sponsors.
``vote``
    the kind of vote: session kind, amendment, separate paragraph, issue codes, days
    since the session opened.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from whipcount.forecast.analogs import Analogs, TitleIndex, find_analogs
from whipcount.forecast.cutoff import Cutoff
from whipcount.forecast.data import N_CLASSES, N_REGIONAL_GROUPS, ForecastData
from whipcount.forecast.target import Target
from whipcount.record.codes import session_opening
from whipcount.record.reader import ISSUE_CODES

_C = ("yes", "no", "abstain", "absent")
GROUPS: dict[str, tuple[str, ...]] = {
    "history": (
        "prev1",
        "prev2",
        "prev3",
        *(f"ser_{c}" for c in _C[:3]),
        *(f"ana_{c}" for c in _C[:3]),
        *(f"f1_{c}" for c in _C[:3]),
        *(f"f3_{c}" for c in _C[:3]),
    ),
    "participation": (
        "recent_absent",
        "streak",
        "count3",
        "f1_absent",
        "f3_absent",
        "ser_absent",
        "ana_absent",
        "day_absent",
    ),
    "series": (
        "ser_n",
        "gap",
        *(f"inst_{c}" for c in _C),
        "trend_yes",
        "trend_no",
        "ana_sim",
    ),
    "blocs": (
        *(f"bloc_{c}" for c in _C),
        *(f"group_{c}" for c in _C),
        *(f"peer_{c}" for c in _C),
        "group",
    ),
    "ideal": ("ideal_x", "ideal_yes", "ideal_no", "ideal_abstain"),
    "sponsors": ("sponsor", "prev_sponsor", "bloc_sponsor", "n_sponsors"),
    "vote": (
        "kind",
        "amendment",
        "paragraph",
        "days_into",
        *(f"issue_{c}" for c in ISSUE_CODES),
    ),
}
COLUMNS: tuple[str, ...] = tuple(c for group in GROUPS.values() for c in group)
CATEGORICAL = ("prev1", "prev2", "prev3", "group", "kind")
_KINDS = {"regular": 0, "emergency": 1, "special": 2}


@dataclass(frozen=True)
class FeatureFrame:
    """Features of (target, member) pairs, with the outcome where it is known."""

    frame: pd.DataFrame  # COLUMNS
    target: np.ndarray  # index into the targets list, per row
    member: np.ndarray  # member column, per row
    outcome: np.ndarray  # class per row (-1: unknown)
    analogs: Analogs


def eligible(data: ForecastData, target: Target) -> np.ndarray:
    """Member columns that vote on ``target``: members on its day."""
    if target.row is not None:
        return np.flatnonzero(data.outcome[target.row] >= 0)
    return np.flatnonzero(data.members_on(target.date))


def build(
    data: ForecastData, index: TitleIndex, cutoff: Cutoff, targets: list[Target]
) -> FeatureFrame:
    """The features of every eligible member on every target, as of ``cutoff``."""
    analogs = find_analogs(
        data,
        index,
        cutoff.past,
        [t.title for t in targets],
        [t.sponsors for t in targets],
        exclude=[t.row for t in targets],
    )
    parts, target_ids, members, outcomes = [], [], [], []
    for number, target in enumerate(targets):
        columns = eligible(data, target)
        table = _one_target(data, cutoff, target, analogs, number)
        parts.append(table[columns])
        target_ids.append(np.full(len(columns), number))
        members.append(columns)
        known = data.outcome[target.row, columns] if target.row is not None else None
        outcomes.append(known if known is not None else np.full(len(columns), -1))
    values = np.concatenate(parts) if parts else np.zeros((0, len(COLUMNS)))
    frame = pd.DataFrame(values, columns=list(COLUMNS))
    for name in CATEGORICAL:
        frame[name] = pd.Categorical(frame[name], categories=_categories(name))
    return FeatureFrame(
        frame,
        np.concatenate(target_ids) if target_ids else np.zeros(0, dtype=np.int64),
        np.concatenate(members) if members else np.zeros(0, dtype=np.int64),
        np.concatenate(outcomes).astype(np.int64) if outcomes else np.zeros(0, dtype=np.int64),
        analogs,
    )


def _categories(name: str) -> list[float]:
    if name == "group":
        return [float(g) for g in range(N_REGIONAL_GROUPS + 1)]
    if name == "kind":
        return [float(k) for k in _KINDS.values()]
    return [float(c) for c in range(N_CLASSES)]


def previous_instances(data: ForecastData, cutoff: Cutoff, target: Target) -> np.ndarray:
    """Rows of the earlier instances of the target's series known on the cut-off day."""
    if target.series is None:
        return np.zeros(0, dtype=np.int64)
    rows = data.series_rows.get(target.series, np.zeros(0, dtype=np.int64))
    keep = cutoff.past[rows] & (data.sessions[rows] < target.session)
    earlier: np.ndarray = rows[keep]
    return earlier


def _one_hot(outcome: np.ndarray) -> np.ndarray:
    """Members x 4, all zero where not a member."""
    out = np.zeros((len(outcome), N_CLASSES))
    cast = outcome >= 0
    out[np.flatnonzero(cast), outcome[cast]] = 1.0
    return out


def _one_target(
    data: ForecastData, cutoff: Cutoff, target: Target, analogs: Analogs, number: int
) -> np.ndarray:
    """Features of every member column on one target (members x COLUMNS)."""
    n = data.n_members
    f: dict[str, np.ndarray | float] = {}
    prev = previous_instances(data, cutoff, target)
    last = prev[::-1][:3]
    for k in range(3):
        if k < len(last):
            votes = data.outcome[last[k]].astype(float)
            f[f"prev{k + 1}"] = np.where(votes >= 0, votes, np.nan)
        else:
            f[f"prev{k + 1}"] = np.nan
    history = np.stack([_one_hot(data.outcome[r]) for r in prev]) if len(prev) else None
    ser = _shares(history.sum(axis=0)) if history is not None else np.full((n, 4), np.nan)
    ana = _analog_shares(data, analogs, number)
    reference = _one_hot(data.outcome[prev[-1]]) if len(prev) else ana
    for i, c in enumerate(_C):
        f[f"ser_{c}"] = ser[:, i]
        f[f"ana_{c}"] = ana[:, i]
        f[f"f1_{c}"] = cutoff.freq1[:, i]
        f[f"f3_{c}"] = cutoff.freq3[:, i]
    f["day_absent"] = _day_absent(data, prev[-1]) if len(prev) else np.nan
    f["days_into"] = float((target.date - session_opening(target.session)).days)
    f["recent_absent"] = cutoff.recent_absent
    f["streak"] = cutoff.streak
    f["count3"] = cutoff.count3.astype(float)
    f.update(_series_dynamics(data, target, prev, analogs, number))
    f.update(_bloc_shares(cutoff, np.nan_to_num(reference)))
    f["group"] = _group_index(cutoff)
    f.update(_ideal(cutoff, prev, analogs, number, n=n))
    f.update(_sponsors(data, cutoff, target, prev, n))
    f["kind"] = float(_KINDS.get(target.kind, 0))
    f["amendment"] = float(target.amendment)
    f["paragraph"] = float(target.paragraph)
    for code in ISSUE_CODES:
        f[f"issue_{code}"] = np.nan if target.issues is None else float(code in target.issues)
    return np.column_stack([np.broadcast_to(np.asarray(f[c], dtype=float), (n,)) for c in COLUMNS])


def _shares(counts: np.ndarray) -> np.ndarray:
    total = counts.sum(axis=-1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        out: np.ndarray = np.where(total > 0, counts / total, np.nan)
    return out


def _day_absent(data: ForecastData, row: int) -> np.ndarray:
    """Each member's absent share on the other roll calls of ``row``'s day (a member
    absent from one vote but present for the rest of the day stayed away on purpose)."""
    same = np.flatnonzero(data.date_max == data.date_max[row])
    same = same[same != row]
    if not len(same) or data.matrix.roll_calls["date_precision"].iloc[row] != "day":
        return np.full(data.n_members, np.nan)
    return _absent_share(data.outcome[same])


def _absent_share(outcome: np.ndarray) -> np.ndarray:
    """Each member's share of absences among the rows where it was a member."""
    cast = (outcome >= 0).sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        share: np.ndarray = np.where(cast > 0, (outcome == 3).sum(axis=0) / cast, np.nan)
    return share


def _analog_shares(data: ForecastData, analogs: Analogs, number: int) -> np.ndarray:
    """Each member's similarity-weighted class shares over the target's analogs."""
    rows = analogs.rows[number]
    weights = analogs.similarity[number] ** 2
    keep = rows >= 0
    counts = np.zeros((data.n_members, N_CLASSES))
    for row, weight in zip(rows[keep], weights[keep], strict=True):
        counts += weight * _one_hot(data.outcome[row])
    return _shares(counts)


def _series_dynamics(
    data: ForecastData, target: Target, prev: np.ndarray, analogs: Analogs, number: int
) -> dict[str, np.ndarray | float]:
    f: dict[str, np.ndarray | float] = {
        "ser_n": float(len(prev)),
        "gap": float(target.session - data.sessions[prev[-1]]) if len(prev) else np.nan,
        "ana_sim": float(analogs.similarity[number, 0]),
    }
    shares = [_shares(_one_hot(data.outcome[r]).sum(axis=0)) for r in prev[::-1][:2]]
    for i, c in enumerate(_C):
        f[f"inst_{c}"] = shares[0][i] if shares else np.nan
    f["trend_yes"] = shares[0][0] - shares[1][0] if len(shares) == 2 else np.nan
    f["trend_no"] = shares[0][1] - shares[1][1] if len(shares) == 2 else np.nan
    return f


def _bloc_shares(cutoff: Cutoff, reference: np.ndarray) -> dict[str, np.ndarray]:
    """Shares of each member's blocs, regional group and peers on the reference votes."""
    blocs = cutoff.groupings[:-N_REGIONAL_GROUPS].astype(float)
    groups = cutoff.groupings[-N_REGIONAL_GROUPS:].astype(float)
    voted = reference.sum(axis=1)  # 1 where the member has a reference vote
    f: dict[str, np.ndarray] = {}
    for name, table in (("bloc", blocs), ("group", groups)):
        totals = table.T @ (table @ reference) - table.sum(axis=0)[:, None] * reference
        sizes = table.T @ (table @ voted) - table.sum(axis=0) * voted
        shares = _shares(totals * (sizes[:, None] > 0))
        for i, c in enumerate(_C):
            f[f"{name}_{c}"] = shares[:, i]
    peer = _shares(cutoff.peers @ reference)
    for i, c in enumerate(_C):
        f[f"peer_{c}"] = peer[:, i]
    return f


def _group_index(cutoff: Cutoff) -> np.ndarray:
    groups = cutoff.groupings[-N_REGIONAL_GROUPS:]
    index = np.where(groups.any(axis=0), groups.argmax(axis=0), N_REGIONAL_GROUPS)
    return index.astype(float)


def _ideal(
    cutoff: Cutoff, prev: np.ndarray, analogs: Analogs, number: int, *, n: int
) -> dict[str, np.ndarray]:
    nan = np.full(n, np.nan)
    if cutoff.ideal is None:
        return {"ideal_x": nan, "ideal_yes": nan, "ideal_no": nan, "ideal_abstain": nan}
    ideal = cutoff.ideal
    members = np.arange(n)
    scaled = [r for r in prev[::-1] if not np.isnan(ideal.beta[r])]
    if scaled:
        p = ideal.probabilities(members, int(scaled[0]))
    else:
        rows = analogs.rows[number]
        weights = analogs.similarity[number] ** 2
        use = [
            (int(r), w)
            for r, w in zip(rows, weights, strict=True)
            if r >= 0 and not np.isnan(ideal.beta[r]) and w > 0
        ]
        if use:
            total = sum(w for _, w in use)
            p = sum(w * ideal.probabilities(members, r) for r, w in use) / total
        else:
            p = np.full((n, 3), np.nan)
    return {
        "ideal_x": ideal.position,
        "ideal_yes": p[:, 2],
        "ideal_no": p[:, 0],
        "ideal_abstain": p[:, 1],
    }


def _sponsors(
    data: ForecastData, cutoff: Cutoff, target: Target, prev: np.ndarray, n: int
) -> dict[str, np.ndarray | float]:
    nan = np.full(n, np.nan)
    f: dict[str, np.ndarray | float] = {
        "sponsor": nan,
        "bloc_sponsor": nan,
        "n_sponsors": np.nan,
        "prev_sponsor": nan,
    }
    if len(prev) and data.sponsors[prev[-1]]:
        f["prev_sponsor"] = np.isin(data.codes, list(data.sponsors[prev[-1]])).astype(float)
    if not target.sponsors:
        return f
    mark = np.isin(data.codes, list(target.sponsors)).astype(float)
    blocs = cutoff.groupings[:-N_REGIONAL_GROUPS].astype(float)
    totals = blocs.T @ (blocs @ mark) - blocs.sum(axis=0) * mark
    sizes = blocs.T @ blocs.sum(axis=1) - blocs.sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        f["bloc_sponsor"] = np.where(sizes > 0, totals / sizes, np.nan)
    f["sponsor"] = mark
    f["n_sponsors"] = float(len(target.sponsors))
    return f
