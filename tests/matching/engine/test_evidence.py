"""What counts as evidence that a record matches: not the place a text names, not words every
agri-tech text uses, not a lone character; and a location reason that says where the record is."""

from __future__ import annotations

from baiqianwan.matching.engine import NO_TERMS_HINT, Document, Labels, MatchIndex, Query, default_analyzer
from baiqianwan.matching.engine.places import default_place_names, place_names

LABELS = Labels(
    industries={"FRUIT": "岭南水果", "FRUIT-POMELO": "沙田柚/蜜柚", "FRUIT-PINEAPPLE": "菠萝"},
    industry_parents={"FRUIT-POMELO": "FRUIT", "FRUIT-PINEAPPLE": "FRUIT"},
    regions={
        "441422000000": "大埔县",
        "441422100000": "湖寮镇",
        "441422118000": "西河镇",
        "441402000000": "梅江区",
    },
)
DOCS = [
    Document(
        "hlb",
        "achievement",
        "柑橘黄龙病综合防控技术",
        "无病苗木、木虱统防统治和病树清除。",
        region="440106000000",
    ),
    Document(
        "pineapple",
        "achievement",
        "菠萝机械化种植与催花技术",
        "徐闻菠萝园区种植、采收和搬运机械。",
        industry="FRUIT-PINEAPPLE",
        region="440825000000",
    ),
    Document(
        "culture", "achievement", "湖寮镇文化站数字化建设", "湖寮镇村级文化站的建设。", region="441422100000"
    ),
    Document("garden", "achievement", "园林绿化苗圃管理", "园、木、树的日常养护。", region="440106000000"),
    Document(
        "xihe", "institution", "大埔县农业技术推广中心西河站", "蜜柚栽培与黄龙病防控。", region="441422118000"
    ),
    Document(
        "huliao",
        "institution",
        "大埔县农业技术推广中心湖寮站",
        "蜜柚栽培与黄龙病防控。",
        region="441422100000",
    ),
    Document(
        "county", "institution", "大埔县农业技术推广中心", "蜜柚栽培与黄龙病防控。", region="441422000000"
    ),
    Document("city", "institution", "梅州市农林科学院", "蜜柚栽培与黄龙病防控。", region="441402000000"),
]
DEMAND = "湖寮镇几个村的蜜柚园黄龙病蔓延，300 多亩，求防控技术和抗病苗木，想请专家指导种植"


def index() -> MatchIndex:
    return MatchIndex.build(DOCS, labels=LABELS)


def test_place_names_are_cut_whole_and_never_match() -> None:
    analyzer = default_analyzer()
    assert {"湖寮镇", "大埔县", "大埔", "梅州市", "梅州", "西河镇", "连江口镇", "徐闻"} <= analyzer.places
    words = analyzer.words("梅州市大埔县湖寮镇长教村")
    assert not {"湖", "寮", "镇", "湖寮镇", "镇长", "大埔县", "梅州市"} & set(words)
    assert not any(b in analyzer.bigrams("湖寮镇的蜜柚") for b in ("#湖寮", "#寮镇", "#镇的"))
    hits = index().search(Query(DEMAND)).hits
    assert "culture" not in [h.id for h in hits]  # shares only the town's name with the demand


def test_generic_words_lone_characters_and_numbers_are_not_query_terms() -> None:
    result = index().search(Query(DEMAND))
    assert not {"技术", "种植", "防控", "专家", "指导", "300", "园", "湖", "寮", "镇"} & set(result.terms)
    assert {"蜜柚", "黄龙病", "苗木"} <= set(result.terms)
    found = [h.id for h in result.hits]
    # The pineapple machinery shares only 种植、技术、园 with a pomelo disease: no match.
    assert "pineapple" not in found
    assert "garden" not in found  # 园、木 alone
    assert "hlb" in found
    for hit in result.hits:
        assert all(len(term) >= 2 for term in hit.matched_terms), hit.matched_terms
    assert index().search(Query("种植技术问题，求专家指导")).hint == NO_TERMS_HINT


def test_a_location_reason_says_where_the_record_is() -> None:
    query = Query("蜜柚黄龙病", kinds=("institution",), prefer_region="441422100202")  # 湖寮镇长教村
    reasons = {h.id: h.explanation for h in index().search(query).hits}
    assert "同在梅州市大埔县湖寮镇" in reasons["huliao"]
    assert "同在梅州市大埔县（位于西河镇）" in reasons["xihe"]
    assert "同在梅州市大埔县" in reasons["county"]
    assert "同在梅州市（位于梅江区）" in reasons["city"]
    assert not any("同在梅州市大埔县" in line for line in reasons["city"])


def test_bare_names_that_are_everyday_words_stay_words() -> None:
    names = place_names(
        [("光明区", "county"), ("大埔县", "county"), ("湖寮镇", "town"), ("长教村委会", "village")]
    )
    assert names == {"光明区", "大埔县", "大埔", "湖寮镇"}
    # Domain terms that begin with a place (新会陈皮、阳春砂仁、英红九号) are still terms.
    words = default_analyzer().words("新会陈皮和阳春砂仁，英红九号")
    assert {"新会陈皮", "阳春砂仁", "英红九号"} <= set(words)
    assert "新会" not in words
    assert len(default_place_names()) > 1800
