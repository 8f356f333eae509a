"""Voting coincidence, as the US State Department's "Voting Practices in the United Nations"
computes it, formula by formula.

Every measure starts from one 4 × 4 table per pair of states (:func:`contingency`):
how often state *a* voted yes / abstain / no / absent while *b* did each, over the
selected roll calls on which both were members.  Write I (identical: both yes or both
no), O (opposite: one yes, the other no), B (both abstained), P (partial: exactly one
abstained, neither absent), X (absent: either did not vote), N = I + O + B + P + X, and
S = I + B ("same").  C is the number of consensus resolutions in the period
(:mod:`whipcount.measures.consensus`).  The formulas, by name:

``votes-only`` and ``state-2016`` (reports up to 2016; 2016 report pp. 4–5, 29–30)
    coincidence = I / (I + O): "the number of identical votes [divided] by the total
    of identical plus opposite votes"; abstentions and absences are left out.  Including
    consensus, the report "credits to each country a portion of the [C] consensus
    resolutions based on its participation in the [N] recorded Plenary votes": the
    country's own participation p = (N − X_b) / N, X_b the absences of the country (the
    second state, *b*; the first, *a*, is the United States in the report), whatever
    *a* did:  (I + C·p) / (I + O + C·p).  This figure is therefore not symmetric in
    *a* and *b*.  The report's table counts I, O, the country's abstentions and
    absences over the votes where the US voted yes or no.
``state-2017`` (reports 2017–2020; 2019 report pp. 9–10, 2020 report pp. 9–11)
    (S + P/2) / (S + O + P): same = 1 point, partial = ½, opposite = 0, absences
    excluded; including consensus (S + P/2 + C) / (S + O + P + C).
``state-2021`` (2021 report pp. 8–10)
    non-votes are scored as abstentions (two of them count as "same"):
    (S' + P'/2) / N with S', P' counted after recoding absent as abstain; including
    consensus (S' + P'/2 + C) / (N + C).  The printed counts show the country's own
    absences as "absent" and every other non-identical, non-opposite vote as partial.
``state-2022`` (reports from 2022; 2022 report pp. 13–17, 2023 report pp. 14–18)
    each absence counts half: (S + P/2 + X/2) / N; including consensus
    (S + P/2 + X/2 + C) / (N + C).

The report prints whole percentages from 2017 (one decimal before), rounded half up
(:func:`printed_percent`).  All functions work on arrays of tables at once: a table of
one state against every member is a few array operations on the VoteMatrix.
"""

from __future__ import annotations

from typing import Literal

import numpy as np

from whipcount.measures.selection import LAST_FALL_SESSION_REPORT

Formula = Literal["votes-only", "state-2016", "state-2017", "state-2021", "state-2022"]
FORMULAS: tuple[Formula, ...] = (
    "votes-only",
    "state-2016",
    "state-2017",
    "state-2021",
    "state-2022",
)
YES, ABSTAIN, NO, ABSENT = range(4)

# matrix cell (0 not a member, 1 yes, 2 abstain, 3 no, 8 absent) → category (-1: skip)
_CATEGORY = np.full(256, -1, dtype=np.int64)
_CATEGORY[[1, 2, 3, 8]] = [YES, ABSTAIN, NO, ABSENT]


def report_formula(year: int) -> Formula:
    """The formula the State Department's report for ``year`` used."""
    if year <= LAST_FALL_SESSION_REPORT:
        return "state-2016"
    if year <= 2020:
        return "state-2017"
    return "state-2021" if year == 2021 else "state-2022"


def contingency(
    a: np.ndarray, b: np.ndarray, periods: np.ndarray | None = None, n_periods: int = 1
) -> np.ndarray:
    """Vote tables of ``a`` against each column of ``b``, by period.

    Parameters
    ----------
    a : int8 array (R,)
        One state's matrix cells on R roll calls.
    b : int8 array (R, M)
        M states' cells on the same roll calls (0 where a state was not a member,
        or is to be left out).
    periods : int array (R,), optional
        Each roll call's period index in ``0..n_periods-1``.

    Returns
    -------
    int64 array (n_periods, M, 4, 4)
        Counts of (a's vote, b's vote), categories yes, abstain, no, absent; roll
        calls on which either was not a member are not counted.
    """
    rows, columns = b.shape
    ca = _CATEGORY[a.astype(np.uint8)][:, None]
    cb = _CATEGORY[b.astype(np.uint8)]
    period = np.zeros(rows, dtype=np.int64) if periods is None else periods.astype(np.int64)
    key = ((period[:, None] * columns + np.arange(columns)) * 16) + ca * 4 + cb
    valid = (ca >= 0) & (cb >= 0)
    counts = np.bincount(key[valid], minlength=n_periods * columns * 16)
    return counts.reshape(n_periods, columns, 4, 4)


