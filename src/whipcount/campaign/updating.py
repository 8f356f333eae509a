"""Field reports as evidence: the forecast updated by what delegations say.

Model
-----
A report states a position ``s`` on the eight-point scale (:data:`POSITIONS`) for a member
whose forecast is ``p`` (over ``CLASSES``: yes, no, abstain, absent).  With probability
``rho`` the report comes from a candid, fully informed source, who states ``s`` with
probability ``E[s, k]`` when the member's true vote is ``k`` (:data:`EMISSION`); otherwise it
carries no information about ``k`` and is drawn from its prior predictive
``m_s = sum_k p_k E[s, k]``.  The likelihood of the report is therefore
``P(s | k) = rho E[s, k] + (1 - rho) m_s``, and Bayes' rule gives

    p'_k = p_k (rho E[s, k] + (1 - rho) m_s) / m_s
         = p_k (1 + rho (E[s, k] / m_s - 1))
         = (1 - rho) p_k + rho p_k E[s, k] / m_s,

a move a fraction ``rho`` of the way from the forecast to the posterior of a fully
reliable report (a mixture likelihood, as in Bayesian treatments of unreliable witnesses:
Bovens & Hartmann 2003, *Bayesian Epistemology*, ch. 3).  ``rho = 0`` leaves ``p``
unchanged; ``rho = 1`` is the full Bayes update with ``E``.

``rho`` is the report's reliability ``r`` in [0, 1] (the user's judgement of the source)
times an exponential decay in the report's age on the board's day ``t`` (today, or a
rehearsal's day): a report made on day ``t_r`` is ``d = max(t - t_r, 0)`` days old and counts
``rho = r 2^(-d / H)`` with half-life ``H = 30`` days, since positions are revised as a text
is negotiated, so old reports count less as the vote approaches.  A report dated after
``t`` counts fully (``d = 0``).

Several reports on one member: only the latest report of each source counts (a source
repeating itself is not new evidence; sources are compared stripped and case-insensitively),
and these are applied oldest first.

The emission table ``E`` is a fixed judgement, not a fit: each true vote is mostly reported
as itself or its ``lean`` position, ``undecided`` is weakly informative, and every entry is
at least 0.01 so that no single report is proof.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from whipcount.campaign.scale import CLASSES, POSITIONS, parse_position
from whipcount.errors import CampaignInputError

__all__ = [
    "EMISSION",
    "HALF_LIFE_DAYS",
    "Evidence",
    "shift",
    "update",
    "update_one",
    "weight",
]

HALF_LIFE_DAYS = 30.0

#: P(stated position | true vote) of a candid, informed source: rows POSITIONS, columns
#: CLASSES (yes, no, abstain, absent); every column sums to 1.
EMISSION: np.ndarray = np.array(
    [
        # yes   no    abstain absent
        [0.60, 0.01, 0.04, 0.03],  # yes
        [0.25, 0.02, 0.10, 0.04],  # lean yes
        [0.08, 0.07, 0.14, 0.08],  # undecided
        [0.03, 0.08, 0.25, 0.05],  # lean abstain
        [0.01, 0.04, 0.40, 0.05],  # abstain
        [0.01, 0.25, 0.04, 0.04],  # lean no
        [0.01, 0.52, 0.02, 0.03],  # no
        [0.01, 0.01, 0.01, 0.68],  # absent
    ]
)
EMISSION.setflags(write=False)


@dataclass(frozen=True)
class Evidence:
    """One field report, as the model needs it."""

    iso3: str
    position: str
    reliability: float
    reported_on: dt.date
    source: str


def _check_unit(value: float, what: str) -> float:
    value = float(value)
    if not 0.0 <= value <= 1.0:
        raise CampaignInputError(f"{what} must be between 0 and 1, not {value}")
    return value


def weight(reliability: float, reported_on: dt.date, day: dt.date) -> float:
    """``rho = r 2^(-d / H)``: the weight on ``day`` of a report ``d`` days old.

    ``d = max(day - reported_on, 0)``: a report dated on or after ``day`` counts fully.

    Raises
    ------
    CampaignInputError
        When ``reliability`` is outside [0, 1].
    """
    r = _check_unit(reliability, "reliability")
    days = max((day - reported_on).days, 0)
    return float(r * 2.0 ** (-days / HALF_LIFE_DAYS))


def update_one(p: np.ndarray, position: str, rho: float) -> np.ndarray:
    """One member's probabilities (4,) after a report of ``position`` with weight ``rho``.

    ``p'_k = p_k (1 + rho (E[s, k] / m_s - 1))`` with ``m_s = sum_k p_k E[s, k]``.
    """
    s = POSITIONS.index(parse_position(position))
    rho = _check_unit(rho, "a report's weight")
    p = np.asarray(p, dtype=float)
    if rho == 0.0:
        return p.copy()
    likelihood = EMISSION[s]
    m = float(p @ likelihood)
    out = p * (1.0 + rho * (likelihood / m - 1.0))
    return np.asarray(out / out.sum())


def shift(p: np.ndarray, position: str, rho: float) -> dict[str, float]:
    """The change of each class's probability (``p' - p``) that one report makes."""
    p = np.asarray(p, dtype=float)
    change = update_one(p, position, rho) - p
    return {name: float(v) for name, v in zip(CLASSES, change, strict=True)}


def _source_key(source: str) -> str:
    return " ".join(source.strip().lower().split())


def _counted(reports: list[Evidence]) -> list[Evidence]:
    """The latest report of each source, oldest first (stable in the given order)."""
    latest: dict[str, Evidence] = {}
    for report in sorted(reports, key=lambda e: e.reported_on):
        latest[_source_key(report.source)] = report
    return sorted(latest.values(), key=lambda e: e.reported_on)


def update(
    p: np.ndarray,
    members: Sequence[str],
    evidence: Sequence[Evidence],
    *,
    day: dt.date,
) -> np.ndarray:
    """The forecast ``p`` (members x 4) updated by every report in ``evidence``.

    Parameters
    ----------
    p : numpy.ndarray
        Members x 4 probabilities over ``CLASSES``, rows summing to 1.
    members : sequence of str
        ISO3 code of each row of ``p``.
    evidence : sequence of Evidence
        The reports, in any order.
    day : datetime.date
        The board's day (today, or a rehearsal's day): reports are weighted by their age
        on it (the decay).

    Returns
    -------
    numpy.ndarray
        A new members x 4 array; members without reports keep their rows.

    Raises
    ------
    CampaignInputError
        A report about a member not in ``members``, a position off the scale, or a
        reliability outside [0, 1].
    """
    out = np.array(p, dtype=float, copy=True)
    index = {code.strip().upper(): i for i, code in enumerate(members)}
    by_member: dict[int, list[Evidence]] = {}
    for report in evidence:
        i = index.get(report.iso3.strip().upper())
        if i is None:
            raise CampaignInputError(f"a report names {report.iso3!r}, which is not a member")
        parse_position(report.position)
        _check_unit(report.reliability, f"the reliability of the report on {report.iso3}")
        by_member.setdefault(i, []).append(report)
    for i, reports in by_member.items():
        for report in _counted(reports):
            rho = weight(report.reliability, report.reported_on, day)
            out[i] = update_one(out[i], report.position, rho)
    return out
