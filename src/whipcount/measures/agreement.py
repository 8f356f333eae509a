"""Agreement indices of two states' votes: Voeten's agreement, the S-score and Häge's κ.

All three are computed from the vote tables of :func:`~whipcount.measures.coincidence.
contingency`, over the n roll calls on which both states cast a vote (absences, and
days when either was not a member, are left out).  Votes are scored on Voeten's scale
v = 1 (yes), ½ (abstain), 0 (no):

Agreement (the "agree" index of Voeten, Strezhnev & Bailey, "United Nations General
Assembly Voting Data", Harvard Dataverse, hdl:1902.1/12379, agreement-scores codebook)
    A = 1 − (1/n) Σₜ |v_at − v_bt|: 1 for the same vote, ½ when one abstains and the
    other votes yes or no, 0 for opposite votes.

S-score (Signorino & Ritter 1999, "Tau-b or Not Tau-b: Measuring the Similarity of
Foreign Policy Positions", *International Studies Quarterly* 43(1), 115–144;
unweighted, absolute distances, the ordinal yes/abstain/no coding)
    S = 1 − 2·d / d_max with d = (1/n) Σₜ |v_at − v_bt| and d_max = 1, the largest
    distance on the scale; S runs from −1 to 1 and here equals 2A − 1.

κ (Häge 2011, "Choice or Circumstance? Adjusting Measures of Foreign Policy Similarity
for Chance Agreement", *Political Analysis* 19(3), 287–305: Cohen's κ as a ratio of
disagreements, κ = 1 − D_o / D_e, here with squared distances on Voeten's scale)
    D_o = (1/n) Σₜ (v_at − v_bt)², the observed mean squared distance;
    D_e = (1/n²) Σₜ Σₛ (v_at − v_bs)², the mean squared distance if each state voted
    independently with its own marginal distribution of yes, abstain and no;
    D_e = var_a + var_b + (mean_a − mean_b)² (population moments, divisor n).  In the
    code both are multiplied by n: κ = 1 − Σₜ (v_at − v_bt)² / (Σₜ v_at² + Σₜ v_bt²
    − (2/n)(Σₜ v_at)(Σₜ v_bt)).  This is exactly Cohen's weighted κ (Cohen 1968,
    *Psychological Bulletin* 70(4), 213–220) of the 3 × 3 yes/abstain/no table with
    quadratic weights (v_i − v_j)², and it equals Lin's concordance correlation
    (Lin 1989, *Biometrics* 45(1), 255–268), 2·cov_ab / (var_a + var_b +
    (mean_a − mean_b)²) with divisor-n moments, because D_o = var_a + var_b − 2·cov_ab
    + (mean_a − mean_b)².  κ ≤ 1; 0 is chance agreement.  It is undefined (``None``)
    when D_e = 0, that is when both states cast one and the same vote on every roll
    call.  κ does not change under a linear rescaling of the votes, so the 1/2/3
    coding gives the same value.
"""

from __future__ import annotations

import numpy as np

from whipcount.measures.coincidence import ABSTAIN, NO, YES

#: Voeten's scores of yes, abstain, no.
SCORES = np.array([1.0, 0.5, 0.0])
_VOTED = [YES, ABSTAIN, NO]
_DISTANCE = np.abs(SCORES[:, None] - SCORES[None, :])


def agreement_indices(tables: np.ndarray) -> dict[str, np.ndarray]:
    """Agreement, S and κ of vote tables (…, 4, 4), with n, as arrays of shape (…).

    Values are NaN where no roll call has votes of both (n = 0), and κ where D_e = 0.
    """
    voted = tables[..., _VOTED, :][..., _VOTED].astype(float)
    n = voted.sum((-1, -2))
    with np.errstate(divide="ignore", invalid="ignore"):
        distance = np.einsum("...ij,ij->...", voted, _DISTANCE) / n
        agreement = 1.0 - distance
        s_score = 1.0 - 2.0 * distance / _DISTANCE.max()
        kappa = _kappa(voted, n)
    return {"n": n.astype(np.int64), "agreement": agreement, "s_score": s_score, "kappa": kappa}


def _kappa(voted: np.ndarray, n: np.ndarray) -> np.ndarray:
    observed = np.einsum("...ij,ij->...", voted, _DISTANCE**2)
    rows, columns = voted.sum(-1), voted.sum(-2)
    sum_a, sum_b = rows @ SCORES, columns @ SCORES
    expected = rows @ SCORES**2 + columns @ SCORES**2 - 2.0 * sum_a * sum_b / n
    expected = np.where(np.abs(expected) < 1e-12, 0.0, expected)
    kappa: np.ndarray = np.where(expected > 0, 1.0 - observed / expected, np.nan)
    return kappa