def counts(tables: np.ndarray) -> dict[str, np.ndarray]:
    """The symmetric counts of vote tables (…, 4, 4), as arrays of shape (…)."""
    t = tables
    identical = t[..., YES, YES] + t[..., NO, NO]
    opposite = t[..., YES, NO] + t[..., NO, YES]
    both_abstain = t[..., ABSTAIN, ABSTAIN]
    partial = t[..., ABSTAIN, [YES, NO]].sum(-1) + t[..., [YES, NO], ABSTAIN].sum(-1)
    total = t.sum((-1, -2))
    absences = total - identical - opposite - both_abstain - partial
    return {
        "roll_calls": total,
        "identical": identical,
        "opposite": opposite,
        "abstentions": both_abstain + partial,
        "absences": absences,
        "both_abstain": both_abstain,
        "partial": partial,
    }


def _ratio(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        result: np.ndarray = np.where(denominator > 0, numerator / denominator, np.nan)
    return result


def coincidence(
    tables: np.ndarray, formula: Formula, consensus: float | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Coincidence under ``formula`` and including ``consensus`` resolutions (NaN where
    undefined; the second array is all NaN when ``consensus`` is None).  For
    ``votes-only`` and ``state-2016`` the consensus share follows the participation of
    *b*, the country (the tables' second state), as the 2016 report credits it."""
    c = counts(tables)
    n = c["roll_calls"].astype(float)
    same = (c["identical"] + c["both_abstain"]).astype(float)
    cc = np.nan if consensus is None else float(consensus)
    if formula in ("votes-only", "state-2016"):
        share = cc * _ratio(n - tables[..., :, ABSENT].sum(-1), n)  # b's own participation
        identical = c["identical"].astype(float)
        opposite = c["opposite"].astype(float)
        return (
            _ratio(identical, identical + opposite),
            _ratio(identical + share, identical + opposite + share),
        )
    if formula == "state-2017":
        points = same + c["partial"] / 2
        voted = same + c["opposite"] + c["partial"]
        return _ratio(points, voted), _ratio(points + cc, voted + cc)
    if formula == "state-2021":
        merged = _absent_as_abstain(tables)
        m = counts(merged)
        points = m["identical"] + m["both_abstain"] + m["partial"] / 2
    else:
        points = same + c["partial"] / 2 + c["absences"] / 2
    return _ratio(points, n), _ratio(points + cc, n + cc)


def _absent_as_abstain(tables: np.ndarray) -> np.ndarray:
    merged = tables.copy()
    merged[..., ABSTAIN, :] += merged[..., ABSENT, :]
    merged[..., ABSENT, :] = 0
    merged[..., :, ABSTAIN] += merged[..., :, ABSENT]
    merged[..., :, ABSENT] = 0
    return merged


def report_columns(tables: np.ndarray, formula: Formula) -> dict[str, np.ndarray]:
    """The counts the report prints beside each country, for ``formula`` (a = the US).

    ``votes-only``/``state-2016``: identical, opposite, abstentions (the country's) and
    absences (the country's), over the votes where the US voted yes or no.
    ``state-2017``/``state-2022``: same, opposite, partial, absent (either).
    ``state-2021``: same, opposite, partial, absent (the country's).
    """
    t = tables
    c = counts(t)
    if formula in ("votes-only", "state-2016"):
        return {
            "identical": c["identical"],
            "opposite": c["opposite"],
            "abstentions": t[..., [YES, NO], ABSTAIN].sum(-1),
            "absences": t[..., [YES, NO], ABSENT].sum(-1),
        }
    same = c["identical"] + c["both_abstain"]
    absent = t[..., :, ABSENT].sum(-1) if formula == "state-2021" else c["absences"]
    return {
        "same": same,
        "opposite": c["opposite"],
        "partial": c["roll_calls"] - same - c["opposite"] - absent,
        "absent": absent,
    }


def decimals(formula: Formula) -> int:
    """Decimals of the printed percentage: one up to 2016, none after."""
    return 1 if formula in ("votes-only", "state-2016") else 0


def printed_percent(fraction: np.ndarray, places: int) -> np.ndarray:
    """Percentages rounded half up to ``places`` decimals, as the report prints them
    (a tolerance of 1e-9 keeps exact halves such as 62.5 from floating below)."""
    scale = 10.0**places
    rounded: np.ndarray = np.floor(np.asarray(fraction) * 100 * scale + 0.5 + 1e-9) / scale
    return rounded
