"""Dynamic ordinal ideal points: each member's position, session by session.

Model (Bailey, Strezhnev and Voeten 2017, "Estimating dynamic state preferences from
United Nations voting data", *Journal of Conflict Resolution* 61(2), eq. 1-4), with
votes ``c`` in no < abstain < yes and absences missing:

.. math::

    P(c_{kj} \\ge \\text{abstain}) = \\Phi(\\beta_j x_{it} - \\tau_{1j}), \\quad
    P(c_{kj} = \\text{yes}) = \\Phi(\\beta_j x_{it} - \\tau_{2j}),

    p(x_i) \\propto N(x_{i,t_0}; 0, \\sigma_0^2)
        \\prod_{t > t_0} N(x_{i,t}; x_{i,t-1}, \\omega^2)
        \\prod_{t} N(x_{i,t}; 0, \\sigma_p^2), \\qquad
    \\beta_j, \\tau_{1j}, \\tau_{2j} \\sim N(0, \\sigma_\\beta^2),

where ``t`` is the session and ``j`` the item: a roll call, or a bridge of roll calls on
the same resolution in several sessions, which share their parameters (BSV's
"identical resolutions").  The member prior is BSV's random walk times a normal term
per session (a Gaussian Markov chain whose precision matrix stays tridiagonal).  That
term is our addition: without it the *mode* puts perfectly cohesive blocs (the Soviet
bloc of the 1960s-80s, alone on a hundred roll calls a session) several units beyond
everyone else, while BSV's posterior means keep them beside the Non-Aligned states;
with it, the estimates match BSV's (docs/METHODS.md, "Ideal points").  The defaults
(``omega^2 = 0.004``, ``sigma_p^2 = sigma_0^2 = sigma_beta^2 = 1``) were chosen on that
validation grid (``benchmarks/idealpoints.py``, ``benchmarks/IDEALPOINTS.md``).

BSV sample their posterior by MCMC; here the posterior is maximised (MAP) by
alternating block Newton steps (:mod:`whipcount.measures.ideal_newton`), the EM-style
strategy of Imai, Lo and Olmsted (2016, "Fast estimation of ideal points with massive
data", *APSR* 110(4)) for their ``dynIRT`` and ``ordIRT`` models, here for both
features at once, accelerated by Anderson mixing.  Starting values are the first
principal component of the vote matrix (yes 1, abstain 0, no -1).  Polarity: the
anchor member (the United States by default) is on the positive side.

Uncertainty comes from a parametric bootstrap (Lewis and Poole 2004): votes are
redrawn from the fitted model on the same pattern of observed cells and the model
refitted; standard errors are the replications' standard deviations
(:mod:`whipcount.measures.ideal_bootstrap`).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd
from scipy.special import ndtri

from whipcount.measures.ideal_data import IdealData
from whipcount.measures.ideal_newton import (
    Anderson,
    Objective,
    Priors,
    State,
    item_step,
    member_step,
)
from whipcount.measures.ordinal import probabilities

Progress = Callable[[int, float], None]


class DynamicIdealPoints:
    """The dynamic ordinal ideal-point model of one :class:`IdealData`.

    Parameters
    ----------
    data : IdealData
        Observations, member-periods and items.
    evolution_variance : float
        ``omega^2``, the variance of a member's step from one session to the next.
    initial_variance : float
        ``sigma_0^2``, the prior variance of a member's first position.
    item_variance : float
        Prior variance of every item's discrimination and cutpoints.
    position_variance : float
        ``sigma_p^2``, the per-session normal term (``inf``: BSV's pure random walk).
    anchor : str
        Member code put on the positive side (skipped if absent from the data).
    tol : float
        Convergence: largest change of a position in one iteration.
    max_iter : int
        Iteration cap (the results say whether the fit converged).
    """

    def __init__(
        self,
        data: IdealData,
        *,
        evolution_variance: float = 0.004,
        initial_variance: float = 1.0,
        item_variance: float = 1.0,
        anchor: str = "USA",
        tol: float = 1e-4,
        max_iter: int = 500,
        memory: int = 8,
        position_variance: float = 1.0,
    ) -> None:
        for name, value in (
            ("evolution_variance", evolution_variance),
            ("initial_variance", initial_variance),
            ("item_variance", item_variance),
            ("position_variance", position_variance),
            ("tol", tol),
        ):
            if not value > 0:
                raise ValueError(f"{name} must be positive, not {value!r}")
        if max_iter < 1:
            raise ValueError("max_iter must be at least 1")
        self.data = data
        self.priors = Priors(initial_variance, evolution_variance, item_variance, position_variance)
        self.anchor = anchor
        self.tol = tol
        self.max_iter = max_iter
        self.memory = memory

    def options(self) -> dict[str, Any]:
        """The keyword options of this model (to build another like it)."""
        p = self.priors
        return {
            "evolution_variance": p.evolution_variance,
            "initial_variance": p.initial_variance,
            "item_variance": p.item_variance,
            "position_variance": p.position_variance,
            "anchor": self.anchor,
            "tol": self.tol,
            "max_iter": self.max_iter,
            "memory": self.memory,
        }

    def fit(
        self, *, start: IdealPointResults | None = None, progress: Progress | None = None
    ) -> IdealPointResults:
        """Maximise the posterior; ``start`` warm-starts from earlier estimates of the
        same design, ``progress(iteration, largest_change)`` is called every iteration."""
        began = time.perf_counter()
        objective = Objective(self.data, self.priors)
        state = _start_state(start) if start is not None else initial_state(self.data)
        if start is None:
            for _ in range(3):
                state = item_step(objective, state)
        accelerator = Anderson(memory=self.memory)
        converged, iteration = False, 0
        for iteration in range(1, self.max_iter + 1):
            previous = state
            state, value = member_step(objective, item_step(objective, state))
            state = accelerator.step(objective, previous, state, value)
            change = float(np.max(np.abs(state.x - previous.x)))
            if progress is not None:
                progress(iteration, change)
            if change < self.tol:
                converged = True
                break
        state = _polarised(state, self.data, self.anchor)
        return IdealPointResults(
            data=self.data,
            x=state.x,
            beta=state.beta,
            t1=state.t1,
            t2=state.t2,
            log_posterior=objective.total(state),
            iterations=iteration,
            converged=converged,
            seconds=time.perf_counter() - began,
            options=self.options(),
        )


@dataclass(frozen=True)
class IdealPointResults:
    """Estimates of a :class:`DynamicIdealPoints` fit."""

    data: IdealData
    x: np.ndarray  # position per slot (member-period)
    beta: np.ndarray  # discrimination per item
    t1: np.ndarray  # lower cutpoint (no | abstain) per item
    t2: np.ndarray  # upper cutpoint (abstain | yes) per item
    log_posterior: float
    iterations: int
    converged: bool
    seconds: float
    options: dict[str, Any] = field(default_factory=dict)
    se: np.ndarray | None = None  # bootstrap standard error per slot
    replications: int = 0

    def frame(self, *, with_empty: bool = False) -> pd.DataFrame:
        """One row per member and session: ``member, session, ideal, se, n_votes``.

        Sessions inside a member's span without any vote (carried by the random walk)
        are left out unless ``with_empty``."""
        d = self.data
        frame = pd.DataFrame(
            {
                "member": np.asarray(d.members, dtype=object)[d.slot_member],
                "session": d.slot_period,
                "ideal": self.x,
                "se": self.se if self.se is not None else np.full(d.n_slots, np.nan),
                "n_votes": d.slot_votes(),
            }
        )
        return frame if with_empty else frame[frame["n_votes"] > 0].reset_index(drop=True)

    def items(self) -> pd.DataFrame:
        """Item parameters, one row per item, labelled by its first matrix row."""
        return pd.DataFrame(
            {"row": self.data.item_rows, "beta": self.beta, "tau1": self.t1, "tau2": self.t2}
        )

    def predict(self) -> np.ndarray:
        """Fitted probabilities of no, abstain, yes for every observation (n x 3)."""
        d = self.data
        index = self.beta[d.item] * self.x[d.slot]
        out: np.ndarray = probabilities(index, self.t1[d.item], self.t2[d.item])
        return out

    def accuracy(self) -> float:
        """Share of observed votes whose most probable category is the one cast."""
        return float(np.mean(self.predict().argmax(axis=1) == self.data.category))

    def with_se(self, se: np.ndarray, replications: int) -> IdealPointResults:
        return replace(self, se=se, replications=replications)

    def summary(self) -> str:
        d = self.data
        lines = [
            "Dynamic ordinal ideal points (MAP, block Newton)",
            f"  votes cast        {d.n_obs:>12,}",
            f"  items             {d.n_items:>12,}  (from {len(d.rows):,} roll calls)",
            f"  member-sessions   {int((d.slot_votes() > 0).sum()):>12,}",
            f"  iterations        {self.iterations:>12}  "
            f"({'converged' if self.converged else 'NOT converged'})",
            f"  log-posterior     {self.log_posterior:>12.1f}",
            f"  correct category  {self.accuracy():>12.1%}",
            f"  seconds           {self.seconds:>12.2f}",
            f"  bootstrap         {self.replications:>12}  replications",
        ]
        return "\n".join(lines)


def initial_state(data: IdealData) -> State:
    """Positions from the first principal component; items from their margins."""
    scores = _principal_component(data)
    x = scores[data.slot_member]
    counts = np.stack(
        [np.bincount(data.item[data.category == c], minlength=data.n_items) for c in (0, 1, 2)]
    ).astype(float)
    share = (counts + 0.5) / (counts.sum(axis=0) + 1.5)
    t1 = ndtri(np.clip(share[0], 0.01, 0.99))
    t2 = ndtri(np.clip(share[0] + share[1], 0.01, 0.99))
    t2 = np.where(counts[1] == 0, t1, np.maximum(t2, t1 + 0.01))
    return State(x.astype(float), np.zeros(data.n_items), t1, t2)


def _principal_component(data: IdealData) -> np.ndarray:
    """Each member's score on the first principal component of its votes
    (member x item matrix, yes 1, abstain 0, no -1, centred per item, missing 0)."""
    n_members = len(data.members)
    column = data.slot_member[data.slot]
    code = data.category.astype(float) - 1.0
    sums = np.bincount(data.item, code, data.n_items)
    counts = np.bincount(data.item, minlength=data.n_items)
    centred = code - (sums / np.maximum(counts, 1))[data.item]
    cell = column * data.n_items + data.item
    size = n_members * data.n_items
    seen = np.bincount(cell, minlength=size).reshape(n_members, data.n_items).astype(float)
    matrix = np.bincount(cell, centred, size).reshape(n_members, data.n_items) / np.maximum(
        seen, 1.0
    )
    values, vectors = np.linalg.eigh(matrix @ matrix.T)  # members x members: small
    score = vectors[:, -1] * np.sqrt(max(values[-1], 0.0))
    active = seen.sum(axis=1) > 0
    spread = score[active].std() or 1.0
    out: np.ndarray = (score - score[active].mean()) / spread
    return out


def _start_state(start: IdealPointResults) -> State:
    return State(start.x, start.beta, start.t1, start.t2).copy()


def _polarised(state: State, data: IdealData, anchor: str) -> State:
    """Flip positions and discriminations so that the anchor's mean position is > 0."""
    if anchor not in data.members:
        return state
    mine = data.slot_member == data.members.index(anchor)
    if not mine.any() or state.x[mine].mean() >= 0:
        return state
    return State(-state.x, -state.beta, state.t1, state.t2)


def compile_kernels() -> float:
    """Fit a tiny simulated design so that numba compiles every kernel and caches it on
    disk (``scripts/setup`` runs this once, so that the first real fit does not pay the
    compilation); returns the seconds it took."""
    from whipcount.measures.ideal_bootstrap import simulate, simulated_data

    began = time.perf_counter()
    design = simulate(members=12, sessions=3, roll_calls_per_session=8,
                      rng=np.random.default_rng(0))  # fmt: skip
    DynamicIdealPoints(simulated_data(design), max_iter=3).fit()
    return time.perf_counter() - began
