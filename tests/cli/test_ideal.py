"""``whipcount ideal`` through click's CliRunner, against the real record."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli.running import run

pytestmark = pytest.mark.slow
RECENT = ("--sessions", "70-79")


def test_fit_then_show(record_path: Path, tmp_path: Path) -> None:
    fitted = run(record_path, "ideal", "fit", *RECENT, "--bootstrap", "2", "--json")
    assert fitted.exit_code == 0, fitted.output
    meta = json.loads(fitted.stdout)
    assert meta["converged"] and meta["replications"] == 2
    assert meta["spec"] == {"issue": None, "bridges": "both", "first_session": 70,
                            "last_session": 79}  # fmt: skip
    shown = run(record_path, "ideal", "show", "USA", "Russia", *RECENT, "--json")
    rows = json.loads(shown.stdout)
    assert {r["iso3"] for r in rows} == {"USA", "RUS"}
    assert set(rows[0]) == {"iso3", "session", "ideal", "se"}
    usa = {r["session"]: r["ideal"] for r in rows if r["iso3"] == "USA"}
    rus = {r["session"]: r["ideal"] for r in rows if r["iso3"] == "RUS"}
    assert all(usa[s] > rus[s] for s in usa)
    chart = tmp_path / "trajectories.svg"
    run(record_path, "ideal", "show", "USA", "CHN", *RECENT, "--plot", str(chart))
    assert chart.read_text().startswith("<?xml")


def test_show_all_one_session(record_path: Path, tmp_path: Path) -> None:
    chart = tmp_path / "session.png"
    result = run(
        record_path, "ideal", "show", "--all", *RECENT, "--session", "75", "--csv",
        "--plot", str(chart),
    )  # fmt: skip
    lines = result.stdout.splitlines()
    assert lines[0] == "iso3,session,ideal,se"
    assert len(lines) > 190
    assert chart.stat().st_size > 10_000
    crowd = tmp_path / "everyone.png"
    run(record_path, "ideal", "show", "--all", *RECENT, "--plot", str(crowd))
    assert crowd.stat().st_size > 10_000
    every = json.loads(run(record_path, "ideal", "show", "--all", *RECENT, "--json").stdout)
    assert len(every) > 1900 and all(r["se"] is None or r["se"] >= 0 for r in every)


def test_validate(record_path: Path) -> None:
    result = run(record_path, "ideal", "validate", *RECENT, "--json")
    document = json.loads(result.stdout)
    assert document["session"]["first_session"] == 70
    assert document["session"]["within_median"] > 0.95
    assert document["year"]["last_session"] == 79


def test_errors(record_path: Path) -> None:
    assert run(record_path, "ideal", "show").exit_code == 2
    unknown = run(record_path, "ideal", "show", "Atlantis", *RECENT)
    assert unknown.exit_code == 1 and "no member 'Atlantis'" in unknown.output
    bad = run(record_path, "ideal", "show", "USA", "--sessions", "x-y")
    assert bad.exit_code == 2 and "40-79" in bad.output
    backwards = run(record_path, "ideal", "show", "USA", "--sessions", "79-70")
    assert backwards.exit_code == 2 and "fitting" not in backwards.output
    nothing = run(record_path, "ideal", "show", "USA", *RECENT, "--session", "999")
    assert nothing.exit_code == 0 and "no ideal points in session 999" in nothing.stderr
    plot = run(record_path, "ideal", "show", "USA", *RECENT, "--plot", "chart.gif")
    assert plot.exit_code == 2
    missing = run(Path("/nonexistent/record.sqlite"), "ideal", "fit")
    assert missing.exit_code == 1 and "whipcount import" in missing.output
