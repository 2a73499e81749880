from __future__ import annotations

from django.utils import translation

from baiqianwan.matching.reasons import reason_text


def test_the_synonym_line_reads_in_the_language_in_use() -> None:
    with translation.override("zh-hans"):
        assert reason_text("同义词：叶螨→红蜘蛛") == "同义词：叶螨→红蜘蛛"
    with translation.override("en"):
        assert reason_text("同义词：叶螨→红蜘蛛、狗虱→黄曲条跳甲") == (
            "Synonyms (record → query): 叶螨→红蜘蛛, 狗虱→黄曲条跳甲"
        )
