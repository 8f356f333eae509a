"""Every command through click's CliRunner, against the real record."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.cli.running import run
from tests.record.undl_files import sample_undl_rows, write_undl_csv
from whipcount.cli import cli


def test_status_json(record_path: Path) -> None:
    result = run(record_path, "record", "status", "--json")
    assert result.exit_code == 0, result.output
    document = json.loads(result.output)
    assert isinstance(document["roll_calls"], int) and document["roll_calls"] > 6600
    assert document["first_date"] == "1946-01-01"
    assert all(isinstance(s, int) for s in document["sessions"])
    assert {"source", "path", "sha256", "roll_calls_added"} <= set(document["imports"][0])


def test_status_table(record_path: Path) -> None:
    result = run(record_path, "record", "status")
    assert result.exit_code == 0
    assert "roll calls" in result.output and "imports" in result.output


def test_series_find_and_show(record_path: Path) -> None:
    found = json.loads(run(record_path, "series", "find", "cuba embargo", "--json").output)
    assert set(found[0]) >= {"id", "title", "instances", "first_session", "last_session"}
    assert found[0]["first_session"] == 47 and found[0]["instances"] == 32
    shown = json.loads(run(record_path, "series", "show", found[0]["id"], "--json").output)
    assert shown["id"] == found[0]["id"]
    last = shown["instances"][-1]
    assert set(last) >= {"roll_call", "session", "date", "symbol", "totals"}
    assert last["totals"]["yes"] == 187 and last["symbol"] == "A/RES/79/7"
    table = run(record_path, "series", "show", found[0]["id"])
    assert "A/RES/79/7" in table.output


def test_votes_and_country(record_path: Path) -> None:
    votes = json.loads(run(record_path, "votes", "A/RES/79/7", "--json").output)
    assert {v["member"]: v["vote"] for v in votes["votes"]}["MDA"] == "abstain"
    csv_out = run(record_path, "votes", "A/RES/79/7", "--csv").output.splitlines()
    assert csv_out[0] == "member,name,vote,reason" and len(csv_out) == 194
    found = json.loads(run(record_path, "series", "find", "cuba embargo", "--json").output)
    usa = json.loads(
        run(record_path, "country", "USA", "--series", found[0]["id"], "--json").output
    )
    assert usa["summary"]["no"] == 31 and usa["summary"]["abstain"] == 1  # 2016: abstained
    by_name = json.loads(run(record_path, "country", "Cuba", "--sessions", "78", "--json").output)
    assert by_name["member"]["code"] == "CUB" and {v["session"] for v in by_name["votes"]} == {78}


def test_conflicts_listing(record_path: Path) -> None:
    result = run(record_path, "record", "conflicts", "--kind", "totals", "--limit", "5", "--json")
    rows = json.loads(result.output)
    assert 0 < len(rows) <= 5
    assert set(rows[0]) >= {
        "roll_call",
        "kind",
        "kept_source",
        "kept_value",
        "other_source",
        "other_value",
    }


def test_members(record_path: Path) -> None:
    rows = json.loads(run(record_path, "members", "--json").output)
    ussr = next(r for r in rows if r["code"] == "SUN")
    assert ussr["ended"] == "1991-12-23" and ussr["successor"] == "RUS"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["votes", "A/RES/99/999"], "no roll call 'A/RES/99/999'"),
        (["series", "show", "no-such-series"], "no series 'no-such-series'"),
        (["country", "Atlantis"], "no member 'Atlantis'"),
        (["country", "CUB", "--sessions", "x-y"], "session or a range"),
    ],
)
def test_errors_are_one_line(record_path: Path, args: list[str], message: str) -> None:
    result = CliRunner().invoke(cli, ["--record", str(record_path), *args])
    assert result.exit_code != 0
    assert message in result.output
    assert "Traceback" not in result.output


def test_missing_record(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        cli, ["--record", str(tmp_path / "none.sqlite"), "record", "status"]
    )
    assert result.exit_code == 1 and "whipcount import" in result.output


def test_import_command(tmp_path: Path) -> None:
    source = write_undl_csv(tmp_path / "votes.csv", sample_undl_rows())
    record = tmp_path / "r.sqlite"
    result = run(record, "import", str(source), "--json")
    assert result.exit_code == 0, result.output
    document = json.loads(result.output)
    assert document["roll_calls_added"] == 2
    again = run(record, "import", str(source))
    assert "0 roll calls and 0 votes added" in again.output
    stale_fit = tmp_path / "r.sqlite.ideal-all.npz"
    stale_fit.write_bytes(b"a fit of the old record")
    rebuilt = json.loads(run(record, "import", "--rebuild", str(source), "--json").output)
    assert rebuilt["roll_calls_added"] == 2
    assert not stale_fit.exists()


def test_import_refuses_an_unknown_file(tmp_path: Path) -> None:
    stray = tmp_path / "notes.txt"
    stray.write_text("hello")
    result = CliRunner().invoke(cli, ["--record", str(tmp_path / "r.sqlite"), "import", str(stray)])
    assert result.exit_code == 1 and "notes.txt: not a source format" in result.output


def test_tally_check_command(record_path: Path, tmp_path: Path) -> None:
    page = tmp_path / "TALLY.md"
    result = run(record_path, "record", "tally-check", "--markdown", str(page))
    assert result.exit_code == 0 and "published totals reproduced" in result.output
    assert page.read_text().startswith("# Tally check")
    document = json.loads(run(record_path, "record", "tally-check", "--json").output)
    assert document["published"]["roll_calls"] > 5000


def test_country_date_cut_offs(record_path: Path) -> None:
    document = json.loads(
        run(
            record_path,
            "country",
            "CUB",
            "--since",
            "2024-01-01",
            "--before",
            "2025-01-01",
            "--json",
        ).output
    )
    assert document["votes"]
    assert all("2024-01-01" <= v["date"] < "2025-01-01" for v in document["votes"])


def test_json_and_csv_together_is_a_usage_error(record_path: Path) -> None:
    result = CliRunner().invoke(cli, ["--record", str(record_path), "members", "--json", "--csv"])
    assert result.exit_code == 2 and "choose one of --json and --csv" in result.output


def test_members_by_bloc_and_group(record_path: Path) -> None:
    eu_2019 = json.loads(
        run(record_path, "members", "--bloc", "eu", "--on", "2019-06-01", "--json").output
    )
    assert len(eu_2019) == 28 and "GBR" in {m["code"] for m in eu_2019}
    assert all("EU" in m["blocs"] for m in eu_2019)
    grulac = json.loads(run(record_path, "members", "--group", "GRULAC", "--json").output)
    assert "CUB" in {m["code"] for m in grulac} and len(grulac) == 33
    unknown = CliRunner().invoke(cli, ["--record", str(record_path), "members", "--bloc", "XX"])
    assert unknown.exit_code == 1 and "no bloc 'XX'" in unknown.output


def test_votes_filtered_by_vote(record_path: Path) -> None:
    rows = json.loads(run(record_path, "votes", "A/RES/79/7", "--vote", "no", "--json").output)
    assert {v["member"] for v in rows["votes"]} == {"USA", "ISR"}
    assert rows["counted"]["yes"] == 187


def test_a_failed_import_still_reports_what_it_did(tmp_path: Path) -> None:
    folder = tmp_path / "incoming"
    folder.mkdir()
    write_undl_csv(folder / "good.csv", sample_undl_rows())
    (folder / "bad.json").write_text('{"symbol": "A/RES/81/9", "title": "x", "MS_in_favour": [')
    result = CliRunner().invoke(
        cli, ["--record", str(tmp_path / "r.sqlite"), "import", str(folder), "--json"]
    )
    assert result.exit_code == 1
    document = json.loads(result.stdout)
    assert {u["status"] for u in document["units"]} >= {"imported", "failed"}
    assert "bad.json, row 1: invalid JSON" in result.stderr


def test_csv_output_is_one_table(record_path: Path) -> None:
    result = CliRunner().invoke(cli, ["--record", str(record_path), "record", "status", "--csv"])
    assert result.stdout.splitlines()[0].startswith("id,finished_at,source,file")
    checked = CliRunner().invoke(
        cli, ["--record", str(record_path), "record", "tally-check", "--csv"]
    )
    assert checked.stdout.splitlines()[0] == (
        "roll_call,date,source,published,counted,category,reason"
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["country", "MEX", "--sessions", "79-70"], "the range runs backwards"),
        (["country", "MEX", "--since", "2001-01-01", "--before", "2000-01-01"], "must come"),
        (["country", "Korea"], "did you mean South Korea (KOR)"),
        (["record", "conflicts", "--limit", "-1"], "--limit"),
    ],
)
def test_wrong_inputs_are_refused(record_path: Path, args: list[str], message: str) -> None:
    result = CliRunner().invoke(cli, ["--record", str(record_path), *args])
    assert result.exit_code != 0 and message in result.output
