"""``whipcount forecast`` and ``whipcount backtest`` on the real record."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli.running import run

CUBA = "necessity-ending-economic-commercial-financial-embargo"


def test_forecast_the_cuba_embargo_as_of_any_date(record_path: Path, tmp_path: Path) -> None:
    result = run(record_path, "forecast", "--series", CUBA, "--session", "79",
                 "--as-of", "2024-10-01", "--json")  # fmt: skip
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["target"] == {
        "series": CUBA,
        "session": 79,
        "title": "Necessity of ending the economic, commercial and financial embargo "
        "imposed by the United States of America against Cuba",
    }
    assert document["as_of"] == "2024-10-01"
    assert len(document["members"]) == 193
    member = document["members"][0]
    assert set(member) == {"iso3", "p", "call", "reasons"}
    assert set(member["p"]) == {"yes", "no", "abstain", "absent"}
    for m in document["members"]:
        assert abs(sum(m["p"].values()) - 1) < 1e-3
    assert set(document["tally"]) == {"yes", "no", "abstain", "absent"}
    yes = document["tally"]["yes"]
    assert yes["q10"] <= yes["q50"] <= yes["q90"] and isinstance(yes["q10"], int)
    assert document["p_adopted"] > 0.99
    usa = next(m for m in document["members"] if m["iso3"] == "USA")
    assert usa["call"] == "no" and usa["reasons"]
    # another day with the same votes before it reuses the fit; two-thirds majority
    again = run(record_path, "forecast", "--series", CUBA, "--session", "79",
                "--as-of", "2024-10-02", "--majority", "two-thirds", "--json")  # fmt: skip
    assert json.loads(again.stdout)["majority"] == "two-thirds"
    table = run(record_path, "forecast", "--series", CUBA, "--session", "79",
                "--as-of", "2024-10-02", "--plot", str(tmp_path / "cuba.png"))  # fmt: skip
    assert table.exit_code == 0, table.output
    assert "P(adopted, simple majority)" in table.output
    assert (tmp_path / "cuba.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_forecast_a_draft(record_path: Path) -> None:
    result = run(record_path, "forecast", "--draft",
                 "Necessity of ending the embargo imposed against Cuba",
                 "--sponsor", "CUB", "--issue", "ec", "--as-of", "2024-10-01",
                 "--json")  # fmt: skip
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["target"]["series"] is None
    assert document["target"]["session"] == 79
    assert "Cuba" in document["analogs"][0]["title"]
    assert len(document["members"]) == 193


def test_forecast_errors(record_path: Path) -> None:
    neither = run(record_path, "forecast", "--json")
    assert neither.exit_code == 2 and "give --series ID or --draft TITLE" in neither.output
    unknown = run(record_path, "forecast", "--series", "no-such-series")
    assert unknown.exit_code == 1 and "no series 'no-such-series'" in unknown.output
    sponsor = run(record_path, "forecast", "--draft", "x", "--sponsor", "Atlantis")
    assert sponsor.exit_code == 1 and "no member 'Atlantis'" in sponsor.output
    plot = run(record_path, "forecast", "--series", CUBA, "--plot", "map.gif")
    assert plot.exit_code == 2 and ".png, .svg or .pdf" in plot.output


def test_backtest_one_session(record_path: Path, tmp_path: Path) -> None:
    result = run(record_path, "backtest", "--from-session", "79", "--to-session", "79",
                 "--recurring", "--json", "--plot", str(tmp_path / "reliability.png"))  # fmt: skip
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    (session,) = document["sessions"]
    # the recurring series' roll calls only: fewer than the session's 117
    assert session["session"] == 79 and 50 < session["roll_calls"] < 117
    assert set(session["models"]) == {
        "whipcount", "persistence", "member_frequency", "class_frequency", "blend"
    }  # fmt: skip
    for scores in session["models"].values():
        assert {"log_loss", "brier", "accuracy", "macro_f1", "tally_mae", "coverage80"} <= set(
            scores
        )
    overall = document["overall"]["models"]
    assert overall["whipcount"]["log_loss"] < overall["blend"]["log_loss"]
    assert document["reliability"]["ece"] < 0.05
    assert (tmp_path / "reliability.png").read_bytes()[:4] == b"\x89PNG"


def test_ablation_choices_are_the_feature_groups() -> None:
    from whipcount.cli.forecast_cmds import FEATURE_GROUPS
    from whipcount.forecast.features import GROUPS

    assert tuple(GROUPS) == FEATURE_GROUPS


def test_the_next_instance_is_the_next_after_the_as_of_day(record_path: Path) -> None:
    result = run(record_path, "forecast", "--series", CUBA, "--as-of", "2024-10-02", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["target"]["session"] == 79


def test_a_held_vote_cannot_be_forecast_after_it(record_path: Path) -> None:
    result = run(record_path, "forecast", "--series", CUBA, "--session", "79",
                 "--as-of", "2025-01-01")  # fmt: skip
    assert result.exit_code == 1
    assert "was voted on 2024-10-30, before the as-of day 2025-01-01" in result.output
