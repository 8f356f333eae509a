"""Ideal points against the published Bailey-Strezhnev-Voeten estimates.

The record holds BSV's estimates as reference tables (``reference_idealpoints``): by
session (the April 2020 release, sessions 1-74) and by calendar year (the 1946-2024
release, mapped to the session that opens in that year, ``session = year - 1945``).
Two figures per table, as in the issue: the Pearson correlation over all
country-sessions, which rewards getting movements over time right, and the median of
the within-session correlations, which rewards the ordering inside each session.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pandas as pd

from whipcount.record.store import connect_readonly

Document = dict[str, Any]
_TABLES = {
    "session": ("SELECT member, period_value AS session, ideal_point FROM reference_idealpoints "
                "WHERE subset = 'all' AND period = 'session'"),
    "year": ("SELECT member, period_value - 1945 AS session, ideal_point "
             "FROM reference_idealpoints WHERE subset = 'all' AND period = 'year'"),
}  # fmt: skip


def reference(record: Path, table: str) -> pd.DataFrame:
    connection = connect_readonly(record)
    try:
        return pd.read_sql_query(_TABLES[table], connection)
    except sqlite3.Error:  # pragma: no cover - older record without the table
        return pd.DataFrame(columns=["member", "session", "ideal_point"])
    finally:
        connection.close()


def compare(frame: pd.DataFrame, published: pd.DataFrame) -> Document:
    """Correlations of ``frame`` (member, session, ideal) with ``published``."""
    joined = frame.merge(published, on=["member", "session"])
    if len(joined) < 3:
        return {"pairs": len(joined), "overall": None, "within_median": None, "sessions": 0}
    within = joined.groupby("session")[["ideal", "ideal_point"]].corr().xs("ideal", level=1)
    per_session = within["ideal_point"].dropna()
    return {
        "pairs": len(joined),
        "sessions": int(per_session.size),
        "first_session": int(joined["session"].min()),
        "last_session": int(joined["session"].max()),
        "overall": round(float(joined["ideal"].corr(joined["ideal_point"])), 4),
        "within_median": round(float(per_session.median()), 4),
        "within_min": round(float(per_session.min()), 4),
        "within_min_session": int(per_session.idxmin()),
    }


def validate(record: Path, frame: pd.DataFrame) -> Document:
    """Both comparisons: the by-session and the by-year BSV tables."""
    return {table: compare(frame, reference(record, table)) for table in _TABLES}
