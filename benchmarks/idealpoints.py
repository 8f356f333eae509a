"""Ideal points: speed of a full fit, peers side by side, and validation against BSV.

Run from the project root (after ``scripts/setup`` and ``whipcount import``)::

    .venv/bin/python benchmarks/idealpoints.py              # writes benchmarks/IDEALPOINTS.md
    .venv/bin/python benchmarks/idealpoints.py --peers      # also R's pscl and MCMCpack
                                                            # (benchmarks/setup-peers first)

1. **Speed**: the full dynamic fit over every session, cold (a fresh process, no
   earlier estimates), three runs, against a baseline measured in the same run: the
   same process only loading the record and building the model's data.  Issue #3's
   reference: emIRT's ``dynIRT`` took 10.6 s on one thread, 4.8 s on two (not runnable
   here: CRAN is out of reach).
2. **Peers** (``--peers``): on the sessions 70-74 slice, ``pscl::ideal`` (static,
   binary) on session 74 and ``MCMCpack::MCMCdynamicIRT1d`` (dynamic, binary) beside
   whipcount on the same slice: seconds, ratio, correlation of the estimates.
3. **Validation**: correlation with the published BSV estimates (by session, and by
   year mapped to sessions) for the default model and the variants it was chosen
   from, plus recovery of simulated positions.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

from whipcount.measures.ideal_bootstrap import simulate, simulated_data  # noqa: E402
from whipcount.measures.ideal_record import IdealPointSpec, build_data  # noqa: E402
from whipcount.measures.ideal_validation import validate  # noqa: E402
from whipcount.measures.idealpoints import DynamicIdealPoints  # noqa: E402
from whipcount.record.matrix import load_matrix  # noqa: E402
from whipcount.settings import Settings  # noqa: E402

PEER_NOTE = (
    "Peer settings and caveats are in [PEERS.md](PEERS.md): both peers are binary models "
    "(abstain counted as no); pscl runs 10,000 iterations (burn-in 5,000, thin 100), "
    "MCMCdynamicIRT1d only 150 (enough for the ordering, not for the scale); whipcount "
    "runs its own ordinal model on the same votes. `r` is the correlation of the two sets "
    "of estimates."
)

_FIT = """
import sys, time
from pathlib import Path
start = time.perf_counter()
from whipcount.measures.ideal_record import IdealPointSpec, build_data
from whipcount.measures.idealpoints import DynamicIdealPoints
data = build_data(Path(sys.argv[1]), IdealPointSpec())
loaded = time.perf_counter()
if sys.argv[2] == "fit":
    results = DynamicIdealPoints(data).fit()
