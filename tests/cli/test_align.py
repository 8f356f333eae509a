"""``whipcount align`` through click's CliRunner, against the real record."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.cli.running import run
from whipcount.cli import cli

pytestmark = pytest.mark.slow


def test_pair_json_shape(record_path: Path) -> None:
    result = run(record_path, "align", "USA", "CHN", "--session", "78", "--json")
    assert result.exit_code == 0, result.output
    document = json.loads(result.output)
    expected = {
        "a": str,
        "b": str,
        "roll_calls": int,
        "identical": int,
        "opposite": int,
        "abstentions": int,
        "absences": int,
        "coincidence_votes_only": float,
        "agreement": float,
        "s_score": float,
        "kappa": float,
    }
    for field, kind in expected.items():
        assert isinstance(document[field], kind), field
    assert document["coincidence_with_consensus"] is None  # session 78 lacks A/RES/78/258
    assert document["selection"]["sessions"] == [78, 78]
    same = run(record_path, "align", "show", "USA", "CHN", "--session", "78", "--json")
    assert json.loads(same.output) == document


def test_pair_table_with_consensus_given(record_path: Path) -> None:
    result = run(record_path, "align", "USA", "GBR", "--year", "2023", "--consensus", "250")
    assert result.exit_code == 0 and "coincidence_with_consensus" in result.output
    assert "state-2022" in result.output


def test_the_reports_table(record_path: Path, tmp_path: Path) -> None:
    chart = tmp_path / "table.png"
    result = run(record_path, "align", "--all", "--year", "2022", "--csv", "--plot", str(chart))
    lines = result.stdout.splitlines()
    assert lines[0] == "country,same,opposite,partial,absent,coincidence_pct,with_consensus_pct"
    assert "China,14,54,20,1,28,81" in lines and len(lines) == 193
    assert chart.stat().st_size > 10_000 and "chart written" in result.stderr
    document = json.loads(
        run(record_path, "align", "CHN", "--all", "--year", "2016", "--json").output
    )
    assert document["formula"] == "state-2016" and document["a"] == "CHN"
    assert document["columns"] == ["identical", "opposite", "abstentions", "absences"]


def test_group_and_trend(record_path: Path, tmp_path: Path) -> None:
    bars = tmp_path / "group.pdf"
    result = run(
        record_path,
        "align",
        "USA",
        "--group",
        "EU",
        "--year",
        "2022",
        "--json",
        "--plot",
        str(bars),
    )
    group = json.loads(result.stdout)
    assert group["b"] == "EU" and group["group_members"] == 27
    assert bars.read_bytes().startswith(b"%PDF")
    chart = tmp_path / "trend.svg"
    trend = run(
        record_path,
        "align",
        "USA",
        "CHN",
        "--by",
        "year",
        "--sessions",
        "75-78",
        "--plot",
        str(chart),
        "--json",
    )
    rows = json.loads(trend.stdout)["rows"]
    assert [r["year"] for r in rows][:3] == [2020, 2021, 2022]
    assert chart.read_text().startswith("<?xml")
    table = run(
        record_path, "align", "USA", "--group", "NATO", "--by", "session", "--session", "77"
    )
    assert table.exit_code == 0 and "kappa" in table.output


def test_check_state_dept(record_path: Path, raw: Path, tmp_path: Path) -> None:
    page = tmp_path / "CHECK.md"
    reference = str(raw.parent / "reference")
    result = run(
        record_path,
        "align",
        "check-state-dept",
        "--year",
        "2022",
        "--year",
        "2023",
        "--reference",
        reference,
        "--markdown",
        str(page),
    )
    assert result.exit_code == 0, result.output
    assert "192/192" in result.output
    assert page.read_text().startswith("# Coincidence check")
    document = json.loads(
        run(record_path, "align", "check-state-dept", "--year", "2022", "--json").output
    )
    assert document["years"][0]["coincidence_matched"] == 192
    rows = run(record_path, "align", "check-state-dept", "--year", "2023", "--csv").stdout
    assert rows.splitlines()[0] == "year,country,code,cause" and "Malta" in rows


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["align", "USA", "Atlantis"], "no member 'Atlantis'"),
        (["align", "USA"], "give two states"),
        (["align", "USA", "--group", "XX"], "no bloc or group 'XX'"),
        (["align", "USA", "CHN", "--sessions", "79-70"], "backwards"),
        (["align", "USA", "CHN", "--sessions", "x"], "a range such as 70-79"),
        (["align", "USA", "CHN", "--by", "year", "--consensus", "3"], "each period"),
        (["align", "USA", "CHN", "--all"], "--all takes at most one state"),
        (["align", "USA", "CHN", "--plot", "chart.txt"], ".png, .svg or .pdf"),
        (["align", "USA", "CHN", "--series", "nope"], "no series 'nope'"),
        (["align", "check-state-dept", "--year", "2018"], "no reference table"),
        (["align", "USA", "CHN", "--session", "0"], "0 is not in the range x>=1"),
        (["align", "USA", "CHN", "--sessions", "0-3"], "no regular session 0"),
        (["align", "USA", "CHN", "--year", "1945"], "1945 is not in the range x>=1946"),
        (["align", "USA", "CHN", "--year", "1900"], "1900 is not in the range x>=1946"),
        (["align", "USA", "USA"], "give two different states, not USA twice"),
        (["align", "usa", "United States", "--by", "year"], "not USA twice"),
    ],
)
def test_wrong_inputs_are_refused(record_path: Path, args: list[str], message: str) -> None:
    result = CliRunner().invoke(cli, ["--record", str(record_path), *args])
    assert result.exit_code != 0 and message in result.output, result.output
    assert "Traceback" not in result.output


def test_empty_results_are_explained_on_stderr(record_path: Path) -> None:
    before = run(record_path, "align", "SSD", "USA", "--session", "60")
    assert before.exit_code == 0 and "SSD was not a member in this selection" in before.stderr
    future = run(record_path, "align", "USA", "CHN", "--since", "2030-01-01")
    assert "no roll calls selected" in future.stderr
    table = run(record_path, "align", "--all", "--year", "2030", "--csv")
    assert table.stdout.splitlines()[1:] == [] and "no roll calls selected" in table.stderr
    document = json.loads(run(record_path, "align", "--all", "--year", "2030", "--json").stdout)
    assert document["note"] == "no roll calls selected"
    assert document["consensus"]["count"] is None  # not a count of 0
    assert document["consensus"]["why"].startswith("the period lies outside the record")
    counted = run(record_path, "align", "USA", "CHN", "--year", "2022")
    assert counted.stderr == ""  # nothing to explain


def test_blank_consensus_figures_are_explained(record_path: Path) -> None:
    pair = run(record_path, "align", "USA", "GBR", "--year", "2023")
    assert "coincidence_with_consensus is blank: A/RES/78/258 is missing" in pair.stderr
    table = run(record_path, "align", "--all", "--year", "2023", "--csv")
    assert "with_consensus_pct is blank: A/RES/78/258 is missing" in table.stderr
    trend = run(record_path, "align", "USA", "CHN", "--by", "year", "--sessions", "77-78")
    assert "coincidence_with_consensus is blank for year" in trend.stderr
    assert "A/RES/78/258" in trend.stderr


def test_trends_drop_empty_periods_and_mark_the_partial_one(record_path: Path) -> None:
    result = run(record_path, "align", "USA", "--group", "EU", "--by", "year", "--csv")
    lines = result.stdout.splitlines()
    assert lines[0].startswith("year,partial_period,roll_calls,")
    assert lines[1].startswith("1958,False,") and not any(x.startswith("1964,") for x in lines)
    assert lines[-1].split(",")[1] == "True" and "is partial" in result.stderr
    rows = json.loads(
        run(record_path, "align", "USA", "--group", "EU", "--by", "year", "--json").stdout
    )["rows"]
    assert all(r["roll_calls"] > 0 for r in rows)
    assert [r["partial_period"] for r in rows].count(True) == 1
