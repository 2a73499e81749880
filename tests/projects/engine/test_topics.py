"""Topics from accepted demands: near-duplicates across counties become one topic, a shared crop,
disease, generic word or place name alone never does, every demand is kept exactly once, and the
same demands give the same topics in any order."""

from __future__ import annotations

import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from baiqianwan.projects.engine import DemandText, Topic, group

# Twelve 县 of 梅州、潮州 and 揭阳, where 蜜柚 is grown.
COUNTIES = [
    "441402",
    "441403",
    "441421",
    "441422",
    "441423",
    "441424",
    "441426",
    "441427",
    "441481",
    "445102",
    "445103",
    "445122",
]

POMELO_GREENING = [
    ("我村蜜柚得了黄龙病怎么办", "今年好多蜜柚树叶片发黄，果实变小，请专家来看看"),
    ("柚子黄龙病防控技术需求", "柚园黄龙病蔓延，需要防控技术"),
    ("沙田柚黄龙病严重，求专家指导", "果园出现黄龙病病株，不知道如何挖除病树"),
    ("蜜柚黃龍病", "果園發現黃龍病，急需防控技術"),
    ("梅州蜜柚黄龙病综合防控", "大埔县蜜柚黄龙病发生面积扩大"),
    ("蜜柚黄龙病快速检测", "希望有黄龙病快速检测方法，早发现早处理"),
    ("金柚黄龙病防控", "金柚种植户反映黄龙病严重"),
    ("黄龙病危害蜜柚产业", "蜜柚产业受黄龙病影响，农户损失大"),
    ("求蜜柚黄龙病防治方法", ""),
    ("蜜柚黄龙病病树处理", "病树挖除后补种的苗木又得了黄龙病"),
    ("红肉蜜柚黄龙病", "红肉蜜柚感染黄龙病，产量下降"),
    ("蜜柚園黃龍病蔓延怎麼辦", "急需防控技術"),
]

OTHERS = [
    DemandText("L1", "荔枝霜疫霉病防控", "荔枝成熟期遇雨，霜疫霉病暴发", "440604", "fruit.lychee"),
    DemandText("L2", "荔枝霜疫霉病严重怎么办", "今年荔枝霜疫霉病烂果多", "440981", "fruit.lychee"),
    DemandText("L3", "荔枝霜疫霉病预测预报", "", "440882", "fruit.lychee"),
    DemandText("F1", "罗非鱼链球菌病", "罗非鱼高温季节链球菌病死鱼多", "440825", "aqua"),
    DemandText("F2", "罗非鱼链球菌病防控技术需求", "罗非鱼养殖中链球菌病高发", "440883", "aqua"),
    DemandText("T1", "茶叶加工技术需求", "加工工艺落后，想提高茶叶品质", "445122", "tea"),
    DemandText("T2", "茶叶加工设备", "茶叶加工设备老旧", "441481", "tea"),
]


def pomelo() -> list[DemandText]:
    return [
        DemandText(f"P{i:02d}", title, text, county, "fruit.citrus")
        for i, ((title, text), county) in enumerate(zip(POMELO_GREENING, COUNTIES, strict=True))
    ]


def by_source(topics: list[Topic]) -> dict[str, Topic]:
    return {source: topic for topic in topics for source in topic.sources}


def test_twelve_counties_of_pomelo_greening_are_one_topic_and_other_problems_their_own() -> None:
    topics = group(pomelo() + OTHERS)
    first = topics[0]
    assert first.sources == tuple(f"P{i:02d}" for i in range(12))
    assert first.counties == tuple(sorted(COUNTIES))
    assert first.id == "T-P00"
    assert first.industry == "fruit.citrus"
    assert set(first.label.split()) == {"柚子", "黄龙病"}
    assert [name for name, _ in first.terms[:2]] == ["黄龙病", "柚子"]
    assert [set(t.sources) for t in topics[1:]] == [{"L1", "L2", "L3"}, {"F1", "F2"}, {"T1", "T2"}]
    assert [t.label for t in topics[1:]] == ["荔枝霜疫霉病", "罗非鱼 链球菌病", "茶叶 加工"]