print(loaded - start, time.perf_counter() - loaded)
"""

VARIANTS: list[tuple[str, dict[str, Any], str]] = [
    ("default", {}, "both"),
    ("pure random walk (BSV/dynIRT priors)",
     {"position_variance": np.inf, "item_variance": 25.0, "evolution_variance": 0.1}, "both"),
    ("omega^2 = 0.1", {"evolution_variance": 0.1}, "both"),
    ("omega^2 = 0.01", {"evolution_variance": 0.01}, "both"),
    ("omega^2 = 0.002", {"evolution_variance": 0.002}, "both"),
    ("the record's series as bridges", {}, "series"),
    ("BSV's matched pairs as bridges", {}, "bsv"),
    ("no bridges", {}, "none"),
]  # fmt: skip


def speed(record: Path, runs: int = 3) -> dict[str, float]:
    """Median wall seconds of a fresh process: loading only, and loading + fitting."""

    def process(kind: str) -> tuple[float, float, float]:
        began = time.perf_counter()
        out = subprocess.run(
            [sys.executable, "-c", _FIT, str(record), kind],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.split()
        return time.perf_counter() - began, float(out[0]), float(out[1])

    with tempfile.TemporaryDirectory() as empty:  # no compiled kernels yet: as after install
        os.environ["NUMBA_CACHE_DIR"] = empty
        first = process("fit")
        del os.environ["NUMBA_CACHE_DIR"]
    process("fit")  # make sure the regular cache is warm
    fits = [process("fit") for _ in range(runs)]
    loads = [process("load") for _ in range(runs)]
    return {
        "process_fit": statistics.median(f[0] for f in fits),
        "fit_only": statistics.median(f[2] for f in fits),
        "process_load": statistics.median(lo[0] for lo in loads),
        "load_only": statistics.median(lo[1] for lo in loads),
        "first_process_fit": first[0],
    }


def validation(record: Path) -> list[dict[str, Any]]:
    rows = []
    for name, options, bridges in VARIANTS:
        data = build_data(record, IdealPointSpec(bridges=bridges))  # type: ignore[arg-type]
        results = DynamicIdealPoints(data, **options).fit()
        figures = validate(record, results.frame())
        rows.append(
            {
                "variant": name,
                "iterations": results.iterations,
                "seconds": round(results.seconds, 1),
                **{
                    f"{t}_{k}": figures[t][k] for t in figures for k in ("overall", "within_median")
                },
            }
        )
        print(rows[-1], flush=True)
    return rows


def recovery() -> dict[str, float]:
    sim = simulate(
        members=150, sessions=20, roll_calls_per_session=60, rng=np.random.default_rng(3)
    )
    data = simulated_data(sim)
    results = DynamicIdealPoints(data, anchor="M000").fit()
    truth = sim.positions[data.slot_member, data.slot_period - 1]
    within = [
        abs(np.corrcoef(truth[data.slot_period == s], results.x[data.slot_period == s])[0, 1])
        for s in range(1, 21)
    ]
    return {
        "overall": float(abs(np.corrcoef(truth, results.x)[0, 1])),
        "within_median": float(np.median(within)),
        "seconds": results.seconds,
    }


def peers(record: Path) -> list[dict[str, Any]]:
    import peers as r_peers  # benchmarks/peers.py

    if not r_peers.r_available():
        return [{"peer": "R", "note": "not installed: run benchmarks/setup-peers"}]
    matrix = load_matrix(record)
    sessions = matrix.roll_calls["session"].to_numpy()
    members = list(matrix.members["code"])
    rows = []
    one = sessions == 74
    ours = _ours(matrix.votes[one], sessions[one], members)
    static = r_peers.run_pscl_ideal(matrix.votes[one], members, session=74)
    rows.append(_compare(static, ours, "pscl::ideal, session 74 (static, binary)"))
    window = (sessions >= 70) & (sessions <= 74)
    ours = _ours(matrix.votes[window], sessions[window], members)
    dynamic = r_peers.run_mcmcpack_dynamic(matrix.votes[window], sessions[window], members)
    rows.append(_compare(dynamic, ours, "MCMCdynamicIRT1d, sessions 70-74 (dynamic, binary)"))
    return rows


def _ours(votes: np.ndarray, sessions: np.ndarray, members: list[str]) -> Any:
    from whipcount.measures.ideal_data import IdealData

    data = IdealData.from_votes(votes, sessions, tuple(members))
    return DynamicIdealPoints(data).fit()


def _compare(peer: Any, ours: Any, label: str) -> dict[str, Any]:
    frame = ours.frame().merge(peer.estimates, on=["member", "session"])
    return {
        "peer": label,
        "peer_seconds": round(peer.seconds, 2),
        "whipcount_seconds": round(ours.seconds, 3),
        "ratio": round(peer.seconds / ours.seconds, 1),
        "correlation": round(float(frame["ideal_x"].corr(frame["ideal_y"])), 3),
        "pairs": len(frame),
    }


def markdown(results: dict[str, Any]) -> str:
    s = results["speed"]
    lines = [
        "# Ideal points: speed and validation",
        "",
        f"Measured {time.strftime('%Y-%m-%d')} on {platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, by `python benchmarks/idealpoints.py"
        f"{' --peers' if results['peers'] else ''}`.",
        "",
        "## Speed: full dynamic fit, every session (1946 onward), cold",
        "",
        "| measure | seconds |",
        "|---|---|",
        f"| fit alone (median of 3 fresh processes) | {s['fit_only']:.2f} |",
        f"| whole process: start, load record, build data, fit | {s['process_fit']:.2f} |",
        f"| baseline, same run: whole process without the fit | {s['process_load']:.2f} |",
        f"| ratio whole process / baseline | {s['process_fit'] / s['process_load']:.1f} |",
        f"| first fit after install: whole process, compiling the kernels | "
        f"{s['first_process_fit']:.2f} |",
        "| emIRT `dynIRT`, sessions 1-79, 2 threads (issue #3, not runnable here) | 4.8 |",
        "",
    ]
    if results["peers"]:
        lines += [
            "## Peers, side by side",
            "",
            "| peer | peer s | whipcount s | ratio | r | pairs |",
            "|---|---|---|---|---|---|",
        ]
        for p in results["peers"]:
            if "note" in p:
                lines.append(f"| {p['peer']} | {p['note']} | | | | |")
            else:
                lines.append(
                    f"| {p['peer']} | {p['peer_seconds']} | {p['whipcount_seconds']} | "
                    f"{p['ratio']} | {p['correlation']} | {p['pairs']} |"
                )
        lines += ["", PEER_NOTE, ""]
    lines += [
        "## Against the published BSV estimates",
        "",
        "Pearson r over all country-sessions, and the median of within-session r. "
        "Goal (issue #3): 0.96 and 0.98; emIRT `dynIRT` (binary) reaches 0.958 and 0.981.",
        "",
        "| variant | iterations | s | by session: overall | within | by year: overall | within |",
        "|---|---|---|---|---|---|---|",
    ]
    for v in results["validation"]:
        lines.append(
            f"| {v['variant']} | {v['iterations']} | {v['seconds']} | {v['session_overall']} | "
            f"{v['session_within_median']} | {v['year_overall']} | {v['year_within_median']} |"
        )
    r = results["recovery"]
    lines += [
        "",
        "## Recovery of simulated positions",
        "",
        "150 members, 20 sessions, 60 roll calls a session, drawn from the model "
        "(random-walk positions, 5 % absences); the default model refitted:",
        f"r = {r['overall']:.3f} over all member-sessions, median within-session r = "
        f"{r['within_median']:.3f} ({r['seconds']:.1f} s).",
        "",
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--record", type=Path, default=None)
    parser.add_argument("--peers", action="store_true", help="Also run the R peers.")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "IDEALPOINTS.md")
    args = parser.parse_args()
    record = args.record or Settings().record
    results = {
        "speed": speed(record),
        "peers": peers(record) if args.peers else [],
        "validation": validation(record),
        "recovery": recovery(),
    }
    print(results["speed"], results["peers"], results["recovery"], sep="\n")
    args.out.write_text(markdown(results))
    print(f"written to {args.out}")


if __name__ == "__main__":
    main()
