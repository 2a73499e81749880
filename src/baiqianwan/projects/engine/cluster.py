"""Clusters of demands: one per problem, grown from the most similar pairs down.

First, demands whose titles analyse to the same terms and which name the same subjects and issues
are one cluster: their cosine is at least ``TITLE_SHARE²`` whatever their descriptions say (see
vectors.py), so at a threshold no higher every such pair would merge anyway; above it, only
demands whose whole text analyses alike are. This spares comparing the copies of a template that
counties hand to their villages with one another, pair by pair.

Then rounds: each cluster's centre (the sum of its members' unit vectors) is compared with the
others' (vectors.similar_pairs: each keeps its nearest partners at or above the threshold) and the
pairs are offered, most similar first, ties by position. A merge goes ahead only if

- the two centres are at least ``threshold``-similar (rechecked as clusters grow within a round):
  a pair that shares one word (A–B on 蜜柚, B–C on 溃疡病) cannot chain two problems into one; and
- the clusters name the same kind of thing: for subjects (crops, animals) and for issues
  (diseases, pests, techniques) alike, either neither names one or they share one. Weights alone
  put 木瓜疏花疏果 next to 豇豆疏花疏果 when 疏花疏果 is rarer than either crop, and 发财树出了问题
  (no issue named) next to any 发财树 topic. A cluster's subjects are those named at
  least half as often as its most named one, so a passing mention does not open it to another crop.

Rounds go on until one merges nothing: a round's nearest-partner lists can leave a big topic in
pieces, which the next round, comparing the pieces' centres, joins.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Collection, Hashable, Sequence

import numpy as np
from scipy import sparse

from .terms import Terms
from .vectors import EPSILON, TITLE_SHARE, Vectors, incidence, row_dots, similar_pairs, unit_rows

# A topic rarely needs more than three rounds; the cap only bounds a pathological input.
MAX_ROUNDS = 10


class SameProblem:
    """The subject and issue check on many pairs at once; one (subjects, issues) per row."""

    def __init__(self, named: Sequence[tuple[Collection[str], Collection[str]]]) -> None:
        self.named = [
            incidence([dict.fromkeys(sorted(n[kind]), 1.0) for n in named], {}) for kind in range(2)
        ]

    def __call__(self, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
        keep = np.ones(rows.size, np.bool_)
        for named in self.named:
            has = np.diff(named.indptr) > 0
            keep &= has[rows] == has[cols]
            both = np.flatnonzero(keep & has[rows])
            if both.size:
                keep[both[row_dots(named, rows[both], cols[both]) == 0]] = False
        return keep


def cluster(found: Vectors, threshold: float) -> list[list[int]]:
    """Demand positions (rows of ``found.matrix``) per cluster, each list in position order."""
    clusters = Clusters(found, threshold)
    titles_suffice = threshold <= TITLE_SHARE**2
    alike: dict[Hashable, list[int]] = {}
    for position, terms in enumerate(found.terms):
        key = _alike_key(terms, titles_suffice)
        if key is not None:
            alike.setdefault(key, []).append(position)
    for members in alike.values():
        clusters.join(members)
    for _ in range(MAX_ROUNDS):
        roots, centres, check = clusters.centres()
        rows, cols, sims = similar_pairs(centres, np.diff(centres.tocsc().indptr), threshold, allowed=check)
        if not clusters.merge(roots[rows], roots[cols], sims):
            break
    return clusters.groups()


def _alike_key(terms: Terms, titles_suffice: bool) -> Hashable | None:
    """Demands with equal keys are merged unchecked; None for a demand with no terms."""
    title = tuple(sorted(terms.title.items()))
    if titles_suffice and title:
        return title, terms.subjects, terms.issues
    if title or terms.description:
        return title, tuple(sorted(terms.description.items()))
    return None


class Clusters:
    """Union-find whose merges are checked (see the module's docstring)."""

    def __init__(self, found: Vectors, threshold: float) -> None:
        n = found.matrix.shape[0]
        self.matrix = found.matrix
        self.analysed = found.terms
        self.threshold = threshold
        self.parent = list(range(n))
        self.size = [1] * n
        # A cluster's centre, the sum of its members' unit vectors, and that sum's squared length.
        self.centre: dict[int, dict[int, float]] = {}
        self.square: dict[int, float] = {}
        self.named: dict[int, tuple[Counter[str], Counter[str]]] = {}
        # Clusters only grow, so (roots, sizes) names a state whose refusal still holds.
        self.refused: set[tuple[int, int, int, int]] = set()

    def find(self, i: int) -> int:
        parent = self.parent
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def groups(self) -> list[list[int]]:
        found: dict[int, list[int]] = {}
        for i in range(len(self.parent)):
            found.setdefault(self.find(i), []).append(i)
        return list(found.values())

    def join(self, members: list[int]) -> None:
        """Make ``members`` (all still apart) one cluster, without checks."""
        if len(members) < 2:
            return
        root = members[0]
        centre = self._vector(root)
        subjects, issues = self._named(root)
        for member in members[1:]:
            for term, weight in self._row(member).items():
                centre[term] = centre.get(term, 0.0) + weight
            terms = self.analysed[member]
            subjects.update(terms.subjects)
            issues.update(terms.issues)
            self.parent[member] = root
        self.size[root] = len(members)
        self.square[root] = sum(v * v for v in centre.values())

    def merge(self, rows: np.ndarray, cols: np.ndarray, sims: np.ndarray) -> int:
        """Offer the pairs in order; how many merges were made."""
        merges = 0
        for i, j, sim in zip(rows.tolist(), cols.tolist(), sims.tolist(), strict=True):
            merges += self.offer(i, j, sim)
        return merges

    def centres(self) -> tuple[np.ndarray, sparse.csr_matrix, SameProblem]:
        """Every cluster's root (ascending), its centre as a unit row, and the subject and issue
        check over them."""
        owner = np.fromiter((self.find(i) for i in range(len(self.parent))), np.int64, len(self.parent))
        roots, row_of = np.unique(owner, return_inverse=True)
        membership = sparse.csr_matrix(
            (np.ones(owner.size), (row_of, np.arange(owner.size))), shape=(roots.size, owner.size)
        )
        named: list[tuple[Collection[str], Collection[str]]] = []
        for root in roots.tolist():
            if root in self.named:
                subjects, issues = self.named[root]
                named.append((_majority(subjects), _majority(issues)))
            else:
                named.append((self.analysed[root].subjects, self.analysed[root].issues))
        return roots, unit_rows(membership @ self.matrix), SameProblem(named)

    def offer(self, i: int, j: int, sim: float) -> bool:
        """Merge the clusters of ``i`` and ``j``, whose centres' cosine was ``sim``, if the checks
        allow; True if merged."""
        a, b = self.find(i), self.find(j)
        if a == b:
            return False
        va, vb = self._vector(a), self._vector(b)
        if self.size[a] == 1 and self.size[b] == 1:
            dot = sim  # two demands as they were compared, and ``allowed`` has checked them
        else:
            key = (a, b, self.size[a], self.size[b]) if a < b else (b, a, self.size[b], self.size[a])
            if key in self.refused:
                return False
            small, large = (va, vb) if len(va) <= len(vb) else (vb, va)
            dot = sum(weight * large.get(term, 0.0) for term, weight in small.items())
            close = dot >= self.threshold * math.sqrt(self.square[a] * self.square[b]) - EPSILON
            if not (close and self._meet(a, b)):
                self.refused.add(key)
                return False
        if self.size[b] > self.size[a] or (self.size[b] == self.size[a] and b < a):
            a, b, va, vb = b, a, vb, va
        for term, weight in vb.items():
            va[term] = va.get(term, 0.0) + weight
        self.square[a] += self.square.pop(b) + 2 * dot
        del self.centre[b]
        subjects, issues = self._named(a)
        more_subjects, more_issues = self._named(b)
        subjects.update(more_subjects)
        issues.update(more_issues)
        del self.named[b]
        self.parent[b] = a
        self.size[a] += self.size[b]
        return True

    def _row(self, position: int) -> dict[int, float]:
        matrix = self.matrix
        start, end = matrix.indptr[position], matrix.indptr[position + 1]
        return dict(zip(matrix.indices[start:end].tolist(), matrix.data[start:end].tolist(), strict=True))

    def _vector(self, root: int) -> dict[int, float]:
        got = self.centre.get(root)
        if got is None:
            got = self.centre[root] = self._row(root)
            self.square[root] = sum(v * v for v in got.values())
        return got

    def _named(self, root: int) -> tuple[Counter[str], Counter[str]]:
        """How many members name each subject and each issue."""
        got = self.named.get(root)
        if got is None:
            terms = self.analysed[root]
            got = self.named[root] = (Counter(terms.subjects), Counter(terms.issues))
        return got

    def _meet(self, a: int, b: int) -> bool:
        return all(
            _meet(_majority(ours), _majority(theirs))
            for ours, theirs in zip(self._named(a), self._named(b), strict=True)
        )


def _meet(ours: Collection[str], theirs: Collection[str]) -> bool:
    """Both name none, or they share one: a demand that names no disease is not known to have the
    disease a topic is about, nor one that names no crop to grow the topic's crop."""
    return (not ours and not theirs) or bool(set(ours) & set(theirs))


def _majority(counts: Counter[str]) -> set[str]:
    """The names at least half as often named as the most named one: a cluster's own subjects
    (or issues), not those one member mentions in passing."""
    if not counts:
        return set()
    most = max(counts.values())
    return {name for name, count in counts.items() if 2 * count >= most}
