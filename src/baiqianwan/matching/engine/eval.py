"""Evaluation in standard IR formats: JSONL corpus and queries in, a TREC run out, qrels scored.

Corpus lines: ``{"id", "title", "text", "kind"}`` and optionally ``keywords``, ``industry``,
``region``, ``available``. Query lines: ``{"id", "text"}`` and optionally ``industry``, ``region``
(used as ``prefer_region``), ``kinds``. Run lines: ``qid Q0 docid rank score tag``. Qrels lines:
``query_id doc_id relevance`` separated by tabs (a header line is allowed; the four-column TREC
form ``qid 0 docid rel`` is accepted too).
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from .index import Document, IndexConfig, MatchIndex, Query

CUTOFF = 10
DEEP_CUTOFF = 100


class DataFormatError(ValueError):
    """A file cannot be read; the message (in Chinese) names the file and the line."""


@dataclass(frozen=True, slots=True)
class RunStats:
    index_seconds: float
    p50_ms: float
    p99_ms: float
    queries: int = 0
    documents: int = 0

    def line(self) -> str:
        return f"index_seconds={self.index_seconds:.3f} p50_ms={self.p50_ms:.3f} p99_ms={self.p99_ms:.3f}"


def read_jsonl(path: str | Path, required: tuple[str, ...]) -> Iterator[tuple[int, dict[str, Any]]]:
    """(line number, object) for each non-blank line; a bad line raises ``DataFormatError``."""
    path = Path(path)
    try:
        handle = path.open(encoding="utf-8")
    except OSError as exc:
        raise DataFormatError(f"无法打开文件 {path}：{exc.strerror or exc}") from exc
    with handle:
        number = 0
        try:
            for number, line in enumerate(handle, start=1):
                if not line.strip():
                    continue
                try:
                    item = json.loads(line)
                except json.JSONDecodeError as exc:
                    raise DataFormatError(f"{path} 第 {number} 行不是有效的 JSON：{exc.msg}") from exc
                if not isinstance(item, dict):
                    raise DataFormatError(f"{path} 第 {number} 行应为 JSON 对象")
                missing = [name for name in required if name not in item]
                if missing:
                    raise DataFormatError(f"{path} 第 {number} 行缺少字段：{'、'.join(missing)}")
                if not str(item["id"]).strip():
                    raise DataFormatError(f"{path} 第 {number} 行的 id 为空")
                yield number, item
        except UnicodeDecodeError as exc:
            raise DataFormatError(f"{path} 第 {number + 1} 行不是 UTF-8 编码") from exc


def load_corpus(path: str | Path) -> list[Document]:
    docs: list[Document] = []
    for _, item in read_jsonl(path, ("id", "title", "text")):
        docs.append(Document.from_dict({"kind": "achievement", **item}))
    return docs


def load_queries(path: str | Path) -> list[tuple[str, Query]]:
    queries: list[tuple[str, Query]] = []
    for number, item in read_jsonl(path, ("id", "text")):
        kinds = item.get("kinds") or ()
        if isinstance(kinds, str):
            kinds = (kinds,)
        if not isinstance(kinds, list | tuple):
            raise DataFormatError(f"{path} 第 {number} 行的 kinds 应为字符串列表")
        query = Query(
            text=str(item["text"]),
            kinds=tuple(str(k) for k in kinds),
            industry=str(item.get("industry") or ""),
            prefer_region=str(item.get("region") or "") or None,
            prefer_east_west_north=bool(item.get("prefer_east_west_north", False)),
        )
        queries.append((str(item["id"]), query))
    return queries


def run(
    corpus_path: str | Path,
    queries_path: str | Path,
    output_path: str | Path,
    top: int = 100,
    *,
    tag: str = "bqw",
    config: IndexConfig | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> RunStats:
    """Index the corpus, run every query, write a TREC run file; time the build and each query."""
    docs = load_corpus(corpus_path)
    queries = load_queries(queries_path)
    started = time.perf_counter()
    index = MatchIndex.build(docs, progress, config=config)
    index_seconds = time.perf_counter() - started
    latencies: list[float] = []
    lines: list[str] = []
    for qid, query in queries:
        query = replace(query, top=top)
        started = time.perf_counter()
        result = index.search(query)
        latencies.append((time.perf_counter() - started) * 1000)
        for rank, hit in enumerate(result.hits, start=1):
            lines.append(f"{qid} Q0 {hit.id} {rank} {hit.score:.6f} {tag}")
    Path(output_path).write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    p50, p99 = np.percentile(latencies, [50, 99]).tolist() if latencies else [0.0, 0.0]
    return RunStats(
        index_seconds=index_seconds, p50_ms=p50, p99_ms=p99, queries=len(queries), documents=len(docs)
    )


def read_run(path: str | Path) -> dict[str, list[str]]:
    """Ranked doc ids per query (by score, then by the given rank)."""
    rows: dict[str, list[tuple[float, int, str]]] = {}
    for number, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), start=1):
        parts = line.split()
        if not parts:
            continue
        if len(parts) != 6:
            raise DataFormatError(f"{path} 第 {number} 行应为 6 列：qid Q0 docid rank score tag")
        try:
            rank, score = int(parts[3]), float(parts[4])
        except ValueError as exc:
            raise DataFormatError(f"{path} 第 {number} 行的名次或得分不是数字") from exc
        rows.setdefault(parts[0], []).append((-score, rank, parts[2]))
    ranked: dict[str, list[str]] = {}
    for qid, items in rows.items():
        seen: dict[str, None] = {}
        for _, _, doc_id in sorted(items):
            seen.setdefault(doc_id)
        ranked[qid] = list(seen)
    return ranked


def read_qrels(path: str | Path) -> dict[str, dict[str, int]]:
    qrels: dict[str, dict[str, int]] = {}
    for number, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), start=1):
        parts = line.split("\t") if "\t" in line else line.split()
        parts = [p.strip() for p in parts]
        if not any(parts):
            continue
        if len(parts) == 4:
            parts = [parts[0], parts[2], parts[3]]
        if len(parts) != 3:
            raise DataFormatError(f"{path} 第 {number} 行应为 3 列：query_id doc_id relevance")
        try:
            relevance = int(parts[2])
        except ValueError as exc:
            if number == 1:
                continue  # header
            raise DataFormatError(f"{path} 第 {number} 行的相关度不是整数") from exc
        qrels.setdefault(parts[0], {})[parts[1]] = relevance
    return qrels


def metrics(ranking: Mapping[str, list[str]], qrels: Mapping[str, Mapping[str, int]]) -> dict[str, float]:
    """Means over the queries in ``qrels`` with at least one relevant document (relevance ≥ 1);
    a query missing from the run scores zero. nDCG uses linear gains, as trec_eval does."""
    totals = {"nDCG@10": 0.0, "MRR@10": 0.0, "Recall@10": 0.0, "Recall@100": 0.0}
    counted = 0
    for qid, judged in qrels.items():
        relevant = {d for d, r in judged.items() if r > 0}
        if not relevant:
            continue
        counted += 1
        ranked = ranking.get(qid, [])
        gains = [judged.get(d, 0) for d in ranked[:CUTOFF]]
        dcg = sum(max(g, 0) / math.log2(i + 2) for i, g in enumerate(gains))
        ideal = sorted((r for r in judged.values() if r > 0), reverse=True)[:CUTOFF]
        idcg = sum(g / math.log2(i + 2) for i, g in enumerate(ideal))
        totals["nDCG@10"] += dcg / idcg
        first = next((i for i, d in enumerate(ranked[:CUTOFF]) if d in relevant), None)
        totals["MRR@10"] += 0.0 if first is None else 1.0 / (first + 1)
        totals["Recall@10"] += len(relevant.intersection(ranked[:CUTOFF])) / len(relevant)
        totals["Recall@100"] += len(relevant.intersection(ranked[:DEEP_CUTOFF])) / len(relevant)
    out = {name: (value / counted if counted else 0.0) for name, value in totals.items()}
    out["queries"] = float(counted)
    return out


def evaluate(run_path: str | Path, qrels_path: str | Path) -> dict[str, float]:
    """nDCG@10, MRR@10, Recall@10 and Recall@100 of a run against graded judgements."""
    return metrics(read_run(run_path), read_qrels(qrels_path))
