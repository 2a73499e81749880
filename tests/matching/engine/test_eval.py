from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from baiqianwan.matching.engine.cli import main
from baiqianwan.matching.engine.eval import DataFormatError, evaluate, load_corpus, metrics, read_qrels, run

from .corpus import DOCS


def test_metrics_on_a_hand_computed_example() -> None:
    qrels = {"q1": {"d1": 3, "d2": 1, "d3": 0}, "q2": {"d4": 2}, "q3": {"d5": 0}}
    ranking = {"q1": ["d3", "d1", "d2"]}  # q2 has no hits; q3 has nothing relevant and is not counted
    out = metrics(ranking, qrels)
    # q1: DCG = 3/log2(3) + 1/log2(4) = 2.39279; IDCG = 3 + 1/log2(3) = 3.63093; nDCG = 0.65900
    assert out["nDCG@10"] == pytest.approx((0.65900 + 0) / 2, abs=1e-4)
    assert out["MRR@10"] == pytest.approx((1 / 2 + 0) / 2)
    assert out["Recall@10"] == pytest.approx((1 + 0) / 2)
    assert out["Recall@100"] == pytest.approx(0.5)
    assert out["queries"] == 2


def test_relevant_documents_after_rank_ten_count_for_recall_at_100_only() -> None:
    ranking = {"q": [f"x{i}" for i in range(10)] + ["hit"]}
    out = metrics(ranking, {"q": {"hit": 1}})
    assert out["Recall@10"] == 0
    assert out["MRR@10"] == 0
    assert out["Recall@100"] == 1


def test_qrels_with_header_and_trec_form(tmp_path: Path) -> None:
    path = tmp_path / "qrels.tsv"
    path.write_text("query_id\tdoc_id\trelevance\nq1\td1\t2\n\nq2 0 d2 1\n", encoding="utf-8")
    assert read_qrels(path) == {"q1": {"d1": 2}, "q2": {"d2": 1}}
    path.write_text("q1\td1\t2\nq1\td2\tmany\n", encoding="utf-8")
    with pytest.raises(DataFormatError, match="第 2 行"):
        read_qrels(path)


def write_jsonl(path: Path, rows: list[object]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    corpus = write_jsonl(
        tmp_path / "corpus.jsonl",
        [{"id": d.id, "title": d.title, "text": d.text, "kind": d.kind} for d in DOCS],
    )
    queries = write_jsonl(
        tmp_path / "queries.jsonl",
        [
            {"id": "q1", "text": "柑橘黄龙病综合防控"},
            {"id": "q2", "text": "荔枝保鲜冷链"},
            {"id": "q3", "text": "请问"},
        ],
    )
    qrels = tmp_path / "qrels.tsv"
    qrels.write_text("query_id\tdoc_id\trelevance\nq1\thlb\t3\nq2\tcoldchain\t3\n", encoding="utf-8")
    return {"corpus": corpus, "queries": queries, "qrels": qrels, "run": tmp_path / "run.trec"}


def test_run_writes_a_trec_run_and_eval_scores_it(files: dict[str, Path]) -> None:
    stats = run(files["corpus"], files["queries"], files["run"], top=5, tag="test")
    assert stats.queries == 3
    assert stats.documents == len(DOCS)
    assert stats.index_seconds >= 0
    assert 0 <= stats.p50_ms <= stats.p99_ms
    lines = files["run"].read_text(encoding="utf-8").splitlines()
    first = lines[0].split()
    assert first[:2] == ["q1", "Q0"]
    assert first[2] == "hlb"
    assert first[3] == "1"
    assert first[5] == "test"
    assert all(len(line.split()) == 6 for line in lines)
    assert not any(line.startswith("q3 ") for line in lines)
    scores = evaluate(files["run"], files["qrels"])
    assert scores["MRR@10"] == 1.0
    assert scores["queries"] == 2


def test_bad_jsonl_names_the_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "corpus.jsonl"
    path.write_text('{"id": "a", "title": "t", "text": "x"}\n\n{"id": "b", "title": \n', encoding="utf-8")
    with pytest.raises(DataFormatError) as caught:
        load_corpus(path)
    assert str(path) in str(caught.value)
    assert "第 3 行" in str(caught.value)
    path.write_text('{"id": "a", "text": "x"}\n', encoding="utf-8")
    with pytest.raises(DataFormatError, match="第 1 行缺少字段：title"):
        load_corpus(path)
    path.write_text('["not", "an", "object"]\n', encoding="utf-8")
    with pytest.raises(DataFormatError, match="应为 JSON 对象"):
        load_corpus(path)
    path.write_bytes(b'{"id": "a", "title": "t", "text": "x"}\n\xff\xfe\n')
    with pytest.raises(DataFormatError, match="UTF-8"):
        load_corpus(path)
    with pytest.raises(DataFormatError, match="无法打开"):
        load_corpus(tmp_path / "missing.jsonl")


def test_command_line(files: dict[str, Path]) -> None:
    out, err = io.StringIO(), io.StringIO()
    argv = ["run", "--corpus", str(files["corpus"]), "--queries", str(files["queries"])]
    assert main([*argv, "--output", str(files["run"]), "--top", "10"], stdout=out, stderr=err) == 0
    assert err.getvalue().startswith("index_seconds=")
    assert "p50_ms=" in err.getvalue()
    assert (
        main(["eval", "--run", str(files["run"]), "--qrels", str(files["qrels"])], stdout=out, stderr=err)
        == 0
    )
    table = out.getvalue()
    for name in ("nDCG@10", "MRR@10", "Recall@10", "Recall@100"):
        assert name in table
    files["queries"].write_text("{oops\n", encoding="utf-8")
    err = io.StringIO()
    assert main([*argv, "--output", str(files["run"])], stdout=out, stderr=err) == 2
    assert "第 1 行" in err.getvalue()
