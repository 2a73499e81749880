from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from baiqianwan.matching.engine import Document, IndexStoreError, MatchIndex, Query

from .corpus import DOCS, LABELS


def ids(index: MatchIndex, text: str, **options: object) -> list[str]:
    return [hit.id for hit in index.search(Query(text, **options)).hits]  # type: ignore[arg-type]


@pytest.fixture
def saved(tmp_path: Path) -> Path:
    index = MatchIndex.build([*DOCS, Document("x", "demand", "蜜柚", "", extra={"pk": 7})], labels=LABELS)
    index.set_success_counts({"hlb": 2})
    index.save(tmp_path)
    return tmp_path


def test_round_trip_gives_identical_results(saved: Path) -> None:
    original = MatchIndex.build([*DOCS, Document("x", "demand", "蜜柚", "", extra={"pk": 7})], labels=LABELS)
    original.set_success_counts({"hlb": 2})
    loaded = MatchIndex.load(saved)
    for text in ("蜜柚黄龙病防控", "荔枝保鲜冷链", "红茶发酵", "对虾检测"):
        query = Query(text, industry="fruit.citrus", prefer_region="441422100000")
        assert loaded.search(query) == original.search(query)
    assert loaded.labels == LABELS
    assert loaded.search(Query("蜜柚", kinds=["demand"])).hits[0].extra == {"pk": 7}
    assert not loaded.dictionary_changed
    assert len(loaded) == len(DOCS) + 1


def test_files_are_numpy_and_json_only(saved: Path) -> None:
    generation = (saved / "CURRENT").read_text()
    names = sorted(p.name for p in (saved / generation).iterdir())
    assert names == ["arrays.npz", "journal.jsonl", "meta.json"]
    json.loads((saved / generation / "meta.json").read_text())


def test_changes_reach_other_processes_through_the_journal(saved: Path) -> None:
    web1, web2 = MatchIndex.load(saved), MatchIndex.load(saved)
    web1.add([Document("new", "demand", "红肉蜜柚粒化", "蜜柚汁胞粒化")])
    web1.remove(["tea"])
    assert web2.refresh()
    assert ids(web2, "粒化") == ["new"]
    assert "tea" not in web2
    assert not web2.refresh()
    web2.set_success_counts({"coldchain": 5})
    web1.refresh()
    assert any("近期成功对接 5 次" in h.explanation for h in web1.search(Query("荔枝")).hits)
    # A fresh load replays the journal.
    assert ids(MatchIndex.load(saved), "粒化") == ["new"]


def test_a_rebuild_keeps_changes_made_while_it_ran(saved: Path) -> None:
    web = MatchIndex.load(saved)
    rebuilt = MatchIndex.build(DOCS, labels=LABELS)  # started before the add below
    time.sleep(0.01)
    web.add([Document("late", "demand", "狮头鹅育雏", "雏鹅死亡")])
    rebuilt.save(saved)
    assert ids(rebuilt, "狮头鹅") == ["late"]
    assert web.refresh()  # switches to the new generation
    assert ids(web, "狮头鹅") == ["late"]
    generations = [p for p in saved.iterdir() if p.is_dir()]
    assert len(generations) == 2  # the live one and the previous one


def test_saving_again_compacts_nothing_but_keeps_everything(saved: Path) -> None:
    index = MatchIndex.load(saved)
    index.add([Document("new", "demand", "红肉蜜柚粒化", "")])
    index.remove(["downy"])
    index.save(saved)
    again = MatchIndex.load(saved)
    assert "new" in again
    assert "downy" not in again
    assert again.stats["delta"] == 1
    assert again.stats["removed"] == 1


def test_missing_or_foreign_directories(tmp_path: Path) -> None:
    with pytest.raises(IndexStoreError, match="没有匹配索引"):
        MatchIndex.load(tmp_path)
    (tmp_path / "CURRENT").write_text("g1")
    (tmp_path / "g1").mkdir()
    (tmp_path / "g1" / "meta.json").write_text('{"format": 99}')
    with pytest.raises(IndexStoreError, match="格式版本"):
        MatchIndex.load(tmp_path)


def test_an_unsaved_index_does_not_refresh() -> None:
    assert not MatchIndex.build(DOCS).refresh()
