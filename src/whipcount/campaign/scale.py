"""The vocabularies of a campaign: assessed positions, contact levels and channels.

A field report places a government on the eight-point ``POSITIONS`` scale; a forecast
speaks of the four ``CLASSES`` of a recorded vote (yes, no, abstain, absent).  Contacts
are described by a ``LEVELS`` entry (who was met) and a ``CHANNELS`` entry (how).
Inputs are matched case-insensitively, with ``_`` or ``-`` accepted for spaces.
"""

from __future__ import annotations

from whipcount.errors import CampaignInputError
from whipcount.forecast.data import CLASSES

__all__ = [
    "CHANNELS",
    "CLASSES",
    "LEVELS",
    "POSITIONS",
    "parse_channel",
    "parse_level",
    "parse_position",
]

POSITIONS: tuple[str, ...] = (
    "yes",
    "lean yes",
    "undecided",
    "lean abstain",
    "abstain",
    "lean no",
    "no",
    "absent",
)

LEVELS: tuple[str, ...] = (
    "head of state or government",
    "minister",
    "ambassador in new york",
    "capital official",
    "expert",
)

CHANNELS: tuple[str, ...] = (
    "demarche in the capital",
    "new york mission",
    "call",
    "letter",
    "joint demarche",
)

_LEVEL_ALIASES = {
    "head": LEVELS[0],
    "hos": LEVELS[0],
    "ambassador": LEVELS[2],
    "official": LEVELS[3],
}
_CHANNEL_ALIASES = {
    "capital": CHANNELS[0],
    "demarche": CHANNELS[0],
    "démarche": CHANNELS[0],
    "mission": CHANNELS[1],
    "joint": CHANNELS[4],
}


def _normal(text: str) -> str:
    return " ".join(text.strip().lower().replace("_", " ").replace("-", " ").split()).replace(
        "é", "e"
    )


def _parse(text: str, allowed: tuple[str, ...], aliases: dict[str, str], what: str) -> str:
    key = _normal(text)
    if key in allowed:
        return key
    if key in aliases:
        return aliases[key]
    raise CampaignInputError(f"{text!r} is not a {what}; use one of: {', '.join(allowed)}")


def parse_position(text: str) -> str:
    """The scale's spelling of ``text`` (``lean-no`` -> ``lean no``), or a clear error."""
    return _parse(text, POSITIONS, {}, "position on the scale")


def parse_level(text: str) -> str:
    """A contact level (``minister``, ``ambassador`` ...), or a clear error."""
    return _parse(text, LEVELS, _LEVEL_ALIASES, "contact level")


def parse_channel(text: str) -> str:
    """A contact channel (``call``, ``capital`` ...), or a clear error."""
    return _parse(text, CHANNELS, _CHANNEL_ALIASES, "contact channel")
