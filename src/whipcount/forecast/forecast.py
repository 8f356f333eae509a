"""One forecast: every member's probabilities with reasons, the tally, adoption.

:func:`make_forecast` turns a fitted :class:`~whipcount.forecast.model.ForecastResults`
and a :class:`~whipcount.forecast.target.Target` into a :class:`Forecast`, whose
:meth:`Forecast.document` is what ``whipcount forecast --json`` prints
(``docs/JSON.md``).  Reasons are read off the member's features in a few words: its
votes on earlier instances, its ideal point against the series' position, its blocs,
its participation, its sponsorship.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from whipcount.forecast.data import CLASSES
from whipcount.forecast.features import previous_instances
from whipcount.forecast.tally import (
    MAJORITIES,
    Correlation,
    adopted,
    counts,
    distribution,
    simulate,
    summary,
)
from whipcount.forecast.target import Target

if TYPE_CHECKING:
    from whipcount.forecast.model import ForecastResults

_ORDER = ("yes", "no", "abstain", "absent")
_BLOC_NAMES = {"bloc": "its blocs", "group": "its regional group", "peer": "its closest partners"}


@dataclass(frozen=True)
class Forecast:
    """Per-member probabilities, reasons, the simulated tally and P(adopted)."""

    target: Target
    as_of: str
    members: list[str]  # ISO3 per member
    probabilities: np.ndarray  # members x 4 (yes, no, abstain, absent)
    reasons: list[list[str]]
    calls: list[str]  # the vote called for each member
    tallies: np.ndarray  # draws x 4
    majority: str
    analogs: list[dict[str, Any]]
    previous: list[dict[str, Any]]
    groups: np.ndarray  # regional group index per member (the copula's group shocks)
    correlation: Correlation  # the copula's correlations used for ``tallies``

    def with_as_of(self, as_of: str) -> Forecast:
        return replace(self, as_of=as_of)

    @property
    def p_adopted(self) -> float:
        return float(np.mean(adopted(self.tallies, self.majority)))

    def document(self) -> dict[str, Any]:
        return {
            "target": {
                "series": self.target.series,
                "session": self.target.session,
                "title": self.target.title,
            },
            "as_of": self.as_of,
            "members": [
                {
                    "iso3": code,
                    "p": {c: round(float(v), 4) for c, v in zip(CLASSES, row, strict=True)},
                    "call": call,
                    "reasons": why,
                }
                for code, row, call, why in zip(
                    self.members, self.probabilities, self.calls, self.reasons, strict=True
                )
            ],
            "tally": summary(self.tallies),
            "tally_distribution": distribution(self.tallies),
            "p_adopted": round(self.p_adopted, 4),
            "majority": self.majority,
            "previous_instances": self.previous,
            "analogs": self.analogs,
        }


def make_forecast(
    results: ForecastResults,
    target: Target,
    *,
    majority: str = "simple",
    rng: np.random.Generator | None = None,
) -> Forecast:
    if majority not in MAJORITIES:
        raise ValueError(f"majority must be one of {', '.join(MAJORITIES)}, not {majority!r}")
    block = results.features([target])
    p = results.probabilities(block.frame)
    group = block.frame["group"].to_numpy(dtype=float).astype(np.int64)
    rng = rng or np.random.default_rng(results.model.seed)
    correlation = results.correlation(block.frame)
    tallies = counts(simulate(p, group, correlation, rng))
    data = results.data
    iso3 = data.matrix.members["iso3"].to_numpy().astype(str)[block.member]
    roll_calls = data.matrix.roll_calls
    prev = previous_instances(data, results.cutoff, target)
    analogs = [
        {
            "roll_call": str(roll_calls["id"].iloc[row]),
            "date": str(roll_calls["date"].iloc[row]),
            "title": str(roll_calls["title"].iloc[row]),
            "similarity": round(float(sim), 3),
        }
        for row, sim in zip(block.analogs.rows[0], block.analogs.similarity[0], strict=True)
        if row >= 0 and sim > 0
    ][:5]
    previous = [
        {
            "roll_call": str(roll_calls["id"].iloc[row]),
            "session": int(roll_calls["session"].iloc[row]),
            "date": str(roll_calls["date"].iloc[row]),
        }
        for row in prev[::-1][:5]
    ]
    called = results.call(p)
    reasons = _reasons(block.frame, called, data.sessions[prev[::-1][:3]] if len(prev) else [])
    return Forecast(
        target=target,
        as_of=results.as_of.isoformat(),
        members=list(iso3),
        probabilities=p,
        reasons=reasons,
        calls=[CLASSES[k] for k in called],
        tallies=tallies,
        majority=majority,
        analogs=analogs,
        previous=previous,
        groups=group,
        correlation=correlation,
    )


def _reasons(frame: pd.DataFrame, called: np.ndarray, sessions: Any) -> list[list[str]]:
    """A few words per member, from its features (see the module docstring)."""
    values = {c: frame[c].to_numpy(dtype=float) for c in frame.columns}
    out = []
    for i in range(len(frame)):
        why: list[str] = []
        why += _history(values, i, sessions)
        why += _ideal(values, i)
        why += _blocs(values, i, int(called[i]))
        why += _participation(values, i)
        if values["sponsor"][i] == 1:
            why.append("sponsors the draft")
        elif values["prev_sponsor"][i] == 1:
            why.append("sponsored the last instance")
        out.append(why or [f"called {_ORDER[int(called[i])]} by its record"])
    return out


def _history(values: dict[str, np.ndarray], i: int, sessions: Any) -> list[str]:
    votes = [values[f"prev{k}"][i] for k in (1, 2, 3)]
    known = [(int(v), int(s)) for v, s in zip(votes, sessions, strict=False) if not np.isnan(v)]
    if known:
        if len({v for v, _ in known}) == 1:
            word = _ORDER[known[0][0]]
            did = "was absent from" if word == "absent" else f"voted {word} on"
            return [f"{did} the last {len(known)} instance{'s' * (len(known) > 1)}"]
        return ["earlier instances: " + ", ".join(f"{_ORDER[v]} ({s})" for v, s in known)]
    shares = [values[f"ana_{c}"][i] for c in _ORDER]
    if not np.isnan(shares).any():
        k = int(np.argmax(shares))
        return [f"voted {_ORDER[k]} on {shares[k]:.0%} of similar past votes"]
    return []


def _ideal(values: dict[str, np.ndarray], i: int) -> list[str]:
    x, p_yes = values["ideal_x"][i], values["ideal_yes"][i]
    if np.isnan(x) or np.isnan(p_yes):
        return []
    p_no = values["ideal_no"][i]
    side = "yes" if p_yes >= p_no else "no"
    chance = p_yes if side == "yes" else p_no
    return [f"ideal point {x:+.2f}: P({side}) {chance:.0%} by position on this issue"]


def _blocs(values: dict[str, np.ndarray], i: int, called: int) -> list[str]:
    """The bloc, group or peers that voted most as the member is called (60 % or more)."""
    best: tuple[float, str] | None = None
    for key, name in _BLOC_NAMES.items():
        shares = [values[f"{key}_{c}"][i] for c in _ORDER[:3]]
        if np.isnan(shares).any():
            continue
        k = int(np.argmax(shares))
        if k != called:
            continue
        if best is None or shares[k] > best[0]:
            best = (shares[k], f"{name} voted {_ORDER[k]} ({shares[k]:.0%}) last time")
    return [best[1]] if best is not None and best[0] >= 0.6 else []


def _participation(values: dict[str, np.ndarray], i: int) -> list[str]:
    streak, recent = values["streak"][i], values["recent_absent"][i]
    if streak >= 10:
        return [f"absent on its last {int(streak)} votes"]
    if recent >= 0.25:
        return [f"absent on {recent:.0%} of its last 20 votes"]
    return []
