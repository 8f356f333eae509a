"""Scores of probabilistic vote forecasts.

``p`` is an (n x 4) array of class probabilities (yes, no, abstain, absent) and ``y``
the classes that happened.

- **log loss** ``-mean log p[y]`` (probabilities clipped at 1e-15);
- **Brier score**, multi-class (Brier 1950): ``mean sum_k (p_k - 1[y = k])^2``, from 0
  (perfect) to 2;
- **accuracy**, **recall** per class and **macro-F1** of the called votes (the most
  probable class, or a model's own decision rule);
- **expected calibration error** (Guo et al. 2017, "On calibration of modern neural
  networks", ICML, eq. 3) over every (row, class) probability in 15 equal-width bins:
  ``sum_b (n_b / N) |mean(p in b) - share of b that happened|``, with the reliability
  curve itself for the diagram;
- **tally**: mean absolute error of the expected yes/no/abstain counts, and the
  coverage of central intervals of the simulated counts, both as inclusive integer
  intervals ``[q_lo, q_hi]`` and as the randomised PIT of Czado, Gneiting & Held (2009,
  "Predictive model assessment for count data", *Biometrics* 65), which is uniform for
  a calibrated count forecast.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from whipcount.forecast.data import CLASSES, N_CLASSES

N_BINS = 15


def log_loss(p: np.ndarray, y: np.ndarray) -> float:
    return float(-np.mean(np.log(np.clip(p[np.arange(len(y)), y], 1e-15, 1.0))))


def brier(p: np.ndarray, y: np.ndarray) -> float:
    hit = np.zeros_like(p)
    hit[np.arange(len(y)), y] = 1.0
    return float(np.mean(np.sum((p - hit) ** 2, axis=1)))


def recalls(
    p: np.ndarray, y: np.ndarray, called: np.ndarray | None = None
) -> dict[str, float | None]:
    """Recall per class of the called votes (default: the most probable class)."""
    guess = p.argmax(axis=1) if called is None else called
    return {
        name: float(np.mean(guess[y == k] == k)) if (y == k).any() else None
        for k, name in enumerate(CLASSES)
    }


def macro_f1(p: np.ndarray, y: np.ndarray, called: np.ndarray | None = None) -> float:
    guess = p.argmax(axis=1) if called is None else called
    scores = []
    for k in range(N_CLASSES):
        true_positive = np.sum((guess == k) & (y == k))
        denominator = np.sum(guess == k) + np.sum(y == k)
        if denominator:
            scores.append(2.0 * true_positive / denominator)
    return float(np.mean(scores)) if scores else 0.0


@dataclass(frozen=True)
class Reliability:
    """Mean forecast and observed frequency per probability bin (all classes pooled)."""

    mean_predicted: np.ndarray
    observed: np.ndarray
    count: np.ndarray

    @property
    def ece(self) -> float:
        total = self.count.sum()
        if not total:
            return 0.0
        gap = np.abs(self.mean_predicted - self.observed)
        return float(np.nansum(gap * self.count) / total)


def reliability(p: np.ndarray, y: np.ndarray, bins: int = N_BINS) -> Reliability:
    hit = np.zeros_like(p)
    hit[np.arange(len(y)), y] = 1.0
    flat_p, flat_hit = p.ravel(), hit.ravel()
    which = np.minimum((flat_p * bins).astype(np.int64), bins - 1)
    count = np.bincount(which, minlength=bins).astype(float)
    with np.errstate(invalid="ignore"):
        mean_predicted = np.bincount(which, flat_p, minlength=bins) / count
        observed = np.bincount(which, flat_hit, minlength=bins) / count
    return Reliability(mean_predicted, observed, count)


def covered(samples: np.ndarray, observed: int, level: float) -> bool:
    """Is ``observed`` inside the inclusive central ``level`` interval of ``samples``?"""
    low, high = np.quantile(samples, [(1 - level) / 2, (1 + level) / 2], method="inverted_cdf")
    return bool(low <= observed <= high)


def randomised_pit(samples: np.ndarray, observed: int, u: float) -> float:
    """``F(x - 1) + u * P(X = x)`` for the simulated count distribution."""
    below = float(np.mean(samples < observed))
    at = float(np.mean(samples == observed))
    return below + u * at
