from __future__ import annotations

import pytest

from baiqianwan.matching.engine import highlight_spans, normalise
from baiqianwan.matching.engine.normalise import MAX_CHARS, Normaliser, chinese_number, clean


def test_traditional_becomes_simplified() -> None:
    assert normalise("蜜柚園黃龍病蔓延") == "蜜柚园黄龙病蔓延"
    assert normalise("龍眼焙乾") == "龙眼焙干"


def test_full_width_and_case_are_folded() -> None:
    assert normalise("ＡＢＣ１２３　ＥＨＰ") == "abc123 ehp"


def test_html_is_stripped_and_script_bodies_dropped() -> None:
    text = "<p>香蕉<b>枯萎病</b></p><script>alert('x')</script>&lt;i&gt;防治"
    assert normalise(text) == "香蕉 枯萎病 防治"


def test_sql_and_punctuation_collapse_to_words() -> None:
    assert normalise("荔枝'; DROP TABLE demands; --") == "荔枝 drop table demands"
    assert normalise("！！！……，。、？") == ""


def test_decimals_survive_but_lone_dots_do_not() -> None:
    assert normalise("亩产2.5吨。。...v1.2.") == "亩产 2.5 吨 v1.2"


def test_emoji_and_symbols_are_dropped() -> None:
    assert normalise("荔枝😀🍋好吃★") == "荔枝 好吃"


def test_question_and_filler_phrases_are_removed() -> None:
    assert normalise("请问蜜柚黄龙病怎么办？急需帮忙") == "蜜柚黄龙病"
    assert normalise("有没有荔枝保鲜的技术") == "荔枝保鲜的技术"


def test_filler_inside_a_domain_term_is_kept() -> None:
    # 如何首乌：removing 如何 would cut 何首乌.
    assert "何首乌" in normalise("如何首乌种植")
    assert Normaliser(["如何"], [])("如何首乌") == "首乌"


def test_empty_and_long_inputs() -> None:
    assert normalise("") == ""
    assert normalise("   \n\t ") == ""
    long = "黄龙病防控" * 30_000
    out = normalise(long)
    assert out.startswith("黄龙病防控")
    assert len(out) <= MAX_CHARS


def test_clean_keeps_mixed_scripts() -> None:
    assert clean("Ｈｅｌｌｏ 荔枝 ライチ 리치") == "hello 荔枝 ライチ 리치"


def test_highlight_spans_follow_the_original_text() -> None:
    text = "蜜柚園黃龍病蔓延，ＥＨＰ檢測"
    spans = highlight_spans(text, ["黄龙病", "ehp", "#黄龙"])
    assert [text[a:b] for a, b in spans] == ["黃龍病", "ＥＨＰ"]
    assert highlight_spans("", ["荔枝"]) == []
    assert highlight_spans("荔枝", []) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("种了三亩沙糖橘，亩产只有两千斤", "种了 3 亩 沙糖橘 亩产只有 2000 斤"),
        ("每亩用量30千克", "每亩用量 30 公斤"),
        ("每亩施50ＫＧ", "每亩施 50 公斤"),
        ("万亩荔枝园，一万二千株", "10000 亩 荔枝园 12000 株"),
        ("投资二十万元", "投资 20 万元"),
    ],
)
def test_quantities_are_written_one_way(text: str, expected: str) -> None:
    assert normalise(text) == expected


@pytest.mark.parametrize("text", ["千斤拔", "三元杂交猪", "十月橘", "两头乌", "三四亩", "一年两造"])
def test_words_that_look_like_quantities_are_left_alone(text: str) -> None:
    assert normalise(text) == text


def test_chinese_numbers() -> None:
    values = ["三", "十五", "两千", "一万二千", "一百零五", "二十万", "万", "三四", "百万"]
    assert [chinese_number(v) for v in values] == [3, 15, 2000, 12000, 105, 200000, 10000, None, 1000000]
