"""Random text never breaks the engine."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from baiqianwan.matching.engine import MatchIndex, Query, highlight_spans, normalise, tokenise
from baiqianwan.matching.engine.tokenise import AnalyzerConfig, default_analyzer

from .corpus import DOCS, LABELS

INDEX = MatchIndex.build(DOCS, labels=LABELS)
CHINESE = st.text(
    alphabet=st.sampled_from("蜜柚黄龙病荔枝霜疫霉防控技术請問怎麼辦的了<>/&;'\" 0.9aZ😀"), max_size=60
)
FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(st.text())
def test_normalise_never_fails(text: str) -> None:
    out = normalise(text)
    assert isinstance(out, str)
    assert "  " not in out
    assert out == out.strip()


@FAST
@given(st.one_of(st.text(), CHINESE))
def test_tokenise_never_fails(text: str) -> None:
    for token in tokenise(text):
        assert token
        assert " " not in token
    for token in default_analyzer(AnalyzerConfig(bigrams=True)).tokens(text):
        assert token


@FAST
@given(
    st.one_of(st.text(), CHINESE),
    st.integers(min_value=-5, max_value=50),
    st.sampled_from(["", "44", "4414"]),
)
def test_search_never_fails(text: str, top: int, prefix: str) -> None:
    result = INDEX.search(Query(text, top=top, region_prefix=prefix, prefer_region=text[:12]))
    assert len(result.hits) <= max(top, 0)
    if top > 0:
        assert bool(result.hint) == (not result.hits)
    for hit in result.hits:
        assert hit.explanation


@FAST
@given(st.text(), st.lists(st.text(max_size=4), max_size=4))
def test_highlight_never_fails(text: str, terms: list[str]) -> None:
    for start, end in highlight_spans(text, terms):
        assert 0 <= start < end <= len(text)
