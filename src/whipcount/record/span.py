"""Spans of regular sessions as users write them: ``79`` or ``70-79``.

One parser for the shells (the CLI's ``--sessions`` and the API's ``sessions`` query
parameter), so that both accept and refuse the same text with the same message.
"""

from __future__ import annotations


def parse_sessions(text: str) -> tuple[int, int]:
    """The first and last session of ``text`` (``"79"`` or ``"70-79"``).

    Parameters
    ----------
    text
        One regular session number, or two joined by a hyphen.

    Returns
    -------
    tuple of int
        ``(first, last)``, both included; ``(79, 79)`` for ``"79"``.

    Raises
    ------
    ValueError
        When ``text`` is not a session or a range, or the range runs backwards.
    """
    low, _, high = text.partition("-")
    try:
        span = (int(low), int(high or low))
    except ValueError as error:
        raise ValueError("give a session or a range such as 70-79") from error
    if span[0] > span[1]:
        raise ValueError("the range runs backwards")
    return span
