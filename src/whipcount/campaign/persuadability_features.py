"""The history a persuadability estimate reads: vote changes between a series' instances.

A *pair* links an instance of a recurring series (one roll call per session) to the
series' previous instance.  For every pair and member the record says whether both
votes were cast (yes, abstain or no; pairs with an absence, or where the state was not
a member, on either side are left out), whether the vote changed, and by how many
steps on the ordinal scale yes (0) - abstain (1) - no (2), signed (toward no > 0).

The features of a member on a target instance (a series in a session, or a draft) are
sums over the pairs *known before the target* (their later roll call held before the
cut-off and in an earlier session), shrunk toward broader rates (add-k smoothing, the
posterior mean of a beta-binomial with the broader rate as its prior mean):

``rate_series``  its changes on the series' earlier instances, ``(c + 2 r) / (n + 2)``
    with ``r`` its recent overall rate (below);
``rate_similar``  the same on the five series whose titles are most similar (TF-IDF
    cosine of the series' first titles, :mod:`whipcount.forecast.analogs`), weighted by
    similarity;
``rate_recent``  its changes on every recurring series over the last five sessions,
    ``(c + 20 g) / (n + 20)`` with ``g`` the rate of all members;
``steps``  its mean steps per change on the series, ``(s + 1) / (c + 1)``;
``mixed``  how mixed its record on the series is: one minus its largest class share;
``abstained``  1 where its last vote on the series was an abstention;
``minority``  the ordinal distance (0, ½ or 1) of its last vote from the plurality vote
    of that instance (the series majority stands in for a lobbyist);
``bloc_apart``  the share of its bloc and regional-group partners that voted otherwise
    than it on the last instance;
``experience``  ``log(1 + n)``, the number of earlier pairs on the series.
Rates enter the model as log-odds.  A draft has no series: its similar series stand in
for it (``rate_series`` = ``rate_similar``; no last vote).
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass

import numpy as np
from scipy import sparse

from whipcount.forecast.analogs import TitleIndex
from whipcount.forecast.data import ForecastData

#: Ordinal position of each class (yes 0, no 2, abstain 1; absent -1).
ORDINAL = np.array([0, 2, 1, -1], dtype=np.int8)
SERIES_PRIOR = 2.0
RECENT_PRIOR = 20.0
RECENT_SESSIONS = 5
N_SIMILAR = 5
FEATURES = (
    "rate_series",
    "rate_similar",
    "rate_recent",
    "steps",
    "mixed",
    "abstained",
    "minority",
    "bloc_apart",
    "experience",
)
_LOGIT = ("rate_series", "rate_similar", "rate_recent")


@dataclass(frozen=True)
class Pairs:
    """Consecutive instances of every series and the members' changes between them."""

    names: list[str]  # series ids
    series: np.ndarray  # series index per pair
    prev: np.ndarray  # row of the earlier instance
    row: np.ndarray  # row of the later instance
    session: np.ndarray  # session of the later instance
    valid: np.ndarray  # bool pairs x members: both votes cast
    change: np.ndarray  # bool pairs x members
    step: np.ndarray  # int8 pairs x members, signed ordinal change
    first_title: list[str]  # per series

    @classmethod
    def build(cls, data: ForecastData) -> Pairs:
        cached = _PAIRS.get(data)
        if cached is not None:
            return cached
        names, series, prev, row = [], [], [], []
        for name, unsorted in data.series_rows.items():
            names.append(name)
            rows = unsorted[np.argsort(data.sessions[unsorted], kind="stable")]
            series += [len(names) - 1] * (len(rows) - 1)
            prev += list(rows[:-1])
            row += list(rows[1:])
        prev_a, row_a = np.array(prev, dtype=np.int64), np.array(row, dtype=np.int64)
        before, after = ORDINAL[data.outcome[prev_a]], ORDINAL[data.outcome[row_a]]
        valid = (before >= 0) & (after >= 0)
        step = np.where(valid, after - before, 0).astype(np.int8)
        first = [str(data.titles[data.series_rows[n][0]]) for n in names]
        pairs = cls(
            names,
            np.array(series, dtype=np.int64),
            prev_a,
            row_a,
            data.sessions[row_a],
            valid,
            step != 0,
            step,
            first,
        )
        _PAIRS[data] = pairs
        return pairs


