"""BM25 over weighted fields, filters, a re-rank on structured features, explanations.

A ``MatchIndex`` is a main segment built in one go (a BM25 score matrix) plus a small delta of
documents added since, scored with the main segment's statistics so both rank together. Removed
or replaced main documents are masked. A rebuild (``MatchIndex.build`` then ``save``) merges.

Reads never lock: every change builds a new immutable ``State`` and swaps one reference, so
``search`` may run in many threads while one thread adds or removes.
"""

from __future__ import annotations

import itertools
import math
import re
import threading
import time
from array import array
from collections import Counter, OrderedDict, defaultdict
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
from scipy import sparse

from . import regions, store
from .segments import Delta, Document, IndexConfig, Labels, Segment, State
from .tokenise import BIGRAM_MARK, Analyzer, default_analyzer

KIND_LABELS: dict[str, str] = {
    "achievement": "科技成果",
    "expert": "专家",
    "institution": "机构",
    "demand": "科技需求",
    "commissioner": "科技特派员",
}

# The BM25 part is scaled to 1 for the best candidate, so a weight is the share of the top score a
# feature is worth. industry, same_county and same_city were tuned on data/devset; the others are
# policy knobs (see docs/matching.md).
DEFAULT_WEIGHTS: dict[str, float] = {
    "bm25": 1.0,
    "industry": 0.3,
    "same_county": 0.05,
    "same_city": 0.05,
    "east_west_north": 0.1,
    "available": 0.05,
    "success": 0.15,
}

NO_TERMS_HINT = "没有可检索的关键词，请换用更具体的描述，如作物、病虫害或技术名称"
NO_MATCH_HINT = "没有找到匹配的结果，可放宽地区、产业或类型筛选，或换用其他关键词"

# Past successes count up to this many for the success feature (log scale beyond one).
SUCCESS_SATURATION = 10
MAX_QUERY_WORDS = 64
MAX_QUERY_BIGRAMS = 128
_LEVEL_DIGITS = (2, 4, 6, 9, 12)
# A feedback word must be in at least this many of the records read (one record's own words, such as
# 扎根、研究员 in a profile, are not the topic's); and feedback needs at least this many records per
# record read, or the few records read are too large a share of the corpus to stand for a topic
# (a one-word query over ten records drifts to whatever two of them share).
FEEDBACK_MIN_DOCS = 2
FEEDBACK_CORPUS_FACTOR = 50
# A word in more than this share of the records (示范、科学院、有限公司) says little about a topic and
# has long postings that the second pass would pay for: at 110,000 records, 0.2 let 有限公司 and
# 科学院 (17 % each) through and doubled the median search time; 0.1 costs 0.001 on dev.
FEEDBACK_MAX_DF = 0.1
_NUMBER_TERM = re.compile(r"[\d.]+")


@dataclass(frozen=True, slots=True)
class Query:
    """What to look for. Filters (``kinds``, ``region_prefix``, ``industries``, ``only_available``,
    ``exclude``) remove documents; ``industry``, ``prefer_region`` and
    ``prefer_east_west_north`` only re-rank."""

    text: str
    kinds: Collection[str] = ()
    region_prefix: str = ""
    industries: Collection[str] = ()
    only_available: bool = False
    exclude: Collection[str] = ()
    top: int = 10
    industry: str = ""
    prefer_region: str | None = None
    prefer_east_west_north: bool = False
    feature_weights: Mapping[str, float] | None = None


@dataclass(frozen=True, slots=True)
class Hit:
    id: str
    kind: str
    title: str
    score: float
    bm25: float
    features: dict[str, float]
    matched_terms: list[str]
    explanation: list[str]
    extra: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class SearchResult:
    """``terms`` are the query's index terms (for highlighting); ``hint`` is set when no hit."""

    hits: list[Hit]
    hint: str = ""
    terms: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class _Wanted:
    """One search as both candidate sources read it: the terms the index knows with their weights,
    the filters, and how many candidates to bring."""

    query: Query
    known: list[tuple[str, float]]
    prefix: str
    excluded: set[str]
    count: int
    # The main segment's BM25 scores for ``known``, when already summed (feedback's second pass).
    scores: np.ndarray | None = None


@dataclass(slots=True)
class _Candidate:
    id: str
    kind: str
    title: str
    bm25: float
    region: str
    industry: str
    available: bool
    terms: list[tuple[str, float]]
    extra: Mapping[str, Any]
    shared_industry: str = ""


def _clean(doc: Document) -> Document:
    """Callers pass ORM values: None becomes "", and every field its declared type."""
    values: dict[str, Any] = {
        "id": str(doc.id),
        "kind": str(doc.kind or ""),
        "title": str(doc.title or ""),
        "text": str(doc.text or ""),
        "keywords": str(doc.keywords or ""),
        "industry": str(doc.industry or ""),
        "region": str(doc.region or "").strip(),
        "available": bool(doc.available),
        "extra": dict(doc.extra or {}),
    }
    if all(getattr(doc, name) == value for name, value in values.items()) and isinstance(doc.extra, dict):
        return doc
    return Document(**values)


