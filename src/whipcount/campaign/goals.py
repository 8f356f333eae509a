"""A campaign's goal: what counts as success, and what one member's vote is worth toward it.

A goal is written as text (``fewer-yes``, ``more-yes``, ``yes-below:120``, ``yes-above:150``,
``adopt``, ``defeat``) and read by :meth:`Goal.parse`.  Against a simulated tally (draws x 4
counts of yes, no, abstain and absent; :mod:`whipcount.forecast.tally`) it says, draw by draw,
whether the goal is reached:

* ``fewer-yes``: yes < reference (the previous instance's yes count, or the forecast's median);
* ``more-yes``: yes > reference;
* ``yes-below:N``: yes < N; ``yes-above:N``: yes > N;
* ``adopt`` / ``defeat``: adopted / not adopted under the majority (simple or two-thirds,
  :func:`whipcount.forecast.tally.adopted`).

Each class ``k`` of one member's vote has a score ``g_k`` toward the goal (:attr:`Goal.scores`):
for the count goals 1 for the classes that count toward it and 0 otherwise; for ``defeat``
yes 0, abstain and absent 1, no 2, and for ``adopt`` no 0, abstain and absent 1, yes 2 (the
yes-minus-no margin, in which a change from yes to no counts twice).  The expected value
of a member with probabilities ``p`` is ``p @ g``, and the gain of a démarche is the change
of that value.

A successful démarche moves a member one step along the line yes - abstain - no toward the
goal (:meth:`Goal.moved`); absence is left as it is, since a démarche is about the vote and
not the attendance.  For ``fewer-yes`` and ``yes-below`` the probability of yes moves to
abstain (no already counts, abstain is the usual ask); for ``defeat`` yes moves to abstain
and abstain to no; for ``adopt``, ``more-yes`` and ``yes-above`` no moves to abstain and
abstain to yes.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from whipcount.campaign.scale import CLASSES
from whipcount.errors import CampaignInputError
from whipcount.forecast.tally import MAJORITIES, adopted

__all__ = ["GOAL_KINDS", "Goal"]

GOAL_KINDS: tuple[str, ...] = ("fewer-yes", "more-yes", "yes-below", "yes-above", "adopt", "defeat")

_WITH_THRESHOLD = ("yes-below", "yes-above")
_WITH_REFERENCE = ("fewer-yes", "more-yes")
_YES, _NO, _ABSTAIN = (CLASSES.index(c) for c in ("yes", "no", "abstain"))

_SCORES: dict[str, tuple[float, float, float, float]] = {  # over CLASSES: yes, no, abstain, absent
    "fewer-yes": (0.0, 1.0, 1.0, 1.0),
    "yes-below": (0.0, 1.0, 1.0, 1.0),
    "more-yes": (1.0, 0.0, 0.0, 0.0),
    "yes-above": (1.0, 0.0, 0.0, 0.0),
    "defeat": (0.0, 2.0, 1.0, 1.0),
    "adopt": (2.0, 0.0, 1.0, 1.0),
}
_ASK = {
    "fewer-yes": "abstain",
    "yes-below": "abstain",
    "defeat": "no",
    "adopt": "yes",
    "more-yes": "yes",
    "yes-above": "yes",
}
_MAJORITY_TEXT = {
    "simple": "a simple majority of the members present and voting",
    "two-thirds": "a two-thirds majority of the members present and voting",
}


@dataclass(frozen=True)
class Goal:
    """A campaign's goal (see the module docstring).

    Parameters
    ----------
    kind : str
        One of :data:`GOAL_KINDS`.
    threshold : int, optional
        ``N`` of ``yes-below:N`` and ``yes-above:N`` (required there, refused elsewhere).
    majority : str
        ``"simple"`` or ``"two-thirds"``: the adoption rule of ``adopt`` and ``defeat``.
    reference : int, optional
        The yes count that ``fewer-yes`` and ``more-yes`` compare with (the previous
        instance's); the caller passes the forecast's median when there is none.
    """

    kind: str
    threshold: int | None = None
    majority: str = "simple"
    reference: int | None = None

    def __post_init__(self) -> None:
        if self.kind not in GOAL_KINDS:
            raise CampaignInputError(
                f"{self.kind!r} is not a goal; use one of: {', '.join(GOAL_KINDS)} "
                "(yes-below and yes-above take a number, e.g. yes-below:120)"
            )
        if self.kind in _WITH_THRESHOLD and (self.threshold is None or self.threshold < 0):
            raise CampaignInputError(
                f"goal {self.kind} needs a number of votes, e.g. {self.kind}:120"
            )
        if self.kind not in _WITH_THRESHOLD and self.threshold is not None:
            raise CampaignInputError(f"goal {self.kind} takes no number")
        if self.majority not in MAJORITIES:
            raise CampaignInputError(
                f"{self.majority!r} is not a majority; use one of: {', '.join(MAJORITIES)}"
            )
        if self.reference is not None and self.reference < 0:
            raise CampaignInputError(f"the reference yes count must be >= 0, not {self.reference}")

    @classmethod
    def parse(cls, text: str, *, majority: str = "simple", reference: int | None = None) -> Goal:
        """The goal written as ``text`` (``fewer-yes``, ``yes-below:120``, ``adopt`` ...).

        Raises
        ------
        CampaignInputError
            When the text names no goal, or the number is missing, negative or not wanted.
        """
        kind, sep, number = text.strip().lower().replace("_", "-").replace(" ", "-").partition(":")
        threshold: int | None = None
        if sep:
            try:
                threshold = int(number.strip())
            except ValueError:
                raise CampaignInputError(
                    f"goal {text!r}: {number.strip()!r} is not a whole number of votes"
                ) from None
        return cls(kind, threshold, majority, reference)

    def __str__(self) -> str:
        return self.kind if self.threshold is None else f"{self.kind}:{self.threshold}"

    def with_reference(self, reference: int) -> Goal:
        """The same goal comparing with ``reference`` yes votes (``fewer-yes``, ``more-yes``)."""
        return replace(self, reference=int(reference))

    @property
    def needs_reference(self) -> bool:
        """True for ``fewer-yes`` and ``more-yes`` without a reference yet."""
        return self.kind in _WITH_REFERENCE and self.reference is None

    def reached(self, tallies: np.ndarray) -> np.ndarray:
        """Boolean per draw: the goal is reached by that tally (``tallies``: draws x 4)."""
        tallies = np.asarray(tallies)
        yes = tallies[:, _YES]
        if self.kind in _WITH_REFERENCE:
            if self.reference is None:
                raise CampaignInputError(
                    f"goal {self.kind} needs a reference yes count (the previous instance's "
                    "or the forecast's median): use Goal.with_reference"
                )
            result: np.ndarray = (
                yes < self.reference if self.kind == "fewer-yes" else (yes > self.reference)
            )
        elif self.kind == "yes-below":
            result = yes < self.threshold
        elif self.kind == "yes-above":
            result = yes > self.threshold
        else:
            passed = adopted(tallies, self.majority)
            result = passed if self.kind == "adopt" else ~passed
        return result

    def p_goal(self, tallies: np.ndarray) -> float:
        """The share of draws in which the goal is reached."""
        return float(np.mean(self.reached(tallies)))

    def moves_needed(self, tallies: np.ndarray) -> np.ndarray:
        """The fewest members whose moves to the ask could reach the goal, per draw.

        One member's move changes the yes count by at most 1, the margin ``yes - no`` by
        at most 2 and ``yes - 2 no`` (the two-thirds rule) by at most 3, so no set smaller
        than this reaches the goal in that draw: a lower bound for :func:`what_it_takes
        <whipcount.campaign.scenarios.what_it_takes>`.
        """
        tallies = np.asarray(tallies, dtype=np.int64)
        yes, no = tallies[:, _YES], tallies[:, _NO]
        if self.kind in _WITH_REFERENCE and self.reference is None:
            self.reached(tallies)  # raises the error that names the missing reference
        if self.kind in ("fewer-yes", "yes-below"):
            bound = self.reference if self.kind == "fewer-yes" else self.threshold
            need = yes - (int(bound or 0) - 1)
        elif self.kind in ("more-yes", "yes-above"):
            bound = self.reference if self.kind == "more-yes" else self.threshold
            need = int(bound or 0) + 1 - yes
        elif self.majority == "simple":
            margin = yes - no
            need = -((margin - 1) // 2) if self.kind == "adopt" else (margin + 1) // 2
        elif self.kind == "adopt":  # yes >= 2 no and yes > 0
            need = np.maximum(-((yes - 2 * no) // 3), (yes == 0).astype(np.int64))
        else:  # defeat: yes < 2 no, or yes == 0
            need = np.where(yes == 0, 0, (yes - 2 * no + 3) // 3)
        return np.asarray(np.maximum(need, 0))

    @property
    def scores(self) -> np.ndarray:
        """``g_k``: the value of one member's vote of class ``k`` (over ``CLASSES``)."""
        return np.array(_SCORES[self.kind])

    @property
    def ask(self) -> str:
        """The vote asked of members: ``abstain``, ``no`` or ``yes``."""
        return _ASK[self.kind]

    @property
    def unit(self) -> str:
        """What the scores count: ``votes`` or ``votes of margin`` (adopt and defeat)."""
        return "votes of margin" if self.kind in ("adopt", "defeat") else "votes"

    def moved(self, p: np.ndarray) -> np.ndarray:
        """Each member's distribution after a successful démarche (members x 4).

        One step toward the goal on the line yes - abstain - no; absence stays (see the
        module docstring).  Rows keep summing to 1.
        """
        p = np.asarray(p, dtype=float)
        out = p.copy()
        yes, no, abstain = p[..., _YES], p[..., _NO], p[..., _ABSTAIN]
        if self.ask == "abstain":  # fewer-yes, yes-below: yes -> abstain
            out[..., _YES] = 0.0
            out[..., _ABSTAIN] = abstain + yes
        elif self.ask == "no":  # defeat: yes -> abstain, abstain -> no
            out[..., _YES] = 0.0
            out[..., _ABSTAIN] = yes
            out[..., _NO] = no + abstain
        else:  # adopt, more-yes, yes-above: no -> abstain, abstain -> yes
            out[..., _NO] = 0.0
            out[..., _ABSTAIN] = no
            out[..., _YES] = yes + abstain
        return out

    def movable(self, p: np.ndarray) -> np.ndarray:
        """The share of each member's vote that a successful démarche changes (members,).

        The probability that the one step of :meth:`moved` changes the vote: P(yes) when the
        ask is abstain, P(yes) + P(abstain) for ``defeat``, P(no) + P(abstain) when the ask is
        yes.  A member already at the ask (or absent) has nothing to move: its bloc partners
        have no move of its to follow (:mod:`whipcount.campaign.plan_search`).
        """
        p = np.asarray(p, dtype=float)
        yes, no, abstain = p[..., _YES], p[..., _NO], p[..., _ABSTAIN]
        if self.ask == "abstain":
            return np.asarray(yes.copy())
        if self.ask == "no":
            return np.asarray(yes + abstain)
        return np.asarray(no + abstain)

    def describe(self) -> str:
        """The goal in words: ``fewer than 187 yes votes``, ``the resolution defeated`` ..."""
        if self.kind == "fewer-yes":
            if self.reference is None:
                return "fewer yes votes than at the previous instance"
            return f"fewer than {self.reference} yes votes"
        if self.kind == "more-yes":
            if self.reference is None:
                return "more yes votes than at the previous instance"
            return f"more than {self.reference} yes votes"
        if self.kind == "yes-below":
            return f"fewer than {self.threshold} yes votes"
        if self.kind == "yes-above":
            return f"more than {self.threshold} yes votes"
        verb = "adopted" if self.kind == "adopt" else "defeated"
        return f"the resolution {verb} (it needs {_MAJORITY_TEXT[self.majority]})"
