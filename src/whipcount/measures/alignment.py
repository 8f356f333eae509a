"""How closely states vote together: the documents ``whipcount align`` prints.

Each function selects roll calls (:mod:`~whipcount.measures.selection`), builds vote
tables from the VoteMatrix in one pass (:func:`~whipcount.measures.coincidence.
contingency`) and reports the State Department's coincidence
(:mod:`~whipcount.measures.coincidence`) beside the agreement indices
(:mod:`~whipcount.measures.agreement`), each with the number of roll calls behind it:

- :func:`align_pair` — two states;
- :func:`align_group` — a state against a bloc or regional group (the members on each
  roll call's day, their tables pooled: every member's vote counts once, and the
  consensus resolutions count once per member, C·k with k the group's average size);
- :func:`align_all` — one state against every member: the report's table;
- :func:`align_trend` — a pair or a state and a group, period by period: periods with
  no roll call counted are left out, and a period that runs past the record's last
  vote is marked ``partial_period``.  A pair is credited the period's full consensus
  count, as in :func:`align_pair`; only a group's count is scaled by its size.

Results are JSON-ready dicts (shapes in ``docs/JSON.md``); fractions are in [0, 1]
(S and κ in [−1, 1]), ``null`` where undefined.  Each document has a ``note``: why
nothing was counted ("no roll calls selected", "SSD was not a member in this
selection"), for a trend that its last period is partial, else ``null``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from typing import Any

import numpy as np

from whipcount.measures.agreement import agreement_indices
from whipcount.measures.coincidence import (
    Formula,
    coincidence,
    contingency,
    counts,
    decimals,
    printed_percent,
    report_columns,
    report_formula,
)
from whipcount.measures.consensus import (
    AdoptionIndex,
    ConsensusCount,
    consensus_for,
    given,
)
from whipcount.measures.selection import (
    Period,
    Selection,
    group_cells,
    period_labels,
    roll_call_mask,
)
from whipcount.record.codes import session_span
from whipcount.record.reader import Record

Document = dict[str, Any]
_NO_SELECTION = Selection()


def align_pair(
    record: Record,
    a: str,
    b: str,
    *,
    selection: Selection = _NO_SELECTION,
    formula: Formula | None = None,
    consensus: int | None = None,
) -> Document:
    """Coincidence and agreement of states ``a`` and ``b`` (codes or names)."""
    matrix, mask = record.matrix(), roll_call_mask(record, selection)
    code_a, code_b = record.resolve_member(a), record.resolve_member(b)
    votes = matrix.votes[mask]
    tables = contingency(votes[:, matrix.column(code_a)], votes[:, [matrix.column(code_b)]])
    chosen = _formula(formula, selection, "votes-only")
    count = _consensus(record, selection, consensus)
    return {
        "a": code_a,
        "b": code_b,
        "a_name": _name(record, code_a),
        "b_name": _name(record, code_b),
        "selection": selection.document(),
        **summary(tables[0, 0], chosen, count),
        "note": empty_note(matrix, mask, [code_a, code_b], int(tables.sum())),
    }


def align_group(
    record: Record,
    a: str,
    group: str,
    *,
    selection: Selection = _NO_SELECTION,
    formula: Formula | None = None,
    consensus: int | None = None,
) -> Document:
    """State ``a`` against the members of a bloc or regional group, pooled."""
    matrix, mask = record.matrix(), roll_call_mask(record, selection)
    code_a = record.resolve_member(a)
    own = matrix.votes[mask, matrix.column(code_a)]
    others = _group_votes(matrix.votes[mask], group_cells(matrix, mask, group), matrix, code_a)
    tables = contingency(own, others).sum(axis=1)
    count = _consensus(record, selection, consensus)
    size = _group_size(tables, own)
    name = group.strip().upper()
    return {
        "a": code_a,
        "b": name,
        "a_name": _name(record, code_a),
        "b_name": name,
        "group_members": int((others != 0).any(axis=0).sum()),
        "selection": selection.document(),
        **summary(tables[0], _formula(formula, selection, "votes-only"), count, size[0]),
        "note": empty_note(matrix, mask, [code_a], int(tables.sum()), f"no member of {name}"),
    }


def align_all(
    record: Record,
    a: str = "USA",
    *,
    selection: Selection = _NO_SELECTION,
    formula: Formula | None = None,
    consensus: int | None = None,
) -> Document:
    """State ``a`` against every other member: the State Department's table."""
    matrix, mask = record.matrix(), roll_call_mask(record, selection)
    code_a = record.resolve_member(a)
    column = matrix.column(code_a)
    chosen = _formula(formula, selection, "state-2022")
    tables = contingency(matrix.votes[mask, column], matrix.votes[mask])[0]
    count = _consensus(record, selection, consensus)
    rows = table_rows(tables, chosen, count.count)
    names = matrix.members["short_name"].to_numpy()
    codes = matrix.members["code"].to_numpy()
    keep = [m for m in np.argsort(names, kind="stable") if m != column and rows[m]["roll_calls"]]
    return {
        "a": code_a,
        "a_name": _name(record, code_a),
        "selection": selection.document(),
        "formula": chosen,
        "roll_calls": int(mask.sum()),
        "consensus": count.document(),
        "columns": list(report_columns(tables[:1], chosen)),
        "rows": [{"code": codes[m], "country": names[m], **rows[m]} for m in keep],
        "note": empty_note(matrix, mask, [code_a], len(keep), "no other member"),
    }


