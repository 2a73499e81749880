"""Matching engine: plain Python (no Django), used by demands, supply, dispatch and reviews.

index = MatchIndex.build(documents)            # or MatchIndex.load("var/matching")
result = index.search(Query("蜜柚黄龙病防控", kinds=["achievement"], prefer_region="441422100202"))
for hit in result.hits: hit.id, hit.score, hit.explanation
"""

from .index import (
    DEFAULT_WEIGHTS,
    KIND_LABELS,
    NO_MATCH_HINT,
    NO_TERMS_HINT,
    Hit,
    MatchIndex,
    Query,
    SearchResult,
)
from .normalise import highlight_spans, normalise
from .segments import Document, IndexConfig, Labels
from .store import IndexStoreError
from .tokenise import Analyzer, AnalyzerConfig, default_analyzer, tokenise

__all__ = [
    "DEFAULT_WEIGHTS",
    "KIND_LABELS",
    "NO_MATCH_HINT",
    "NO_TERMS_HINT",
    "Analyzer",
    "AnalyzerConfig",
    "Document",
    "Hit",
    "IndexConfig",
    "IndexStoreError",
    "Labels",
    "MatchIndex",
    "Query",
    "SearchResult",
    "default_analyzer",
    "highlight_spans",
    "normalise",
    "tokenise",
]
