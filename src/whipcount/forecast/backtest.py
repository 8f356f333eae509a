"""The rolling-origin backtest: every session forecast from the record before it.

For each session ``s`` of the range, the forecaster and the baselines
(:mod:`whipcount.forecast.baselines`) are fitted as of the day ``s`` opened and forecast
every roll call of ``s``; nothing held on or after that day is read (Tashman 2000).  Scores
(:mod:`whipcount.forecast.metrics`) are reported per session and pooled over all rows,
for all roll calls and for the roll calls of recurring series (a series with an earlier
instance known at the cut-off).  Ablations refit the forecaster without one feature
group at a time.  The document is what ``whipcount backtest --json`` prints.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from whipcount.forecast import metrics
from whipcount.forecast.analogs import TitleIndex
from whipcount.forecast.baselines import BASELINES
from whipcount.forecast.data import CLASSES, ForecastData
from whipcount.forecast.model import Forecaster, call_votes
from whipcount.forecast.tally import Correlation, counts, simulate
from whipcount.record.codes import session_opening

Document = dict[str, Any]
MODEL = "whipcount"
DRAWS = 2000
SUBSETS = ("all", "recurring")


@dataclass
class _Pool:
    """Rows and tallies of one model on one subset, for scoring."""

    p: list[np.ndarray] = field(default_factory=list)
    y: list[np.ndarray] = field(default_factory=list)
    called: list[np.ndarray] = field(default_factory=list)
    abs_errors: list[float] = field(default_factory=list)
    cover80: list[bool] = field(default_factory=list)
    cover95: list[bool] = field(default_factory=list)
    pit: list[float] = field(default_factory=list)

    def add(self, other: _Pool) -> None:
        for name in ("p", "y", "called", "abs_errors", "cover80", "cover95", "pit"):
            getattr(self, name).extend(getattr(other, name))

    def scores(self) -> Document | None:
        """The scores of the pooled rows (None when there are none)."""
        if not self.p:
            return None
        p, y = np.concatenate(self.p), np.concatenate(self.y)
        called = np.concatenate(self.called)
        pit = np.array(self.pit)
        return {
            "log_loss": round(metrics.log_loss(p, y), 5),
            "brier": round(metrics.brier(p, y), 5),
            "accuracy": round(float(np.mean(called == y)), 5),
            "macro_f1": round(metrics.macro_f1(p, y, called), 5),
            "recall": {k: _round(v) for k, v in metrics.recalls(p, y, called).items()},
            "ece": round(metrics.reliability(p, y).ece, 5),
            "tally_mae": round(float(np.mean(self.abs_errors)), 3),
            "coverage80": round(float(np.mean(self.cover80)), 4),
            "coverage95": round(float(np.mean(self.cover95)), 4),
            "pit_coverage80": round(float(np.mean((pit >= 0.1) & (pit <= 0.9))), 4),
            "rows": len(y),
        }


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 5)


def _tally_scores(
    pool: _Pool,
    p: np.ndarray,
    y: np.ndarray,
    groups: np.ndarray,
    *,
    correlation: Correlation,
    rng: np.random.Generator,
) -> None:
    tallies = counts(simulate(p, groups, correlation, rng, draws=DRAWS))
    for k in range(3):  # yes, no, abstain
        observed = int(np.sum(y == k))
        pool.abs_errors.append(abs(float(p[:, k].sum()) - observed))
        pool.cover80.append(metrics.covered(tallies[:, k], observed, 0.8))
        pool.cover95.append(metrics.covered(tallies[:, k], observed, 0.95))
        pool.pit.append(metrics.randomised_pit(tallies[:, k], observed, float(rng.uniform())))


@dataclass(frozen=True)
class Backtest:
    """A rolling-origin backtest of ``model`` over sessions ``first``..``last``."""

    model: Forecaster = field(default_factory=Forecaster)
    first: int = 65
    last: int | None = None
    ablations: tuple[str, ...] = ()

    def sessions(self, data: ForecastData) -> list[int]:
        """The sessions forecast: those of the range with roll calls and something before
        them to learn from."""
        last = self.last if self.last is not None else int(data.sessions.max())
        first_known = int(data.sessions.min()) + self.model.holdout + 1
        held = set(data.sessions.tolist())
        return [s for s in range(max(self.first, first_known), last + 1) if s in held]

    def run(
        self, data: ForecastData, progress: Callable[[int, str], None] | None = None
    ) -> Document:
        sessions = self.sessions(data)
        if not sessions:
            raise ValueError(f"no roll call to forecast in sessions {self.first}-{self.last}")
        index = TitleIndex.build(data.titles)
        names = (MODEL, *BASELINES, *(f"without_{g}" for g in self.ablations))
        totals = {s: {n: _Pool() for n in names} for s in SUBSETS}
        per_session: dict[str, list[Document]] = {s: [] for s in SUBSETS}
        reliability: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
        for number, session in enumerate(sessions):
            if progress:
                progress(number, f"session {session}")
            pools, roll_calls = self._session(data, index, session, reliability)
            for subset in SUBSETS:
                for name in names:
                    totals[subset][name].add(pools[subset][name])
                if not roll_calls[subset]:
                    continue
                per_session[subset].append(
                    {
                        "session": session,
                        "roll_calls": roll_calls[subset],
                        "models": {n: pools[subset][n].scores() for n in names},
                    }
                )
        if progress:
            progress(len(sessions), "done")
        p = np.concatenate([r[0] for r in reliability])
        y = np.concatenate([r[1] for r in reliability])
        recurring = np.concatenate([r[2] for r in reliability])
        curves = {"all": _curve(p, y), "recurring": _curve(p[recurring], y[recurring])}
        return {
            "from_session": sessions[0],
            "to_session": sessions[-1],
            "model": _settings(self.model),
            "subsets": {
                subset: {
                    "sessions": per_session[subset],
                    "overall": {"models": {n: totals[subset][n].scores() for n in names}},
                    "reliability": curves[subset],
                }
                for subset in SUBSETS
            },
            "reliability": curves["all"],
        }

    def _session(
        self,
        data: ForecastData,
        index: TitleIndex,
        session: int,
        reliability: list[tuple[np.ndarray, np.ndarray, np.ndarray]],
    ) -> tuple[dict[str, dict[str, _Pool]], dict[str, int]]:
        as_of = session_opening(session)
        results = self.model.fit(data, as_of=as_of, index=index)
        rows = np.flatnonzero(data.sessions == session)
        block = self.model.session_block(data, index, session, rows)
        predictions = {MODEL: results.probabilities(block.frame)}
        predictions.update(results.baselines.predict(block.frame))
        correlations = {MODEL: results}
        calls = {MODEL: results.absent_call}
        for group in self.ablations:
            reduced = replace(self.model, drop=(*self.model.drop, group))
            fitted = reduced.fit(data, as_of=as_of, index=index)
            predictions[f"without_{group}"] = fitted.probabilities(block.frame)
            correlations[f"without_{group}"] = fitted
            calls[f"without_{group}"] = fitted.absent_call
        recurring = block.frame["ser_n"].to_numpy() > 0
        reliability.append((predictions[MODEL], block.outcome, recurring))
        groups = block.frame["group"].to_numpy(dtype=float).astype(np.int64)
        rng = np.random.default_rng(session)
        pools = {s: {n: _Pool() for n in predictions} for s in SUBSETS}
        roll_calls = {"all": 0, "recurring": 0}
        for target in np.unique(block.target):
            at = block.target == target
            subsets = ["all"] + (["recurring"] if recurring[at].any() else [])
            for subset in subsets:
                roll_calls[subset] += 1
            y = block.outcome[at]
            frame = block.frame[at]
            for name, p in predictions.items():
                single = _Pool()
                single.p.append(p[at])
                single.y.append(y)
                rule = calls.get(name)
                single.called.append(
                    p[at].argmax(axis=1) if rule is None else call_votes(p[at], rule)
                )
                _tally_scores(
                    single,
                    p[at],
                    y,
                    groups[at],
                    correlation=(
                        correlations[name].correlation(frame)
                        if name in correlations
                        else Correlation()
                    ),
                    rng=rng,
                )
                for subset in subsets:
                    pools[subset][name].add(single)
        return pools, roll_calls


def _curve(p: np.ndarray, y: np.ndarray) -> Document:
    """The reliability diagram's points and the expected calibration error."""
    if not len(y):
        return {"bins": [], "ece": None}
    curve = metrics.reliability(p, y)
    return {
        "bins": [
            {"mean_predicted": _round(float(m)), "observed": _round(float(o)), "count": int(c)}
            for m, o, c in zip(curve.mean_predicted, curve.observed, curve.count, strict=True)
            if c
        ],
        "ece": round(curve.ece, 5),
    }


def _settings(model: Forecaster) -> Document:
    return {
        "window": model.window,
        "rounds": model.rounds,
        "learning_rate": model.learning_rate,
        "leaves": model.leaves,
        "min_leaf": model.min_leaf,
        "max_bin": model.max_bin,
        "holdout": model.holdout,
        "drop": list(model.drop),
        "seed": model.seed,
        "classes": list(CLASSES),
    }