def _weighted_tokens(analyzer: Analyzer, doc: Document, config: IndexConfig) -> list[str]:
    tokens: list[str] = []
    for text, weight in (
        (doc.title, config.title_weight),
        (doc.keywords, config.keywords_weight),
        (doc.text, config.text_weight),
    ):
        if text and weight > 0:
            tokens.extend(analyzer.tokens(text) * weight)
    return tokens


def significant_prefix(code: str) -> str:
    """``441400000000`` → ``4414``; a short prefix such as ``4414`` stays as it is."""
    code = code.strip()
    if not code.isascii() or not code.isdigit():
        raise ValueError(f"地区代码只能由数字组成：{code[:20]}")
    if len(code) < 12:
        return code
    stripped = code.rstrip("0")
    for digits in _LEVEL_DIGITS:
        if len(stripped) <= digits:
            return code[:digits]
    return code


def _empty_segment() -> Segment:
    return Segment(
        vocab={},
        data=np.zeros(0, np.float32),
        indices=np.zeros(0, np.int32),
        indptr=np.zeros(1, np.int64),
        avgdl=1.0,
        ids=[],
        titles=[],
        kinds=np.zeros(0, np.int16),
        regions=np.zeros(0, np.int64),
        industries=np.zeros(0, np.int32),
        available=np.zeros(0, np.bool_),
        kind_names=[],
        industry_names=[],
        extras={},
        positions={},
    )


SEARCH_MEMO_SIZE = 2048


def _query_key(query: Query) -> tuple[Any, ...]:
    weights = query.feature_weights
    return (
        query.text,
        tuple(sorted(query.kinds)),
        query.region_prefix,
        tuple(sorted(query.industries)),
        query.only_available,
        tuple(sorted(str(i) for i in query.exclude)),
        query.top,
        query.industry,
        query.prefer_region,
        query.prefer_east_west_north,
        tuple(sorted(weights.items())) if weights else None,
    )


