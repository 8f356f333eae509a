"""The validation of persuadability on history (docs/METHODS.md, "Persuadability").

Before each instance of a recurring series in a session (with a previous instance),
the members present at both (a yes, abstain or no each time) are ranked two ways, both
as known at the session's opening: by Part A's ``P(change)``, fitted on the sessions
before it, and by ideal-point distance alone, ``min_k |x_i - tau_k / beta|``, the
member's distance to the nearer cutting point of the series' item in the cut-off ideal
fit (:mod:`whipcount.forecast.ideal_cutoff`; closest first).  The outcome is whether
the member's vote differs from its vote on the previous instance.  Scores: the area
under the ROC curve (Mann-Whitney, ties counted half), per vote and pooled over every
(vote, member) pair, and precision among the top 10 and 20 (ties at the boundary
counted at their mean), averaged over the votes with at least one changer.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from scipy.stats import rankdata

from whipcount.campaign.persuadability import PersuadabilityModel
from whipcount.campaign.persuadability_features import Pairs, Target, features, nearest
from whipcount.campaign.persuadability_features import similarity as title_similarity
from whipcount.forecast.data import ForecastData
from whipcount.forecast.ideal_cutoff import CutoffIdeal, ideal_at
from whipcount.record.codes import session_opening

RANKINGS = ("persuadability", "ideal_distance")


def auc(score: np.ndarray, outcome: np.ndarray) -> float:
    """Area under the ROC curve of ``score`` for the boolean ``outcome`` (NaN when only
    one class is present)."""
    positives = int(outcome.sum())
    negatives = len(outcome) - positives
    if positives == 0 or negatives == 0:
        return float("nan")
    ranks = rankdata(score)
    return float((ranks[outcome].sum() - positives * (positives + 1) / 2) / (positives * negatives))


def precision_at(score: np.ndarray, outcome: np.ndarray, k: int) -> float:
    """Share of changers among the ``k`` highest scores (ties at the boundary at their
    mean outcome)."""
    k = min(k, len(score))
    if k == 0:
        return float("nan")
    threshold = np.sort(score)[::-1][k - 1]
    above = score > threshold
    tied = score == threshold
    hits = outcome[above].sum() + (k - above.sum()) * outcome[tied].mean()
    return float(hits / k)


def ideal_distance(ideal: CutoffIdeal, row: int) -> np.ndarray:
    """Each member's distance to the nearer cutting point of ``row``'s item (inf where
    unknown)."""
    beta = ideal.beta[row]
    if np.isnan(beta) or beta == 0:
        return np.full(len(ideal.position), np.inf)
    cuts = np.array([ideal.tau1[row], ideal.tau2[row]]) / beta
    distance = np.abs(ideal.position[:, None] - cuts[None, :]).min(axis=1)
    out: np.ndarray = np.where(np.isnan(distance), np.inf, distance)
    return out


@dataclass(frozen=True)
class VoteScores:
    """One instance's members, outcome and the two rankings' scores (higher: first)."""

    series: str
    session: int
    outcome: np.ndarray
    scores: dict[str, np.ndarray]


def session_votes(
    data: ForecastData,
    session: int,
    *,
    model: PersuadabilityModel | None = None,
    ideal_cache: Path | None = None,
    with_ideal: bool = True,
) -> list[VoteScores]:
    """The scored instances of ``session`` (see the module docstring)."""
    model = model or PersuadabilityModel()
    pairs = Pairs.build(data)
    day = session_opening(session)
    past = data.before(day)
    results = model.fit(data, as_of=day)
    chosen = np.flatnonzero(pairs.session == session)
    known = past[pairs.row] & (pairs.session < session)
    started = np.zeros(len(pairs.names), dtype=bool)
    started[pairs.series[known]] = True
    table = title_similarity(pairs, past, pairs.first_title)
    targets = [
        Target(
            int(pairs.series[p]),
            session,
            int(pairs.prev[p]),
            known,
            nearest(table[pairs.series[p]], started, int(pairs.series[p])),
        )
        for p in chosen
    ]
    if not targets:
        return []
    p_change = results.p_change(features(data, pairs, targets, data.groupings(day)))
    ideal = ideal_at(data, day, ideal_cache) if with_ideal else None
    out = []
    for t, p in enumerate(chosen):
        members = pairs.valid[p]
        scores = {"persuadability": p_change[t][members]}
        if ideal is not None:
            scores["ideal_distance"] = -ideal_distance(ideal, int(pairs.prev[p]))[members]
        out.append(
            VoteScores(pairs.names[pairs.series[p]], session, pairs.change[p][members], scores)
        )
    return out


def score(votes: list[VoteScores]) -> dict[str, Any]:
    """AUC (pooled and mean per vote) and precision at 10 and 20 of each ranking."""
    out: dict[str, Any] = {
        "votes": len(votes),
        "pairs": int(sum(len(v.outcome) for v in votes)),
        "changes": int(sum(int(v.outcome.sum()) for v in votes)),
    }
    present = [name for name in RANKINGS if any(name in v.scores for v in votes)]
    # every ranking is scored on the same votes: those where each of them is known
    usable = [
        v for v in votes if all(n in v.scores and np.isfinite(v.scores[n]).any() for n in present)
    ]
    for name in present if usable else []:
        pooled_score = np.concatenate([_finite(v.scores[name]) for v in usable])
        pooled_outcome = np.concatenate([v.outcome for v in usable])
        per_vote = [auc(_finite(v.scores[name]), v.outcome) for v in usable]
        with_changer = [v for v in usable if v.outcome.any()]
        out[name] = {
            "votes": len(usable),
            "auc_pooled": auc(pooled_score, pooled_outcome),
            "auc_mean": _mean(per_vote),
            "p_at_10": _mean(
                [precision_at(_finite(v.scores[name]), v.outcome, 10) for v in with_changer]
            ),
            "p_at_20": _mean(
                [precision_at(_finite(v.scores[name]), v.outcome, 20) for v in with_changer]
            ),
        }
    return out


def _finite(values: np.ndarray) -> np.ndarray:
    """Scores with -inf (unknown) below every known one."""
    finite = np.isfinite(values)
    floor = values[finite].min() - 1.0 if finite.any() else 0.0
    out: np.ndarray = np.where(finite, values, floor)
    return out


def _mean(values: list[float]) -> float | None:
    kept = [v for v in values if not np.isnan(v)]
    return float(np.mean(kept)) if kept else None
