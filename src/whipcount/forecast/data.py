"""What the forecaster reads from the record, loaded once per record version.

:class:`ForecastData` holds the :class:`~whipcount.record.matrix.VoteMatrix` and, for
each of its rows, the series the roll call belongs to, its sponsors (known from
session 74 on) and its title; and for each day, who belonged to which bloc and
regional group.  Everything the features need is here, so that a forecast touches the
SQLite record only once.

Outcomes are coded as classes in the order the documents use:
``0 yes, 1 no, 2 abstain, 3 absent``; ``-1`` where the state was not a member.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import numpy as np
import pandas as pd

from whipcount.record.codes import Vote
from whipcount.record.matrix import VoteMatrix
from whipcount.record.members import directory
from whipcount.record.reader import ISSUE_CODES, Record

CLASSES = ("yes", "no", "abstain", "absent")
N_CLASSES = len(CLASSES)
_CLASS_OF_CODE = np.full(16, -1, dtype=np.int8)
_CLASS_OF_CODE[int(Vote.YES)] = 0
_CLASS_OF_CODE[int(Vote.NO)] = 1
_CLASS_OF_CODE[int(Vote.ABSTAIN)] = 2
_CLASS_OF_CODE[int(Vote.ABSENT)] = 3


def classes_of(votes: np.ndarray) -> np.ndarray:
    """Vote codes (1/2/3/8, 0 for non-members) as classes (0..3, -1 for non-members)."""
    out: np.ndarray = _CLASS_OF_CODE[votes.astype(np.int64) & 0xF]
    return out


@dataclass(frozen=True, eq=False)
class ForecastData:
    """The record as the forecaster sees it (see the module docstring)."""

    matrix: VoteMatrix
    outcome: np.ndarray  # int8 classes, rows x members
    series: np.ndarray  # object: series id per row, or None
    sponsors: tuple[frozenset[str] | None, ...]  # per row; None where not recorded
    codes: np.ndarray  # member code per column
    _group_cache: dict[str, np.ndarray] = field(default_factory=dict, repr=False)
    #: feature blocks of whole sessions, by (session, rows)
    feature_cache: dict[tuple[int, bytes], object] = field(default_factory=dict, repr=False)

    @classmethod
    def from_record(cls, path: Path) -> ForecastData:
        with Record(path) as record:
            matrix = record.matrix()
            series_rows = record.db.execute("SELECT rc, series_id FROM series_members").fetchall()
            sponsor_rows = record.db.execute("SELECT rc, sponsors FROM roll_calls").fetchall()
        return cls.build(matrix, dict(series_rows), dict(sponsor_rows))

    @classmethod
    def build(
        cls,
        matrix: VoteMatrix,
        series_of_rc: dict[int, str],
        sponsors_of_rc: dict[int, str | None],
    ) -> ForecastData:
        rcs = matrix.roll_calls["rc"].to_numpy()
        series = np.array([series_of_rc.get(int(rc)) for rc in rcs], dtype=object)
        sponsors = tuple(_sponsor_set(sponsors_of_rc.get(int(rc))) for rc in rcs)
        return cls(
            matrix=matrix,
            outcome=classes_of(matrix.votes),
            series=series,
            sponsors=sponsors,
            codes=matrix.members["code"].to_numpy().astype(str),
        )

    def restricted(self, rows: np.ndarray) -> ForecastData:
        """The same data with only ``rows`` (a boolean mask), for leakage tests."""
        matrix = VoteMatrix(
            self.matrix.votes[rows],
            self.matrix.roll_calls[rows].reset_index(drop=True),
            self.matrix.members,
            self.matrix.version,
        )
        return ForecastData(
            matrix=matrix,
            outcome=self.outcome[rows],
            series=self.series[rows],
            sponsors=tuple(s for s, keep in zip(self.sponsors, rows, strict=True) if keep),
            codes=self.codes,
        )

    @property
    def n_members(self) -> int:
        return len(self.codes)

    @cached_property
    def date_max(self) -> np.ndarray:
        out: np.ndarray = self.matrix.roll_calls["date_max"].to_numpy().astype(str)
        return out

    @cached_property
    def date_min(self) -> np.ndarray:
        out: np.ndarray = self.matrix.roll_calls["date_min"].to_numpy().astype(str)
        return out

    @cached_property
    def sessions(self) -> np.ndarray:
        out: np.ndarray = self.matrix.roll_calls["session"].to_numpy(dtype=np.int64)
        return out

    @cached_property
    def titles(self) -> np.ndarray:
        out: np.ndarray = self.matrix.roll_calls["title"].fillna("").to_numpy().astype(str)
        return out

    @cached_property
    def issues(self) -> np.ndarray:
        """Issue codes per row (rows x 6, NaN where not coded)."""
        out: np.ndarray = self.matrix.roll_calls[list(ISSUE_CODES)].to_numpy(dtype=float)
        return out

    @cached_property
    def series_rows(self) -> dict[str, np.ndarray]:
        """Rows of each series, in date order."""
        frame = pd.DataFrame({"series": self.series, "row": np.arange(len(self.series))})
        frame = frame[frame["series"].notna()]
        return {str(k): g["row"].to_numpy() for k, g in frame.groupby("series", sort=False)}

    def before(self, day: dt.date) -> np.ndarray:
        """Rows surely held before ``day`` (the whole session if the date is approximate)."""
        mask: np.ndarray = self.date_max < day.isoformat()
        return mask

    def data_day(self, day: dt.date) -> dt.date | None:
        """The day after the last vote surely before ``day``, at most ``day`` (None: no
        vote before it): every cut-off from that day to ``day`` sees the same votes."""
        past = self.date_max[self.before(day)]
        if not len(past):
            return None
        last = dt.date.fromisoformat(str(past.astype("datetime64[D]").max()))
        return min(day, last + dt.timedelta(days=1))

    def column(self, code: str) -> int:
        hits = np.flatnonzero(self.codes == code)
        if not len(hits):
            raise KeyError(code)
        return int(hits[0])

    def members_on(self, day: dt.date) -> np.ndarray:
        """Boolean per column: a member of the United Nations on ``day``."""
        on = set(directory().members_on(day))
        return np.array([c in on for c in self.codes])

    def groupings(self, day: dt.date) -> np.ndarray:
        """Boolean (groupings x members) on ``day``: each bloc of ``blocs.csv``, then each
        regional group; cached per day."""
        key = day.isoformat()
        cached = self._group_cache.get(key)
        if cached is not None:
            return cached
        members = directory()
        rows = [
            self._spans_on(members.bloc_members, "bloc", str(bloc), key)
            for bloc in members.blocs["bloc"]
        ]
        rows += [self._spans_on(members.groups, "group", g, key) for g in _REGIONAL_GROUPS]
        table = np.array(rows, dtype=bool)
        self._group_cache[key] = table
        return table

    def _spans_on(self, table: pd.DataFrame, column: str, name: str, day: str) -> np.ndarray:
        """Boolean per column: in ``name`` (a dated span of ``table``) on ``day``."""
        spans = table[table[column] == name]
        start = spans["start"].fillna("").astype(str).to_numpy()
        end = spans["end"].fillna("").astype(str).to_numpy()
        inside = (start <= day) & ((end == "") | (end >= day))
        codes = set(spans["code"].astype(str).to_numpy()[inside])
        return np.array([c in codes for c in self.codes])


_REGIONAL_GROUPS = ("AFRICAN", "ASIA_PACIFIC", "EASTERN_EUROPEAN", "GRULAC", "WEOG")
N_REGIONAL_GROUPS = len(_REGIONAL_GROUPS)


def _sponsor_set(text: str | None) -> frozenset[str] | None:
    if not text:
        return None
    values = json.loads(text)
    codes = frozenset(v for v in values if isinstance(v, str) and len(v) == 3 and v.isupper())
    return codes or None
