"""Established ideal-point implementations ("peers"), run through R for comparison.

Two peers are packaged for Debian and installed by ``benchmarks/setup-peers``:

- :func:`run_pscl_ideal`: ``pscl::ideal`` (Jackman), the static Bayesian probit
  ideal-point model fitted by Gibbs sampling, on one vote matrix;
- :func:`run_mcmcpack_dynamic`: ``MCMCpack::MCMCdynamicIRT1d`` (Martin and Quinn
  2002), the dynamic model whose ideal points follow a random walk across periods.

Votes reach R as binary data, coded as in the emIRT comparisons: yes is 1, no and
abstain are 0, absent and not-a-member are missing.  Data go to R through temporary
CSV files and one ``Rscript`` process per fit, running the scripts in
``benchmarks/peers/``.  Each result carries two times: ``seconds``, measured inside
R with ``system.time`` around the estimation call alone, and ``wall_seconds``, the
whole subprocess including R's start-up, package loading and the CSV round trip.

This is a module for the benchmarks, not a script; see ``benchmarks/PEERS.md``.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pandas as pd

R_DIR = Path(__file__).resolve().parent / "peers"
"""Folder of the R scripts that the peers run."""

R_PACKAGES = ("pscl", "MCMCpack")

YES, ABSTAIN, NO = 1, 2, 3


@dataclass
class PeerResult:
    """One peer's fit: its name, how long it took and its ideal points.

    Attributes
    ----------
    name : str
        Which peer, e.g. ``"pscl::ideal"``.
    seconds : float
        Time spent in the estimation call alone, measured inside R
        (``system.time``, elapsed), without R's start-up or data transfer.
    estimates : pandas.DataFrame
        One row per member and session, columns ``member`` (str), ``session``
        (int, or missing where the caller gave none) and ``ideal`` (float,
        posterior mean).
    wall_seconds : float
        Wall time of the whole ``Rscript`` subprocess, start-up included.
    settings : dict
        The sampler settings and data sizes of the run, for reports.
    """

    name: str
    seconds: float
    estimates: pd.DataFrame
    wall_seconds: float = float("nan")
    settings: dict[str, object] = field(default_factory=dict)


def r_available() -> bool:
    """Whether ``Rscript`` is on the PATH and can load pscl and MCMCpack.

    Returns
    -------
    bool
        True when both peers can run here.
    """
    rscript = shutil.which("Rscript")
    if rscript is None:
        return False
    packages = ", ".join(f'"{name}"' for name in R_PACKAGES)
    check = (
        f"ok <- vapply(c({packages}), requireNamespace, logical(1), quietly = TRUE); "
        "quit(status = if (all(ok)) 0 else 1)"
    )
    try:
        completed = subprocess.run(
            [rscript, "--vanilla", "-e", check],
            capture_output=True,
            check=False,
            timeout=120,
        )
    except (OSError, subprocess.TimeoutExpired):
        return False
    return completed.returncode == 0


def binary_votes(votes: npt.NDArray[np.int8]) -> npt.NDArray[np.float64]:
    """Code whipcount votes as binary choices, the coding of the emIRT comparisons.

    Parameters
    ----------
    votes : numpy.ndarray
        Vote codes (1 yes, 2 abstain, 3 no, 8 absent, 0 not a member), any shape.

    Returns
    -------
    numpy.ndarray
        Same shape, float: 1.0 for yes, 0.0 for no or abstain, NaN otherwise.
    """
    out = np.full(votes.shape, np.nan)
    out[votes == YES] = 1.0
    out[(votes == NO) | (votes == ABSTAIN)] = 0.0
    return out


def run_pscl_ideal(
    votes: npt.NDArray[np.int8],
    members: Iterable[str],
    *,
    maxiter: int = 10_000,
    burnin: int = 5_000,
    thin: int = 100,
    seed: int = 1,
    session: int | None = None,
    anchor: str | None = "USA",
) -> PeerResult:
    """Fit ``pscl::ideal``, the static one-dimensional model, to one vote matrix.

    Members with no yes, no or abstain vote on a roll call that divides the others
    are left out; roll calls where nobody is in the minority are dropped by pscl
    (``dropList`` with ``lop = 0``).
    The ideal points are normalised (``normalize = TRUE``: mean 0, sd 1) and
    reflected, if need be, so that ``anchor`` is positive.

    Parameters
    ----------
    votes : numpy.ndarray
        int8 vote codes, roll calls × members (1 yes, 2 abstain, 3 no, 8 absent,
        0 not a member).
    members : iterable of str
        Member codes, one per column of ``votes``.
    maxiter : int, default 10000
        MCMC iterations, burn-in included; a multiple of ``thin``.
    burnin : int, default 5000
        Iterations discarded; a multiple of ``thin``.
    thin : int, default 100
        Thinning interval.
    seed : int, default 1
        Seed of R's random number generator (``set.seed``).
    session : int, optional
        Session label written in the ``session`` column of the estimates.
    anchor : str or None, default "USA"
        Member whose ideal point is made positive, when present.

    Returns
    -------
    PeerResult
        Posterior mean ideal point of every estimated member.

    Raises
    ------
    ValueError
        If the chain settings are inconsistent, the shapes disagree, or no roll call
        divides the members.
    RuntimeError
        If Rscript is missing or R fails; the message holds R's stderr.
    """
    if maxiter % thin or burnin % thin or burnin >= maxiter:
        raise ValueError("maxiter and burnin must be multiples of thin, burnin < maxiter")
    codes = _member_codes(members, votes)
    binary = binary_votes(votes)
    cols = np.flatnonzero(~np.isnan(binary[_informative(binary)]).all(axis=0))
    binary, codes = binary[:, cols], [codes[c] for c in cols]
    if not codes:
        raise ValueError("no informative roll call to fit")
    with tempfile.TemporaryDirectory(prefix="whipcount-peer-") as tmp:
        folder = Path(tmp)
        _write_matrix(binary, codes, folder / "votes.csv")
        wall, seconds = _run_r(
            "pscl_ideal.R",
            folder,
            votes=folder / "votes.csv",
            maxiter=maxiter,
            burnin=burnin,
            thin=thin,
            seed=seed,
            anchor=anchor or "",
        )
        raw = pd.read_csv(folder / "out.csv", keep_default_na=False, na_values=["NA"])
    estimates = pd.DataFrame(
        {
            "member": raw["member"].astype(str),
            "session": pd.array([session] * len(raw), dtype="Int64"),
            "ideal": raw["ideal"].astype(float),
        }
    )
    settings: dict[str, object] = {
        "maxiter": maxiter,
        "burnin": burnin,
        "thin": thin,
        "seed": seed,
        "roll_calls": int(votes.shape[0]),
        "roll_calls_used": int(_informative(binary).sum()),
        "members": len(estimates),
    }
    return PeerResult("pscl::ideal", seconds, estimates, wall, settings)


def run_mcmcpack_dynamic(
    votes: npt.NDArray[np.int8],
    sessions: npt.ArrayLike,
    members: Iterable[str],
    *,
    mcmc: int = 100,
    burnin: int = 50,
    thin: int = 1,
    seed: int = 1,
    tau2: float = 0.1,
    anchor: str | None = "USA",
) -> PeerResult:
    """Fit ``MCMCpack::MCMCdynamicIRT1d``, ideal points following a random walk.

    Each distinct value of ``sessions`` becomes one period (mapped, in order, to
    1..T as ``item.time.map``).  Absent and not-a-member cells are missing data;
    roll calls where nobody is in the minority and members with no yes, no or
    abstain vote are dropped before the fit.  A member's ideal point exists from
    its first to its last period with a vote; only periods in which it voted are
    returned.  Priors follow the package's documented example: N(0, 1) for the
    item parameters and the first-period ideal points, evolution variance fixed at
    ``tau2``.  Polarity: ``anchor`` is constrained positive (``theta.constraints``).

    Parameters
    ----------
    votes : numpy.ndarray
        int8 vote codes, roll calls × members (1 yes, 2 abstain, 3 no, 8 absent,
        0 not a member).
    sessions : array_like of int
        Session of each roll call (row of ``votes``).
    members : iterable of str
        Member codes, one per column of ``votes``.
    mcmc : int, default 100
        Gibbs iterations kept (before thinning), after the burn-in.  The defaults
        (150 iterations in all) keep a fit of sessions 70-74 (500 roll calls, 193
        members) near 2.5 minutes on 2 cores: an iteration costs about 0.8 s there,
        growing with the cube of the roll calls per session.  They settle the
        ordering of the ideal points but not their scale (see ``PEERS.md``).
    burnin : int, default 50
        Burn-in iterations.
    thin : int, default 1
        Thinning interval; must divide ``mcmc``.
    seed : int, default 1
        Seed of MCMCpack's Mersenne twister.
    tau2 : float, default 0.1
        Evolution variance of every member's random walk (held fixed).
    anchor : str or None, default "USA"
        Member constrained to a positive ideal point, when present.

    Returns
    -------
    PeerResult
        Posterior mean ideal point per member and session.

    Raises
    ------
    ValueError
        If the chain settings are inconsistent, the shapes disagree, or no roll call
        divides the members.
    RuntimeError
        If Rscript is missing or R fails; the message holds R's stderr.
    """
    if mcmc % thin:
        raise ValueError("mcmc must be a multiple of thin")
    codes = _member_codes(members, votes)
    session_of = np.asarray(sessions).astype(np.int64)
    if session_of.shape != (votes.shape[0],):
        raise ValueError("sessions needs one entry per roll call (row of votes)")
    binary = binary_votes(votes)
    rows = _informative(binary)
    binary, session_of = binary[rows], session_of[rows]
    cols = np.flatnonzero(~np.isnan(binary).all(axis=0))
    binary, codes = binary[:, cols], [codes[c] for c in cols]
    if not codes:
        raise ValueError("no informative roll call to fit")
    periods = np.unique(session_of)
    period = np.searchsorted(periods, session_of) + 1
    with tempfile.TemporaryDirectory(prefix="whipcount-peer-") as tmp:
        folder = Path(tmp)
        _write_matrix(binary, codes, folder / "votes.csv")
        pd.DataFrame({"period": period}).to_csv(folder / "periods.csv", index=False)
        wall, seconds = _run_r(
            "mcmcpack_dynamic.R",
            folder,
            votes=folder / "votes.csv",
            periods=folder / "periods.csv",
            mcmc=mcmc,
            burnin=burnin,
            thin=thin,
            seed=seed,
            tau2=repr(float(tau2)),
            anchor=anchor or "",
        )
        raw = pd.read_csv(folder / "out.csv", keep_default_na=False, na_values=["NA"])
    raw["member"] = raw["member"].astype(str)
    raw["session"] = periods[raw["period"].to_numpy() - 1]
    # keep the member-periods with at least one observed vote
    voted = pd.DataFrame(
        {
            "member": np.repeat(np.asarray(codes, dtype=object), len(periods)),
            "session": np.tile(periods, len(codes)),
            "n": np.stack(
                [(~np.isnan(binary[session_of == p])).sum(axis=0) for p in periods], axis=1
            ).ravel(),
        }
    )
    voted = voted[voted["n"] > 0]
    estimates = raw.merge(voted[["member", "session"]], on=["member", "session"])
    estimates = estimates[["member", "session", "ideal"]].astype(
        {"session": "Int64", "ideal": float}
    )
    estimates = estimates.sort_values(["session", "member"], ignore_index=True)
    settings: dict[str, object] = {
        "mcmc": mcmc,
        "burnin": burnin,
        "thin": thin,
        "seed": seed,
        "tau2": tau2,
        "roll_calls": int(votes.shape[0]),
        "roll_calls_used": int(binary.shape[0]),
        "members": len(codes),
        "periods": len(periods),
        "observations": int((~np.isnan(binary)).sum()),
    }
    return PeerResult("MCMCpack::MCMCdynamicIRT1d", seconds, estimates, wall, settings)


def _member_codes(members: Iterable[str], votes: npt.NDArray[np.int8]) -> list[str]:
    if isinstance(members, str):
        raise TypeError("members must be a sequence of codes, not one string")
    codes = [str(code) for code in members]
    if votes.ndim != 2 or len(codes) != votes.shape[1]:
        raise ValueError("members needs one code per column of votes (roll calls × members)")
    if len(set(codes)) != len(codes):
        raise ValueError("member codes must be unique")
    return codes


def _informative(binary: npt.NDArray[np.float64]) -> npt.NDArray[np.bool_]:
    """Rows with somebody in the minority: both a 1 and a 0 (pscl's ``lop = 0``)."""
    ones = (binary == 1.0).sum(axis=1)
    zeros = (binary == 0.0).sum(axis=1)
    mask: npt.NDArray[np.bool_] = np.minimum(ones, zeros) > 0
    return mask


def _write_matrix(binary: npt.NDArray[np.float64], codes: list[str], path: Path) -> None:
    """Write the member × roll-call matrix R reads: 1, 0 or NA, member codes as row names."""
    frame = pd.DataFrame(
        binary.T,
        index=pd.Index(codes, name="member"),
        columns=[f"rc{i}" for i in range(binary.shape[0])],
    )
    frame.to_csv(path, na_rep="NA", float_format="%.0f")


def _run_r(script: str, folder: Path, **options: Path | int | float | str) -> tuple[float, float]:
    """Run one peer script; return its wall time and the estimation time R measured."""
    rscript = shutil.which("Rscript")
    if rscript is None:
        raise RuntimeError("Rscript is not on the PATH: run benchmarks/setup-peers")
    options = {"out": folder / "out.csv", "timing": folder / "timing.txt", **options}
    args = [f"{key}={value}" for key, value in options.items()]
    started = time.perf_counter()
    completed = subprocess.run(
        [rscript, "--vanilla", str(R_DIR / script), *args],
        capture_output=True,
        text=True,
        check=False,
    )
    wall = time.perf_counter() - started
    if completed.returncode != 0:
        raise RuntimeError(
            f"R failed running {script} (exit {completed.returncode}):\n{completed.stderr.strip()}"
        )
    return wall, float((folder / "timing.txt").read_text().strip())