_PAIRS: weakref.WeakKeyDictionary[ForecastData, Pairs] = weakref.WeakKeyDictionary()


@dataclass(frozen=True)
class Target:
    """One instance to rate: its series (index, -1 for a draft), session, the last
    earlier instance's row (-1: none), the pairs known before it, similar series."""

    series: int
    session: int
    prev: int
    known: np.ndarray  # bool per pair
    similar: list[tuple[int, float]]


def similarity(pairs: Pairs, past: np.ndarray, queries: list[str]) -> np.ndarray:
    """TF-IDF cosine of ``queries`` with every series' first title (document frequencies
    over the series begun before the cut-off; others get similarity 0)."""
    index = TitleIndex.build(np.array(pairs.first_title + queries, dtype=object))
    counts = index.counts
    n_series = len(pairs.names)
    started = np.zeros(n_series, dtype=bool)
    started[pairs.series[past[pairs.prev]]] = True
    corpus = counts[:n_series][started]
    df = np.asarray((corpus > 0).sum(axis=0)).ravel()
    idf = np.where(df > 0, np.log((1.0 + corpus.shape[0]) / (1.0 + df)) + 1.0, 0.0)
    weighted = sparse.csr_matrix(counts.multiply(idf[None, :]))
    norms = np.sqrt(np.asarray(weighted.multiply(weighted).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    unit = sparse.csr_matrix(sparse.diags(1.0 / norms) @ weighted)
    out = np.asarray((unit[n_series:] @ unit[:n_series].T).todense())
    out[:, ~started] = 0.0
    return out


def nearest(scores: np.ndarray, known_series: np.ndarray, own: int) -> list[tuple[int, float]]:
    """The :data:`N_SIMILAR` most similar series with known pairs, other than ``own``."""
    scores = np.where(known_series, scores, 0.0)
    if own >= 0:
        scores[own] = 0.0
    best = np.argsort(-scores, kind="stable")[:N_SIMILAR]
    return [(int(j), float(scores[j])) for j in best if scores[j] > 0]


def _weights(pairs: Pairs, targets: list[Target], kind: str) -> sparse.csr_matrix:
    """Targets x pairs weights: the series' own known pairs, its similar series', or
    every known pair of the last :data:`RECENT_SESSIONS` sessions."""
    rows, cols, vals = [], [], []
    for t, target in enumerate(targets):
        if kind == "series":
            hit = np.flatnonzero(target.known & (pairs.series == target.series))
            weight = np.ones(len(hit))
        elif kind == "similar":
            hit_parts, weight_parts = [], []
            for j, w in target.similar:
                found = np.flatnonzero(target.known & (pairs.series == j))
                hit_parts.append(found)
                weight_parts.append(np.full(len(found), w))
            hit = np.concatenate(hit_parts) if hit_parts else np.zeros(0, dtype=np.int64)
            weight = np.concatenate(weight_parts) if weight_parts else np.zeros(0)
        else:
            hit = np.flatnonzero(target.known & (pairs.session >= target.session - RECENT_SESSIONS))
            weight = np.ones(len(hit))
        rows.append(np.full(len(hit), t))
        cols.append(hit)
        vals.append(weight)
    shape = (len(targets), len(pairs.row))
    return sparse.csr_matrix(
        (np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))), shape
    )


def _counts(pairs: Pairs, weights: sparse.csr_matrix) -> dict[str, np.ndarray]:
    return {
        "n": np.asarray(weights @ pairs.valid.astype(np.float64)),
        "c": np.asarray(weights @ pairs.change.astype(np.float64)),
        "s": np.asarray(weights @ np.abs(pairs.step).astype(np.float64)),
    }


