from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from whipcount.record.codes import (
    SessionKind,
    Vote,
    regular_session_on,
    session_opening,
    session_span,
)
from whipcount.record.symbols import canonical_symbol, parse_session_label, symbol_session


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("R/47/19", "A/RES/47/19"),
        ("R/49/75F", "A/RES/49/75 F"),
        ("A/RES/75/290 A", "A/RES/75/290 A"),
        ("a/res/es-11/1", "A/RES/ES-11/1"),
        ("A/RES/75/254 A-C", "A/RES/75/254 A-C"),
        ("R/14/746B", "R/14/746B"),  # before session 31 Voeten's numbers are not UN symbols
        ("  A/RES/79/7 ", "A/RES/79/7"),
        ("A/DEC/80/506", "A/DEC/80/506"),
        ("", None),
        (None, None),
    ],
)
def test_canonical_symbol(given: str | None, expected: str | None) -> None:
    assert canonical_symbol(given) == expected


def test_symbol_session() -> None:
    assert symbol_session("A/RES/ES-10/27") == (SessionKind.EMERGENCY, "ES-10")
    assert symbol_session("A/RES/S-32/1") == (SessionKind.SPECIAL, "S-32")
    assert symbol_session("A/RES/79/7") == (SessionKind.REGULAR, "79")
    assert symbol_session("R/14/746B") is None
    assert parse_session_label("not a session") is None


def test_known_session_openings() -> None:
    assert session_opening(80) == dt.date(2025, 9, 9)
    assert session_opening(78) == dt.date(2023, 9, 5)
    # third-week rule: 2019-09-01 was a Sunday, the session opened on the 17th
    assert session_opening(47) == dt.date(1992, 9, 15)
    with pytest.raises(ValueError, match="no regular session"):
        session_opening(0)


def test_regular_session_on() -> None:
    assert regular_session_on(dt.date(1992, 11, 24)) == 47
    assert regular_session_on(dt.date(2025, 9, 5)) == 79
    assert regular_session_on(dt.date(2025, 9, 9)) == 80
    assert regular_session_on(dt.date(1946, 2, 1)) == 1


@given(st.dates(min_value=dt.date(1946, 1, 10), max_value=dt.date(2099, 12, 31)))
def test_every_day_falls_in_the_span_of_its_session(day: dt.date) -> None:
    session = regular_session_on(day)
    first, last = session_span(session)
    assert first <= day <= last


def test_vote_labels() -> None:
    assert Vote.from_label("Abstain") is Vote.ABSTAIN
    assert [v.label for v in Vote] == ["yes", "abstain", "no", "absent"]
