"""Block Newton steps for the dynamic ordinal ideal-point model (MAP estimation).

The log-posterior (see :mod:`whipcount.measures.idealpoints` for the model) is
maximised by alternating two blocks, each concave on its own:

- **items given positions**: every item's ``(beta, tau1, tau2)`` is an ordered-probit
  regression on the positions of its voters, with independent normal priors; one
  3 x 3 Newton step per item, all items at once;
- **positions given items**: every member's trajectory ``x_1..x_T`` has a Gaussian
  random-walk prior, so the Hessian of its log-posterior is tridiagonal; one Newton
  step solves one banded system for all members (``scipy.linalg.solveh_banded``,
  O(slots)), as the Kalman-smoother step of Martin and Quinn (2002) and the
  variational EM of Imai, Lo and Olmsted (2016, sec. 4) do for the binary model.

Each step is halved, per item or per member, until that item's or member's
log-posterior does not decrease (the objective separates across items given the
positions, and across members given the items), so the iteration climbs
monotonically.  Sums over observations use ``numpy.bincount``; nothing loops in Python
over votes, items or members.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy.linalg import solveh_banded

from whipcount.measures import ideal_kernels as kernels
from whipcount.measures.ideal_data import IdealData

_HALVINGS = 12


@dataclass(frozen=True)
class Priors:
    """Prior variances: first position, per-session step, item parameters, and the
    per-session normal term (``inf``: none, BSV's pure random walk)."""

    initial_variance: float = 1.0
    evolution_variance: float = 0.004
    item_variance: float = 1.0
    position_variance: float = 1.0


@dataclass
class State:
    """Current estimates: positions per slot, item parameters per item."""

    x: np.ndarray
    beta: np.ndarray
    t1: np.ndarray
    t2: np.ndarray

    def copy(self) -> State:
        return State(self.x.copy(), self.beta.copy(), self.t1.copy(), self.t2.copy())


class Objective:
    """Log-posterior pieces, by member and by item (the units of the two blocks)."""

    def __init__(self, data: IdealData, priors: Priors) -> None:
        self.data = data
        self.priors = priors
        has_prev = ~data.first
        self.has_prev = has_prev
        self.has_next = np.append(has_prev[1:], False)
        self.obs_member = data.slot_member[data.slot]
        n0, n1 = data.bounds
        abstentions = np.bincount(data.item[n0:n1], minlength=data.n_items)
        self.binary = abstentions == 0  # one cutpoint: tau1 = tau2
        self.chunks = kernels.chunk_count()

    def loglik_by(self, state: State, unit: np.ndarray, units: int) -> np.ndarray:
        """Log-likelihood summed by ``unit`` (one of ``units`` per observation)."""
        d = self.data
        out: np.ndarray = kernels.loglik_sums(
            unit, units, d.item, d.slot, d.category,
            state.x, state.beta, state.t1, state.t2, self.chunks,
        )  # fmt: skip
        return out

    def loglik_at(self, state: State, selected: np.ndarray) -> np.ndarray:
        """Log-likelihood of the observations ``selected`` (indices)."""
        d = self.data
        out: np.ndarray = kernels.loglik_at(
            selected, d.item, d.slot, d.category, state.x, state.beta, state.t1, state.t2
        )
        return out

    def loglik(self, state: State) -> float:
        return float(self.loglik_by(state, self.data.item, self.data.n_items).sum())

    def member_prior(self, state: State) -> np.ndarray:
        """Log-prior per member: its first position and each step between sessions."""
        p, d, x = self.priors, self.data, state.x
        per_slot = np.where(d.first, -0.5 * x * x / p.initial_variance, 0.0)
        per_slot -= 0.5 * x * x / p.position_variance
        step = np.diff(x, prepend=0.0)
        per_slot -= np.where(self.has_prev, 0.5 * step * step / p.evolution_variance, 0.0)
        out: np.ndarray = np.bincount(d.slot_member, per_slot, len(d.members))
        return out

    def item_prior(self, state: State) -> np.ndarray:
        v = self.priors.item_variance
        out: np.ndarray = -0.5 * (state.beta**2 + state.t1**2 + state.t2**2) / v
        return out

    def total(self, state: State) -> float:
        """The log-posterior."""
        return self.loglik(state) + float(
            self.member_prior(state).sum() + self.item_prior(state).sum()
        )


def member_step(objective: Objective, state: State) -> tuple[State, float]:
    """One damped Newton step on every member's trajectory; the new state and its
    log-posterior."""
    d, p = objective.data, objective.priors
    sums = kernels.slot_sums(
        d.item, d.slot, d.category, state.x, state.beta, state.t1, state.t2, objective.chunks
    )
    x, w = state.x, 1.0 / p.evolution_variance
    step_back = np.diff(x, prepend=0.0)
    step_ahead = np.append(np.diff(x), 0.0)
    grad = sums[:, 1] + np.where(d.first, -x / p.initial_variance, 0.0) - x / p.position_variance
    grad += np.where(objective.has_prev, -step_back * w, 0.0)
    grad += np.where(objective.has_next, step_ahead * w, 0.0)
    links = objective.has_prev.astype(float) + objective.has_next
    banded = np.zeros((2, d.n_slots))
    banded[1] = -sums[:, 2] + d.first / p.initial_variance + links * w + 1 / p.position_variance
    banded[0, 1:] = np.where(objective.has_prev[1:], -w, 0.0)
    delta = solveh_banded(banded, grad, check_finite=False)
    loglik = np.bincount(d.slot_member, sums[:, 0], len(d.members))

    def propose(scale: np.ndarray) -> State:
        return State(x + delta * scale[d.slot_member], state.beta, state.t1, state.t2)

    moved, value = _halve(
        objective,
        state=state,
        loglik=loglik,
        unit=objective.obs_member,
        prior=objective.member_prior,
        propose=propose,
    )
    return moved, value + float(objective.item_prior(moved).sum())


def item_step(objective: Objective, state: State) -> State:
    """One damped Newton step on every item's ``(beta, tau1, tau2)``."""
    d = objective.data
    sums = kernels.item_sums(
        d.item, d.slot, d.category, state.x, state.beta, state.t1, state.t2, objective.chunks
    )
    ll, gb, gt1, gt2, hbb, h11, h22, h12, hb1, hb2 = sums.T
    v = 1.0 / objective.priors.item_variance
    grad = np.stack([gb - state.beta * v, gt1 - state.t1 * v, gt2 - state.t2 * v], axis=1)
    neg_hess = -np.stack(
        [np.stack(row, axis=1) for row in ((hbb, hb1, hb2), (hb1, h11, h12), (hb2, h12, h22))],
        axis=1,
    )
    neg_hess += np.eye(3) * v
    _tie_cutpoints(grad, neg_hess, objective.binary)
    delta = np.linalg.solve(neg_hess, grad[:, :, None])[:, :, 0]
    delta[objective.binary, 2] = delta[objective.binary, 1]

    def propose(scale: np.ndarray) -> State:
        step = delta * scale[:, None]
        return State(state.x, state.beta + step[:, 0], state.t1 + step[:, 1], state.t2 + step[:, 2])

    moved, _ = _halve(
        objective, state=state, loglik=ll, unit=d.item, prior=objective.item_prior, propose=propose
    )
    return moved


def _tie_cutpoints(grad: np.ndarray, neg_hess: np.ndarray, binary: np.ndarray) -> None:
    """For items without abstentions, step in one cutpoint ``tau = tau1 = tau2``
    (the binary probit): chain rule on ``(beta, tau)``; ``tau2`` follows ``tau1``."""
    g, h = grad[binary], neg_hess[binary]
    g[:, 1] = g[:, 1] + g[:, 2]
    h[:, 1, 1] = h[:, 1, 1] + 2.0 * h[:, 1, 2] + h[:, 2, 2]
    h[:, 0, 1] = h[:, 1, 0] = h[:, 0, 1] + h[:, 0, 2]
    g[:, 2] = 0.0
    h[:, 2, :] = h[:, :, 2] = 0.0
    h[:, 2, 2] = 1.0
    grad[binary], neg_hess[binary] = g, h


def _halve(
    objective: Objective,
    *,
    state: State,
    loglik: np.ndarray,
    unit: np.ndarray,
    prior: Callable[[State], np.ndarray],
    propose: Callable[[np.ndarray], State],
) -> tuple[State, float]:
    """Halve the step of each unit (member or item) whose log-posterior fell.

    ``loglik`` is the log-likelihood per unit before the step and ``unit`` maps
    observations to units; after one full pass only the observations of units still
    falling are re-evaluated.  Returns the new state and the sum over units of their
    log-likelihood plus their prior."""
    before = loglik + prior(state)
    tolerance = 1e-10 * (1.0 + np.abs(before))
    scale = np.ones(len(before))
    candidate = propose(scale)
    after = objective.loglik_by(candidate, unit, len(before)) + prior(candidate)
    worse = after < before - tolerance
    for _ in range(_HALVINGS):
        if not worse.any():
            return candidate, float(after.sum())
        scale = np.where(worse, scale * 0.5, scale)
        candidate = propose(scale)
        selected = np.flatnonzero(worse[unit])
        retry = np.bincount(unit[selected], objective.loglik_at(candidate, selected), len(before))
        after = np.where(worse, retry + prior(candidate), after)
        worse &= after < before - tolerance
    candidate = propose(np.where(worse, 0.0, scale))
    return candidate, float(np.where(worse, before, after).sum())


class Anderson:
    """Anderson acceleration of the block sweep (Walker and Ni 2011), safeguarded.

    The sweep ``g`` (items, then members) is a fixed-point map whose slow directions
    are the model's near-invariances (a session's positions shifting against its
    items' cutpoints, held only by the priors and the bridges).  Anderson mixing of
    the last ``memory`` sweeps extrapolates along them; an extrapolated point is kept
    only if its log-posterior beats the plain sweep's, else the history restarts.
    """

    def __init__(self, memory: int = 8) -> None:
        self.memory = memory
        self.last_f: np.ndarray | None = None
        self.last_g: np.ndarray | None = None
        self.df: list[np.ndarray] = []
        self.dg: list[np.ndarray] = []

    def step(self, objective: Objective, before: State, swept: State, value: float) -> State:
        """The next state from the sweep ``before -> swept`` (log-posterior ``value``)."""
        g = _pack(swept)
        f = g - _pack(before)
        if self.memory == 0:
            return swept
        if self.last_f is not None and self.last_g is not None:
            self.df.append(f - self.last_f)
            self.dg.append(g - self.last_g)
            del self.df[: -self.memory], self.dg[: -self.memory]
        self.last_f, self.last_g = f, g
        if not self.df:
            return swept
        gamma = np.linalg.lstsq(np.stack(self.df, axis=1), f, rcond=None)[0]
        candidate = _unpack(g - np.stack(self.dg, axis=1) @ gamma, swept)
        if objective.total(candidate) > value:
            return candidate
        self.df, self.dg, self.last_f, self.last_g = [], [], None, None
        return swept


def _pack(state: State) -> np.ndarray:
    return np.concatenate([state.x, state.beta, state.t1, state.t2])


def _unpack(vector: np.ndarray, like: State) -> State:
    n, m = len(like.x), len(like.beta)
    return State(vector[:n], vector[n : n + m], vector[n + m : n + 2 * m], vector[n + 2 * m :])
