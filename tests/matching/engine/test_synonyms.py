from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

from baiqianwan.matching.engine import (
    AnalyzerConfig,
    Document,
    IndexConfig,
    MatchIndex,
    Query,
    default_analyzer,
)
from baiqianwan.matching.engine.normalise import dictionary_dir

MITES = Document(
    id="mites", kind="achievement", title="柑橘叶螨绿色防控技术", text="释放捕食螨，轮换使用杀螨剂。"
)
BORER = Document(
    id="borer", kind="achievement", title="荔枝蒂蛀虫综合防治", text="冬季清园，花穗期诱杀成虫。"
)


def builder() -> ModuleType:
    path = dictionary_dir() / "build_synonyms.py"
    spec = importlib.util.spec_from_file_location("build_synonyms", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("build_synonyms", module)
    spec.loader.exec_module(module)
    return module


def test_a_query_word_expands_to_its_group() -> None:
    analyzer = default_analyzer()
    expanded = dict(analyzer.expand(["红蜘蛛"]))
    assert expanded["叶螨"] == "红蜘蛛"
    assert "红蜘蛛" not in expanded
    # A group member the query already has is not added again.
    assert "叶螨" not in dict(analyzer.expand(["红蜘蛛", "叶螨"]))


def test_local_names_are_cut_whole() -> None:
    words = default_analyzer().words("菜心狗虱好多")
    assert "狗虱" in words
    assert dict(default_analyzer().expand(words))["黄曲条跳甲"] == "狗虱"


def test_synonyms_off_leaves_words_alone() -> None:
    analyzer = default_analyzer(AnalyzerConfig(synonyms=False))
    assert analyzer.expand(["红蜘蛛"]) == []


def test_the_synonym_finds_the_record_and_the_explanation_says_so() -> None:
    index = MatchIndex.build([MITES, BORER])
    hits = index.search(Query("我家柑橘红蜘蛛很多，用什么药")).hits
    assert hits[0].id == "mites"
    assert "同义词：叶螨→红蜘蛛" in hits[0].explanation
    assert hits[0].explanation[0] == "匹配关键词：柑橘"
    assert "叶螨" in index.search(Query("红蜘蛛")).terms


def test_a_synonym_weighs_less_than_the_word_typed() -> None:
    typed = Document(id="typed", kind="achievement", title="柑橘红蜘蛛防治")
    index = MatchIndex.build([MITES, typed, BORER])
    ranked = [hit.id for hit in index.search(Query("柑橘红蜘蛛")).hits]
    assert ranked[:2] == ["typed", "mites"]


def test_expansion_can_be_turned_off() -> None:
    index = MatchIndex.build([MITES, BORER], config=IndexConfig(synonym_weight=0.0))
    result = index.search(Query("红蜘蛛"))
    assert result.hits == []


def test_the_built_file_is_up_to_date_and_rebuilds_identically() -> None:
    module = builder()
    first = module.build()
    assert first == module.build()
    assert first == (dictionary_dir() / "synonyms.txt").read_text(encoding="utf-8")


def test_groups_sharing_a_word_are_merged_in_source_order() -> None:
    module = builder()
    merged = module.merge([["红蜘蛛", "叶螨"], ["蚜虫", "腻虫"], ["叶螨", "全爪螨"]])
    assert merged == [["红蜘蛛", "叶螨", "全爪螨"], ["蚜虫", "腻虫"]]


@pytest.mark.parametrize("line", ["红蜘蛛 请问", "蚜虫 虫", "蚜虫"])
def test_words_the_engine_drops_are_refused(tmp_path: Path, line: str) -> None:
    source = tmp_path / "synonyms.txt"
    source.write_text(line + "\n", encoding="utf-8")
    with pytest.raises(SystemExit):
        builder().build(source)


def test_a_longer_form_of_a_word_typed_is_not_added() -> None:
    expanded = dict(default_analyzer().expand(["黄龙病"]))
    assert expanded["青果病"] == "黄龙病"
    # A record with 柑橘黄龙病 already matches 黄龙病 through its parts.
    assert "柑橘黄龙病" not in expanded
