"""The State Department's tables reproduced from the record (real reference files)."""

from __future__ import annotations

from pathlib import Path

import pytest

from whipcount.errors import ConfigError, NotFoundError
from whipcount.measures.state_dept_check import check_state_dept, check_year, reference_folder
from whipcount.measures.state_dept_page import summary_rows, to_markdown
from whipcount.record.reader import Record

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def reference(raw: Path) -> Path:
    return reference_folder(raw)


def test_2022_is_reproduced_for_every_state(record: Record, reference: Path) -> None:
    year = check_year(record, reference, 2022)
    assert year["rows"] == 192
    assert year["coincidence_matched"] == year["counts_matched"] == 192
    assert year["with_consensus_matched"] == {"record": 192, "report": 177}  # 244, not 246
    assert year["record_votes"] == year["report_votes"] == 89
    assert year["record_us_votes"] == year["report_us_votes"] == [33, 47, 9, 0]
    assert year["mismatches"] == []


def test_2023_is_reproduced_for_every_state(record: Record, reference: Path) -> None:
    year = check_year(record, reference, 2023)
    assert year["coincidence_matched"] == year["counts_matched"] == 192
    assert year["half_rounded_down"] == 2  # Malta and San Marino: 62.5 printed 62
    assert year["with_consensus_matched"] == {"record": None, "report": 192}  # count 250
    assert {m["code"] for m in year["mismatches"]} == {"MLT", "SMR"}
    assert {m["cause"] for m in year["mismatches"]} == {"an exact half printed rounded down"}


def test_2021_needs_the_reports_own_mistake(record: Record, reference: Path) -> None:
    year = check_year(record, reference, 2021)
    assert year["errata"] == {"A/RES/75/289": "yes"}
    assert year["coincidence_matched"] == 189 and year["counts_matched"] == 189
    assert year["coincidence_matched_without_errata"] < 20
    assert year["vote_list"]["misprinted"] == ["A/RES/7/54 (= A/RES/76/54)"]
    noted = {m["code"] for m in year["mismatches"] if m["note"]}
    assert noted == {"ZAF", "SSD", "GBR"}


def test_2019_2020_and_2016_differ_for_want_of_votes(record: Record, reference: Path) -> None:
    document = check_state_dept(record, reference, (2016, 2019, 2020))
    by_year = {y["year"]: y for y in document["years"]}
    assert len(by_year[2019]["vote_list"]["lacking"]) == 10  # spring 2019, session 73
    votes_2020 = by_year[2020]["vote_list"]
    assert len(votes_2020["lacking"]) == 5 and len(votes_2020["repeated"]) == 3
    assert votes_2020["misprinted"] == ["A/RES/75/89 (= A/RES/75/86)"]
    assert by_year[2016]["record_votes"] == 114 and by_year[2016]["report_votes"] == 112
    for year in by_year.values():
        assert year["selection_differs"]
        assert all(m["cause"].startswith("selection") for m in year["mismatches"])
    assert [r["year"] for r in summary_rows(document)] == [2016, 2019, 2020]


def test_2016_credits_each_country_by_its_own_participation(
    record: Record, reference: Path
) -> None:
    year = check_year(record, reference, 2016)
    assert year["formula"] == "state-2016" and year["consensus"]["report"] == 162
    # 18 rows with the country's participation (15 with the pair's); the record's
    # selection has 114 votes against the report's 112, so the rest cannot match
    assert year["with_consensus_matched"] == {"record": None, "report": 18}


def test_markdown_page(record: Record, reference: Path) -> None:
    document = check_state_dept(record, reference, (2021, 2022, 2023))
    page = to_markdown(document, "whipcount align check-state-dept")
    assert page.startswith("# Coincidence check")
    assert "| 2022 | state-2022 | 89 / 89 |" in page and "Malta (MLT)" in page


def test_unknown_years_and_folders(record: Record, reference: Path, tmp_path: Path) -> None:
    with pytest.raises(NotFoundError, match="no reference table"):
        check_state_dept(record, reference, (2018,))
    with pytest.raises(ConfigError, match="no reference folder"):
        reference_folder(tmp_path / "raw")
    with pytest.raises(ConfigError, match="no reference table"):
        check_year(record, tmp_path, 2022)
    table = (reference / "state_dept_coincidence_2016.csv").read_text(encoding="utf-8")
    (tmp_path / "state_dept_coincidence_2016.csv").write_text(
        table.replace("Afghanistan", "Atlantis"), encoding="utf-8"
    )
    with pytest.raises(ConfigError, match="no member named 'Atlantis'"):
        check_year(record, tmp_path, 2016)
