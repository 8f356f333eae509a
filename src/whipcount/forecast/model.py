"""The vote forecaster: gradient-boosted trees on the features of each member and vote.

Model
-----
For member ``i`` on vote ``v`` with features ``x_iv`` (:mod:`whipcount.forecast.features`),
the probabilities of the four outcomes are a multinomial logit of additive trees,

    P(Y_iv = k | x_iv) = exp(F_k(x_iv) / T) / sum_j exp(F_j(x_iv) / T),
    F_k = sum_m f_km,  k in {yes, no, abstain, absent},

fitted by gradient boosting of the multinomial log-likelihood (Friedman 2001, "Greedy
function approximation: a gradient boosting machine", *Annals of Statistics* 29,
algorithm 6) with LightGBM's histogram trees (Ke et al. 2017, NeurIPS).  The
temperature ``T`` (Guo et al. 2017, section 4.2) is fitted by maximum likelihood on
the last ``holdout`` training sessions predicted by a model trained without them; the
same held-out predictions estimate the correlations of the tally simulation
(:mod:`whipcount.forecast.tally`; separately for votes with and without an earlier
instance) and the threshold above which a member is *called*
absent (:func:`absent_threshold`; the probabilities are not changed by it).  The final
trees are then refitted on every training session.

Training rows are the roll calls of the ``window`` sessions before the cut-off, each
described as it was known when its own session opened, so that training and forecasting
see the same kind of information and nothing from later sessions (Tashman 2000,
"Out-of-sample tests of forecasting accuracy", *Int. J. Forecasting* 16: rolling origin).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from scipy.optimize import minimize_scalar

from whipcount.forecast import features
from whipcount.forecast.analogs import TitleIndex
from whipcount.forecast.baselines import Baselines
from whipcount.forecast.cutoff import Cutoff
from whipcount.forecast.data import N_CLASSES, ForecastData
from whipcount.forecast.metrics import log_loss
from whipcount.forecast.tally import Correlation, estimate_correlation
from whipcount.forecast.target import Target
from whipcount.record.codes import session_opening
from whipcount.record.reader import Record

if TYPE_CHECKING:
    import lightgbm

    from whipcount.forecast.forecast import Forecast

Progress = Callable[[str], None]


@dataclass(frozen=True)
class TrainingSet:
    """Feature rows of the training sessions, with their outcome and session."""

    frame: pd.DataFrame
    outcome: np.ndarray
    session: np.ndarray
    roll_call: np.ndarray  # matrix row of each feature row
    member: np.ndarray


@dataclass(frozen=True, kw_only=True)
class Forecaster:
    """Forecasts of every member's vote, fitted on the record before a day.

    Parameters
    ----------
    window : int
        Sessions of roll calls to train on.
    rounds, learning_rate, leaves, min_leaf : tree-boosting settings.
    holdout : int
        Last training sessions held out to fit the temperature and the correlations.
    drop : tuple of str
        Feature groups left out (:data:`whipcount.forecast.features.GROUPS`), for ablations.
    seed : int
        Seed of the trees' subsampling and of the correlation estimate.
    cache : Path, optional
        Folder for the ideal-point fits of each cut-off.
    """

    window: int = 12
    rounds: int = 150
    learning_rate: float = 0.1
    leaves: int = 7
    min_leaf: int = 100
    max_bin: int = 63
    holdout: int = 2
    drop: tuple[str, ...] = ()
    seed: int = 0
    cache: Path | None = None
    threads: int = 0

    def __post_init__(self) -> None:
        unknown = set(self.drop) - set(features.GROUPS)
        if unknown:
            raise ValueError(f"unknown feature groups {sorted(unknown)}")
        if self.window < self.holdout + 1:
            raise ValueError("window must exceed holdout")

    @property
    def columns(self) -> list[str]:
        return [c for g, cs in features.GROUPS.items() if g not in self.drop for c in cs]

    def fit(
        self,
        data: ForecastData | Record | Path,
        *,
        as_of: dt.date,
        progress: Progress | None = None,
        index: TitleIndex | None = None,
    ) -> ForecastResults:
        """Fit on the record before ``as_of``; nothing on or after that day is read."""
        if isinstance(data, Record):
            data = ForecastData.from_record(data.path)
        elif isinstance(data, Path):
            data = ForecastData.from_record(data)
        index = index or TitleIndex.build(data.titles)
        training = self.training_set(data, index, as_of, progress)
        if not len(training.outcome):
            raise ValueError(f"no roll call before {as_of} to learn from")
        sessions = np.unique(training.session)
        held = sessions[-self.holdout :] if len(sessions) > self.holdout else sessions[:0]
        temperature, absent_call = 1.0, 0.5
        correlations = (Correlation(), Correlation())
        if len(held):
            if progress:
                progress("calibrating on held-out sessions")
            inner = ~np.isin(training.session, held)
            booster = self._train(training.frame[inner], training.outcome[inner])
            raw = np.asarray(booster.predict(training.frame[~inner][self.columns], raw_score=True))
            temperature = _fit_temperature(raw, training.outcome[~inner])
            held_p = _softmax(raw / temperature)
            correlations = self._correlations(training, ~inner, held_p)
            absent_call = absent_threshold(held_p, training.outcome[~inner])
        if progress:
            progress("fitting the final model")
        booster = self._train(training.frame, training.outcome)
        baselines = Baselines.fit(training.frame, training.outcome)
        cutoff = Cutoff.at(data, as_of, cache=self.cache)
        return ForecastResults(
            model=self,
            data=data,
            index=index,
            as_of=as_of,
            cutoff=cutoff,
            booster=booster,
            temperature=temperature,
            correlations=correlations,
            absent_call=absent_call,
            baselines=baselines,
            training_rows=len(training.outcome),
        )

    def training_set(
        self, data: ForecastData, index: TitleIndex, as_of: dt.date, progress: Progress | None
    ) -> TrainingSet:
        known = data.before(as_of)
        frames, outcomes, sessions, rows, members = [], [], [], [], []
        for session in np.unique(data.sessions[known])[-self.window :]:
            in_session = np.flatnonzero(known & (data.sessions == session))
            if progress:
                progress(f"features of session {session}")
            block = self.session_block(data, index, int(session), in_session)
            frames.append(block.frame)
            outcomes.append(block.outcome)
            sessions.append(np.full(len(block.outcome), session))
            rows.append(in_session[block.target])
            members.append(block.member)
        if not frames:
            empty = np.zeros(0, dtype=np.int64)
            return TrainingSet(
                pd.DataFrame(columns=list(features.COLUMNS)), empty, empty, empty, empty
            )
        return TrainingSet(
            pd.concat(frames, ignore_index=True),
            np.concatenate(outcomes),
            np.concatenate(sessions),
            np.concatenate(rows),
            np.concatenate(members),
        )

    def session_block(
        self, data: ForecastData, index: TitleIndex, session: int, rows: np.ndarray
    ) -> features.FeatureFrame:
        """Features of ``rows`` of ``session`` as known when it opened (memoised in
        ``data``: training and backtest targets share them)."""
        key = (session, rows.tobytes())
        block = data.feature_cache.get(key)
        if block is None:
            cutoff = Cutoff.at(data, session_opening(session), cache=self.cache)
            block = features.build(data, index, cutoff, [Target.of_row(data, int(r)) for r in rows])
            data.feature_cache[key] = block
        assert isinstance(block, features.FeatureFrame)
        return block

    def _train(self, frame: pd.DataFrame, outcome: np.ndarray) -> lightgbm.Booster:
        import lightgbm

        columns = self.columns
        dataset = lightgbm.Dataset(
            frame[columns],
            outcome,
            categorical_feature=[c for c in features.CATEGORICAL if c in columns],
            free_raw_data=True,
        )
        params: dict[str, Any] = {
            "objective": "multiclass",
            "num_class": N_CLASSES,
            "learning_rate": self.learning_rate,
            "num_leaves": self.leaves,
            "min_data_in_leaf": self.min_leaf,
            "max_bin": self.max_bin,
            "feature_fraction": 0.8,
            "bagging_fraction": 0.8,
            "bagging_freq": 1,
            "lambda_l2": 1.0,
            "seed": self.seed,
            "deterministic": True,
            "force_row_wise": True,
            "verbose": -1,
        }
        if self.threads:
            params["num_threads"] = self.threads
        return lightgbm.train(params, dataset, num_boost_round=self.rounds)

    def _correlations(
        self, training: TrainingSet, held: np.ndarray, p: np.ndarray
    ) -> tuple[Correlation, Correlation]:
        """Tally correlations of roll calls with and without earlier instances, each
        estimated on the held-out roll calls of its kind."""
        cases: dict[bool, list[tuple[np.ndarray, np.ndarray, np.ndarray]]] = {True: [], False: []}
        rows, outcome = training.roll_call[held], training.outcome[held]
        group = training.frame["group"].to_numpy(dtype=float)[held].astype(np.int64)
        recurring = training.frame["ser_n"].to_numpy()[held] > 0
        for row in np.unique(rows):
            at = rows == row
            cases[bool(recurring[at].any())].append((p[at], group[at], outcome[at]))
        rng = np.random.default_rng(self.seed)
        with_history = estimate_correlation(cases[True], rng)
        without = estimate_correlation(cases[False], rng) if cases[False] else with_history
        return with_history, without


def _softmax(raw: np.ndarray) -> np.ndarray:
    shifted = raw - raw.max(axis=1, keepdims=True)
    e = np.exp(shifted)
    out: np.ndarray = e / e.sum(axis=1, keepdims=True)
    return out


def absent_threshold(p: np.ndarray, outcome: np.ndarray) -> float:
    """The P(absent) above which a member is called absent: the threshold that maximises
    the F1 score of the absent class on held-out votes (Lipton, Elkan & Naryanaswamy
    2014, "Optimal thresholding of classifiers to maximize F1 measure", ECML)."""
    truth = outcome == 3
    best, best_f1 = 0.5, -1.0
    for threshold in np.arange(0.1, 0.61, 0.02):
        called = p[:, 3] >= threshold
        f1 = 2 * np.sum(called & truth) / max(np.sum(called) + np.sum(truth), 1)
        if f1 > best_f1:
            best, best_f1 = float(threshold), f1
    return round(best, 2)


def call_votes(p: np.ndarray, absent_call: float = 0.5) -> np.ndarray:
    """The vote called for each row: absent if ``P(absent) >= absent_call``, otherwise
    the most probable of yes, no and abstain."""
    called: np.ndarray = np.where(p[:, 3] >= absent_call, 3, p[:, :3].argmax(axis=1))
    return called


def _fit_temperature(raw: np.ndarray, outcome: np.ndarray) -> float:
    result = minimize_scalar(
        lambda t: log_loss(_softmax(raw / t), outcome), bounds=(0.5, 3.0), method="bounded"
    )
    return float(result.x)


@dataclass(frozen=True, eq=False)
class ForecastResults:
    """A fitted :class:`Forecaster`: forecasts any target as of its day."""

    model: Forecaster
    data: ForecastData
    index: TitleIndex
    as_of: dt.date
    cutoff: Cutoff
    booster: Any
    temperature: float
    correlations: tuple[Correlation, Correlation]  # with and without earlier instances
    absent_call: float
    baselines: Baselines
    training_rows: int

    def features(self, targets: list[Target]) -> features.FeatureFrame:
        return features.build(self.data, self.index, self.cutoff, targets)

    def probabilities(self, frame: pd.DataFrame) -> np.ndarray:
        """Class probabilities (rows x 4: yes, no, abstain, absent) of feature rows."""
        if not len(frame):
            return np.zeros((0, N_CLASSES))
        raw = self.booster.predict(frame[self.model.columns], raw_score=True)
        return _softmax(np.asarray(raw) / self.temperature)

    def correlation(self, frame: pd.DataFrame) -> Correlation:
        """The tally correlations for the rows of one vote (with or without history)."""
        recurring = bool((frame["ser_n"].to_numpy() > 0).any())
        return self.correlations[0 if recurring else 1]

    def call(self, p: np.ndarray) -> np.ndarray:
        """The vote called for each row of probabilities (see :func:`call_votes`)."""
        return call_votes(p, self.absent_call)

    def predict(
        self,
        target: Target,
        *,
        majority: str = "simple",
        rng: np.random.Generator | None = None,
    ) -> Forecast:
        """The forecast of ``target``: per member, the tally and the chance of adoption."""
        from whipcount.forecast.forecast import make_forecast

        return make_forecast(self, target, majority=majority, rng=rng)
