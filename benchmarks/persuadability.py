"""The validation of persuadability, published: sessions 65 onward, ranked before each vote.

Run from the project root (after ``scripts/start``)::

    .venv/bin/python benchmarks/persuadability.py          # writes PERSUADABILITY.md and
                                                          # persuadability.json here
    .venv/bin/python benchmarks/persuadability.py --from-session 75 --no-write

For every instance of a recurring series (with a previous instance) in a session from
65 on, the members present at both instances are ranked by Part A's P(change) (fitted
as of the session's opening on the ten sessions before) and by ideal-point distance
alone (the cut-off ideal fits of the forecast backtest, cached in
``<record>.forecast/ideal``; missing ones are fitted, which takes a while).  The
outcome is a change of vote from the previous instance (see
:mod:`whipcount.campaign.persuadability_validation`).
"""

from __future__ import annotations

import argparse
import json
import platform
import time
from pathlib import Path
from typing import Any

from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from whipcount.campaign.persuadability import PersuadabilityModel
from whipcount.campaign.persuadability_validation import RANKINGS, VoteScores, score, session_votes
from whipcount.forecast.data import ForecastData
from whipcount.forecast.stored import cache_folder
from whipcount.settings import Settings

HERE = Path(__file__).resolve().parent
COMMAND = ".venv/bin/python benchmarks/persuadability.py"
Document = dict[str, Any]


def run(record: Path, first: int, model: PersuadabilityModel) -> Document:
    data = ForecastData.from_record(record)
    sessions = list(range(first, int(data.sessions.max()) + 1))
    every: list[VoteScores] = []
    per_session = []
    start = time.perf_counter()
    with Progress(
        TextColumn("{task.description}"), BarColumn(), TextColumn("{task.completed}/{task.total}"),
        TimeElapsedColumn(),
    ) as bar:  # fmt: skip
        task = bar.add_task("persuadability", total=len(sessions))
        for done, session in enumerate(sessions, start=1):
            bar.update(task, description=f"session {session}")
            votes = session_votes(
                data, session, model=model, ideal_cache=cache_folder(record) / "ideal"
            )
            every += votes
            per_session.append({"session": session, **score(votes)})
            bar.update(task, completed=done)
    return {
        "record_version": data.matrix.version,
        "sessions": sessions,
        "model": {"sessions": model.sessions, "penalty": model.penalty},
        "seconds": round(time.perf_counter() - start, 1),
        "machine": f"{platform.machine()}, Python {platform.python_version()}",
        "overall": score(every),
        "per_session": per_session,
    }


def _f(value: float | None) -> str:
    return "—" if value is None else f"{value:.3f}"


def _row(label: str, part: Document) -> str:
    cells = [label, str(part.get("votes", 0)), str(part.get("changes", 0))]
    for name in RANKINGS:
        scores = part.get(name, {})
        cells += [_f(scores.get(k)) for k in ("auc_pooled", "auc_mean", "p_at_10", "p_at_20")]
    return "| " + " | ".join(cells) + " |"


def page(document: Document) -> str:
    header = "| sessions | votes | changes |"
    header += " P(change): AUC pooled | AUC per vote | P@10 | P@20 |"
    header += " ideal distance: AUC pooled | AUC per vote | P@10 | P@20 |"
    lines = [
        "# Persuadability: validation on history",
        "",
        "Before each instance of a recurring series (with a previous instance), the members",
        "present at both are ranked by persuadability (Part A, P(change), fitted as of the",
        "session's opening) and by ideal-point distance alone (closest to the series'",
        "cutting point first); the outcome is whether the member changed its vote from the",
        "previous instance.  AUC pooled over every (vote, member) pair and averaged per",
        "vote; precision among the top 10 and 20, averaged over votes with a changer.",
        "Both rankings are scored on the same votes (those the ideal fit scales).",
        "",
        f"Command: `{COMMAND}` (record version {document['record_version']}, model "
        f"{document['model']}, {document['seconds']} s on {document['machine']}).",
        "",
        header,
        "|" + "---|" * 11,
        _row(f"{document['sessions'][0]}–{document['sessions'][-1]}", document["overall"]),
        *(_row(str(s["session"]), s) for s in document["per_session"]),
        "",
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--record", type=Path, default=None)
    parser.add_argument("--from-session", type=int, default=65)
    parser.add_argument("--sessions", type=int, default=10, help="sessions a fit sees")
    parser.add_argument("--penalty", type=float, default=1.0)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    record = args.record or Settings().record
    model = PersuadabilityModel(sessions=args.sessions, penalty=args.penalty)
    document = run(record, args.from_session, model)
    text = page(document)
    print(text)
    if not args.no_write:
        (HERE / "persuadability.json").write_text(json.dumps(document, indent=1) + "\n")
        (HERE / "PERSUADABILITY.md").write_text(text)


if __name__ == "__main__":
    main()
