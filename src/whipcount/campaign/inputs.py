"""Checking what a caller hands the campaign store, before anything is written.

Every function returns the value in its stored form (codes upper-case, positions in the
scale's spelling, goals lower-case) or raises :class:`~whipcount.errors.CampaignInputError`
with a message that names the field and the value.  The store calls these inside the
write transaction, so that bad input from any shell (CLI, sheet, web) changes nothing.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from collections.abc import Mapping, Sequence
from typing import Any

from whipcount.errors import CampaignInputError

__all__ = [
    "CAPACITY_PER",
    "GOAL_PATTERN",
    "MAJORITIES",
    "code",
    "day",
    "document",
    "goal",
    "name",
    "optional_day",
    "reach",
    "reliability",
    "snapshot",
    "strings",
    "text",
]

MAJORITIES = ("simple", "two-thirds")
CAPACITY_PER = ("total", "week")
#: fewer-yes | more-yes | adopt | defeat | yes-below:N | yes-above:N (N >= 0)
GOAL_PATTERN = re.compile(r"(fewer-yes|more-yes|adopt|defeat)|(yes-below|yes-above):(\d+)")
_CODE = re.compile(r"[A-Z]{3}")
_NAME_LENGTH = 200


def code(value: object, what: str) -> str:
    """A three-letter ISO 3166 alpha-3 code, upper-cased."""
    if isinstance(value, str) and _CODE.fullmatch(value.strip().upper()):
        return value.strip().upper()
    raise CampaignInputError(f"{what} must be a three-letter ISO3 code, not {value!r}")


def name(value: object, what: str) -> str:
    """A non-empty one-line name of at most 200 characters (a campaign, an actor)."""
    if not isinstance(value, str) or not value.strip():
        raise CampaignInputError(f"{what} must be a non-empty text, not {value!r}")
    cleaned = value.strip()
    if len(cleaned) > _NAME_LENGTH or "\n" in cleaned:
        raise CampaignInputError(f"{what} must be one line of at most {_NAME_LENGTH} characters")
    return cleaned


def campaign_name(value: object) -> str:
    """A new campaign's name: a :func:`name` without ``/`` or ``\\`` and not only dots,
    since the name is a part of the campaign's web address (``/campaigns/NAME/...``)."""
    cleaned = name(value, "campaign name")
    if "/" in cleaned or "\\" in cleaned or not cleaned.strip("."):
        raise CampaignInputError(
            f"campaign name {cleaned!r} may not contain / or \\ nor be only dots (it is "
            "part of the campaign's web address); use - instead"
        )
    return cleaned


def text(value: object, what: str) -> str:
    """Free text (may be empty)."""
    if not isinstance(value, str):
        raise CampaignInputError(f"{what} must be a text, not {value!r}")
    return value


def day(value: object, what: str) -> dt.date:
    """A calendar day (a ``datetime.date``, not a ``datetime``)."""
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    raise CampaignInputError(f"{what} must be a date, not {value!r}")


def optional_day(value: object, what: str) -> dt.date | None:
    return None if value is None else day(value, what)


def reliability(value: object) -> float:
    """A finite number in [0, 1]."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise CampaignInputError(f"reliability must be a number in [0, 1], not {value!r}")
    number = float(value)
    if not math.isfinite(number) or not 0.0 <= number <= 1.0:
        raise CampaignInputError(f"reliability must be in [0, 1], not {value!r}")
    return number


def goal(value: object) -> str:
    """A goal in the store's syntax (see :data:`GOAL_PATTERN`), lower-cased."""
    cleaned = value.strip().lower() if isinstance(value, str) else ""
    if not GOAL_PATTERN.fullmatch(cleaned):
        raise CampaignInputError(
            f"goal {value!r} is not one of: fewer-yes, more-yes, yes-below:N, yes-above:N, "
            "adopt, defeat (N a whole number of votes)"
        )
    return cleaned


def strings(value: object, what: str) -> list[str]:
    """A list of texts (sponsors, issue codes, roll-call ids)."""
    if isinstance(value, str) or not isinstance(value, Sequence):
        raise CampaignInputError(f"{what} must be a list of texts, not {value!r}")
    if not all(isinstance(item, str) for item in value):
        raise CampaignInputError(f"{what} must be a list of texts, not {list(value)!r}")
    return [str(item) for item in value]


def document(value: object, what: str) -> Any:
    """``value`` as strict JSON would hold it (no NaN, string keys), or a clear error."""
    try:
        return json.loads(json.dumps(value, allow_nan=False))
    except (TypeError, ValueError) as error:
        raise CampaignInputError(f"{what} is not a JSON document: {error}") from error


def snapshot(value: object) -> dict[str, Any]:
    """A snapshot document: a JSON object whose ``members`` lists distinct ISO3 codes."""
    if not isinstance(value, Mapping):
        raise CampaignInputError("the snapshot must be a JSON object")
    stored = document(value, "the snapshot")
    members = stored.get("members")
    if not isinstance(members, list) or not members:
        raise CampaignInputError("the snapshot must list its members (ISO3 codes)")
    codes = [code(member, "a snapshot member") for member in members]
    if len(set(codes)) != len(codes):
        raise CampaignInputError("the snapshot lists a member twice")
    stored["members"] = codes
    return dict(stored)


def reach(value: object, members: set[str]) -> dict[str, float | None]:
    """An argument's reach: member -> finite score, or None (NaN) where unknown."""
    if not isinstance(value, Mapping):
        raise CampaignInputError(f"reach must map members to numbers, not {value!r}")
    out: dict[str, float | None] = {}
    for key, score in value.items():
        member = code(key, "a reach member")
        if member not in members:
            raise CampaignInputError(f"reach names {member}, which is not a campaign member")
        if score is None or (isinstance(score, float) and math.isnan(score)):
            out[member] = None
        elif isinstance(score, int | float) and not isinstance(score, bool):
            if not math.isfinite(score):
                raise CampaignInputError(f"reach of {member} must be finite, not {score!r}")
            out[member] = float(score)
        else:
            raise CampaignInputError(f"reach of {member} must be a number, not {score!r}")
    return out
