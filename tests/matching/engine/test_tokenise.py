from __future__ import annotations

from baiqianwan.matching.engine import AnalyzerConfig, default_analyzer, tokenise


def test_dictionary_keeps_domain_terms_whole() -> None:
    assert tokenise("蜜柚黄龙病")[:2] == ["蜜柚", "黄龙病"]
    words = tokenise("草地贪夜蛾危害玉米，推广水肥一体化和无人机植保")
    for term in ("草地贪夜蛾", "玉米", "水肥一体化", "无人机植保"):
        assert term in words


def test_compound_terms_also_yield_their_parts() -> None:
    words = tokenise("荔枝霜疫霉病")
    assert words[0] == "荔枝霜疫霉病"
    assert {"荔枝", "霜疫霉病"} <= set(words)
    # The general split too, so a text that writes 黄龙 病 apart still matches.
    assert {"黄龙病", "黄龙"} <= set(tokenise("黄龙病"))


def test_without_the_dictionary_terms_fall_apart() -> None:
    plain = default_analyzer(AnalyzerConfig(dictionary=False))
    assert "黄龙病" not in plain.words("蜜柚黄龙病")
    assert "草地贪夜蛾" not in plain.words("草地贪夜蛾")


def test_stopwords_and_punctuation_are_dropped() -> None:
    words = tokenise("请问我们村的蜜柚，怎么办？求助！！")
    assert words == ["蜜柚"]


def test_latin_and_numbers_are_kept() -> None:
    words = tokenise("EHP检测，2024年亩产3.5吨")
    assert {"ehp", "2024", "3.5"} <= set(words)


def test_traditional_and_simplified_give_the_same_tokens() -> None:
    assert tokenise("荔枝落果爛果嚴重，霜疫黴病和蒂蛀蟲") == tokenise("荔枝落果烂果严重，霜疫霉病和蒂蛀虫")


def test_bigrams_are_marked_and_optional() -> None:
    analyzer = default_analyzer(AnalyzerConfig(bigrams=True))
    tokens = analyzer.tokens("蜜柚黄龙病")
    assert "#黄龙" in tokens
    assert "#柚黄" in tokens
    assert not any(t.startswith("#") for t in tokenise("蜜柚黄龙病"))


def test_odd_input() -> None:
    assert tokenise("") == []
    assert tokenise("😀😀😀") == []
    assert tokenise("a" * 500) == ["a" * 32]


def test_the_larger_vocabulary_is_loaded() -> None:
    words = tokenise("小麦赤霉病用戊唑醇，棉铃虫用茚虫威")
    assert {"赤霉病", "戊唑醇", "棉铃虫", "茚虫威"} <= set(words)


def test_question_framing_and_dialect_fillers_are_dropped() -> None:
    assert tokenise("请问老师，沙糖橘叶子卷是什么原因，有什么办法") == tokenise("沙糖橘叶子卷")
    assert tokenise("菜心啲狗虱点办") == tokenise("菜心狗虱")


def test_quantities_are_no_query_words() -> None:
    words, bigrams, lone = default_analyzer().query("种了三亩沙糖橘，亩产两千斤，每亩施复合肥50公斤")
    assert {"沙糖橘", "亩产", "复合肥"} <= set(words)
    assert not {"三亩", "两千斤", "公斤", "50", "3"} & set(words + lone)
    assert "#公斤" not in bigrams
    # The same quantity written two ways gives the same document tokens.
    assert tokenise("每亩30千克") == tokenise("每亩30公斤")
