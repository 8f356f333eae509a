"""The votes an ideal-point fit sees: observations, member-periods and bridged items.

:class:`IdealData` turns rows of the :class:`~whipcount.record.matrix.VoteMatrix` into
flat arrays, one entry per vote cast (yes, abstain or no; absences and non-membership
are missing, as in Bailey, Strezhnev and Voeten 2017):

- ``item``: the item (parameter group) of the vote.  A roll call is its own item unless
  it belongs to a *bridge*: roll calls on the same resolution repeated across sessions
  share one item, so that their votes tie the sessions' scales together (BSV's
  "identical resolutions", section 3).  Bridges come from the record's series, from
  BSV's own list of matched pairs, from both (the default), or are switched off.
- ``slot``: the member-period: every member holds one position per session from its
  first to its last session with a vote in the data (sessions without votes in between,
  such as South Africa's 1974-1993, are carried by the random walk).
- ``category``: 0 no, 1 abstain, 2 yes; the arrays are sorted by category (so that the
  likelihood code works on three contiguous slices), then by item (so that the passes
  summing by item write memory in order).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd

from whipcount.errors import WhipcountError
from whipcount.record.codes import Vote
from whipcount.record.matrix import VoteMatrix
from whipcount.record.store import connect_readonly

Bridges = Literal["both", "series", "bsv", "none"]
BRIDGES: tuple[Bridges, ...] = ("both", "series", "bsv", "none")

_CATEGORY = np.full(16, -1, dtype=np.int8)
_CATEGORY[int(Vote.NO)] = 0
_CATEGORY[int(Vote.ABSTAIN)] = 1
_CATEGORY[int(Vote.YES)] = 2


class IdealDataError(WhipcountError):
    """The selection leaves nothing to scale (no votes, or no contested roll call)."""


@dataclass(frozen=True)
class IdealData:
    """Flat observations for the ideal-point model (see the module docstring)."""

    item: np.ndarray  # int64 per observation
    slot: np.ndarray  # int64 per observation
    category: np.ndarray  # int8 per observation, sorted
    bounds: tuple[int, int]  # ends of the no and abstain slices
    slot_member: np.ndarray  # column of the member, per slot
    slot_period: np.ndarray  # session, per slot
    first: np.ndarray  # bool per slot: the member's first period
    members: tuple[str, ...]  # member code per matrix column
    item_rows: np.ndarray  # first matrix row of each item (for labels)
    rows: np.ndarray  # matrix rows used
    row_item: np.ndarray  # item of each used row

    @property
    def n_obs(self) -> int:
        return int(self.category.shape[0])

    @property
    def n_slots(self) -> int:
        return int(self.slot_member.shape[0])

    @property
    def n_items(self) -> int:
        return int(self.item_rows.shape[0])

    def slot_votes(self) -> np.ndarray:
        """Votes cast per member-period."""
        counts: np.ndarray = np.bincount(self.slot, minlength=self.n_slots)
        return counts

    def with_categories(self, category: np.ndarray) -> IdealData:
        """The same design with other votes (for the parametric bootstrap), re-sorted."""
        order = np.lexsort((self.item, category))  # by category, then item
        sorted_category = category[order]
        n0 = int(np.searchsorted(sorted_category, 1))
        n1 = int(np.searchsorted(sorted_category, 2))
        return IdealData(
            item=self.item[order],
            slot=self.slot[order],
            category=sorted_category,
            bounds=(n0, n1),
            slot_member=self.slot_member,
            slot_period=self.slot_period,
            first=self.first,
            members=self.members,
            item_rows=self.item_rows,
            rows=self.rows,
            row_item=self.row_item,
        )

    @classmethod
    def from_votes(
        cls,
        votes: np.ndarray,
        periods: np.ndarray,
        members: tuple[str, ...],
        *,
        groups: np.ndarray | None = None,
    ) -> IdealData:
        """Build from a vote-code matrix (rows x members), a period per row and
        optional bridge groups per row (equal non-negative labels share an item)."""
        category = _CATEGORY[votes.astype(np.int64) & 0xF]
        contested = _contested(category)
        rows = np.flatnonzero(contested)
        if not len(rows):
            raise IdealDataError("no contested roll call in the selection: nothing to scale")
        labels = (
            np.where(groups[rows] >= 0, groups[rows], -1 - rows) if groups is not None else rows
        )
        _, row_item = np.unique(labels, return_inverse=True)
        sub = category[rows]
        r, c = np.nonzero(sub >= 0)
        obs_period = periods[rows][r]
        slot_member, slot_period, first, offset, start = _slots(c, obs_period, len(members))
        slot = offset[c] + (obs_period - start[c])
        obs_category = sub[r, c]
        order = np.lexsort((row_item[r], obs_category))  # by category, then item
        obs_category = obs_category[order]
        item_rows = np.zeros(int(row_item.max()) + 1, dtype=np.int64)
        item_rows[row_item[::-1]] = rows[::-1]
        return cls(
            item=row_item[r][order].astype(np.int64),
            slot=slot[order].astype(np.int64),
            category=obs_category,
            bounds=(
                int(np.searchsorted(obs_category, 1)),
                int(np.searchsorted(obs_category, 2)),
            ),
            slot_member=slot_member,
            slot_period=slot_period,
            first=first,
            members=members,
            item_rows=item_rows,
            rows=rows,
            row_item=row_item.astype(np.int64),
        )


def _contested(category: np.ndarray) -> np.ndarray:
    """Rows on which at least two different votes were cast."""
    present = [(category == c).any(axis=1) for c in (0, 1, 2)]
    count: np.ndarray = np.sum(present, axis=0) >= 2
    return count


def _slots(
    columns: np.ndarray, periods: np.ndarray, n_members: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Member-periods spanning each member's first to last period with a vote."""
    start = np.full(n_members, np.iinfo(np.int64).max, dtype=np.int64)
    end = np.full(n_members, np.iinfo(np.int64).min, dtype=np.int64)
    np.minimum.at(start, columns, periods)
    np.maximum.at(end, columns, periods)
    length = np.where(end >= start, end - start + 1, 0)
    offset = np.concatenate([[0], np.cumsum(length)[:-1]])
    slot_member = np.repeat(np.arange(n_members), length)
    slot_period = np.arange(int(length.sum())) - np.repeat(offset, length) + start[slot_member]
    first = np.zeros(len(slot_member), dtype=bool)
    first[offset[length > 0]] = True
    return slot_member, slot_period.astype(np.int64), first, offset, start


