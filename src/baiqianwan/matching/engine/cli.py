"""``python -m baiqianwan.matching.engine.cli run|eval``: the evaluation commands as plain functions,
wrapped by the ``bqw match`` management command.

    run  --corpus corpus.jsonl --queries queries.jsonl --output run.trec [--top 100]
    eval --run run.trec --qrels qrels.tsv
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import TextIO

from .eval import DataFormatError, evaluate, run
from .index import IndexConfig

METRICS = ("nDCG@10", "MRR@10", "Recall@10", "Recall@100")


def config_from(*, dictionary: bool = True, bigrams: bool = True, rerank: bool = True) -> IndexConfig:
    """An index configuration for the ablation switches."""
    config = IndexConfig(rerank=rerank)
    return replace(config, analyzer=replace(config.analyzer, dictionary=dictionary, bigrams=bigrams))


def metrics_table(values: Mapping[str, float]) -> str:
    rows = [f"{'metric':<12}{'value':>8}"]
    rows += [f"{name:<12}{values.get(name, 0.0):>8.4f}" for name in METRICS]
    rows.append(f"{'queries':<12}{int(values.get('queries', 0)):>8d}")
    return "\n".join(rows) + "\n"


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="bqw match", description="匹配引擎评测：生成 TREC 结果文件并计算指标")
    commands = root.add_subparsers(dest="command", required=True)
    run_parser = commands.add_parser("run", help="建立索引并检索全部查询，输出 TREC 结果文件")
    run_parser.add_argument("--corpus", required=True, help="文档 JSONL：id、title、text、kind")
    run_parser.add_argument("--queries", required=True, help="查询 JSONL：id、text")
    run_parser.add_argument("--output", required=True, help="输出的 TREC 结果文件")
    run_parser.add_argument("--top", type=int, default=100, help="每个查询输出的结果数（默认 100）")
    run_parser.add_argument("--tag", default="bqw", help="结果文件最后一列的标签")
    run_parser.add_argument("--no-dictionary", action="store_true", help="不使用领域词典（对照实验）")
    run_parser.add_argument("--no-bigrams", action="store_true", help="不加汉字二元组（对照实验）")
    run_parser.add_argument("--no-rerank", action="store_true", help="只用 BM25 排序，不做特征重排")
    eval_parser = commands.add_parser("eval", help="按相关性判断计算 nDCG@10、MRR@10、Recall@10、Recall@100")
    eval_parser.add_argument("--run", required=True, help="TREC 结果文件")
    eval_parser.add_argument(
        "--qrels", required=True, help="相关性判断：query_id、doc_id、relevance（制表符分隔）"
    )
    return root


def main(
    argv: Sequence[str] | None = None, *, stdout: TextIO | None = None, stderr: TextIO | None = None
) -> int:
    out = stdout or sys.stdout
    err = stderr or sys.stderr
    args = parser().parse_args(argv)
    try:
        if args.command == "run":
            if args.top < 1:
                err.write("--top 应为正整数\n")
                return 2
            config = config_from(
                dictionary=not args.no_dictionary, bigrams=not args.no_bigrams, rerank=not args.no_rerank
            )
            stats = run(args.corpus, args.queries, args.output, args.top, tag=args.tag, config=config)
            err.write(stats.line() + "\n")
        else:
            out.write(metrics_table(evaluate(args.run, args.qrels)))
    except DataFormatError as exc:
        err.write(f"{exc}\n")
        return 2
    except OSError as exc:
        err.write(f"无法读写文件：{exc}\n")
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
