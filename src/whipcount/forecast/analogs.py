"""Similar past roll calls: the analogs a forecast leans on when a vote has no history.

Titles are compared as TF-IDF vectors (Salton & Buckley 1988, "Term-weighting
approaches in automatic text retrieval", *Information Processing & Management* 24(5)):
words of the normalised title (:func:`whipcount.record.series.normalize_title`) and
their adjacent pairs, weighted ``tf * (log((1 + n) / (1 + df)) + 1)`` with document
frequencies counted on the roll calls before the cut-off only (terms of the target
that no earlier title has weigh nothing), rows L2-normalised.
Where both the draft and a past roll call have sponsors, the similarity is
``0.75 cos(titles) + 0.25 cos(sponsor sets)``; otherwise the title cosine alone.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from functools import cache

import numpy as np
from scipy import sparse

from whipcount.forecast.data import ForecastData
from whipcount.record.series import normalize_title

TITLE_WEIGHT = 0.75
K_ANALOGS = 10


@cache
def _terms(title: str) -> list[str]:
    words = normalize_title(title).split()
    return words + [f"{a}_{b}" for a, b in itertools.pairwise(words)]


@dataclass(frozen=True)
class TitleIndex:
    """Term counts of every row's title (rows x vocabulary, sparse)."""

    counts: sparse.csr_matrix
    vocabulary: dict[str, int]

    @classmethod
    def build(cls, titles: np.ndarray) -> TitleIndex:
        vocabulary: dict[str, int] = {}
        indptr, indices = [0], []
        for title in titles:
            for term in _terms(str(title)):
                indices.append(vocabulary.setdefault(term, len(vocabulary)))
            indptr.append(len(indices))
        data = np.ones(len(indices))
        counts = sparse.csr_matrix(
            (data, np.array(indices, dtype=np.int64), np.array(indptr)),
            shape=(len(titles), max(len(vocabulary), 1)),
        )
        counts.sum_duplicates()
        return cls(counts, vocabulary)

    def vectorise(self, title: str) -> sparse.csr_matrix:
        columns = [self.vocabulary[t] for t in _terms(title) if t in self.vocabulary]
        row = sparse.csr_matrix(
            (np.ones(len(columns)), (np.zeros(len(columns), dtype=np.int64), columns)),
            shape=(1, self.counts.shape[1]),
        )
        row.sum_duplicates()
        return row


def _normalised(matrix: sparse.csr_matrix, idf: np.ndarray) -> sparse.csr_matrix:
    weighted = sparse.csr_matrix(matrix.multiply(idf[None, :]))
    norms = np.sqrt(np.asarray(weighted.multiply(weighted).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return sparse.csr_matrix(sparse.diags(1.0 / norms) @ weighted)


@dataclass(frozen=True)
class Analogs:
    """For each target, its most similar past rows and their similarities."""

    rows: np.ndarray  # int64 (targets x k), -1 where fewer past rows
    similarity: np.ndarray  # float (targets x k)


def find_analogs(
    data: ForecastData,
    index: TitleIndex,
    past: np.ndarray,
    titles: list[str],
    sponsors: list[frozenset[str] | None],
    *,
    exclude: list[int | None] | None = None,
    k: int = K_ANALOGS,
) -> Analogs:
    """The ``k`` past rows (``past``: boolean mask) most similar to each target."""
    past_rows = np.flatnonzero(past)
    out_rows = np.full((len(titles), k), -1, dtype=np.int64)
    out_sim = np.zeros((len(titles), k))
    if not len(past_rows) or not titles:
        return Analogs(out_rows, out_sim)
    past_counts = index.counts[past_rows]
    df = np.asarray((past_counts > 0).sum(axis=0)).ravel()
    idf = np.log((1.0 + len(past_rows)) / (1.0 + df)) + 1.0
    corpus = _normalised(past_counts, idf)
    # terms never seen before the cut-off weigh nothing (else the vocabulary of later
    # titles would change the similarities: a leak from the future)
    seen = np.where(df > 0, idf, 0.0)
    queries = _normalised(sparse.vstack([index.vectorise(t) for t in titles]).tocsr(), seen)
    similarity = np.asarray((queries @ corpus.T).todense())
    for t, own in enumerate(sponsors):
        if own:
            similarity[t] = _with_sponsors(similarity[t], own, data, past_rows)
    if exclude is not None:
        for t, row in enumerate(exclude):
            if row is not None:
                similarity[t, past_rows == row] = -1.0
    take = min(k, len(past_rows))
    best = np.argsort(-similarity, axis=1, kind="stable")[:, :take]
    out_rows[:, :take] = past_rows[best]
    out_sim[:, :take] = np.take_along_axis(similarity, best, axis=1).clip(0.0, 1.0)
    return Analogs(out_rows, out_sim)


def _with_sponsors(
    title_similarity: np.ndarray, own: frozenset[str], data: ForecastData, rows: np.ndarray
) -> np.ndarray:
    out = title_similarity.copy()
    for j, row in enumerate(rows):
        theirs = data.sponsors[row]
        if theirs:
            cosine = len(own & theirs) / np.sqrt(len(own) * len(theirs))
            out[j] = TITLE_WEIGHT * title_similarity[j] + (1 - TITLE_WEIGHT) * cosine
    return out
