"""The baselines every forecast is measured against, fitted on the same training rows.

- ``class_frequency``: the shares of yes/no/abstain/absent over all training rows.
- ``member_frequency``: the member's own shares over the three years before the
  cut-off, shrunk toward the class frequencies with ``PSEUDO`` pseudo-votes (a member
  without votes gets the class frequencies).
- ``persistence``: the member's vote on the previous instance of the series,
  ``(1 - eps) 1[k = prev] + eps / 4``, with ``eps`` fitted by maximum likelihood on the
  training rows; where there is no previous vote, the member's frequencies.
- ``blend``: ``w 1[k = prev] + (1 - w) member_frequency``, ``w`` fitted likewise; without
  a previous vote, the member's frequencies.

The one-parameter fits are exact one-dimensional maximisations (bounded Brent).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.optimize import minimize_scalar

from whipcount.forecast.data import N_CLASSES
from whipcount.forecast.metrics import log_loss

PSEUDO = 5.0
BASELINES = ("persistence", "member_frequency", "class_frequency", "blend")


def _previous(frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    prev = frame["prev1"].astype(float).to_numpy()
    has = ~np.isnan(prev)
    one_hot = np.zeros((len(prev), N_CLASSES))
    one_hot[np.flatnonzero(has), prev[has].astype(np.int64)] = 1.0
    return one_hot, has


def _member(frame: pd.DataFrame, classes: np.ndarray) -> np.ndarray:
    shares = frame[["f3_yes", "f3_no", "f3_abstain", "f3_absent"]].to_numpy(dtype=float)
    counts = frame["count3"].to_numpy(dtype=float)
    shares = np.nan_to_num(shares)
    out: np.ndarray = (shares * counts[:, None] + PSEUDO * classes) / (counts[:, None] + PSEUDO)
    return out


@dataclass(frozen=True)
class Baselines:
    """The fitted baselines (see the module docstring)."""

    classes: np.ndarray
    epsilon: float
    weight: float

    @classmethod
    def fit(cls, frame: pd.DataFrame, outcome: np.ndarray) -> Baselines:
        classes = np.bincount(outcome, minlength=N_CLASSES) / len(outcome)
        one_hot, has = _previous(frame)
        member = _member(frame, classes)
        y = outcome[has]

        def persistence_loss(eps: float) -> float:
            return log_loss((1 - eps) * one_hot[has] + eps / N_CLASSES, y)

        def blend_loss(w: float) -> float:
            return log_loss(w * one_hot[has] + (1 - w) * member[has], y)

        bounds = (1e-6, 1 - 1e-6)
        eps = minimize_scalar(persistence_loss, bounds=bounds, method="bounded").x
        weight = minimize_scalar(blend_loss, bounds=bounds, method="bounded").x
        return cls(classes, float(eps), float(weight))

    def predict(self, frame: pd.DataFrame) -> dict[str, np.ndarray]:
        one_hot, has = _previous(frame)
        member = _member(frame, self.classes)
        persistence = np.where(
            has[:, None], (1 - self.epsilon) * one_hot + self.epsilon / N_CLASSES, member
        )
        blend = np.where(has[:, None], self.weight * one_hot + (1 - self.weight) * member, member)
        return {
            "persistence": persistence,
            "member_frequency": member,
            "class_frequency": np.broadcast_to(self.classes, member.shape).copy(),
            "blend": blend,
        }
