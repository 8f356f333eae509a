"""The forecast backtest, published: every session from 65 forecast from the record before it.

Run from the project root (after ``scripts/start``)::

    .venv/bin/python benchmarks/backtest.py            # writes BACKTEST.md, backtest.json,
                                                      # backtest-reliability.png here
    .venv/bin/python benchmarks/backtest.py --from-session 75 --no-ablations --no-write
    .venv/bin/python benchmarks/backtest.py --page-only    # the page again from backtest.json

The main run is ``whipcount backtest`` (the same library call): the forecaster and the
four baselines of issue #4, fitted as of each session's opening, scored on every roll
call of the session and on those of recurring series.  The ablations then refit the
forecaster without one feature group at a time on the last five sessions.  The page
states each goal of the issue and whether it is met.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import time
from pathlib import Path
from typing import Any

from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from whipcount.forecast.backtest import MODEL, Backtest
from whipcount.forecast.baselines import BASELINES
from whipcount.forecast.charts import plot_reliability
from whipcount.forecast.data import ForecastData
from whipcount.forecast.features import GROUPS
from whipcount.forecast.model import Forecaster
from whipcount.forecast.stored import cache_folder
from whipcount.settings import Settings

HERE = Path(__file__).resolve().parent
Document = dict[str, Any]


def run(runner: Backtest, data: ForecastData, label: str) -> tuple[Document, float]:
    start = time.perf_counter()
    with Progress(
        TextColumn("{task.description}"), BarColumn(), TextColumn("{task.completed}/{task.total}"),
        TimeElapsedColumn(),
    ) as bar:  # fmt: skip
        task = bar.add_task(label, total=len(runner.sessions(data)))
        document = runner.run(
            data,
            progress=lambda done, what: bar.update(
                task, completed=done, description=f"{label}: {what}"
            ),
        )
    return document, time.perf_counter() - start


def _f(value: float | None, digits: int = 3) -> str:
    return "—" if value is None else f"{value:.{digits}f}"


def goals(document: Document) -> list[str]:
    lines = ["| goal | measured | met |", "|---|---|---|"]
    for subset in ("all", "recurring"):
        part = document["subsets"][subset]
        overall = part["overall"]["models"]
        model = overall[MODEL]
        for metric in ("log_loss", "brier"):
            best = min(BASELINES, key=lambda b: overall[b][metric])
            ok = all(model[metric] < overall[b][metric] for b in BASELINES)
            lines.append(
                f"| {subset}: {metric.replace('_', ' ')} below every baseline, overall | "
                f"{model[metric]:.4f} vs best baseline ({best}) {overall[best][metric]:.4f} | "
                f"{'yes' if ok else 'NO'} |"
            )
        last_five = part["sessions"][-5:]
        for metric in ("log_loss", "brier"):
            ok = all(
                s["models"][MODEL][metric] < min(s["models"][b][metric] for b in BASELINES)
                for s in last_five
            )
            sessions = ", ".join(str(s["session"]) for s in last_five)
            lines.append(
                f"| {subset}: {metric.replace('_', ' ')} below every baseline in each of "
                f"sessions {sessions} | see the session table | {'yes' if ok else 'NO'} |"
            )
        best = min(overall[b]["log_loss"] for b in BASELINES)
        ratio = model["log_loss"] / best
        lines.append(
            f"| {subset}: log loss at least 35 % below the best baseline (aim) | "
            f"{100 * (1 - ratio):.1f} % below (ratio {ratio:.3f}) | "
            f"{'yes' if ratio <= 0.65 else 'no'} |"
        )
        inclusive = 0.75 <= model["coverage80"] <= 0.85
        randomised = 0.75 <= model["pit_coverage80"] <= 0.85
        met = "yes" if inclusive else "randomised interval only" if randomised else "NO"
        lines.append(
            f"| {subset}: 80 % tally intervals cover 75–85 % | inclusive interval "
            f"{100 * model['coverage80']:.1f} %, randomised interval "
            f"{100 * model['pit_coverage80']:.1f} % | {met} |"
        )
        persistence = overall["persistence"]["recall"]["absent"]
        recall = model["recall"]["absent"]
        lines.append(
            f"| {subset}: recall of absent no worse than persistence's | {recall:.3f} vs "
            f"{persistence:.3f} | {'yes' if recall >= persistence else 'NO'} |"
        )
    ece = document["reliability"]["ece"]
    met = "yes" if ece <= 0.02 else "NO"
    lines.append(f"| expected calibration error at most 0.02 | {ece:.4f} | {met} |")
    return lines


def session_table(part: Document, metric: str) -> list[str]:
    names = [MODEL, *BASELINES]
    lines = [
        "| session | roll calls | " + " | ".join(names) + " | model / best baseline |",
        "|---:|---:|" + "---:|" * (len(names) + 1),
    ]
    for entry in [*part["sessions"], {"session": "**all**", "roll_calls": "", **part["overall"]}]:
        values = [entry["models"][n][metric] for n in names]
        best = min(values[1:])
        lines.append(
            f"| {entry['session']} | {entry['roll_calls']} | "
            + " | ".join(f"{v:.4f}" for v in values)
            + f" | {values[0] / best:.3f} |"
        )
    return lines


def score_table(part: Document) -> list[str]:
    lines = [
        "| model | log loss | Brier | accuracy | macro-F1 | recall yes | no | abstain | absent "
        "| ECE | tally MAE | cover 80 % | cover 95 % | PIT 80 % |",
        "|---|" + "---:|" * 13,
    ]
    for name, m in part["overall"]["models"].items():
        r = m["recall"]
        lines.append(
            f"| {name} | {m['log_loss']:.4f} | {m['brier']:.4f} | {m['accuracy']:.3f} | "
            f"{m['macro_f1']:.3f} | {_f(r['yes'])} | {_f(r['no'])} | {_f(r['abstain'])} | "
            f"{_f(r['absent'])} | {m['ece']:.4f} | {m['tally_mae']:.2f} | "
            f"{m['coverage80']:.3f} | {m['coverage95']:.3f} | {m['pit_coverage80']:.3f} |"
        )
    return lines


def ablation_table(document: Document) -> list[str]:
    lines = [
        "| feature group left out | log loss, all | change | log loss, recurring | change |",
        "|---|---:|---:|---:|---:|",
    ]
    subsets = document["subsets"]
    reference = {s: subsets[s]["overall"]["models"][MODEL] for s in ("all", "recurring")}
    lines.append(
        f"| none (the forecaster) | {reference['all']['log_loss']:.4f} | | "
        f"{reference['recurring']['log_loss']:.4f} | |"
    )
    for name in document["subsets"]["all"]["overall"]["models"]:
        if not name.startswith("without_"):
            continue
        cells = []
        for subset in ("all", "recurring"):
            value = document["subsets"][subset]["overall"]["models"][name]["log_loss"]
            change = 100 * (value / reference[subset]["log_loss"] - 1)
            cells.append(f"{value:.4f} | {change:+.1f} %")
        lines.append(f"| {name.removeprefix('without_')} | " + " | ".join(cells) + " |")
    return lines


def page(main: Document, seconds: float, ablation: Document | None, ablation_seconds: float) -> str:
    model = main["model"]
    lines = [
        "# Forecast backtest",
        "",
        f"`python benchmarks/backtest.py` on {dt.date.today().isoformat()}: "
        f"{os.cpu_count()} cores, Python {platform.python_version()}, {platform.machine()}. "
        f"Sessions {main['from_session']}–{main['to_session']}, each forecast from the record "
        "before the day it opened (rolling origin); the forecaster "
        f"(window {model['window']} sessions, {model['rounds']} rounds, learning rate "
        f"{model['learning_rate']}, {model['holdout']} held-out sessions) and the four "
        "baselines fitted on the same training rows. Whole backtest: "
        f"{seconds / 60:.1f} minutes (`whipcount backtest` runs the same).",
        "",
        "Methods: `docs/METHODS.md` (forecasts). Log loss and Brier score are per member and "
        "roll call; *recurring* roll calls belong to a series with an earlier instance "
        "before the cut-off. The full document is `backtest.json`.",
        "",
        "## Goals (issue #4)",
        "",
        *goals(main),
        "",
        "## Reliability",
        "",
        "![reliability diagram](backtest-reliability.png)",
        "",
        f"Every (member, roll call, class) probability in {len(main['reliability']['bins'])} "
        f"bins: expected calibration error {main['reliability']['ece']:.4f}.",
        "",
    ]
    titles = (("all", "All roll calls"), ("recurring", "Roll calls of recurring series"))
    for subset, title in titles:
        part = main["subsets"][subset]
        lines += [
            f"## {title}",
            "",
            "Every score, pooled over all sessions:",
            "",
            *score_table(part),
            "",
            "Log loss by session:",
            "",
            *session_table(part, "log_loss"),
            "",
            "Brier score by session:",
            "",
            *session_table(part, "brier"),
            "",
        ]
    if ablation is not None:
        lines += [
            "## Ablations",
            "",
            f"Sessions {ablation['from_session']}–{ablation['to_session']}: the forecaster "
            "refitted without one feature group at a time (same settings; "
            f"{ablation_seconds / 60:.1f} minutes). A positive change means the group "
            "earns its place.",
            "",
            *ablation_table(ablation),
            "",
        ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--record", type=Path, default=Settings().record)
    parser.add_argument("--from-session", type=int, default=65)
    parser.add_argument("--to-session", type=int)
    parser.add_argument("--no-ablations", action="store_true")
    parser.add_argument("--no-write", action="store_true")
    parser.add_argument(
        "--page-only", action="store_true", help="Rewrite the page from backtest.json."
    )
    args = parser.parse_args()
    if args.page_only:
        saved = json.loads((HERE / "backtest.json").read_text())
        text = page(saved["main"], saved["seconds"], saved["ablations"], saved["ablation_seconds"])
        (HERE / "BACKTEST.md").write_text(text + "\n")
        return
    data = ForecastData.from_record(args.record)
    model = Forecaster(cache=cache_folder(args.record) / "ideal")
    main_run, seconds = run(
        Backtest(model, first=args.from_session, last=args.to_session), data, "backtest"
    )
    ablation, ablation_seconds = None, 0.0
    if not args.no_ablations:
        last = main_run["to_session"]
        runner = Backtest(model, first=last - 4, last=last, ablations=tuple(GROUPS))
        ablation, ablation_seconds = run(runner, data, "ablations")
    if not args.no_write:
        (HERE / "backtest.json").write_text(
            json.dumps({"main": main_run, "ablations": ablation, "seconds": seconds,
                        "ablation_seconds": ablation_seconds}, indent=1) + "\n"
        )  # fmt: skip
    text = page(main_run, seconds, ablation, ablation_seconds)
    print(text)
    if not args.no_write:
        (HERE / "BACKTEST.md").write_text(text + "\n")
        plot_reliability(main_run, HERE / "backtest-reliability.png")


if __name__ == "__main__":
    main()