def bridge_groups(record: Path, matrix: VoteMatrix, bridges: Bridges) -> np.ndarray | None:
    """Bridge label per matrix row (-1: none): roll calls linked, directly or through
    others, by the record's series, BSV's matched pairs, or both."""
    if bridges == "none":
        return None
    connection = connect_readonly(record)
    try:
        pairs = []
        if bridges in ("series", "both"):
            pairs += _series_pairs(connection)
        if bridges in ("bsv", "both"):
            pairs += _bsv_pairs(connection)
    finally:
        connection.close()
    labels = pd.Series(_components(pairs)).reindex(matrix.roll_calls["rc"].to_numpy())
    out: np.ndarray = labels.fillna(-1).to_numpy(dtype=np.int64)
    return out


def _series_pairs(connection: sqlite3.Connection) -> list[tuple[int, int]]:
    """Each instance of a series paired with the series' first roll call."""
    rows = connection.execute(
        "SELECT rc, MIN(rc) OVER (PARTITION BY series_id) FROM series_members"
    ).fetchall()
    return [(rc, first) for rc, first in rows]


def _bsv_pairs(connection: sqlite3.Connection) -> list[tuple[int, int]]:
    """BSV's matched pairs (``Matches.csv``), as record roll calls."""
    rows = connection.execute(
        "SELECT a.rc, b.rc FROM reference_matches m JOIN roll_calls a ON a.rcid = m.rcid1 "
        "JOIN roll_calls b ON b.rcid = m.rcid2"
    ).fetchall()
    return [(a, b) for a, b in rows]


def _components(pairs: list[tuple[int, int]]) -> dict[int, int]:
    """Connected components of linked roll calls (union-find), numbered from 0."""
    parent: dict[int, int] = {}

    def find(x: int) -> int:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in pairs:
        parent[find(a)] = find(b)
    roots = {rc: find(rc) for rc in parent}
    codes, _ = pd.factorize(pd.Series(list(roots.values()), dtype=np.int64))
    return {rc: int(code) for rc, code in zip(roots, codes, strict=True)}