def features(
    data: ForecastData, pairs: Pairs, targets: list[Target], groupings: np.ndarray
) -> dict[str, np.ndarray]:
    """Every feature (targets x members), and the raw counts behind them
    (``n_series``, ``c_series``)."""
    own = _counts(pairs, _weights(pairs, targets, "series"))
    similar = _counts(pairs, _weights(pairs, targets, "similar"))
    recent = _counts(pairs, _weights(pairs, targets, "recent"))
    with np.errstate(invalid="ignore", divide="ignore"):
        overall = recent["c"].sum(axis=1) / recent["n"].sum(axis=1)
    overall = np.nan_to_num(overall, nan=0.05)[:, None]
    rate_recent = (recent["c"] + RECENT_PRIOR * overall) / (recent["n"] + RECENT_PRIOR)
    rate_similar = (similar["c"] + SERIES_PRIOR * rate_recent) / (similar["n"] + SERIES_PRIOR)
    draft = np.array([t.series < 0 for t in targets])[:, None]
    series_c = np.where(draft, similar["c"], own["c"])
    series_n = np.where(draft, similar["n"], own["n"])
    out = {
        "rate_series": (series_c + SERIES_PRIOR * rate_recent) / (series_n + SERIES_PRIOR),
        "rate_similar": rate_similar,
        "rate_recent": rate_recent,
        "steps": (np.where(draft, similar["s"], own["s"]) + 1.0) / (series_c + 1.0),
        "experience": np.log1p(series_n),
        "n_series": series_n,
        "c_series": series_c,
    }
    out.update(_last_vote(data, targets, groupings))
    return out


def _last_vote(
    data: ForecastData, targets: list[Target], groupings: np.ndarray
) -> dict[str, np.ndarray]:
    """Features of the member's votes on the series' earlier instances."""
    n_t, n_m = len(targets), data.n_members
    out = {k: np.full((n_t, n_m), np.nan) for k in ("mixed", "abstained", "minority", "bloc_apart")}
    partners = groupings.astype(np.float64).T @ groupings.astype(np.float64)
    partners = (partners > 0).astype(np.float64)
    np.fill_diagonal(partners, 0.0)
    for t, target in enumerate(targets):
        if target.prev < 0:
            continue
        rows = data.series_rows[_name(data, target.prev)]
        rows = rows[data.sessions[rows] <= data.sessions[target.prev]]
        positions = ORDINAL[data.outcome[rows]]
        shares = np.stack([(positions == k).sum(axis=0) for k in range(3)], axis=1).astype(float)
        total = shares.sum(axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            out["mixed"][t] = np.where(total > 0, 1.0 - shares.max(axis=1) / total, np.nan)
        last = ORDINAL[data.outcome[target.prev]].astype(np.int64)
        cast = last >= 0
        out["abstained"][t] = np.where(cast, last == 1, np.nan)
        plurality = int(np.bincount(last[cast], minlength=3).argmax()) if cast.any() else 1
        out["minority"][t] = np.where(cast, np.abs(last - plurality) / 2.0, np.nan)
        out["bloc_apart"][t] = _apart(partners, last)
    return out


def _apart(partners: np.ndarray, last: np.ndarray) -> np.ndarray:
    """Share of each member's partners (that cast a vote) voting otherwise than it."""
    cast = (last >= 0).astype(np.float64)
    same = np.zeros(len(last))
    for k in range(3):
        hit = (last == k).astype(np.float64)
        same += hit * (partners @ hit)
    voters = partners @ cast
    with np.errstate(invalid="ignore", divide="ignore"):
        apart: np.ndarray = np.where((voters > 0) & (cast > 0), 1.0 - same / voters, np.nan)
    return apart


def _name(data: ForecastData, row: int) -> str:
    return str(data.series[row])


def design(values: dict[str, np.ndarray]) -> np.ndarray:
    """The model's columns (``... x len(FEATURES)``): rates as log-odds."""
    columns = []
    for name in FEATURES:
        column = values[name]
        if name in _LOGIT:
            clipped = np.clip(column, 1e-4, 1 - 1e-4)
            column = np.log(clipped / (1 - clipped))
        columns.append(column)
    return np.stack(columns, axis=-1)


def partners_of(groupings: np.ndarray) -> np.ndarray:
    """Members x members: 1 where two members share a bloc or regional group."""
    table = groupings.astype(np.float64)
    shared: np.ndarray = (table.T @ table) > 0
    return shared