def test_the_explanation_names_the_shared_terms_and_the_number_of_counties() -> None:
    topic = group(pomelo())[0]
    assert (
        topic.explanation == "12 项需求（来自 12 个县）均提到：黄龙病、柚子（含沙田柚、红肉蜜柚、蜜柚、金柚）"
    )
    assert topic.explain("P02").startswith("需求 P02 与本题共有：黄龙病、沙田柚（与本题中心的相似度 0.")
    assert topic.member("P01").shared == ("黄龙病", "柚子")
    # The demand a reviewer would look at first when deciding whether to split is the least alike.
    least = min(topic.members, key=lambda s: s.similarity)
    assert all(0.45 <= s.similarity <= 1 for s in topic.members)
    assert least.id == "P05"  # 快速检测: the same disease and crop, a narrower ask
    with pytest.raises(KeyError, match="L1"):
        topic.explain("L1")


def test_a_topic_whose_demands_all_write_one_variety_is_labelled_with_it() -> None:
    topics = group(
        [
            DemandText("A", "蜜柚黄龙病", "", "441422"),
            DemandText("B", "蜜柚黄龙病防控", "", "441423"),
            DemandText("C", "蜜柚的黄龙病怎么办", "", "441424"),
        ]
    )
    assert len(topics) == 1
    assert topics[0].label == "蜜柚 黄龙病"
    assert topics[0].explanation == "3 项需求（来自 3 个县）均提到：黄龙病、蜜柚"


def test_traditional_script_scores_as_simplified() -> None:
    simplified = DemandText("S", "蜜柚黄龙病防控", "果园发现黄龙病病树", "441422")
    traditional = DemandText("T", "蜜柚黃龍病防控", "果園發現黃龍病病樹", "445122")
    (topic,) = group([simplified, traditional])
    assert topic.sources == ("S", "T")
    assert [s.similarity for s in topic.members] == [1.0, 1.0]
    assert topic.label == "蜜柚 黄龙病"


@pytest.mark.parametrize(
    "titles",
    [
        ["技术需求", "技术需求", "怎么办", "种植技术需求怎么办", "急需技术指导", "请问怎么办？"],
        ["柑橘种植技术需求", "水稻种植技术需求", "生猪养殖技术需求"],
        ["大埔县蜜柚黄龙病", "大埔县罗非鱼链球菌病", "大埔县茶叶加工"],
    ],
    ids=["generic words", "one generic phrase, different crops", "one place, different problems"],
)
def test_generic_words_and_place_names_alone_never_merge(titles: list[str]) -> None:
    demands = [DemandText(f"G{i}", title, "", COUNTIES[i]) for i, title in enumerate(titles)]
    topics = group(demands)
    assert len(topics) == len(titles)
    assert all(len(t.sources) == 1 for t in topics)


def test_a_demand_without_terms_is_its_own_topic_labelled_by_its_title() -> None:
    topics = by_source(
        group([DemandText("G1", "请问怎么办？？", "", "441422"), DemandText("G2", "技術需求", "", "441422")])
    )
    assert topics["G1"].label == "请问怎么办"  # its title, cleaned of punctuation
    assert topics["G2"].label == "技术需求"
    assert topics["G2"].terms == ()
    assert topics["G2"].explanation == "标题和描述中没有可比较的关键词，单独成题"
    assert topics["G2"].explain("G2") == "需求 G2 单独成题：标题和描述中没有可比较的关键词，单独成题"


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("荔枝霜疫霉病防控", "荔枝蒂蛀虫防控"),  # one crop, two pests
        ("木瓜疏花疏果技术", "豇豆疏花疏果技术"),  # one technique, two crops
        ("柑橘黄龙病防控", "柑橘溃疡病防控"),
        ("发财树出了问题，求助", "发财树白叶枯病严重"),  # the first names no problem
    ],
)
def test_sharing_only_a_crop_or_only_a_problem_does_not_merge(first: str, second: str) -> None:
    demands = [
        DemandText(f"D{i}", title, "", COUNTIES[i]) for i in range(6) for title in [(first, second)[i % 2]]
    ]
    topics = group(demands)
    assert sorted(t.sources for t in topics) == [("D0", "D2", "D4"), ("D1", "D3", "D5")]


def test_place_names_in_the_text_neither_join_nor_split() -> None:
    topics = group(
        [
            DemandText("A", "梅州市大埔县蜜柚黄龙病", "", "441422"),
            DemandText("B", "蜜柚黄龙病", "平远县发现病树", "441426"),
            DemandText("C", "湛江罗非鱼链球菌病", "", "440825"),
        ]
    )
    assert [t.sources for t in topics] == [("A", "B"), ("C",)]


