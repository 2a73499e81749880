from __future__ import annotations

from baiqianwan.matching.engine import highlight_spans, normalise
from baiqianwan.matching.engine.normalise import MAX_CHARS, Normaliser, clean


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
    assert normalise("亩产2.5吨。。...v1.2.") == "亩产2.5吨 v1.2"


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