def align_trend(
    record: Record,
    a: str,
    b: str | None = None,
    *,
    group: str | None = None,
    by: Period = "year",
    selection: Selection = _NO_SELECTION,
    formula: Formula | None = None,
) -> Document:
    """``a`` against ``b`` (or ``group``) period by period, each period with the record's
    own consensus count for it.

    Periods in which no roll call was counted (before a state joined, before a bloc
    existed) are left out; ``partial_period`` marks a period that runs past the
    record's last vote (the current year, say), whose figures cover only part of it.
    A pair is credited each period's full consensus count (as :func:`align_pair` is),
    a group the count times its average size.
    """
    if (b is None) == (group is None):
        raise ValueError("give either b or group")
    matrix, mask = record.matrix(), roll_call_mask(record, selection)
    code_a = record.resolve_member(a)
    labels, index = np.unique(period_labels(matrix, by)[mask], return_inverse=True)
    own = matrix.votes[mask, matrix.column(code_a)]
    if group is not None:
        cells = group_cells(matrix, mask, group)
        others = _group_votes(matrix.votes[mask], cells, matrix, code_a)
        other, codes = group.strip().upper(), [code_a]
        nobody: str | None = f"no member of {other}"
    else:
        other = record.resolve_member(str(b))
        others = matrix.votes[mask][:, [matrix.column(other)]]
        codes, nobody = [code_a, other], None
    tables = contingency(own, others, index, len(labels)).sum(axis=1)
    sizes = (
        _group_size(tables, own, index, len(labels)) if group is not None else np.ones(len(labels))
    )
    chosen = _formula(formula, selection, "votes-only")
    adoptions = AdoptionIndex.of(record)
    last_vote = dt.date.fromisoformat(str(matrix.roll_calls["date"].max())[:10])
    rows = []
    for position, label in enumerate(labels.tolist()):
        if not tables[position].sum():
            continue  # nothing counted in this period: no row of zeros
        count = consensus_for(adoptions, _narrow(selection, by, int(label)))
        row = summary(tables[position], chosen, count, sizes[position])
        partial = _period_end(selection, by, int(label)) > last_vote
        rows.append({by: int(label), "partial_period": partial, **row})
    note = empty_note(matrix, mask, codes, len(rows), nobody)
    if rows and rows[-1]["partial_period"]:
        note = f"{by} {rows[-1][by]} is partial: the record's last vote is on {last_vote}"
    return {"a": code_a, "b": other, "by": by, "formula": chosen, "rows": rows, "note": note}


def distinct_pair(record: Record, a: str, b: str) -> tuple[str, str]:
    """The codes of ``a`` and ``b``, refusing one state twice (``USA``, ``usa``).

    Raises
    ------
    ValueError
        When both name the same member.
    """
    first, second = record.resolve_member(a), record.resolve_member(b)
    if first == second:
        names = "" if a == b == first else f" ({a}, {b})"
        raise ValueError(f"give two different states, not {first} twice{names}")
    return first, second


def empty_note(
    matrix: Any, mask: np.ndarray, codes: list[str], counted: int, others: str | None = None
) -> str | None:
    """Why nothing was counted (``None`` when something was): no roll call selected,
    a state not a member on any selected roll call, or no common day."""
    if counted:
        return None
    if not mask.any():
        return "no roll calls selected"
    codes = list(dict.fromkeys(codes))
    outside = [c for c in codes if not (matrix.votes[mask, matrix.column(c)] != 0).any()]
    if outside:
        verb = "was" if len(outside) == 1 else "were"
        return f"{' and '.join(outside)} {verb} not a member in this selection"
    if others is not None:
        return f"{others} shared a roll call with {codes[0]} in this selection"
    return f"{' and '.join(codes)} were never members on the same day in this selection"


