"""``whipcount align`` through click's CliRunner, against the real record."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from whipcount.cli import cli

pytestmark = pytest.mark.slow


def run(record: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, ["--record", str(record), *args], catch_exceptions=False)


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
    ],
)
def test_wrong_inputs_are_refused(record_path: Path, args: list[str], message: str) -> None:
    result = CliRunner().invoke(cli, ["--record", str(record_path), *args])
    assert result.exit_code != 0 and message in result.output, result.output
    assert "Traceback" not in result.output
