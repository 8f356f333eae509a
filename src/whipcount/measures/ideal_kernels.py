"""Compiled passes over the observations of the ideal-point model (numba).

Every Newton step needs, for each observed vote, the ordered-probit log-probability and
its first and second derivatives (:mod:`whipcount.measures.ordinal` gives the formulas),
summed by item or by member-period.  Done with NumPy that is a dozen temporary arrays
of a million entries per pass; here each pass is one fused loop, split into chunks that
run on all cores (``numba.prange``) with private accumulators summed at the end.

The normal CDF uses ``erfc`` (relative accuracy down to 1e-308), with the asymptotic
series of log Phi and of the inverse Mills ratio below w = -35 (Abramowitz and Stegun
26.2.12).  Kernels are compiled on first use and cached on disk.
"""

from __future__ import annotations

import math

import numba
import numpy as np

_SQRT1_2 = 1.0 / math.sqrt(2.0)
_LOG_SQRT_2PI = 0.5 * math.log(2.0 * math.pi)
_FAR = -35.0
_TINY = 1e-300
ITEM_FIELDS = 10  # loglik, g_beta, g_t1, g_t2, h_bb, h_11, h_22, h_12, h_b1, h_b2
SLOT_FIELDS = 3  # loglik, gradient, hessian in x


@numba.njit(cache=True, inline="always")
def _pdf(w: float) -> float:
    return math.exp(-0.5 * w * w - _LOG_SQRT_2PI)


@numba.njit(cache=True, inline="always")
def _log_cdf_and_mills(w: float) -> tuple[float, float]:
    """``log Phi(w)`` and ``phi(w) / Phi(w)``."""
    if w > _FAR:
        cdf = 0.5 * math.erfc(-w * _SQRT1_2)
        return math.log(cdf), _pdf(w) / cdf
    w2 = w * w
    series = 1.0 - 1.0 / w2 + 3.0 / (w2 * w2)
    return -0.5 * w2 - _LOG_SQRT_2PI - math.log(-w) + math.log(series), -w / series


@numba.njit(cache=True, inline="always")
def _cdf_between(u: float, v: float) -> float:
    """``Phi(v) - Phi(u)`` for ``u <= v``, on the side of the smaller tail."""
    if u > 0.0:
        p = 0.5 * (math.erfc(u * _SQRT1_2) - math.erfc(v * _SQRT1_2))
    else:
        p = 0.5 * (math.erfc(-v * _SQRT1_2) - math.erfc(-u * _SQRT1_2))
    return max(p, _TINY)


@numba.njit(cache=True, inline="always")
def _terms(
    category: int, index: float, t1: float, t2: float
) -> tuple[float, float, float, float, float, float]:
    """Log-probability and derivatives in the lower (u) and upper (v) bound."""
    if category == 0:
        v = t1 - index
        ll, r = _log_cdf_and_mills(v)
        return ll, 0.0, r, 0.0, -r * (v + r), 0.0
    if category == 2:
        w = index - t2
        ll, r = _log_cdf_and_mills(w)
        return ll, -r, 0.0, -r * (w + r), 0.0, 0.0
    u, v = t1 - index, t2 - index
    p = _cdf_between(u, v)
    pu, pv = _pdf(u) / p, _pdf(v) / p
    return math.log(p), -pu, pv, u * pu - pu * pu, -v * pv - pv * pv, pu * pv


@numba.njit(cache=True, inline="always")
def _log_probability(category: int, index: float, t1: float, t2: float) -> float:
    if category == 0:
        return _log_cdf_and_mills(t1 - index)[0]
    if category == 2:
        return _log_cdf_and_mills(index - t2)[0]
    return math.log(_cdf_between(t1 - index, t2 - index))


