"""The three-category ordered probit that the ideal-point model is built on.

A vote ``c`` of member-period ``k`` on item ``g`` is no (0), abstain (1) or yes (2), with

.. math::

    P(c \\ge 1) = \\Phi(\\beta_g x_k - \\tau_{1g}), \\qquad
    P(c = 2) = \\Phi(\\beta_g x_k - \\tau_{2g}), \\qquad \\tau_{1g} \\le \\tau_{2g},

the ordered probit of McKelvey and Zavoina (1975) with item-specific cutpoints, as in
Bailey, Strezhnev and Voeten (2017, eq. 1-2).  Every observation's log-probability is
``log(Phi(v) - Phi(u))`` with ``u`` the lower and ``v`` the upper cutpoint minus the
index; the first and second derivatives in ``u`` and ``v`` below give the Newton steps
of both blocks (items given members, members given items).  Ordered-probit likelihoods
are concave in the index and the cutpoints (Pratt 1981), so each block's Newton step
with step halving climbs.

Derivatives use the inverse Mills ratio ``r(w) = phi(w) / Phi(w)`` computed in logs
(``scipy.special.log_ndtr``), so far-tail observations stay finite.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.special import log_ndtr, ndtr

_LOG_SQRT_2PI = 0.5 * np.log(2.0 * np.pi)
_TINY = 1e-300


def mills(w: np.ndarray) -> np.ndarray:
    """``phi(w) / Phi(w)``, stable in both tails."""
    out: np.ndarray = np.exp(-0.5 * w * w - _LOG_SQRT_2PI - log_ndtr(w))
    return out


@dataclass(frozen=True)
class Derivatives:
    """Per-observation derivatives of the log-probability in ``u`` and ``v``.

    ``gu``/``gv`` are first derivatives, ``huu``/``hvv``/``huv`` second derivatives;
    where a cutpoint is infinite (category no has no lower one, yes no upper one) its
    terms are zero.
    """

    loglik: np.ndarray
    gu: np.ndarray
    gv: np.ndarray
    huu: np.ndarray
    hvv: np.ndarray
    huv: np.ndarray


def log_probability(
    index: np.ndarray, t1: np.ndarray, t2: np.ndarray, bounds: tuple[int, int]
) -> np.ndarray:
    """Log-probability of each observation; observations sorted by category, with
    ``bounds`` the ends of the no and abstain slices (``t1``, ``t2`` per observation)."""
    n0, n1 = bounds
    out = np.empty_like(index)
    out[:n0] = log_ndtr(t1[:n0] - index[:n0])
    out[n1:] = log_ndtr(index[n1:] - t2[n1:])
    out[n0:n1] = np.log(_middle(t1[n0:n1] - index[n0:n1], t2[n0:n1] - index[n0:n1]))
    return out


def _middle(u: np.ndarray, v: np.ndarray) -> np.ndarray:
    """``Phi(v) - Phi(u)`` for ``u <= v``, computed on the side of the smaller tail."""
    upper = u > 0
    p = np.where(upper, ndtr(-u) - ndtr(-v), ndtr(v) - ndtr(u))
    out: np.ndarray = np.maximum(p, _TINY)
    return out


def derivatives(
    index: np.ndarray, t1: np.ndarray, t2: np.ndarray, bounds: tuple[int, int]
) -> Derivatives:
    """Log-probabilities and their derivatives in the lower (u) and upper (v) bound.

    For a no, ``v = t1 - index`` and ``log P = log Phi(v)``; for a yes,
    ``u = t2 - index`` and ``log P = log Phi(-u)``; for an abstention
    ``log P = log(Phi(v) - Phi(u))`` with ``u = t1 - index``, ``v = t2 - index``.
    Observations are sorted by category (see :func:`log_probability`).
    """
    n0, n1 = bounds
    n = index.shape[0]
    loglik, gu, gv = np.empty(n), np.zeros(n), np.zeros(n)
    huu, hvv, huv = np.zeros(n), np.zeros(n), np.zeros(n)

    w = t1[:n0] - index[:n0]
    r = mills(w)
    loglik[:n0] = log_ndtr(w)
    gv[:n0] = r
    hvv[:n0] = -r * (w + r)

    w = index[n1:] - t2[n1:]  # = -u
    r = mills(w)
    loglik[n1:] = log_ndtr(w)
    gu[n1:] = -r
    huu[n1:] = -r * (w + r)

    u, v = t1[n0:n1] - index[n0:n1], t2[n0:n1] - index[n0:n1]
    p = _middle(u, v)
    pu = np.exp(-0.5 * u * u - _LOG_SQRT_2PI) / p
    pv = np.exp(-0.5 * v * v - _LOG_SQRT_2PI) / p
    loglik[n0:n1] = np.log(p)
    gu[n0:n1] = -pu
    gv[n0:n1] = pv
    huu[n0:n1] = u * pu - pu * pu
    hvv[n0:n1] = -v * pv - pv * pv
    huv[n0:n1] = pu * pv
    return Derivatives(loglik, gu, gv, huu, hvv, huv)


def probabilities(index: np.ndarray, t1: np.ndarray, t2: np.ndarray) -> np.ndarray:
    """Probabilities of no, abstain and yes (last axis) for each index."""
    p_at_least_abstain = ndtr(index - t1)
    p_yes = ndtr(index - t2)
    p_mid = np.maximum(p_at_least_abstain - p_yes, 0.0)
    out = np.stack([1.0 - p_at_least_abstain, p_mid, p_yes], axis=-1)
    out /= out.sum(axis=-1, keepdims=True)
    return out
