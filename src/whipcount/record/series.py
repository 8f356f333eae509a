"""Linking roll calls into series: the same resolution adopted session after session.

Only votes on a whole resolution are instances (separate votes on amendments and
paragraphs are not).  Titles are normalised (accents, case, punctuation, the
``: resolution / adopted by the General Assembly`` suffix, years, "United States of
America" → "united states", stop words) and a roll call joins the series whose
latest instance, in an earlier session no more than ``MAX_GAP`` sessions back, has
the most similar title (Levenshtein ratio ≥ ``MIN_SIMILARITY``, via rapidfuzz), ties
broken by the closest tally.  Pairs that Bailey, Strezhnev and Voeten (2017) treat as
one vote repeated (``Matches.csv``) are linked too.  A series has at most one
instance per session; parallel parts of one resolution (A, B, C…) form parallel
series.  Series ids are slugs of the first instance's title and survive relinking:
a new cluster keeps the id of the old series it shares most instances with.
"""

from __future__ import annotations

import re
import sqlite3
import unicodedata
from collections import Counter
from dataclasses import dataclass, field

import pandas as pd
from rapidfuzz import fuzz, process

MIN_SIMILARITY = 90.0
MAX_GAP = 5
MIN_TOKENS = 3
#: a BSV matched pair links only roll calls whose titles share this much (token set ratio)
MIN_PAIR_SIMILARITY = 60.0
STOP_WORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "the",
        "of",
        "on",
        "in",
        "to",
        "by",
        "for",
        "its",
        "their",
        "with",
        "at",
        "as",
        "from",
        "into",
    ]
)
_SUFFIX = re.compile(r"\s*:\s*resolution\s*/\s*adopted by the general assembly\.?\s*$")
_ALIASES = (
    (re.compile(r"\bunite[sd] states of america\b"), "united states"),
    (re.compile(r"\b(?:u s a|u s|usa)\b"), "united states"),
)
_YEAR = re.compile(r"\b(19|20)\d\d\b")


def normalize_title(title: object) -> str:
    """The comparison form of a title.

    >>> normalize_title("Necessity of ending the embargo imposed by the United States "
    ...                 "of America against Cuba : resolution / adopted by the General Assembly")
    'necessity ending embargo imposed united states against cuba'
    """
    if not isinstance(title, str) or not title:
        return ""
    text = unicodedata.normalize("NFKD", title)
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    text = _SUFFIX.sub("", text)
    text = " ".join(re.sub(r"[^a-z0-9]+", " ", text).split())  # U.S. -> u s
    for pattern, replacement in _ALIASES:
        text = pattern.sub(replacement, text)
    words = _YEAR.sub(" ", text).split()
    return " ".join(w for w in words if w not in STOP_WORDS)


def slug(title: str, words: int = 6) -> str:
    tokens = normalize_title(title).split()
    return "-".join(tokens[:words]) or "series"


@dataclass
class _Cluster:
    members: list[int] = field(default_factory=list)
    sessions: set[int] = field(default_factory=set)
    links: dict[int, str] = field(default_factory=dict)
    last_session: int = 0
    last_title: str = ""
    last_tally: tuple[int, int, int] = (0, 0, 0)


def _candidates(connection: sqlite3.Connection) -> pd.DataFrame:
    frame = pd.read_sql_query(
        """
        SELECT r.rc, r.rcid, r.session, r.date, r.title, r.short_title,
               SUM(v.vote = 1) AS n_yes, SUM(v.vote = 3) AS n_no, SUM(v.vote = 2) AS n_abstain
        FROM roll_calls r LEFT JOIN votes v ON v.rc = r.rc
        WHERE r.final IS NOT 0
        GROUP BY r.rc
        ORDER BY r.date, r.rc
        """,
        connection,
    )
    frame["norm"] = [normalize_title(t) for t in frame["title"]]
    counts = ["n_yes", "n_no", "n_abstain"]
    frame[counts] = frame[counts].fillna(0).astype(int)
    return frame


