"""Members of the United Nations: codes, names, membership periods, groups and blocs.

The facts are typed-in tables in ``whipcount/record/data/`` (each row cites its
source; see ``members_sources.md`` and ``blocs_sources.md`` there):

- ``members.csv`` — one row per member identity (ISO 3166 alpha-3 codes; dissolved
  states by their ISO 3166-3 codes or, where ISO has none, FRG, YAR, TAN, ZAN);
- ``member_periods.csv`` — membership periods (Syria 1958–61 and Indonesia 1965–66
  interrupted theirs);
- ``member_keys.csv`` — every spelling and code the sources use, some valid only
  between dates (Voeten's COW code 365 is the USSR until 1991-12-23, Russia after);
- ``regional_groups.csv``, ``blocs.csv``, ``bloc_members.csv`` — dated memberships.

Names are matched after :func:`normalize_name` (accents stripped, upper case,
punctuation folded), so ``TÜRKİYE`` and ``Turkiye`` are one key.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Literal

import numpy as np
import pandas as pd

Scheme = Literal["name", "iso2", "iso3", "cow"]

_OPEN_START = np.datetime64("1900-01-01")
_OPEN_END = np.datetime64("2999-12-31")


def normalize_name(name: str) -> str:
    """Fold a country name for matching: NFKD, no accents, upper case, alphanumerics.

    >>> normalize_name("Côte d’Ivoire")
    'COTE D IVOIRE'
    >>> normalize_name("TÜRKİYE")
    'TURKIYE'
    """
    decomposed = unicodedata.normalize("NFKD", str(name))
    ascii_only = "".join(c for c in decomposed if not unicodedata.combining(c))
    folded = "".join(c if c.isalnum() else " " for c in ascii_only.upper())
    return " ".join(folded.split())


def normalize_key(scheme: Scheme, key: object) -> str:
    """The lookup form of a source key under ``scheme``."""
    if scheme == "name":
        return normalize_name(str(key))
    if scheme == "cow":
        return str(int(float(str(key))))
    return str(key).strip().upper()


def _read_table(name: str) -> pd.DataFrame:
    ref = resources.files("whipcount.record") / "data" / name
    with ref.open("r", encoding="utf-8") as handle:
        return pd.read_csv(handle, dtype=str, keep_default_na=False)


def _dates(column: pd.Series, default: np.datetime64) -> np.ndarray:
    values = pd.to_datetime(column.replace("", None), errors="raise").to_numpy("datetime64[D]")
    return np.where(pd.isna(values), default, values).astype("datetime64[D]")


@dataclass(frozen=True)
class Member:
    """One member identity of the United Nations."""

    code: str
    iso3: str | None
    iso2: str | None
    cow: int | None
    short_name: str
    official_name: str
    admitted: dt.date
    ended: dt.date | None
    successor: tuple[str, ...]
    regional_group: str
    notes: str


class MemberDirectory:
    """The member tables, loaded once, with vectorised lookups for importers."""

    def __init__(self) -> None:
        self.members = _read_table("members.csv")
        self.periods = _read_table("member_periods.csv")
        self.keys = _read_table("member_keys.csv")
        self.groups = _read_table("regional_groups.csv")
        self.blocs = _read_table("blocs.csv")
        self.bloc_members = _read_table("bloc_members.csv")
        self.codes: tuple[str, ...] = tuple(self.members["code"])
        self._code_set = frozenset(self.codes)
        self._period_code = self.periods["code"].to_numpy()
        self._period_start = _dates(self.periods["start"], _OPEN_START)
        self._period_end = _dates(self.periods["end"], _OPEN_END)
        self._periods_of: dict[str, list[tuple[np.datetime64, np.datetime64]]] = {}
        for code, start, end in zip(
            self._period_code, self._period_start, self._period_end, strict=True
        ):
            self._periods_of.setdefault(str(code), []).append((start, end))
        keys = pd.concat([self.keys, self._implicit_keys()], ignore_index=True)
        keys["norm"] = [
            normalize_key(s, k) for s, k in zip(keys["scheme"], keys["key"], strict=True)
        ]
        keys["start_day"] = _dates(keys["valid_from"], _OPEN_START)
        keys["end_day"] = _dates(keys["valid_to"], _OPEN_END)
        self._keys = keys
        self._key_tables: dict[str, dict[str, list[tuple[np.datetime64, np.datetime64, str]]]] = {}
        for row in keys.itertuples(index=False):
            entries = self._key_tables.setdefault(str(row.scheme), {}).setdefault(str(row.norm), [])
            entries.append((row.start_day, row.end_day, str(row.code)))

    def _implicit_keys(self) -> pd.DataFrame:
        """Each member's own code, ISO codes, COW code and names, where no explicit
        entry of ``member_keys.csv`` already gives that key and no other member shares it."""
        explicit = {
            (s, normalize_key(s, k))
            for s, k in zip(self.keys["scheme"], self.keys["key"], strict=True)
        }
        candidates: dict[tuple[str, str], set[str]] = {}
        for row in self.members.itertuples(index=False):
            pairs: list[tuple[Scheme, str]] = [
                ("iso3", row.code),
                ("iso3", row.iso3),
                ("iso2", row.iso2),
                ("cow", row.cow),
            ]
            pairs += [("name", row.short_name), ("name", row.official_name)]
            for scheme, key in pairs:
                if key:
                    norm = normalize_key(scheme, key)
                    candidates.setdefault((scheme, norm), set()).add(str(row.code))
        rows = [
            {
                "scheme": s,
                "key": k,
                "code": next(iter(codes)),
                "valid_from": "",
                "valid_to": "",
                "source": "members.csv",
            }
            for (s, k), codes in candidates.items()
            if len(codes) == 1 and (s, k) not in explicit
        ]
        return pd.DataFrame(rows, columns=list(self.keys.columns))

    # --- single lookups -------------------------------------------------
    def __contains__(self, code: object) -> bool:
        return code in self._code_set

    def member(self, code: str) -> Member:
        """The member with ``code`` (``KeyError`` if unknown)."""
        rows = self.members[self.members["code"] == code]
        if rows.empty:
            raise KeyError(code)
        row = rows.iloc[0]
        return Member(
            code=row["code"],
            iso3=row["iso3"] or None,
            iso2=row["iso2"] or None,
            cow=int(row["cow"]) if row["cow"] else None,
            short_name=row["short_name"],
            official_name=row["official_name"],
            admitted=dt.date.fromisoformat(row["admitted"]),
            ended=dt.date.fromisoformat(row["ended"]) if row["ended"] else None,
            successor=tuple(row["successor"].split()),
            regional_group=self.group_on(code, None),
            notes=row["notes"],
        )

    def resolve(self, scheme: Scheme, key: object, on: dt.date | None = None) -> str | None:
        """The member code that ``key`` names on day ``on`` (``None`` if none)."""
        day = pd.Series([pd.Timestamp(on or dt.date.today())])
        found = self.resolve_many(scheme, pd.Series([key]), day).iloc[0]
        return None if found is None else str(found)

    def search(self, text: str) -> str | None:
        """A member code from a code (ISO3/ISO2/member code) or any known name."""
        upper = text.strip().upper()
        if upper in self._code_set:
            return upper
        schemes: tuple[Scheme, ...] = ("iso3", "iso2", "name")
        for scheme in schemes:
            code = self.resolve(scheme, text)
            if code is not None:
                return code
            # a historical name or code: any date
            hits = self._keys[
                (self._keys["scheme"] == scheme)
                & (self._keys["norm"] == normalize_key(scheme, text))
            ]
            if not hits.empty:
                return str(hits["code"].iloc[-1])
        return None

    def closest(self, text: str, limit: int = 3) -> list[tuple[str, str]]:
        """The member names nearest to ``text``, as (short name, code) pairs."""
        from rapidfuzz import fuzz, process

        names = dict(zip(self.members["short_name"], self.members["code"], strict=True))
        names.update({row.key: row.code for row in self.keys.itertuples() if row.scheme == "name"})
        found = process.extract(
            text, list(names), scorer=fuzz.WRatio, limit=limit * 4, score_cutoff=60
        )
        pairs: list[tuple[str, str]] = []
        for name, _, _ in found:
            code = names[name]
            if code not in {c for _, c in pairs}:
                pairs.append((self.member(code).short_name, code))
        return pairs[:limit]

    # --- vectorised lookups ----------------------------------------------
    def resolve_many(self, scheme: Scheme, keys: pd.Series, days: pd.Series) -> pd.Series:
        """Member codes for ``keys`` on ``days`` (``None`` where no entry matches)."""
        labels, uniques = pd.factorize(keys, use_na_sentinel=True)
        table = self._key_tables.get(scheme, {})
        day_values = pd.to_datetime(days).to_numpy("datetime64[D]")
        result = np.full(len(labels), None, dtype=object)
        for number, key in enumerate(uniques):
            entries = table.get(normalize_key(scheme, key)) if not _missing(key) else None
            if not entries:
                continue
            mask = labels == number
            if len(entries) == 1 and entries[0][0] == _OPEN_START and entries[0][1] == _OPEN_END:
                result[mask] = entries[0][2]
                continue
            idx = np.flatnonzero(mask)
            for start, end, code in entries:
                inside = (day_values[idx] >= start) & (day_values[idx] <= end)
                result[idx[inside]] = code
        return pd.Series(result, index=keys.index, dtype=object)

    def is_member(self, codes: pd.Series, days: pd.Series) -> np.ndarray:
        """Whether each member was a member of the UN on the matching day."""
        return self.member_during(codes, days, days)

    def member_during(self, codes: pd.Series, starts: pd.Series, ends: pd.Series) -> np.ndarray:
        """Whether each member was a member on at least one day from start to end."""
        labels, uniques = pd.factorize(pd.Series(codes).to_numpy())
        first = pd.to_datetime(pd.Series(starts)).to_numpy("datetime64[D]")
        last = pd.to_datetime(pd.Series(ends)).to_numpy("datetime64[D]")
        inside = np.zeros(len(labels), dtype=bool)
        for number, code in enumerate(uniques):
            periods = self._periods_of.get(code)
            if not periods:
                continue
            idx = np.flatnonzero(labels == number)
            hit = np.zeros(len(idx), dtype=bool)
            for start, end in periods:
                hit |= (first[idx] <= end) & (last[idx] >= start)
            inside[idx] = hit
        return inside

    def memberships(self, days: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """All (index into ``days``, member code) pairs of members on those days."""
        index_parts: list[np.ndarray] = []
        code_parts: list[np.ndarray] = []
        for code, start, end in zip(
            self._period_code, self._period_start, self._period_end, strict=True
        ):
            hits = np.flatnonzero((days >= start) & (days <= end))
            index_parts.append(hits)
            code_parts.append(np.full(len(hits), code, dtype=object))
        if not index_parts:
            return np.array([], dtype=int), np.array([], dtype=object)
        return np.concatenate(index_parts), np.concatenate(code_parts)

    def members_on(self, day: dt.date) -> list[str]:
        """Codes of the states that were members on ``day``."""
        moment = np.datetime64(day, "D")
        inside = (self._period_start <= moment) & (moment <= self._period_end)
        return sorted(set(self._period_code[inside]))

    def group_on(self, code: str, day: dt.date | None) -> str:
        """The regional group of ``code`` on ``day`` (its latest group if ``day`` is None)."""
        rows = self.groups[self.groups["code"] == code]
        if rows.empty:
            return "NONE"
        if day is None:
            return str(rows.iloc[-1]["group"])
        text = day.isoformat()
        for _, row in rows.iterrows():
            if (row["start"] or "0000") <= text and (not row["end"] or text <= row["end"]):
                return str(row["group"])
        return "NONE"

    def blocs_of(self, code: str, day: dt.date) -> list[str]:
        """The blocs ``code`` belonged to on ``day``."""
        text = day.isoformat()
        rows = self.bloc_members[self.bloc_members["code"] == code]
        inside = rows[(rows["start"] <= text) & ((rows["end"] == "") | (rows["end"] >= text))]
        return sorted(set(inside["bloc"]))

    def bloc_members_on(self, bloc: str, day: dt.date) -> list[str]:
        """Codes of the members of ``bloc`` on ``day``."""
        text = day.isoformat()
        rows = self.bloc_members[self.bloc_members["bloc"] == bloc.upper()]
        inside = rows[(rows["start"] <= text) & ((rows["end"] == "") | (rows["end"] >= text))]
        return sorted(set(inside["code"]))


def _missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and np.isnan(value)) or value == ""


@cache
def directory() -> MemberDirectory:
    """The member tables, loaded once per process."""
    return MemberDirectory()
