"""What an index is made of, shared by the index (which searches it) and the store (which writes
it to disk and reads it back): documents, configuration, labels, the bulk-built segment, the
documents added since, and the state that ties them together."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from typing import Any

import numpy as np

from .tokenise import AnalyzerConfig


@dataclass(frozen=True, slots=True)
class Document:
    """One searchable record. ``region`` is a 12-digit division code; ``industry`` a taxonomy code."""

    id: str
    kind: str
    title: str
    text: str = ""
    keywords: str = ""
    industry: str = ""
    region: str = ""
    available: bool = True
    extra: Mapping[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            f.name: (dict(self.extra) if f.name == "extra" else getattr(self, f.name)) for f in fields(self)
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Document:
        return cls(
            id=str(data["id"]),
            kind=str(data.get("kind") or ""),
            title=str(data.get("title") or ""),
            text=str(data.get("text") or ""),
            keywords=str(data.get("keywords") or ""),
            industry=str(data.get("industry") or ""),
            region=str(data.get("region") or ""),
            available=bool(data.get("available", True)),
            extra=dict(data.get("extra") or {}),
        )


@dataclass(frozen=True, slots=True)
class Labels:
    """Display names for explanations: industry code → name, industry code → parent code, and
    12-digit county and town codes → name (city names are built in)."""

    industries: Mapping[str, str] = field(default_factory=dict)
    industry_parents: Mapping[str, str] = field(default_factory=dict)
    regions: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class IndexConfig:
    # b, title_weight and single_weight chosen by benchmarks/tune_matching.py on the dev split
    # (issue 15; they were 0.75, 3 and 0.3): a record's title is in its text anyway, and a lone
    # character shared with a query is more often noise than evidence.
    k1: float = 1.2
    b: float = 0.9
    title_weight: int = 1
    keywords_weight: int = 2
    text_weight: int = 1
    bigram_weight: float = 0.3
    single_weight: float = 0.0
    # A synonym the query did not type (叶螨 for 红蜘蛛) counts this much of a typed word; 0 turns
    # expansion off (the synonyms still segment as words while AnalyzerConfig.synonyms is on).
    synonym_weight: float = 0.5
    # Pseudo-relevance feedback (Rocchio): the words that weigh most in the best ``feedback_docs``
    # records of a first ranking are added, up to ``feedback_terms`` of them, at most
    # ``feedback_weight`` of a typed word each, and the search is run again; 0 documents turns it
    # off. Chosen on the dev split (docs/matching.md, issue 15).
    feedback_docs: int = 5
    feedback_terms: int = 10
    feedback_weight: float = 0.5
    candidates: int = 100
    rerank: bool = True
    analyzer: AnalyzerConfig = field(default_factory=AnalyzerConfig)

    def as_dict(self) -> dict[str, Any]:
        out = {f.name: getattr(self, f.name) for f in fields(self) if f.name != "analyzer"}
        out["analyzer"] = {f.name: getattr(self.analyzer, f.name) for f in fields(self.analyzer)}
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> IndexConfig:
        known = {f.name for f in fields(cls)} - {"analyzer"}
        values = {k: v for k, v in data.items() if k in known}
        analyzer = AnalyzerConfig(**dict(data.get("analyzer") or {}))
        return cls(**values, analyzer=analyzer)


@dataclass(frozen=True, slots=True)
class Segment:
    """The bulk-built part: BM25 scores (CSC over terms) and per-document arrays."""

    vocab: dict[str, int]
    data: np.ndarray
    indices: np.ndarray
    indptr: np.ndarray
    avgdl: float
    ids: list[str]
    titles: list[str]
    kinds: np.ndarray
    regions: np.ndarray
    industries: np.ndarray
    available: np.ndarray
    kind_names: list[str]
    industry_names: list[str]
    extras: dict[int, dict[str, Any]]
    positions: dict[str, int]

    @property
    def n_docs(self) -> int:
        return len(self.ids)

    def df(self, term_id: int) -> int:
        return int(self.indptr[term_id + 1] - self.indptr[term_id])


@dataclass(frozen=True, slots=True)
class Delta:
    """Documents added since the build. Rows only grow (a replaced or removed row is marked dead);
    each term keeps its rows and BM25 term-frequency parts, so a query is a few numpy additions.
    The idf is applied at query time from the main segment's statistics."""

    docs: tuple[Document, ...] = ()
    alive: np.ndarray = field(default_factory=lambda: np.zeros(0, np.bool_))
    rows: dict[str, int] = field(default_factory=dict)
    postings: dict[str, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.rows)

    def live(self) -> list[Document]:
        return [self.docs[row] for row in sorted(self.rows.values())]


@dataclass(frozen=True, slots=True)
class State:
    main: Segment
    alive: np.ndarray
    delta: Delta
    successes: dict[str, int]