def _cluster(frame: pd.DataFrame, matches: list[tuple[int, int]]) -> list[_Cluster]:
    clusters: list[_Cluster] = []
    known = frame.dropna(subset=["rcid"])
    by_rcid = dict(zip(known["rcid"].astype(int), known["rc"].astype(int), strict=True))
    partner: dict[int, int] = {}
    for first, second in matches:
        if first in by_rcid and second in by_rcid:
            partner[int(by_rcid[second])] = int(by_rcid[first])
    cluster_of: dict[int, int] = {}
    by_last: dict[int, set[int]] = {}  # session of a cluster's latest instance -> clusters
    for row in frame.itertuples(index=False):
        rc, session, norm = int(row.rc), int(row.session), str(row.norm)
        tally = (int(row.n_yes), int(row.n_no), int(row.n_abstain))
        target, link = None, "first"
        earlier = partner.get(rc)
        if (
            earlier in cluster_of
            and session not in clusters[cluster_of[earlier]].sessions
            and fuzz.token_set_ratio(norm, clusters[cluster_of[earlier]].last_title)
            >= MIN_PAIR_SIMILARITY
        ):
            target, link = cluster_of[earlier], "bsv"
        elif len(norm.split()) >= MIN_TOKENS:
            target, link = _best_cluster(clusters, norm, session, tally, by_last)
        if target is None:
            clusters.append(_Cluster())
            target = len(clusters) - 1
        cluster = clusters[target]
        by_last.get(cluster.last_session, set()).discard(target)
        by_last.setdefault(session, set()).add(target)
        cluster.members.append(rc)
        cluster.sessions.add(session)
        cluster.links[rc] = link
        cluster.last_session, cluster.last_title, cluster.last_tally = session, norm, tally
        cluster_of[rc] = target
    return [c for c in clusters if len(c.members) >= 2]


def _best_cluster(
    clusters: list[_Cluster],
    norm: str,
    session: int,
    tally: tuple[int, int, int],
    by_last: dict[int, set[int]],
) -> tuple[int | None, str]:
    open_ = {
        i: clusters[i].last_title
        for last in range(session - MAX_GAP, session)
        for i in sorted(by_last.get(last, ()))
        if clusters[i].last_title
    }
    if not open_:
        return None, "first"
    hits = process.extract(norm, open_, scorer=fuzz.ratio, score_cutoff=MIN_SIMILARITY, limit=8)
    if not hits:
        return None, "first"
    best_score = max(h[1] for h in hits)
    top = [h for h in hits if h[1] >= best_score - 1e-9]

    def distance(hit: tuple[str, float, int]) -> int:
        last = clusters[hit[2]].last_tally
        return sum(abs(a - b) for a, b in zip(last, tally, strict=True))

    chosen = min(top, key=distance)
    return chosen[2], "title" if best_score == 100 else "similar title"


def link_series(connection: sqlite3.Connection) -> int:
    """Relink every series from the roll calls in the record; returns the series count."""
    frame = _candidates(connection)
    matches = [
        (int(a), int(b))
        for a, b in connection.execute("SELECT rcid1, rcid2 FROM reference_matches")
    ]
    clusters = _cluster(frame, matches)
    old = dict(connection.execute("SELECT rc, series_id FROM series_members").fetchall())
    titles = dict(zip(frame["rc"], frame["title"], strict=True))
    sessions = dict(zip(frame["rc"], frame["session"], strict=True))
    used: set[str] = set()
    rows, member_rows = [], []
    # clusters that inherit an id claim it first, largest overlap first
    ranked = sorted(
        clusters,
        key=lambda c: -max(Counter(old[m] for m in c.members if m in old).values(), default=0),
    )
    for cluster in ranked:
        previous = Counter(old[m] for m in cluster.members if m in old)
        series_id = next((s for s, _ in previous.most_common() if s not in used), None)
        if series_id is None:
            base = slug(str(titles[cluster.members[0]] or ""))
            series_id, suffix = base, 2
            while series_id in used:
                series_id, suffix = f"{base}-{suffix}", suffix + 1
        used.add(series_id)
        ordered = sorted(cluster.members, key=lambda m: sessions[m])
        rows.append(
            (
                series_id,
                titles[ordered[-1]],
                int(sessions[ordered[0]]),
                int(sessions[ordered[-1]]),
                len(ordered),
            )
        )
        member_rows += [(m, series_id, int(sessions[m]), cluster.links[m]) for m in ordered]
    connection.execute("DELETE FROM series_members")
    connection.execute("DELETE FROM series")
    connection.executemany("INSERT INTO series VALUES (?, ?, ?, ?, ?)", rows)
    connection.executemany("INSERT INTO series_members VALUES (?, ?, ?, ?)", member_rows)
    return len(rows)
