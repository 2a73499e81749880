from __future__ import annotations

import random
import threading
from array import array
from dataclasses import replace

import bm25s
import numpy as np
import pytest
from scipy import sparse

from baiqianwan.matching.engine import NO_MATCH_HINT, NO_TERMS_HINT, Document, IndexConfig, MatchIndex, Query
from baiqianwan.matching.engine.index import _weighted_tokens, bm25_matrix
from baiqianwan.matching.engine.tokenise import default_analyzer

from .corpus import DOCS, LABELS


@pytest.fixture
def index() -> MatchIndex:
    return MatchIndex.build(DOCS, labels=LABELS)


def ids(index: MatchIndex, query: Query) -> list[str]:
    return [hit.id for hit in index.search(query).hits]


@pytest.mark.parametrize(
    ("text", "best"),
    [
        ("蜜柚园黄龙病蔓延，求防控技术和抗病苗木", "hlb"),
        ("荔枝花期下雨烂果，霜疫霉病怎么防", "downy"),
        ("荔枝想卖到北方，需要保鲜和冷链", "coldchain"),
        ("英红九号发酵不好，香气不稳定", "tea"),
        ("对虾塘头检测", "shrimp"),
        ("合作社想建柑橘无病毒苗圃", "nursery"),
    ],
)
def test_the_right_document_comes_first(index: MatchIndex, text: str, best: str) -> None:
    assert ids(index, Query(text))[0] == best


def test_surface_overlap_ranks_below_the_real_match(index: MatchIndex) -> None:
    ranked = ids(index, Query("荔枝纹路的荔枝霜疫霉病"))
    # The achievement and the expert who studies the disease both answer it; the leather does not.
    assert set(ranked[:2]) == {"downy", "busy-expert"}
    assert ranked.index("leather") > ranked.index("downy")


def test_traditional_and_simplified_queries_agree(index: MatchIndex) -> None:
    simplified = index.search(Query("蜜柚园黄龙病蔓延，求防控技术和抗病苗木"))
    traditional = index.search(Query("蜜柚園黃龍病蔓延，求防控技術和抗病苗木"))
    assert [(h.id, h.score) for h in simplified.hits] == [(h.id, h.score) for h in traditional.hits]


def test_explanations_name_terms_and_features(index: MatchIndex) -> None:
    index.set_success_counts({"pomelo-expert": 3})
    query = Query(
        "蜜柚黄龙病防控",
        industry="fruit.lychee",
        prefer_region="441422100202",
        prefer_east_west_north=True,
    )
    hit = next(h for h in index.search(query).hits if h.id == "pomelo-expert")
    assert hit.explanation[0].startswith("匹配关键词：")
    assert "黄龙病" in hit.explanation[0]
    assert "蜜柚" in hit.explanation[0]
    assert "同属岭南水果产业" in hit.explanation
    assert "同在梅州市大埔县" in hit.explanation
    assert "位于粤东西北地区" in hit.explanation
    assert "近期成功对接 3 次" in hit.explanation
    assert {"黄龙病", "蜜柚"} <= set(hit.matched_terms)
    assert hit.features["same_county"] == 1.0
    assert hit.features["industry"] == 0.5
    assert hit.features["success"] > 0


def test_same_industry_and_unavailable_are_explained(index: MatchIndex) -> None:
    hits = index.search(Query("荔枝霜疫霉病", industry="fruit.lychee")).hits
    busy = next(h for h in hits if h.id == "busy-expert")
    assert "同属荔枝产业" in busy.explanation
    assert "当前暂不可对接" in busy.explanation
    assert busy.features["available"] == 0.0


def test_successes_feed_back_into_ranking(index: MatchIndex) -> None:
    query = Query("荔枝")
    before = ids(index, query)
    assert before.index("coldchain") > 0
    index.set_success_counts({"coldchain": 10})
    assert ids(index, query)[0] == "coldchain"
    index.set_success_counts({}, replace_all=True)
    assert ids(index, query) == before


def test_feature_weights_can_be_overridden(index: MatchIndex) -> None:
    plain = index.search(Query("荔枝", feature_weights={"industry": 0.0}))
    for hit in plain.hits:
        assert hit.score == pytest.approx(hit.features["bm25"] + 0.05 * hit.features["available"], abs=1e-3)


def test_no_known_words_gives_a_hint(index: MatchIndex) -> None:
    for text in ("", "请问怎么办？？", "你好", "😀", "<script></script>"):
        result = index.search(Query(text))
        assert result.hits == []
        assert result.hint == NO_TERMS_HINT


def test_filters_that_exclude_everything_give_another_hint(index: MatchIndex) -> None:
    result = index.search(Query("红茶", kinds=["expert"]))
    assert result.hits == []
    assert result.hint == NO_MATCH_HINT


def test_filters(index: MatchIndex) -> None:
    assert set(ids(index, Query("黄龙病", kinds=["expert"]))) == {"pomelo-expert"}
    assert set(ids(index, Query("荔枝 柑橘 黄龙病", region_prefix="4414"))) == {"pomelo-expert", "nursery"}
    assert set(ids(index, Query("荔枝 柑橘 黄龙病", region_prefix="441400000000"))) == {
        "pomelo-expert",
        "nursery",
    }
    assert set(ids(index, Query("荔枝", industries=["fruit.lychee"]))) == {
        "downy",
        "coldchain",
        "busy-expert",
    }
    assert "busy-expert" not in ids(index, Query("荔枝霜疫霉病", only_available=True))
    assert "downy" not in ids(index, Query("荔枝霜疫霉病", exclude=["downy"]))
    assert len(ids(index, Query("荔枝", top=2))) == 2
    bad = index.search(Query("荔枝", region_prefix="梅州"))
    assert bad.hits == []
    assert bad.hint.startswith("地区代码只能由数字组成")


