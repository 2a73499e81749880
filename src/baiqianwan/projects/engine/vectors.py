"""Demands as TF-IDF vectors, and the pairs of them alike enough to be one problem.

A vector: IDF over the input (a term most demands use counts for little, a rare one such as 黄龙病
for much), the title's and the description's parts each of unit length, weighed ``TITLE_SHARE`` and
``1 - TITLE_SHARE``, then the whole of unit length, so a long description cannot drown its title.

Pairs: an inverted index (a sparse matrix product over term columns, ``BLOCK_ROWS`` demands at a
time) proposes only demands that share a term found in 2 to ``max(MIN_POSTINGS, POSTING_SHARE · n)``
demands; a commoner term would pair nearly everyone with everyone, and two demands that share
nothing rarer are not near-duplicates. A proposed pair's similarity is the full cosine, common
terms included. Each demand keeps its ``NEIGHBOURS`` most similar partners at or above the
threshold that ``allowed`` accepts: enough to hold a topic of any size together (a topic is a
connected cluster, not a clique), and the number of pairs stays linear in the number of demands.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy import sparse

from .terms import Terms

TITLE_SHARE = 0.7
MIN_POSTINGS = 1000
POSTING_SHARE = 0.02
NEIGHBOURS = 20
BLOCK_ROWS = 1000
# Cosines are sums of floats: one this close below the threshold counts as reaching it.
EPSILON = 1e-9

Pairs = tuple[np.ndarray, np.ndarray, np.ndarray]


@dataclass(frozen=True)
class Vectors:
    """Rows of ``matrix``: the demands' unit TF-IDF vectors, in the order of ``terms``."""

    terms: list[Terms]
    vocabulary: list[str]
    df: np.ndarray
    matrix: sparse.csr_matrix


def incidence(rows: list[dict[str, float]], index: dict[str, int]) -> sparse.csr_matrix:
    """One sparse row per dict, columns from ``index`` (grown with new terms), as wide as ``index``
    is after them."""
    indptr, indices, data = [0], [], []
    for row in rows:
        for term, weight in row.items():
            indices.append(index.setdefault(term, len(index)))
            data.append(weight)
        indptr.append(len(indices))
    return sparse.csr_matrix(
        (np.asarray(data, np.float64), np.asarray(indices, np.int32), np.asarray(indptr, np.int64)),
        shape=(len(rows), max(len(index), 1)),
    )


def row_dots(matrix: sparse.csr_matrix, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """The dot product of each pair of rows (rows[k], cols[k])."""
    return np.asarray(matrix[rows].multiply(matrix[cols]).sum(axis=1)).ravel()


def unit_rows(matrix: sparse.spmatrix) -> sparse.csr_matrix:
    matrix = sparse.csr_matrix(matrix)
    lengths = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
    scale = np.divide(1.0, lengths, out=np.zeros_like(lengths), where=lengths > 0)
    return sparse.csr_matrix(sparse.diags(scale) @ matrix)


def vectors(analysed: list[Terms]) -> Vectors:
    index: dict[str, int] = {}
    title = incidence([t.title for t in analysed], index)
    description = incidence([t.description for t in analysed], index)
    width = max(len(index), 1)
    title.resize((len(analysed), width))  # the title columns were counted before the description's
    df = np.diff((title + description).tocsc().indptr)
    n = len(analysed)
    idf = sparse.diags(np.log((1 + n) / (1 + df)) + 1)  # smoothed: a term everywhere counts a little
    matrix = unit_rows(
        TITLE_SHARE * unit_rows(title @ idf) + (1 - TITLE_SHARE) * unit_rows(description @ idf)
    )
    return Vectors(terms=analysed, vocabulary=list(index), df=df, matrix=matrix)


def similar_pairs(
    matrix: sparse.csr_matrix,
    df: np.ndarray,
    threshold: float,
    allowed: Callable[[np.ndarray, np.ndarray], np.ndarray] | None = None,
) -> Pairs:
    """(rows, cols, cosines) with row < col: each row's ``NEIGHBOURS`` most similar partners at or
    above ``threshold`` that ``allowed(rows, cols)`` does not veto, most similar first, ties by row
    then col. ``matrix`` rows must be of unit length; ``df``: its columns' counts of rows."""
    n = matrix.shape[0]
    cap = max(MIN_POSTINGS, int(n * POSTING_SHARE))
    rare = matrix[:, np.flatnonzero((df >= 2) & (df <= cap))].tocsr()
    rare_t = rare.T.tocsr()
    common_columns = np.flatnonzero(df > cap)
    common = matrix[:, common_columns].tocsr()
    common_lengths = np.sqrt(np.asarray(common.multiply(common).sum(axis=1)).ravel())
    found: list[Pairs] = []
    for start in range(0, n, BLOCK_ROWS):
        block = (rare[start : start + BLOCK_ROWS] @ rare_t).tocoo()
        rows = block.row.astype(np.int64) + start
        cols = block.col.astype(np.int64)
        sims = block.data
        keep = cols != rows
        if common_columns.size:
            # Cauchy–Schwarz: only pairs the common terms could still lift get their exact share.
            keep &= sims + common_lengths[rows] * common_lengths[cols] >= threshold - EPSILON
            rows, cols, sims = rows[keep], cols[keep], sims[keep]
            sims = sims + row_dots(common, rows, cols)
            keep = np.ones(rows.size, np.bool_)
        keep &= sims >= threshold - EPSILON
        rows, cols, sims = rows[keep], cols[keep], sims[keep]
        if allowed is not None and rows.size:
            keep = allowed(rows, cols)
            rows, cols, sims = rows[keep], cols[keep], sims[keep]
        found.append(_nearest(rows, cols, sims))
    rows, cols, sims = (np.concatenate([f[k] for f in found]) if found else np.zeros(0) for k in range(3))
    low, high = np.minimum(rows, cols).astype(np.int64), np.maximum(rows, cols).astype(np.int64)
    # A pair found from both ends is kept once (with the larger of two float-equal cosines).
    order = np.lexsort((-sims, high, low))
    low, high, sims = low[order], high[order], sims[order]
    first = np.ones(low.size, np.bool_)
    first[1:] = (low[1:] != low[:-1]) | (high[1:] != high[:-1])
    low, high, sims = low[first], high[first], sims[first]
    order = np.lexsort((high, low, -sims))
    return low[order], high[order], sims[order]


def _nearest(rows: np.ndarray, cols: np.ndarray, sims: np.ndarray) -> Pairs:
    """Each row's ``NEIGHBOURS`` most similar columns (ties by column)."""
    order = np.lexsort((cols, -sims, rows))
    rows, cols, sims = rows[order], cols[order], sims[order]
    starts = np.flatnonzero(np.r_[True, rows[1:] != rows[:-1]]) if rows.size else np.zeros(0, np.int64)
    rank = np.arange(rows.size) - np.repeat(starts, np.diff(np.r_[starts, rows.size]))
    keep = rank < NEIGHBOURS
    return rows[keep], cols[keep], sims[keep]
