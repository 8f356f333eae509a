"""A synthetic record whose votes follow a known Markov chain, for recovery tests."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from whipcount.forecast.data import ForecastData
from whipcount.record.codes import session_opening
from whipcount.record.matrix import VoteMatrix
from whipcount.record.members import directory

CODES = np.array([1, 3, 2, 8], dtype=np.int8)  # classes yes, no, abstain, absent as vote codes
STAY = 0.85
WORDS = (
    "alpha",
    "beta",
    "gamma",
    "delta",
)  # probability of repeating the previous vote on the series


def markov_record(
    *, members: int = 60, series: int = 20, first: int = 50, last: int = 63, seed: int = 0
) -> ForecastData:
    rng = np.random.default_rng(seed)
    codes = directory().members_on(dt.date(2005, 1, 1))[:members]
    sessions = np.arange(first, last + 1)
    state = rng.choice(4, size=(series, members), p=[0.7, 0.1, 0.1, 0.1])
    rows, votes = [], []
    for session in sessions:
        opening = session_opening(int(session))
        for j in range(series):
            move = rng.uniform(size=members) >= STAY
            other = (state[j] + rng.integers(1, 4, members)) % 4
            state[j] = np.where(move, other, state[j])
            day = (opening + dt.timedelta(days=60 + j % 5)).isoformat()
            rows.append(
                {
                    "rc": len(rows) + 1,
                    "id": f"S/{session}/{j}",
                    "session": int(session),
                    "session_kind": "regular",
                    "session_label": str(session),
                    "date": day,
                    "date_precision": "day",
                    "date_min": day,
                    "date_max": day,
                    "symbol": f"S/{session}/{j}",
                    "title": f"Resolution on topic {j} {WORDS[j % 4]}",
                    "final": 1,
                    "important_vote": 0,
                    "amendment": 0,
                    "paragraph": 0,
                    **dict.fromkeys(("me", "nu", "di", "hr", "co", "ec"), np.nan),
                }
            )
            votes.append(CODES[state[j]])
    frame = pd.DataFrame(rows)
    member_frame = pd.DataFrame({"code": codes, "iso3": codes})
    matrix = VoteMatrix(np.array(votes, dtype=np.int8), frame, member_frame, version=1)
    series_of_rc = {int(r["rc"]): f"topic-{int(r['rc'] - 1) % series}" for r in rows}
    return ForecastData.build(matrix, series_of_rc, {})