def test_added_documents_are_searchable_at_once(index: MatchIndex) -> None:
    new = Document(
        "new",
        "demand",
        "红肉蜜柚汁胞粒化",
        "梅州蜜柚粒化严重",
        industry="fruit.citrus",
        region="441403100000",
    )
    index.add([new])
    hits = index.search(Query("蜜柚粒化", kinds=["demand"], region_prefix="4414")).hits
    assert [h.id for h in hits] == ["new"]
    assert hits[0].explanation[0].startswith("匹配关键词：")
    assert "new" in index
    assert len(index) == len(DOCS) + 1


def test_a_replaced_document_loses_its_old_text(index: MatchIndex) -> None:
    index.add([replace(DOCS[5], text="茶园病虫害绿色防控", keywords="", title="茶园绿色防控")])
    assert "tea" not in ids(index, Query("英红九号"))
    assert ids(index, Query("茶园绿色防控"))[0] == "tea"
    assert len(index) == len(DOCS)


def test_removed_documents_disappear(index: MatchIndex) -> None:
    index.add([Document("new", "demand", "蜜柚粒化", "")])
    index.remove(["hlb", "new", "missing"])
    found = ids(index, Query("黄龙病 蜜柚粒化"))
    assert "hlb" not in found
    assert "new" not in found
    assert index.stats["removed"] == 1
    assert index.stats["delta"] == 0


def test_orm_style_values_are_tolerated() -> None:
    odd = Document("x", "expert", None, None, keywords=None, industry=None, region=None, extra=None)  # type: ignore[arg-type]
    index = MatchIndex.build([odd, DOCS[0]])
    assert ids(index, Query("黄龙病")) == ["hlb"]
    index.add([odd])


def test_empty_index() -> None:
    index = MatchIndex.build([])
    assert index.search(Query("黄龙病")).hint == NO_TERMS_HINT
    index.add([DOCS[0]])
    assert ids(index, Query("黄龙病")) == ["hlb"]


def test_without_rerank_scores_are_bm25_only() -> None:
    index = MatchIndex.build(DOCS, config=IndexConfig(rerank=False))
    hit = index.search(Query("荔枝", industry="fruit.lychee")).hits[0]
    assert set(hit.features) == {"bm25"}


def test_searches_run_while_documents_are_added(index: MatchIndex) -> None:
    errors: list[BaseException] = []

    def search() -> None:
        try:
            for _ in range(50):
                assert index.search(Query("荔枝黄龙病")).hits
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=search) for _ in range(3)]
    for thread in threads:
        thread.start()
    for n in range(30):
        index.add([Document(f"d{n}", "demand", f"荔枝需求{n}", "荔枝保鲜")])
    for thread in threads:
        thread.join()
    assert not errors
    assert len(index) == len(DOCS) + 30


def test_a_delta_document_scores_like_its_twin_in_the_main_segment(index: MatchIndex) -> None:
    index.add([replace(DOCS[0], id="twin")])
    hits = {h.id: h for h in index.search(Query("柑橘黄龙病防控")).hits}
    assert hits["twin"].bm25 == pytest.approx(hits["hlb"].bm25, rel=1e-5)
    assert hits["twin"].matched_terms == hits["hlb"].matched_terms


def _bm25s_reference(corpus: list[array[int]], n_terms: int, config: IndexConfig) -> sparse.csc_matrix:
    model = bm25s.BM25(k1=config.k1, b=config.b, method="lucene", csc_backend="scipy")
    model.index((corpus, {i: i for i in range(n_terms)}), create_empty_token=False, show_progress=False)
    matrix = sparse.csc_matrix(
        (model.scores["data"], model.scores["indices"], model.scores["indptr"]), shape=(len(corpus), n_terms)
    )
    matrix.sort_indices()
    return matrix


def test_the_score_matrix_is_the_one_bm25s_gives() -> None:
    """The build scores in vectorised passes; the scores must stay bm25s's, bit for bit — over a
    real corpus (keywords counted twice) and a random one with repeats and one-word documents."""
    config = IndexConfig()
    analyzer = default_analyzer(config.analyzer)
    numbering: dict[str, int] = {}
    real = [
        array("i", [numbering.setdefault(t, len(numbering)) for t in _weighted_tokens(analyzer, doc, config)])
        for doc in DOCS
    ]
    rng = random.Random(15)
    noisy = [array("i", [rng.randrange(40) for _ in range(rng.choice([1, 2, 7, 60]))]) for _ in range(300)]
    for corpus, n_terms in ((real, len(numbering)), (noisy, 40)):
        data, indices, indptr = bm25_matrix(corpus, n_terms, config.k1, config.b)
        expected = _bm25s_reference(corpus, n_terms, config)
        assert data.dtype == np.float32
        assert np.array_equal(indptr, expected.indptr)
        assert np.array_equal(indices, expected.indices)
        assert np.array_equal(data, np.asarray(expected.data, np.float32))
        assert data.min() > 0


def test_an_index_of_records_without_words_is_empty_but_searchable() -> None:
    index = MatchIndex.build([Document(id="blank", kind="achievement", title="的", text="。。")])
    assert len(index) == 1
    assert index.search(Query("蜜柚黄龙病")).hits == []
