"""Session spans as users write them (``whipcount.record.span``)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from whipcount.record.span import parse_sessions


@given(st.integers(1, 200), st.integers(0, 50))
def test_a_range_round_trips(first: int, length: int) -> None:
    assert parse_sessions(f"{first}-{first + length}") == (first, first + length)
    assert parse_sessions(str(first)) == (first, first)


@pytest.mark.parametrize(
    ("text", "message"),
    [("seventy", "such as 70-79"), ("70-x", "such as 70-79"), ("79-70", "runs backwards")],
)
def test_bad_spans_are_refused(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_sessions(text)
