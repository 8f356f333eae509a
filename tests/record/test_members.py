"""The typed-in member tables."""

from __future__ import annotations

import datetime as dt

import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from whipcount.record.members import directory, normalize_name


def test_dated_keys() -> None:
    members = directory()
    assert members.resolve("iso2", "RU", dt.date(1990, 1, 1)) == "SUN"
    assert members.resolve("iso2", "RU", dt.date(1992, 1, 1)) == "RUS"
    assert members.resolve("cow", 345, dt.date(1980, 1, 1)) == "YUG"
    assert members.resolve("cow", "345", dt.date(2010, 1, 1)) == "SRB"
    assert members.resolve("name", "TÜRKİYE", dt.date(2024, 1, 1)) == "TUR"
    assert members.resolve("name", "Freedonia", dt.date(2024, 1, 1)) is None
    assert members.search("Ivory Coast") == "CIV" and members.search("usa") == "USA"
    assert members.search("Zaire") == "COD"


def test_membership_on_a_day() -> None:
    members = directory()
    assert len(members.members_on(dt.date(2024, 1, 1))) == 193
    assert len(members.members_on(dt.date(1946, 1, 10))) == 51  # the original members
    on_1960 = members.members_on(dt.date(1960, 1, 1))
    assert "SYR" not in on_1960 and "EGY" in on_1960  # the United Arab Republic
    assert "TWN" in on_1960 and "CHN" not in on_1960


def test_ended_states_have_successors() -> None:
    members = directory()
    for code, successor in {
        "SUN": ("RUS",),
        "DDR": ("DEU",),
        "FRG": ("DEU",),
        "YMD": ("YEM",),
        "YAR": ("YEM",),
        "ZAN": ("TZA",),
        "TAN": ("TZA",),
        "CSK": ("CZE", "SVK"),
    }.items():
        member = members.member(code)
        assert member.ended is not None and member.successor == successor


def test_groups_and_blocs() -> None:
    members = directory()
    assert members.member("CUB").regional_group == "GRULAC"
    assert members.group_on("ISR", dt.date(1990, 1, 1)) == "NONE"
    assert members.group_on("ISR", dt.date(2010, 1, 1)) == "WEOG"
    assert len(members.bloc_members_on("EU", dt.date(2024, 1, 1))) == 27
    assert "GBR" in members.bloc_members_on("EU", dt.date(2019, 1, 1))
    assert len(members.bloc_members_on("NATO", dt.date(2024, 6, 1))) == 32
    assert "FIN" not in members.bloc_members_on("NATO", dt.date(2023, 1, 1))


def test_every_member_code_and_key_is_consistent() -> None:
    members = directory()
    codes = set(members.codes)
    assert set(members.keys["code"]) <= codes
    assert set(members.periods["code"]) == codes
    assert set(members.groups["code"]) <= codes
    assert set(members.bloc_members["code"]) <= codes


@given(st.text())
def test_normalize_name_is_idempotent(name: str) -> None:
    once = normalize_name(name)
    assert normalize_name(once) == once
    assert once == once.strip() and "  " not in once


@given(st.dates(min_value=dt.date(1946, 1, 1), max_value=dt.date(2030, 12, 31)))
def test_members_on_agrees_with_is_member(day: dt.date) -> None:
    members = directory()
    on = set(members.members_on(day))
    codes = pd.Series(list(members.codes))
    flags = members.is_member(codes, pd.Series([pd.Timestamp(day)] * len(codes)))
    assert on == set(codes[flags])
