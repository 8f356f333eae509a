"""Document symbols: resolutions, drafts and session labels.

The sources write resolution symbols differently: Voeten uses ``R/47/19`` for
``A/RES/47/19``; the UN writes ``A/RES/ES-11/1`` for emergency special sessions and
``A/RES/S-32/1`` for special sessions.  :func:`canonical_symbol` maps every spelling
whose meaning is certain to the UN's own form and leaves the rest as given (Voeten's
symbols before the 31st session, when the UN numbered resolutions serially, are not
UN symbols and are kept verbatim).
"""

from __future__ import annotations

import re

from whipcount.record.codes import SessionKind

_SPACES = re.compile(r"\s+")
_VOETEN_MODERN = re.compile(r"^R/(\d+)/(\d+)\s*([A-Z]{0,2})$")
_UN_RES = re.compile(
    r"^A/RES/((?:ES-|S-)?\d+)/(\d+)\s*([A-Z]{1,2}(?:-[A-Z]{1,2})?)?$", re.IGNORECASE
)
_SESSION_LABEL = re.compile(r"^(ES-|S-)?(\d+)$", re.IGNORECASE)


def clean_symbol(symbol: str | None) -> str | None:
    """Trim and collapse whitespace; ``None`` for an empty symbol."""
    if symbol is None:
        return None
    text = _SPACES.sub(" ", str(symbol)).strip()
    return text or None


def canonical_symbol(symbol: str | None) -> str | None:
    """The UN form of a resolution symbol where it is certain, else the cleaned input.

    >>> canonical_symbol("R/47/19")
    'A/RES/47/19'
    >>> canonical_symbol("A/RES/75/290 A")
    'A/RES/75/290 A'
    >>> canonical_symbol("R/14/746B")
    'R/14/746B'
    """
    text = clean_symbol(symbol)
    if text is None:
        return None
    match = _VOETEN_MODERN.match(text)
    if match and int(match.group(1)) >= 31:
        session, number, part = match.groups()
        return f"A/RES/{session}/{number}" + (f" {part}" if part else "")
    match = _UN_RES.match(text)
    if match:
        session, number, part = match.groups()
        return f"A/RES/{session.upper()}/{number}" + (f" {part.upper()}" if part else "")
    return text


def symbol_session(symbol: str | None) -> tuple[SessionKind, str] | None:
    """The kind and label of the session that a UN symbol belongs to.

    >>> symbol_session("A/RES/ES-11/1")
    (<SessionKind.EMERGENCY: 'emergency'>, 'ES-11')
    >>> symbol_session("A/RES/79/7")
    (<SessionKind.REGULAR: 'regular'>, '79')
    """
    text = clean_symbol(symbol)
    if text is None:
        return None
    parts = text.split("/")
    if len(parts) < 3 or parts[0].upper() != "A":
        return None
    return parse_session_label(parts[2])


def parse_session_label(label: str) -> tuple[SessionKind, str] | None:
    """``"ES-10"`` → emergency, ``"S-32"`` → special, ``"79"`` → regular."""
    match = _SESSION_LABEL.match(label.strip())
    if not match:
        return None
    prefix, number = match.groups()
    if prefix is None:
        return SessionKind.REGULAR, str(int(number))
    kind = SessionKind.EMERGENCY if prefix.upper() == "ES-" else SessionKind.SPECIAL
    return kind, f"{prefix.upper()}{int(number)}"


_ROMAN = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}
_OLD_UN = re.compile(r"^A/RES/(\d+)\s*\(([IVXLC]+)\)\s*([A-Z]{0,2})$")
_OLD_VOETEN = re.compile(r"^R/(\d+)/(\d+)\s*([A-Z]{0,2})$")


def roman(numeral: str) -> int:
    """``"XXX"`` → 30."""
    total = 0
    for current, following in zip(numeral, [*numeral[1:], ""], strict=True):
        value = _ROMAN[current]
        total += -value if following and _ROMAN[following] > value else value
    return total


def symbol_match_key(symbol: object) -> str | None:
    """A form in which two spellings of one resolution's symbol are equal.

    Before its 31st session the UN numbered resolutions serially with the session in
    roman numerals (``A/RES/3379(XXX)``), which Voeten writes ``R/30/3379``:

    >>> symbol_match_key("A/RES/3379(XXX)") == symbol_match_key("R/30/3379")
    True
    >>> symbol_match_key("R/47/19")
    'A/RES/47/19'
    """
    text = canonical_symbol(symbol) if isinstance(symbol, str) else None
    if text is None:
        return None
    match = _OLD_UN.match(text)
    if match:
        number, session, part = match.groups()
        return f"serial:{int(number)}({roman(session)}){part}"
    match = _OLD_VOETEN.match(text)
    if match:
        session, number, part = match.groups()
        return f"serial:{int(number)}({int(session)}){part}"
    return text
