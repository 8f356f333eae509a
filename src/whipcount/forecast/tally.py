"""The tally: counts of yes, no, abstain and absent, simulated with correlated members.

Members do not vote independently: a day's absences come together (a long meeting, a
walk-out), and a region or a bloc moves as one when a resolution turns out more or less
acceptable than its record suggests.  The simulation keeps every member's forecast
probabilities exactly (a Gaussian copula; Nelsen 2006, *An Introduction to Copulas*,
section 2.3) and correlates members through shared normal shocks:

* absence: ``w_i = sqrt(rho_absent) h + sqrt(1 - rho_absent) e_i``, and member ``i`` is
  absent when ``Phi(w_i) < p_i(absent)``;
* position: ``z_i = sqrt(rho_global) c + sqrt(rho_group) g_{group(i)} + sqrt(1 -
  rho_global - rho_group) e'_i``; a member present votes yes, abstain or no as
  ``Phi(z_i)`` falls in the cumulative yes, yes+abstain, 1 of its probabilities given
  presence (so a positive shock moves members from yes toward abstention and no).

``h``, ``c``, ``g`` and the ``e`` are independent standard normals, one ``h`` and ``c`` per
simulated vote, one ``g`` per regional group.  The three correlations are estimated
from history (:func:`estimate_correlation`): on roll calls the model did not train on,
the values that maximise the log score of the observed yes, no, abstain and absent
counts under the simulated distributions, found on a grid with common random numbers.

Adoption: a simple majority of the members present and voting (``yes > no``;
abstentions do not count, Charter Art. 18(3)), or two-thirds on important questions
(Art. 18(2): ``yes >= 2 (yes + no) / 3``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from scipy.special import ndtri

from whipcount.forecast.data import CLASSES, N_CLASSES

Majority = Literal["simple", "two-thirds"]
MAJORITIES: tuple[Majority, ...] = ("simple", "two-thirds")
DRAWS = 4000


@dataclass(frozen=True)
class Correlation:
    """The copula's correlations (see the module docstring)."""

    absent: float = 0.0
    global_: float = 0.0
    group: float = 0.0

    def document(self) -> dict[str, float]:
        return {"absent": self.absent, "global": self.global_, "group": self.group}


def simulate(
    p: np.ndarray,
    groups: np.ndarray,
    correlation: Correlation,
    rng: np.random.Generator,
    draws: int = DRAWS,
) -> np.ndarray:
    """Simulated votes (draws x members, classes 0..3) of members with probabilities
    ``p`` (members x 4) and regional group ``groups`` (int per member)."""
    n = len(p)
    shocks = rng.standard_normal((draws, 2 + int(groups.max(initial=0)) + 1))
    noise = rng.standard_normal((2, draws, n), dtype=np.float32)
    return _votes(p, groups, correlation, shocks, noise)


def _votes(
    p: np.ndarray,
    groups: np.ndarray,
    correlation: Correlation,
    shocks: np.ndarray,
    noise: np.ndarray,
) -> np.ndarray:
    rho_a, rho_c, rho_g = correlation.absent, correlation.global_, correlation.group
    w = np.sqrt(rho_a) * shocks[:, :1] + np.sqrt(1 - rho_a) * noise[0]
    z = (
        np.sqrt(rho_c) * shocks[:, 1:2]
        + np.sqrt(rho_g) * shocks[:, 2 + groups]
        + np.sqrt(max(1 - rho_c - rho_g, 0.0)) * noise[1]
    )
    # Phi(w) < q  <=>  w < Phi^-1(q): compare with thresholds, not with Phi of every draw
    present = np.clip(1.0 - p[:, 3], 1e-12, None)
    absent_below = ndtri(np.clip(p[:, 3], 0.0, 1.0))
    yes_below = ndtri(np.clip(p[:, 0] / present, 0.0, 1.0))
    abstain_below = ndtri(np.clip((p[:, 0] + p[:, 2]) / present, 0.0, 1.0))
    out = np.where(z < yes_below, 0, np.where(z < abstain_below, 2, 1)).astype(np.int8)
    out[w < absent_below] = 3
    return out