class MatchIndex:
    """Search over achievements, experts, institutions, demands and commissioners."""

    def __init__(self, state: State, config: IndexConfig, analyzer: Analyzer, labels: Labels) -> None:
        self._state = state
        self.config = config
        self.analyzer = analyzer
        self.labels = labels
        self._write_lock = threading.RLock()
        self._memo: OrderedDict[tuple[Any, ...], SearchResult] = OrderedDict()
        self._memo_lock = threading.Lock()
        self._memo_state: State | None = None
        self.built_at = time.time()
        # True when loaded with a dictionary other than the one it was built with: rebuild.
        self.dictionary_changed = False
        # Set once the index is saved to or loaded from a directory (see store.py).
        self._attachment: store.Attachment | None = None
        # The main segment's scores by document, for feedback (see _rows); made now rather than
        # on a first search, which would then wait for it.
        self._by_document: tuple[Segment, sparse.csr_matrix, list[str]] | None = None
        if config.feedback_docs > 0:
            self._rows(state.main)

    # ---- building -------------------------------------------------------------------------

    @classmethod
    def build(
        cls,
        docs: Iterable[Document],
        progress: Callable[[int, int], None] | None = None,
        *,
        config: IndexConfig | None = None,
        analyzer: Analyzer | None = None,
        labels: Labels | None = None,
    ) -> MatchIndex:
        """Tokenise every document and build the main segment. ``progress(done, total)`` is called
        every 1,000 documents and at the end."""
        config = config or IndexConfig()
        analyzer = analyzer or default_analyzer(config.analyzer)
        started = time.time()
        unique: dict[str, Document] = {}
        for doc in docs:
            doc = _clean(doc)
            unique[doc.id] = doc
        documents = list(unique.values())
        total = len(documents)
        # A new term gets the next number as it is first looked up, in C (map over __getitem__).
        numbering: defaultdict[str, int] = defaultdict(itertools.count().__next__)
        term_id = numbering.__getitem__
        # 4 bytes a token instead of an 8-byte list slot: the token lists dominate peak memory.
        corpus: list[array[int]] = []
        for done, doc in enumerate(documents, start=1):
            corpus.append(array("i", map(term_id, _weighted_tokens(analyzer, doc, config))))
            if progress is not None and done % 1000 == 0:
                progress(done, total)
        vocab = dict(numbering)
        segment = _segment_from(documents, corpus, vocab, config)
        del corpus
        if progress is not None:
            progress(total, total)
        state = State(
            main=segment,
            alive=np.ones(segment.n_docs, np.bool_),
            delta=Delta(),
            successes={},
        )
        index = cls(state, config, analyzer, labels or Labels())
        index.built_at = started
        return index

    # ---- changes ----------------------------------------------------------------------------

    def add(self, docs: Iterable[Document]) -> None:
        """Make documents searchable now (a new id is added, an existing one replaced)."""
        batch = [_clean(d) for d in docs]
        if not batch:
            return
        with self._write_lock:
            if self._attachment is not None:
                store.append(self, {"op": "add", "docs": [d.as_dict() for d in batch]})
            self._apply_add(batch)

    def remove(self, ids: Iterable[str]) -> None:
        wanted = [str(i) for i in ids]
        if not wanted:
            return
        with self._write_lock:
            if self._attachment is not None:
                store.append(self, {"op": "remove", "ids": wanted})
            self._apply_remove(wanted)

    def set_success_counts(self, counts: Mapping[str, int], *, replace_all: bool = False) -> None:
        """Past successful connections per document id (the 对接 outcomes); more rank higher."""
        clean = {str(k): int(v) for k, v in counts.items()}
        with self._write_lock:
            if self._attachment is not None:
                store.append(self, {"op": "successes", "counts": clean, "replace": replace_all})
            self._apply_successes(clean, replace_all)

    def _apply_add(self, batch: Sequence[Document]) -> None:
        state = self._state
        alive = state.alive
        for doc in batch:
            position = state.main.positions.get(doc.id)
            if position is not None and alive[position]:
                if alive is state.alive:
                    alive = alive.copy()
                alive[position] = False
        delta = state.delta
        if len(delta.docs) > 2 * len(delta) + 100:
            delta = self._delta_with(Delta(), delta.live())  # drop dead rows now and then
        self._state = replace(state, alive=alive, delta=self._delta_with(delta, batch))

    def _delta_with(self, delta: Delta, batch: Sequence[Document]) -> Delta:
        """A new delta with ``batch`` appended (copy on write: readers keep the old one)."""
        config, avgdl = self.config, self._state.main.avgdl
        docs = list(delta.docs)
        alive = np.concatenate([delta.alive, np.ones(len(batch), np.bool_)])
        rows = dict(delta.rows)
        added: dict[str, tuple[list[int], list[float]]] = {}
        for doc in batch:
            row = len(docs)
            docs.append(doc)
            if doc.id in rows:
                alive[rows[doc.id]] = False
            rows[doc.id] = row
            counts = Counter(_weighted_tokens(self.analyzer, doc, config))
            norm = config.k1 * (1 - config.b + config.b * sum(counts.values()) / avgdl)
            for term, tf in counts.items():
                entry = added.setdefault(term, ([], []))
                entry[0].append(row)
                entry[1].append(tf / (tf + norm))
        postings = dict(delta.postings)
        for term, (new_rows, parts) in added.items():
            old = postings.get(term)
            grown = (np.asarray(new_rows, np.int32), np.asarray(parts, np.float32))
            if old is not None:
                grown = (np.concatenate([old[0], grown[0]]), np.concatenate([old[1], grown[1]]))
            postings[term] = grown
        return Delta(docs=tuple(docs), alive=alive, rows=rows, postings=postings)

    def _apply_remove(self, ids: Sequence[str]) -> None:
        state = self._state
        alive = state.alive.copy()
        delta = state.delta
        delta_alive, rows = delta.alive, delta.rows
        for doc_id in ids:
            position = state.main.positions.get(doc_id)
            if position is not None:
                alive[position] = False
            row = rows.get(doc_id)
            if row is not None:
                if rows is delta.rows:
                    delta_alive, rows = delta_alive.copy(), dict(rows)
                delta_alive[row] = False
                del rows[doc_id]
        self._state = replace(state, alive=alive, delta=replace(delta, alive=delta_alive, rows=rows))

    def _apply_successes(self, counts: Mapping[str, int], replace_all: bool) -> None:
        merged = {} if replace_all else dict(self._state.successes)
        merged.update(counts)
        self._state = replace(self._state, successes={k: v for k, v in merged.items() if v > 0})

    # ---- persistence ----------------------------------------------------------------------------

    def save(self, path: str | Path) -> None:
        """Write a new generation under ``path`` and attach to it (see store.py)."""
        store.save(self, Path(path))

    @classmethod
    def load(cls, path: str | Path, *, analyzer: Analyzer | None = None) -> MatchIndex:
        return store.load(Path(path), analyzer=analyzer, build=cls)

    def refresh(self) -> bool:
        """Apply changes other processes made to the attached directory; True if any."""
        return store.refresh(self)

    def _take(self, other: MatchIndex) -> None:
        self._state = other._state
        self.config = other.config
        self.analyzer = other.analyzer
        self.labels = other.labels
        self.built_at = other.built_at
        self.dictionary_changed = other.dictionary_changed
        self._attachment = other._attachment
        self._by_document = other._by_document

    # ---- reading ------------------------------------------------------------------------------

    def __len__(self) -> int:
        state = self._state
        return int(state.alive.sum()) + len(state.delta)

    def __contains__(self, doc_id: object) -> bool:
        state = self._state
        if doc_id in state.delta.rows:
            return True
        position = state.main.positions.get(str(doc_id))
        return position is not None and bool(state.alive[position])

    @property
    def stats(self) -> dict[str, int | bool]:
        state = self._state
        removed = int(state.main.n_docs - state.alive.sum())
        return {
            "documents": len(self),
            "main": state.main.n_docs,
            "delta": len(state.delta),
            "removed": removed,
            "terms": len(state.main.vocab),
            "needs_rebuild": len(state.delta) > max(2000, state.main.n_docs // 20)
            or removed > max(2000, state.main.n_docs // 5),
        }

    def documents(self) -> Iterable[str]:
        """Ids of every live document."""
        state = self._state
        for position in np.flatnonzero(state.alive):
            yield state.main.ids[int(position)]
        yield from state.delta.rows

    def query_terms(self, text: str) -> tuple[list[str], list[str], list[str]]:
        """(words, bigrams, lone characters) of a query, de-duplicated and capped."""
        words, bigrams, lone = self.analyzer.query(text)
        return (
            list(dict.fromkeys(words))[:MAX_QUERY_WORDS],
            list(dict.fromkeys(bigrams))[:MAX_QUERY_BIGRAMS],
            list(dict.fromkeys(lone))[:MAX_QUERY_WORDS],
        )

    def search(self, query: Query) -> SearchResult:
        """The ranked hits. The same query on the same state gives the same result, so recent
        results are kept until the index changes (every change replaces the state): a demand's page
        asks for its recommendations on each view. Callers must not change the result."""
        state = self._state
        key = _query_key(query)
        with self._memo_lock:
            if self._memo_state is not state:
                self._memo.clear()
                self._memo_state = state
            found = self._memo.get(key)
            if found is not None:
                self._memo.move_to_end(key)
                return found
        found = self._search(state, query)
        with self._memo_lock:
            if self._memo_state is state:
                self._memo[key] = found
                while len(self._memo) > SEARCH_MEMO_SIZE:
                    self._memo.popitem(last=False)
        return found

    def _search(self, state: State, query: Query) -> SearchResult:
        main = state.main
        words, bigrams, lone = self.query_terms(query.text)
        synonyms = (
            dict(self.analyzer.expand(words)[:MAX_QUERY_WORDS]) if self.config.synonym_weight > 0 else {}
        )
        weighted = (
            [(t, 1.0) for t in words]
            + [(t, self.config.synonym_weight) for t in synonyms]
            + [(t, self.config.bigram_weight) for t in bigrams]
            + [(t, self.config.single_weight) for t in lone if self.config.single_weight > 0]
        )
        known = [(t, w) for t, w in weighted if t in main.vocab or t in state.delta.postings]
        if synonyms:
            # Highlight the synonyms a record was found by, after the words typed.
            words = words + [t for t in synonyms if t not in words]
        if not any(t in words for t, _ in known):
            # Only shared character pairs or lone characters are no basis for a recommendation.
            return SearchResult(hits=[], hint=NO_TERMS_HINT, terms=words)
        top = max(0, min(int(query.top), 1000))
        if top == 0:
            return SearchResult(hits=[], terms=words)
        try:
            prefix = significant_prefix(query.region_prefix) if query.region_prefix else ""
        except ValueError as exc:
            return SearchResult(hits=[], hint=str(exc), terms=words)
        excluded = {str(i) for i in query.exclude}
        wanted = max(top * 3, self.config.candidates) if self.config.rerank else top
        asked = _Wanted(query, known, prefix, excluded, wanted)
        feedback: dict[str, float] = {}
        if (
            self.config.feedback_docs > 0
            and main.n_docs >= FEEDBACK_CORPUS_FACTOR * self.config.feedback_docs
        ):
            # The first ranking only chooses the records to learn from: it needs no contributions
            # unless lone characters are scored (the filter of _candidates reads them).
            scored_lone = lone if self.config.single_weight > 0 else []
            vocab = main.vocab
            first_scores = _main_scores(main, [(vocab[t], t, w) for t, w in known if t in vocab])
            asked = replace(asked, scores=first_scores)
            first = self._candidates(state, asked, scored_lone, contributions=bool(scored_lone))
            if first:
                asked_terms = {t for t, _ in weighted}
                feedback = self._feedback(state, self._scored(state, query, first), asked_terms)
            if feedback:
                added = [(vocab[t], t, w) for t, w in feedback.items() if t in vocab]
                asked = replace(
                    asked,
                    known=known + list(feedback.items()),
                    scores=_main_scores(main, added, first_scores.copy()),
                )
        candidates = self._candidates(state, asked, lone)
        if not candidates:
            return SearchResult(hits=[], hint=NO_MATCH_HINT, terms=words)
        hits = self._rank(state, query, candidates, top, synonyms, feedback)
        return SearchResult(hits=hits, terms=words)

    def _candidates(
        self, state: State, asked: _Wanted, lone: list[str], *, contributions: bool = True
    ) -> list[_Candidate]:
        main = self._main_candidates(state, asked, contributions=contributions)
        candidates = main + self._delta_candidates(state, asked)
        if lone and contributions:
            # A record that shares nothing but a character or two with the query is not a match.
            single = set(lone)
            candidates = [c for c in candidates if any(t not in single for t, _ in c.terms)]
        return candidates

    # ---- pseudo-relevance feedback ----------------------------------------------------------------

    def _feedback(
        self,
        state: State,
        scored: list[tuple[float, _Candidate, dict[str, float]]],
        asked_terms: Collection[str],
    ) -> dict[str, float]:
        """Rocchio on the best records of the first ranking: each record's BM25 term weights, summed
        to 1 per record, are averaged; the heaviest words the query lacks come back with their weight
        scaled so the first has ``feedback_weight``. Character pairs, lone characters, generic words,
        numbers and words inside a query word are left out. Records of the delta are not read."""
        config, main = self.config, state.main
        positions = []
        for _, c, _ in scored[: config.feedback_docs]:
            position = main.positions.get(c.id)
            if position is not None and state.alive[position]:
                positions.append(position)
        if not positions or config.feedback_terms <= 0 or config.feedback_weight <= 0:
            return {}
        matrix, names = self._rows(main)
        columns: list[np.ndarray] = []
        values: list[np.ndarray] = []
        for position in positions:
            start, end = int(matrix.indptr[position]), int(matrix.indptr[position + 1])
            row = matrix.data[start:end]
            total = float(row.sum())
            if total > 0:
                columns.append(matrix.indices[start:end])
                values.append(row / total)
        if not columns:
            return {}
        unique, inverse = np.unique(np.concatenate(columns), return_inverse=True)
        summed = np.bincount(inverse, weights=np.concatenate(values))
        if len(columns) > 1:
            shared = np.bincount(inverse) >= min(FEEDBACK_MIN_DOCS, len(columns))
            summed = np.where(shared, summed, 0.0)
        common = main.indptr[unique + 1] - main.indptr[unique] > FEEDBACK_MAX_DF * main.n_docs
        summed = np.where(common, 0.0, summed)
        typed = [t for t in asked_terms if not t.startswith(BIGRAM_MARK)]
        generic = self.analyzer.generic
        chosen: list[tuple[str, float]] = []
        for k in np.argsort(-summed).tolist():
            if summed[k] <= 0:
                break
            term = names[int(unique[k])]
            if (
                term.startswith(BIGRAM_MARK)
                or len(term) < 2
                or term in asked_terms
                or term in generic
                or _NUMBER_TERM.fullmatch(term)
                or any(term in t or t in term for t in typed)
            ):
                continue
            chosen.append((term, float(summed[k])))
            if len(chosen) >= config.feedback_terms:
                break
        if not chosen:
            return {}
        top_weight = chosen[0][1]
        return {term: config.feedback_weight * weight / top_weight for term, weight in chosen}

    def _rows(self, main: Segment) -> tuple[sparse.csr_matrix, list[str]]:
        """The score matrix by document and the term of each column, for feedback (a second copy
        of the matrix, made once per main segment)."""
        cached = self._by_document
        if cached is not None and cached[0] is main:
            return cached[1], cached[2]
        matrix = sparse.csc_matrix(
            (main.data, main.indices, main.indptr), shape=(main.n_docs, len(main.vocab))
        ).tocsr()
        names = [""] * len(main.vocab)
        for term, term_id in main.vocab.items():
            names[term_id] = term
        self._by_document = (main, matrix, names)
        return matrix, names

    def _main_candidates(
        self, state: State, asked: _Wanted, *, contributions: bool = True
    ) -> list[_Candidate]:
        main = state.main
        term_ids = [(main.vocab[t], t, w) for t, w in asked.known if t in main.vocab]
        if not term_ids or main.n_docs == 0:
            return []
        scores = asked.scores if asked.scores is not None else _main_scores(main, term_ids)
        positions = np.flatnonzero(scores)
        positions = positions[state.alive[positions]]
        if asked.query.kinds:
            codes = [main.kind_names.index(k) for k in asked.query.kinds if k in main.kind_names]
            positions = positions[np.isin(main.kinds[positions], codes)]
        if asked.prefix:
            divisor = 10 ** (12 - len(asked.prefix))
            positions = positions[main.regions[positions] // divisor == int(asked.prefix)]
        if asked.query.industries:
            codes = [main.industry_names.index(i) for i in asked.query.industries if i in main.industry_names]
            positions = positions[np.isin(main.industries[positions], codes)]
        if asked.query.only_available:
            positions = positions[main.available[positions]]
        if asked.excluded:
            drop = [main.positions[i] for i in asked.excluded if i in main.positions]
            if drop:
                positions = positions[~np.isin(positions, drop)]
        if positions.size == 0:
            return []
        if positions.size > asked.count:
            part = np.argpartition(-scores[positions], asked.count - 1)[: asked.count]
            positions = positions[part]
        out: list[_Candidate] = []
        for position in positions.tolist():
            region = int(main.regions[position])
            out.append(
                _Candidate(
                    id=main.ids[position],
                    kind=main.kind_names[int(main.kinds[position])],
                    title=main.titles[position],
                    bm25=float(scores[position]),
                    region=f"{region:012d}" if region >= 0 else "",
                    industry=main.industry_names[int(main.industries[position])],
                    available=bool(main.available[position]),
                    terms=[],
                    extra=main.extras.get(position, {}),
                )
            )
        if contributions:
            self._main_contributions(main, term_ids, positions, out)
        return out

    @staticmethod
    def _main_contributions(
        main: Segment, term_ids: list[tuple[int, str, float]], positions: np.ndarray, out: list[_Candidate]
    ) -> None:
        """Which query terms each candidate contains, with their score share (for explanations)."""
        order = np.argsort(positions)
        sorted_positions = positions[order]
        for term_id, term, weight in term_ids:
            start, end = int(main.indptr[term_id]), int(main.indptr[term_id + 1])
            rows = main.indices[start:end]
            found = np.searchsorted(rows, sorted_positions)
            found = np.minimum(found, max(end - start - 1, 0))
            if end == start:
                continue
            hit = rows[found] == sorted_positions
            for k in np.flatnonzero(hit).tolist():
                out[int(order[k])].terms.append((term, weight * float(main.data[start + int(found[k])])))

    def _delta_candidates(self, state: State, asked: _Wanted) -> list[_Candidate]:
        delta, main = state.delta, state.main
        if not len(delta):
            return []
        n_total = main.n_docs + len(delta)
        scores = np.zeros(len(delta.docs), np.float32)
        scaled: list[tuple[str, np.ndarray, np.ndarray]] = []
        for term, weight in asked.known:
            posting = delta.postings.get(term)
            if posting is None:
                continue
            rows, parts = posting
            term_id = main.vocab.get(term)
            if term_id is not None and main.df(term_id) > 0:
                df, n = main.df(term_id), main.n_docs
            else:
                df, n = int(np.count_nonzero(delta.alive[rows])), n_total
            contribution = parts * np.float32(weight * math.log(1 + (n - df + 0.5) / (df + 0.5)))
            scores[rows] += contribution
            scaled.append((term, rows, contribution))
        scores[~delta.alive] = 0
        kinds, industries = set(asked.query.kinds), set(asked.query.industries)
        kept: list[int] = []
        for row in np.flatnonzero(scores).tolist():
            doc = delta.docs[row]
            if not (
                doc.id in asked.excluded
                or (kinds and doc.kind not in kinds)
                or (asked.prefix and not doc.region.startswith(asked.prefix))
                or (industries and doc.industry not in industries)
                or (asked.query.only_available and not doc.available)
            ):
                kept.append(row)
        kept.sort(key=lambda row: -scores[row])
        out: dict[int, _Candidate] = {}
        for row in kept[: asked.count]:
            doc = delta.docs[row]
            out[row] = _Candidate(
                id=doc.id,
                kind=doc.kind,
                title=doc.title,
                bm25=float(scores[row]),
                region=doc.region if regions.region_int(doc.region) >= 0 else "",
                industry=doc.industry,
                available=doc.available,
                terms=[],
                extra=doc.extra,
            )
        if out:
            chosen = np.fromiter(out, np.int32)
            for term, rows, contribution in scaled:
                at = np.minimum(np.searchsorted(rows, chosen), len(rows) - 1)
                for k in np.flatnonzero(rows[at] == chosen).tolist():
                    out[int(chosen[k])].terms.append((term, float(contribution[at[k]])))
        return list(out.values())

    # ---- re-rank and explanation ----------------------------------------------------------------

    def _scored(
        self, state: State, query: Query, candidates: list[_Candidate]
    ) -> list[tuple[float, _Candidate, dict[str, float]]]:
        """Candidates with their re-ranked score and features, best first."""
        weights = dict(DEFAULT_WEIGHTS)
        if query.feature_weights:
            weights.update({k: float(v) for k, v in query.feature_weights.items()})
        best = max(c.bm25 for c in candidates) or 1.0
        query_region = (query.prefer_region or "").strip()
        query_city = regions.city_of(query_region)
        query_county = regions.county_of(query_region)
        scored: list[tuple[float, _Candidate, dict[str, float]]] = []
        for c in candidates:
            features = {"bm25": c.bm25 / best}
            if self.config.rerank:
                features["industry"], c.shared_industry = self._industry_relation(query.industry, c.industry)
                features["same_county"] = float(
                    bool(query_county) and regions.county_of(c.region) == query_county
                )
                features["same_city"] = float(bool(query_city) and regions.city_of(c.region) == query_city)
                features["east_west_north"] = float(
                    query.prefer_east_west_north and regions.is_east_west_north(c.region)
                )
                features["available"] = float(c.available)
                successes = state.successes.get(c.id, 0)
                features["success"] = min(1.0, math.log1p(successes) / math.log1p(SUCCESS_SATURATION))
            score = 0.0
            for name, value in features.items():
                if value:
                    score += weights.get(name, 0.0) * value
            scored.append((score, c, features))
        scored.sort(key=lambda item: (-item[0], -item[1].bm25, item[1].id))
        return scored

    def _rank(
        self,
        state: State,
        query: Query,
        candidates: list[_Candidate],
        top: int,
        synonyms: Mapping[str, str] | None = None,
        feedback: Collection[str] = (),
    ) -> list[Hit]:
        query_region = (query.prefer_region or "").strip()
        hits: list[Hit] = []
        for score, c, features in self._scored(state, query, candidates)[:top]:
            matched = _display_terms(c.terms)
            hits.append(
                Hit(
                    id=c.id,
                    kind=c.kind,
                    title=c.title,
                    score=round(score, 6),
                    bm25=round(c.bm25, 6),
                    features={k: round(v, 4) for k, v in features.items()},
                    matched_terms=matched,
                    explanation=self._explain(
                        state, c, features, matched, query_region, synonyms or {}, feedback
                    ),
                    extra=c.extra,
                )
            )
        return hits

    def _place_line(self, region: str, query_region: str, same_county: bool) -> str:
        """Where the record is, claiming only what is shared: the town when the town is what matches,
        otherwise the shared county or city and, in brackets, the record's own place within it."""
        city, county, town = _place_line_parts(self.labels, region)
        if same_county and county:
            if town and regions.town_of(region) == regions.town_of(query_region):
                return f"同在{city}{county}{town}"
            return f"同在{city}{county}（位于{town}）" if town else f"同在{city}{county}"
        where = f"{county}{town}"
        return f"同在{city}（位于{where}）" if where else f"同在{city}"

    def _industry_relation(self, wanted: str, have: str) -> tuple[float, str]:
        """1 for the same industry, 0.5 for the same parent category; with the shared code."""
        if not wanted or not have:
            return 0.0, ""
        if wanted == have:
            return 1.0, have
        parents = self.labels.industry_parents
        parent = parents.get(wanted, wanted)
        if parent == parents.get(have, have):
            return 0.5, parent
        return 0.0, ""

    def _explain(
        self,
        state: State,
        c: _Candidate,
        features: Mapping[str, float],
        matched: list[str],
        query_region: str = "",
        synonyms: Mapping[str, str] | None = None,
        feedback: Collection[str] = (),
    ) -> list[str]:
        lines: list[str] = []
        synonyms = synonyms or {}
        words = [
            t for t in matched if not t.startswith(BIGRAM_MARK) and t not in synonyms and t not in feedback
        ]
        found_by = [t for t in matched if t in synonyms]
        related = [t for t in matched if t in feedback and t not in synonyms]
        if words:
            lines.append("匹配关键词：" + "、".join(words[:6]))
        if found_by:
            # The record's word, then the query's word it stands for: 同义词：叶螨→红蜘蛛.
            lines.append("同义词：" + "、".join(f"{t}→{synonyms[t]}" for t in found_by[:4]))
        if related:
            # Words the query did not have, taken from the best results of a first ranking.
            lines.append("相关词（来自最相关的结果）：" + "、".join(related[:4]))
        if not words and not found_by and not related and matched:
            lines.append("字词相近：" + "、".join(t.removeprefix(BIGRAM_MARK) for t in matched[:6]))
        if features.get("industry", 0.0) > 0:
            name = self.labels.industries.get(c.shared_industry, c.shared_industry)
            lines.append(f"同属{name}" if name.endswith("业") else f"同属{name}产业")
        if features.get("same_city"):
            lines.append(self._place_line(c.region, query_region, bool(features.get("same_county"))))
        if features.get("east_west_north"):
            lines.append("位于粤东西北地区")
        successes = state.successes.get(c.id, 0)
        if successes and self.config.rerank:
            lines.append(f"近期成功对接 {successes} 次")
        if not c.available:
            lines.append("当前暂不可对接")
        return lines


def _place_line_parts(labels: Labels, region: str) -> tuple[str, str, str]:
    county = regions.county_of(region)
    town = regions.town_of(region)
    return (
        regions.CITY_NAMES[regions.city_of(region)],
        labels.regions.get(county + "000000", "") if county else "",
        labels.regions.get(town + "000", "") if town else "",
    )


def _main_scores(
    main: Segment, term_ids: Iterable[tuple[int, str, float]], scores: np.ndarray | None = None
) -> np.ndarray:
    """BM25 of every main document for the weighted terms, added to ``scores`` if given."""
    if scores is None:
        scores = np.zeros(main.n_docs, np.float32)
    for term_id, _, weight in term_ids:
        start, end = main.indptr[term_id], main.indptr[term_id + 1]
        rows = main.indices[start:end]
        # Rows within one column are unique, so fancy-index addition is exact.
        if weight == 1.0:
            scores[rows] += main.data[start:end]
        else:
            scores[rows] += weight * main.data[start:end]
    return scores


def _display_terms(terms: list[tuple[str, float]]) -> list[str]:
    """Matched words by contribution, dropping a word inside a longer matched word; character pairs
    only when no word matched."""
    ranked = [t for t, _ in sorted(terms, key=lambda item: -item[1]) if len(t) >= 2]
    words = [t for t in ranked if not t.startswith(BIGRAM_MARK)]
    if not words:
        return list(dict.fromkeys(ranked))
    return [w for w in dict.fromkeys(words) if not any(w != o and w in o for o in words)]


def bm25_matrix(
    corpus: Sequence[array[int]], n_terms: int, k1: float, b: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Lucene BM25 scores of each term in each document, as a CSC matrix over terms (data, row
    indices sorted within each column, column pointers): idf = ln(1 + (N − df + 0.5) / (df + 0.5)),
    score = idf · tf / (tf + k1 · (1 − b + b · dl / avgdl)), with bm25s's precision and order of
    operations, so the scores are the ones bm25s gives — in a few vectorised passes instead of a
    Python loop per document (a fifth of the build time at 110,000 records)."""
    n_docs = len(corpus)
    lengths = np.fromiter((len(tokens) for tokens in corpus), np.int64, n_docs)
    if not lengths.sum():
        return np.zeros(0, np.float32), np.zeros(0, np.int32), np.zeros(n_terms + 1, np.int64)
    # The token lists are already rows of a CSR matrix; a term repeated in a document is summed
    # into its frequency when the matrix turns to columns.
    by_document = sparse.csr_matrix(
        (
            np.ones(int(lengths.sum()), np.float32),
            np.concatenate([np.frombuffer(tokens, np.int32) for tokens in corpus]),
            np.concatenate(([0], np.cumsum(lengths))),
        ),
        shape=(n_docs, n_terms),
    )
    counts = by_document.tocsc()
    del by_document
    counts.sum_duplicates()  # also sorts rows within each column, which the contribution look-up needs
    indices = np.asarray(counts.indices, np.int32)
    indptr = np.asarray(counts.indptr, np.int64)
    # As in bm25s: idf kept in float32, the rest in float64, the score rounded to float32 at the end.
    scores = np.asarray(counts.data, np.float64)
    del counts
    df = np.diff(indptr)
    unique_df, where = np.unique(df, return_inverse=True)
    idf = np.array([math.log(1 + (n_docs - d + 0.5) / (d + 0.5)) for d in unique_df.tolist()], np.float32)
    idf = idf[where]
    denominator = (k1 * ((1 - b) + b * lengths / lengths.mean()))[indices]
    denominator += scores
    scores /= denominator
    del denominator
    scores *= np.repeat(idf, df)
    return scores.astype(np.float32), indices, indptr


def _segment_from(
    documents: Sequence[Document], corpus: list[array[int]], vocab: dict[str, int], config: IndexConfig
) -> Segment:
    if not documents:
        return _empty_segment()
    if vocab:
        data, indices, indptr = bm25_matrix(corpus, len(vocab), config.k1, config.b)
    else:
        data, indices, indptr = np.zeros(0, np.float32), np.zeros(0, np.int32), np.zeros(1, np.int64)
    lengths = [len(tokens) for tokens in corpus]
    avgdl = float(np.mean(lengths)) if lengths and sum(lengths) else 1.0
    kind_names = sorted({d.kind for d in documents})
    industry_names = sorted({d.industry for d in documents})
    kind_code = {k: i for i, k in enumerate(kind_names)}
    industry_code = {k: i for i, k in enumerate(industry_names)}
    ids = [d.id for d in documents]
    return Segment(
        vocab=vocab,
        data=data,
        indices=indices,
        indptr=indptr,
        avgdl=avgdl,
        ids=ids,
        titles=[d.title for d in documents],
        kinds=np.array([kind_code[d.kind] for d in documents], np.int16),
        regions=np.array([regions.region_int(d.region) for d in documents], np.int64),
        industries=np.array([industry_code[d.industry] for d in documents], np.int32),
        available=np.array([d.available for d in documents], np.bool_),
        kind_names=kind_names,
        industry_names=industry_names,
        extras={i: dict(d.extra) for i, d in enumerate(documents) if d.extra},
        positions={doc_id: i for i, doc_id in enumerate(ids)},
    )