def summary(
    table: np.ndarray, formula: Formula, count: ConsensusCount, members: float = 1.0
) -> Document:
    """The counts, coincidence and agreement indices of one 4 × 4 vote table (pooled
    over ``members`` states on average: the consensus count is credited to each)."""
    c = {k: int(v) for k, v in counts(table).items()}
    votes_only, _ = coincidence(table, "votes-only")
    credited = None if count.count is None else count.count * members
    value, with_consensus = coincidence(table, formula, credited)
    indices = agreement_indices(table)
    return {
        "roll_calls": c["roll_calls"],
        "identical": c["identical"],
        "opposite": c["opposite"],
        "abstentions": c["abstentions"],
        "absences": c["absences"],
        "partial": c["partial"],
        "both_abstain": c["both_abstain"],
        "coincidence_votes_only": _number(votes_only),
        "votes_only_roll_calls": c["identical"] + c["opposite"],
        "formula": formula,
        "coincidence": _number(value),
        "coincidence_with_consensus": _number(with_consensus),
        "consensus": count.document(),
        "agreement": _number(indices["agreement"]),
        "s_score": _number(indices["s_score"]),
        "kappa": _number(indices["kappa"]),
        "agreement_roll_calls": int(indices["n"]),
    }


def table_rows(tables: np.ndarray, formula: Formula, consensus: int | None) -> list[Document]:
    """One row per table (M, 4, 4): the report's columns, its printed percentages and
    the agreement indices, all computed on arrays before the rows are built."""
    columns = report_columns(tables, formula)
    value, with_consensus = coincidence(tables, formula, consensus)
    places = decimals(formula)
    shown, shown_with = printed_percent(value, places), printed_percent(with_consensus, places)
    indices = agreement_indices(tables)
    total = tables.sum((-1, -2))
    return [
        {
            **{name: int(column[m]) for name, column in columns.items()},
            "coincidence_pct": _number(shown[m], places),
            "with_consensus_pct": _number(shown_with[m], places),
            "coincidence": _number(value[m]),
            "coincidence_with_consensus": _number(with_consensus[m]),
            "roll_calls": int(total[m]),
            "agreement": _number(indices["agreement"][m]),
            "s_score": _number(indices["s_score"][m]),
            "kappa": _number(indices["kappa"][m]),
            "agreement_roll_calls": int(indices["n"][m]),
        }
        for m in range(len(tables))
    ]


def _group_votes(votes: np.ndarray, cells: np.ndarray, matrix: Any, code: str) -> np.ndarray:
    """The group members' cells (0 elsewhere), without the state itself."""
    inside = cells.copy()
    inside[:, matrix.column(code)] = False
    grouped: np.ndarray = np.where(inside, votes, 0).astype(np.int8)
    return grouped


def _group_size(
    tables: np.ndarray, own: np.ndarray, periods: np.ndarray | None = None, n_periods: int = 1
) -> np.ndarray:
    """Average number of group members per roll call on which the state was a member."""
    present = own != 0
    labels = np.zeros(len(own), dtype=np.int64) if periods is None else periods
    rows = np.bincount(labels[present], minlength=n_periods)
    with np.errstate(divide="ignore", invalid="ignore"):
        size: np.ndarray = np.where(rows > 0, tables.sum((-1, -2)) / rows, 0.0)
    return size


def _period_end(selection: Selection, by: Period, label: int) -> dt.date:
    """The last day of a trend's period, within the selection."""
    end = session_span(label)[1] if by == "session" else dt.date(label, 12, 31)
    if selection.report_year is not None:
        end = min(end, dt.date(selection.report_year, 12, 31))
    return min(end, selection.until) if selection.until else end


def _narrow(selection: Selection, by: Period, label: int) -> Selection:
    if by == "session":
        low, high = selection.sessions or (label, label)
        return dataclasses.replace(selection, sessions=(max(low, label), min(high, label)))
    since = max(selection.since or dt.date(label, 1, 1), dt.date(label, 1, 1))
    until = min(selection.until or dt.date(label, 12, 31), dt.date(label, 12, 31))
    return dataclasses.replace(selection, since=since, until=until)


def _formula(formula: Formula | None, selection: Selection, default: Formula) -> Formula:
    if formula is not None:
        return formula
    year = selection.report_year
    return report_formula(year) if year is not None else default


def _consensus(record: Record, selection: Selection, consensus: int | None) -> ConsensusCount:
    if consensus is not None:
        return given(consensus)
    return consensus_for(AdoptionIndex.of(record), selection)


def _name(record: Record, code: str) -> str:
    members = record.matrix().members
    return str(members.loc[members["code"] == code, "short_name"].iloc[0])


def _number(value: Any, places: int = 6) -> float | int | None:
    """A JSON number (``None`` for NaN); whole percentages as integers."""
    number = float(np.asarray(value))
    if math.isnan(number):
        return None
    return round(number) if places == 0 else round(number, places)
