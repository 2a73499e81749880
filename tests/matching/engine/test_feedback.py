"""Pseudo-relevance feedback (Rocchio on the best records of a first ranking), in index.py."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from baiqianwan.matching.engine import Document, IndexConfig, MatchIndex, Query
from baiqianwan.matching.engine.index import FEEDBACK_CORPUS_FACTOR

RELATED = "相关词（来自最相关的结果）："

TOPIC = [
    Document(
        "downy-1",
        "achievement",
        "荔枝霜疫霉病综合防控技术",
        "花穗期和果实膨大期喷施甲霜灵，清园减少菌源，防止烂果。扎根基层",
    ),
    Document(
        "downy-2",
        "achievement",
        "荔枝霜疫霉病监测预警",
        "根据降雨预测霜疫霉病发生，及时喷施甲霜灵，减少烂果。",
    ),
]
# Shares no word with the query, only the words the two records above have in common.
EXPERT = Document("expert", "expert", "梁研究员", "长期研究甲霜灵的使用和荔枝烂果的成因。")
# Shares only a word that one record alone has.
LONER = Document("loner", "expert", "罗站长", "扎根基层二十年。")


def filler(count: int) -> list[Document]:
    return [
        Document(f"rice-{i}", "achievement", f"第{i}号水稻品种选育", "水稻高产栽培，抗倒伏。")
        for i in range(count)
    ]


def corpus(fillers: int = FEEDBACK_CORPUS_FACTOR * 5) -> list[Document]:
    return [*TOPIC, EXPERT, LONER, *filler(fillers)]


def hits(index: MatchIndex, text: str = "霜疫霉病") -> dict[str, list[str]]:
    return {hit.id: hit.explanation for hit in index.search(Query(text, top=20)).hits}


def test_a_record_sharing_the_best_results_words_is_found_and_says_why() -> None:
    found = hits(MatchIndex.build(corpus()))
    assert list(found)[:2] == ["downy-1", "downy-2"] or list(found)[:2] == ["downy-2", "downy-1"]
    assert "expert" in found
    related = next(line for line in found["expert"] if line.startswith(RELATED))
    assert "甲霜灵" in related
    assert "烂果" in related
    # The query's own word stays the matched keyword of the records that have it.
    assert found["downy-1"][0] == "匹配关键词：霜疫霉病"


def test_a_word_of_one_record_only_is_not_taken() -> None:
    # However many words feedback may add.
    found = hits(MatchIndex.build(corpus(), config=IndexConfig(feedback_terms=100)))
    assert "loner" not in found
    assert not any("扎根" in line for lines in found.values() for line in lines)


def test_a_longer_form_of_a_query_word_is_not_taken() -> None:
    # 荔枝霜疫霉病 holds the query's 霜疫霉病: a record with it already matches.
    found = hits(MatchIndex.build(corpus()))
    assert not any("荔枝霜疫霉病" in line for lines in found.values() for line in lines if RELATED in line)


def test_a_word_in_many_records_is_not_taken() -> None:
    common = [replace(d, text=d.text + "水稻") for d in TOPIC]
    found = hits(MatchIndex.build([*common, EXPERT, LONER, *filler(FEEDBACK_CORPUS_FACTOR * 5)]))
    assert not any(d.startswith("rice-") for d in found)


def test_feedback_can_be_turned_off() -> None:
    found = hits(MatchIndex.build(corpus(), config=IndexConfig(feedback_docs=0)))
    assert set(found) == {"downy-1", "downy-2"}
    assert not any(RELATED in line for lines in found.values() for line in lines)


def test_a_small_corpus_gets_no_feedback() -> None:
    small = corpus(fillers=FEEDBACK_CORPUS_FACTOR * 5 - 10)
    assert hits(MatchIndex.build(small)) == hits(MatchIndex.build(small, config=IndexConfig(feedback_docs=0)))


def test_records_added_after_the_build_are_found_through_feedback_words() -> None:
    index = MatchIndex.build([*TOPIC, LONER, *filler(FEEDBACK_CORPUS_FACTOR * 5)])
    index.add([EXPERT])
    assert "expert" in hits(index)


def test_a_saved_index_keeps_its_feedback_settings(tmp_path: Path) -> None:
    config = IndexConfig(feedback_docs=4, feedback_terms=3, feedback_weight=0.4)
    index = MatchIndex.build(corpus(), config=config)
    index.save(tmp_path / "matching")
    loaded = MatchIndex.load(tmp_path / "matching")
    assert loaded.config == config
    assert hits(loaded) == hits(index)