@numba.njit(cache=True, parallel=True)
def item_sums(
    item: np.ndarray,
    slot: np.ndarray,
    category: np.ndarray,
    x: np.ndarray,
    beta: np.ndarray,
    t1: np.ndarray,
    t2: np.ndarray,
    chunks: int,
) -> np.ndarray:
    """Per item: loglik, gradient in (beta, t1, t2) and the six Hessian entries."""
    n, m = item.shape[0], beta.shape[0]
    out = np.zeros((chunks, m, ITEM_FIELDS))
    size = (n + chunks - 1) // chunks
    for c in numba.prange(chunks):
        acc = out[c]
        for k in range(c * size, min(n, (c + 1) * size)):
            j, xs, cat = item[k], x[slot[k]], category[k]
            ll, gu, gv, huu, hvv, huv = _terms(cat, beta[j] * xs, t1[j], t2[j])
            acc[j, 0] += ll
            acc[j, 1] -= xs * (gu + gv)
            acc[j, 4] += xs * xs * (huu + 2.0 * huv + hvv)
            if cat == 0:  # tau1 is the upper bound v
                acc[j, 2] += gv
                acc[j, 5] += hvv
                acc[j, 8] -= xs * hvv
            elif cat == 2:  # tau2 is the lower bound u
                acc[j, 3] += gu
                acc[j, 6] += huu
                acc[j, 9] -= xs * huu
            else:  # tau1 is u, tau2 is v
                acc[j, 2] += gu
                acc[j, 3] += gv
                acc[j, 5] += huu
                acc[j, 6] += hvv
                acc[j, 7] += huv
                acc[j, 8] -= xs * (huu + huv)
                acc[j, 9] -= xs * (huv + hvv)
    total: np.ndarray = out.sum(axis=0)
    return total


@numba.njit(cache=True, parallel=True)
def slot_sums(
    item: np.ndarray,
    slot: np.ndarray,
    category: np.ndarray,
    x: np.ndarray,
    beta: np.ndarray,
    t1: np.ndarray,
    t2: np.ndarray,
    chunks: int,
) -> np.ndarray:
    """Per member-period: loglik, and first and second derivative in x."""
    n, s = item.shape[0], x.shape[0]
    out = np.zeros((chunks, s, SLOT_FIELDS))
    size = (n + chunks - 1) // chunks
    for c in numba.prange(chunks):
        acc = out[c]
        for k in range(c * size, min(n, (c + 1) * size)):
            j, i = item[k], slot[k]
            b = beta[j]
            ll, gu, gv, huu, hvv, huv = _terms(category[k], b * x[i], t1[j], t2[j])
            acc[i, 0] += ll
            acc[i, 1] -= b * (gu + gv)
            acc[i, 2] += b * b * (huu + 2.0 * huv + hvv)
    total: np.ndarray = out.sum(axis=0)
    return total


@numba.njit(cache=True, parallel=True)
def loglik_sums(
    unit: np.ndarray,
    units: int,
    item: np.ndarray,
    slot: np.ndarray,
    category: np.ndarray,
    x: np.ndarray,
    beta: np.ndarray,
    t1: np.ndarray,
    t2: np.ndarray,
    chunks: int,
) -> np.ndarray:
    """Log-likelihood summed by ``unit`` (item or member; ``units`` of them)."""
    n, m = item.shape[0], units
    out = np.zeros((chunks, m))
    size = (n + chunks - 1) // chunks
    for c in numba.prange(chunks):
        acc = out[c]
        for k in range(c * size, min(n, (c + 1) * size)):
            j = item[k]
            acc[unit[k]] += _log_probability(category[k], beta[j] * x[slot[k]], t1[j], t2[j])
    total: np.ndarray = out.sum(axis=0)
    return total


@numba.njit(cache=True, parallel=True)
def loglik_at(
    selected: np.ndarray,
    item: np.ndarray,
    slot: np.ndarray,
    category: np.ndarray,
    x: np.ndarray,
    beta: np.ndarray,
    t1: np.ndarray,
    t2: np.ndarray,
) -> np.ndarray:
    """Log-likelihood of the observations ``selected`` (indices), one value each."""
    out = np.empty(selected.shape[0])
    for n in numba.prange(selected.shape[0]):
        k = selected[n]
        j = item[k]
        out[n] = _log_probability(category[k], beta[j] * x[slot[k]], t1[j], t2[j])
    return out


def chunk_count() -> int:
    """Chunks per pass: a few per thread, for load balance."""
    return 4 * int(numba.get_num_threads())