def test_topics_are_sorted_by_counties_then_sources_and_count_each_county_once() -> None:
    demands = [
        DemandText("A1", "罗非鱼链球菌病", "", "440825100000"),
        DemandText("A2", "罗非鱼链球菌病", "", "440825102201"),  # a village of the same county
        DemandText("A3", "罗非鱼链球菌病", "", "440825"),
        DemandText("B1", "茶叶加工", "", "445122"),
        DemandText("B2", "茶叶加工", "", "441481"),
        DemandText("C1", "荔枝霜疫霉病", "", "440604"),
    ]
    topics = group(demands)
    assert [(t.id, len(t.counties), len(t.sources)) for t in topics] == [
        ("T-B1", 2, 2),
        ("T-A1", 1, 3),
        ("T-C1", 1, 1),
    ]
    assert topics[1].counties == ("440825",)


def test_the_most_common_industry_names_the_topic() -> None:
    topics = group(
        [
            DemandText("A", "茶叶加工", "", "445122", "tea.processing"),
            DemandText("B", "茶叶加工", "", "441481", "tea"),
            DemandText("C", "茶叶加工", "", "441402", "tea"),
            DemandText("D", "茶叶加工", "", "441403", ""),
        ]
    )
    assert topics[0].industry == "tea"


def test_the_same_demands_in_any_order_give_the_same_topics() -> None:
    demands = pomelo() + OTHERS + [DemandText("G1", "技术需求", "", "441422")]
    expected = group(demands)
    rng = random.Random(7)
    for _ in range(5):
        shuffled = demands[:]
        rng.shuffle(shuffled)
        assert group(shuffled) == expected


def test_bad_input_is_refused_in_chinese_naming_the_demand() -> None:
    with pytest.raises(ValueError, match="需求编号重复：P03"):
        group([*pomelo(), DemandText("P03", "蜜柚黄龙病", "", "441422")])
    with pytest.raises(ValueError, match="需求编号不能为空"):
        group([DemandText(" ", "蜜柚黄龙病", "", "441422")])
    with pytest.raises(ValueError, match="需求 X 的县级区划代码应为 6 位"):
        group([DemandText("X", "蜜柚黄龙病", "", "梅州")])
    with pytest.raises(ValueError, match="相似度阈值"):
        group(pomelo(), threshold=0)


def test_no_demands_give_no_topics() -> None:
    assert group([]) == []


# Words that make random demands alike, unlike, or empty; traditional script and noise included.
FRAGMENTS = [
    "蜜柚",
    "沙田柚",
    "黄龙病",
    "黃龍病",
    "荔枝",
    "霜疫霉病",
    "罗非鱼",
    "链球菌病",
    "茶叶",
    "加工",
    "技术需求",
    "怎么办",
    "大埔县",
    "防控",
    "，",
    "😀",
    "<b>",
    "2023年",
    "abc",
]
TEXTS = st.one_of(st.lists(st.sampled_from(FRAGMENTS), max_size=5).map("".join), st.text(max_size=12))
DEMANDS = st.lists(
    st.tuples(st.text(min_size=1, max_size=4).filter(str.strip), TEXTS, TEXTS, st.sampled_from(COUNTIES[:4])),
    max_size=25,
    unique_by=lambda row: row[0].strip(),
)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=DEMANDS, seed=st.integers(0, 2**16), threshold=st.sampled_from([0.3, 0.45, 0.7, 1.0]))
def test_every_demand_is_in_exactly_one_topic_whatever_the_input(
    rows: list[tuple[str, str, str, str]], seed: int, threshold: float
) -> None:
    demands = [DemandText(i, title, text, county) for i, title, text, county in rows]
    topics = group(demands, threshold=threshold)
    sources = [source for topic in topics for source in topic.sources]
    assert sorted(sources) == sorted(i.strip() for i, *_ in rows)
    for topic in topics:
        assert topic.id == "T-" + min(topic.sources)
        assert list(topic.sources) == sorted(topic.sources)
        assert topic.label
        assert [m.id for m in topic.members] == list(topic.sources)
        assert set(topic.counties) == {m.county for m in topic.members}
    order = [(-len(t.counties), -len(t.sources), t.id) for t in topics]
    assert order == sorted(order)
    shuffled = demands[:]
    random.Random(seed).shuffle(shuffled)
    assert group(shuffled, threshold=threshold) == topics
