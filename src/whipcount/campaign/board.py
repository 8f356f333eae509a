"""The whip board: the forecast, updated by every field report, and its tally.

``p_now`` is each member's forecast updated by the reports so far
(:func:`whipcount.campaign.updating.update`: only each source's latest report, weighted
by its reliability and its age on the campaign's day, :mod:`whipcount.campaign.calendar`);
the tally is re-simulated from ``p_now`` with the forecast's own correlated model (the copula of
:mod:`whipcount.forecast.tally`, with the forecast's groups and correlations).  Every
simulation of a campaign draws from the same seed, so that the board, the plan and the
scenarios differ only by what they change (common random numbers).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import numpy as np

from whipcount.campaign.calendar import campaign_day, demarches_left
from whipcount.campaign.goals import Goal
from whipcount.campaign.repository import Campaign, Contact, MemberState, Report
from whipcount.campaign.snapshot import Snapshot
from whipcount.campaign.updating import Evidence, update
from whipcount.forecast.data import CLASSES
from whipcount.forecast.tally import adopted, counts, simulate, summary

#: the seed of every simulation of a campaign (common random numbers)
SEED = 20261130
DRAWS = 4000


def rng() -> np.random.Generator:
    return np.random.default_rng(SEED)


def probabilities(row: np.ndarray) -> dict[str, float]:
    return {c: round(float(v), 4) for c, v in zip(CLASSES, row, strict=True)}


@dataclass(frozen=True)
class Board:
    """A campaign's current count (see the module docstring)."""

    campaign: Campaign
    snapshot: Snapshot
    goal: Goal
    p_now: np.ndarray  # members x 4
    latest: dict[str, Report]  # the latest report per member
    states: dict[str, MemberState]
    tallies: np.ndarray  # draws x 4
    day: dt.date  # the campaign's day: reports are weighed by their age on it
    reports: list[Report]  # every report, in the order entered
    contacts: list[Contact]  # every contact, in the order entered

    @classmethod
    def build(
        cls,
        campaign: Campaign,
        reports: list[Report],
        states: dict[str, MemberState],
        *,
        contacts: list[Contact],
    ) -> Board:
        """The board of ``campaign`` on its day (:mod:`whipcount.campaign.calendar`)."""
        day = campaign_day(campaign, reports, contacts)
        snapshot = Snapshot(campaign.snapshot)
        goal = goal_of(campaign, snapshot)
        evidence = [
            Evidence(
                iso3=r.iso3,
                position=r.position,
                reliability=r.reliability,
                reported_on=r.reported_on,
                source=r.source,
            )
            for r in reports
        ]
        p_now = update(snapshot.p, snapshot.members, evidence, day=day)
        latest: dict[str, Report] = {}
        for report in sorted(reports, key=lambda r: (r.reported_on, r.id)):
            latest[report.iso3] = report
        tallies = counts(simulate(p_now, snapshot.groups, snapshot.correlation, rng(), DRAWS))
        return cls(campaign, snapshot, goal, p_now, latest, states, tallies, day, reports, contacts)

    @property
    def demarches_left(self) -> int:
        """Démarches the plan may still use (:mod:`whipcount.campaign.calendar`)."""
        return demarches_left(self.campaign, self.contacts, self.day)

    @property
    def p_goal(self) -> float:
        return self.goal.p_goal(self.tallies)

    @property
    def p_adopted(self) -> float:
        return float(np.mean(adopted(self.tallies, self.campaign.majority)))

    def header(self) -> dict[str, Any]:
        """The campaign's identity, shared by every campaign document."""
        c = self.campaign
        return {
            "campaign": c.name,
            "target": {
                k: self.snapshot.target.get(k) for k in ("series", "session", "title", "date")
            },
            "lobbyist": c.lobbyist,
            "goal": c.goal,
            "goal_text": self.goal.describe(),
            "ask": self.goal.ask,
            "majority": c.majority,
            "vote_date": c.vote_date.isoformat(),
            "as_of": self.snapshot.as_of.isoformat(),
            "day": self.day.isoformat(),
        }

    def member_row(self, i: int) -> dict[str, Any]:
        code = self.snapshot.members[i]
        state = self.states.get(code)
        report = self.latest.get(code)
        return {
            "iso3": code,
            "name": self.snapshot.name(code),
            "post": state.post if state else code,
            "version": state.version if state else 1,
            "forecast": probabilities(self.snapshot.p[i]),
            "p_now": probabilities(self.p_now[i]),
            "call": CLASSES[int(np.argmax(self.p_now[i]))],
            "position": report.position if report else None,
            "source": report.source if report else None,
            "reliability": report.reliability if report else None,
            "reported_on": report.reported_on.isoformat() if report else None,
            "reporter": report.reporter if report else None,
            "note": state.note if state else "",
        }

    def document(self) -> dict[str, Any]:
        """What ``whipcount campaign board --json`` prints (``docs/JSON.md``)."""
        return {
            **self.header(),
            "tally": summary(self.tallies),
            "p_goal": round(self.p_goal, 4),
            "p_adopted": round(self.p_adopted, 4),
            "reported_members": len(self.latest),
            "members": [self.member_row(i) for i in range(len(self.snapshot.members))],
        }


def goal_of(campaign: Campaign, snapshot: Snapshot) -> Goal:
    return Goal.parse(campaign.goal, majority=campaign.majority, reference=snapshot.reference_yes)