def counts(votes: np.ndarray) -> np.ndarray:
    """Counts per class (draws x 4) of simulated votes."""
    return np.stack([(votes == k).sum(axis=1) for k in range(N_CLASSES)], axis=1)


def adopted(tallies: np.ndarray, majority: str = "simple") -> np.ndarray:
    """Boolean per draw: adopted under ``majority`` (tallies: draws x 4)."""
    if majority not in MAJORITIES:
        raise ValueError(f"majority must be one of {', '.join(MAJORITIES)}, not {majority!r}")
    yes, no = tallies[:, 0], tallies[:, 1]
    if majority == "simple":
        result: np.ndarray = yes > no
    else:
        result = (yes > 0) & (3 * yes >= 2 * (yes + no))
    return result


def summary(tallies: np.ndarray) -> dict[str, dict[str, float | int]]:
    """Mean and 10/50/90 % quantiles of each count."""
    out: dict[str, dict[str, float | int]] = {}
    for k, name in enumerate(CLASSES):
        column = tallies[:, k]
        q10, q50, q90 = np.quantile(column, [0.1, 0.5, 0.9], method="inverted_cdf")
        out[name] = {
            "mean": round(float(column.mean()), 2),
            "q10": int(q10),
            "q50": int(q50),
            "q90": int(q90),
        }
    return out


def distribution(tallies: np.ndarray) -> dict[str, dict[str, Any]]:
    """Each count's simulated distribution: ``{"from": k0, "p": [P(k0), P(k0 + 1), ...]}``
    over the counts from the least to the most drawn (shares of the draws, 4 decimals)."""
    out: dict[str, dict[str, Any]] = {}
    for k, name in enumerate(CLASSES):
        column = tallies[:, k].astype(np.int64)
        low = int(column.min())
        shares = np.bincount(column - low) / len(column)
        out[name] = {"from": low, "p": [round(float(v), 4) for v in shares]}
    return out


_GRID_ABSENT = (0.0, 0.02, 0.05, 0.1, 0.2, 0.3, 0.45, 0.6)
_GRID_POSITION = (0.0, 0.02, 0.05, 0.1, 0.2, 0.3, 0.45)


def estimate_correlation(
    cases: list[tuple[np.ndarray, np.ndarray, np.ndarray]],
    rng: np.random.Generator,
    draws: int = 300,
) -> Correlation:
    """Correlations that maximise the log score of the observed counts.

    ``cases`` are (probabilities, groups, outcomes) of held-out roll calls.  The absent
    correlation is chosen on the absent counts, then the global and group correlations
    on the yes, no and abstain counts, with the same random numbers at every grid point.
    """
    if not cases:
        return Correlation()
    streams = []
    for p, groups, _ in cases:
        shocks = rng.standard_normal((draws, 2 + int(groups.max(initial=0)) + 1))
        streams.append((shocks, rng.standard_normal((2, draws, len(p)), dtype=np.float32)))

    def score(correlation: Correlation, classes: tuple[int, ...]) -> float:
        total = 0.0
        for (p, groups, outcome), (shocks, noise) in zip(cases, streams, strict=True):
            tallies = counts(_votes(p, groups, correlation, shocks, noise))
            for k in classes:
                observed = int(np.sum(outcome == k))
                total += np.log((np.sum(tallies[:, k] == observed) + 0.5) / (draws + 1.0))
        return total

    absent = max(_GRID_ABSENT, key=lambda r: score(Correlation(absent=r), (3,)))
    position = (0, 1, 2)
    global_, group = 0.0, 0.0
    for _ in range(2):  # coordinate ascent: the global shock, then the groups'
        global_ = max(
            (c for c in _GRID_POSITION if c + group < 0.9),
            key=lambda c: score(Correlation(absent, c, group), position),
        )
        group = max(
            (g for g in _GRID_POSITION if global_ + g < 0.9),
            key=lambda g: score(Correlation(absent, global_, g), position),
        )
    return Correlation(absent, global_, group)
