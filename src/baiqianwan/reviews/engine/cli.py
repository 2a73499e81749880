"""Command line for reviewer assignment: `bqw reviews assign` calls `main`; also runnable alone.

    python -m baiqianwan.reviews.engine.cli --input in.json --output out.json

Input: {"applications": [{"id", "org", "reviewers_needed"}], "reviewers": [{"id", "org",
"capacity"}], "affinity": [[application_id, reviewer_id, score]], "conflicts": [[application_id,
reviewer_id]]}. Output: {"assignments": [{"application", "reviewer"}], "unfilled":
[{"application", "missing", "reason"}]}. Exit codes: 0 solved, 2 bad input (message on stderr),
1 the result could not be produced or written, 130 interrupted.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import Any

from baiqianwan.matching.engine.commandline import (
    ChineseArgumentParser,
    UsageError,
    read_input,
    read_json,
    run_solver,
)

from .assign import ReviewSolverError, greedy, replace, solve
from .model import Assignment, ReviewInputError, assignments_from_obj, instance_from_json


def _parser(prog: str) -> argparse.ArgumentParser:
    ap = ChineseArgumentParser(
        prog=prog, description="分配评审专家：每项申报配足所需专家，回避同单位与利益冲突，相关度总和最高。"
    )
    opts = ap.options
    opts.add_argument(
        "--input",
        required=True,
        metavar="IN.json",
        help="申报、专家、相关度与回避关系（JSON，- 表示标准输入）",
    )
    opts.add_argument("--output", required=True, metavar="OUT.json", help="分配结果（JSON，- 表示标准输出）")
    opts.add_argument(
        "--method",
        choices=("optimal", "greedy"),
        default="optimal",
        help="optimal：精确最优（默认）；greedy：按相关度贪心的对照方案",
    )
    opts.add_argument("--current", metavar="PLAN.json", help="现行分配：只为谢绝的专家补位，其余分配保持不变")
    opts.add_argument(
        "--declined",
        action="append",
        default=[],
        metavar="申报编号:专家编号",
        help="谢绝评审的申报—专家对（可重复），与 --current 一起使用",
    )
    return ap


def _declined(items: list[str], current: list[Assignment]) -> list[Assignment]:
    # Ids may be numbers or text in the JSON; a pair given on the command line matches either.
    by_text = {(str(a.application), str(a.reviewer)): a for a in current}
    pairs = []
    for item in items:
        application, sep, reviewer = item.partition(":")
        if not sep or (application, reviewer) not in by_text:
            raise ReviewInputError(f"--declined {item}：应写作 申报编号:专家编号，且须是现行分配中的一对")
        pairs.append(by_text[(application, reviewer)])
    return pairs


def _solve(args: argparse.Namespace) -> tuple[Any, str]:
    if args.declined and not args.current:
        raise UsageError("--declined 需要与 --current（现行分配）一起使用")
    instance = instance_from_json(read_input(args.input, ReviewInputError))
    if args.current:
        current = assignments_from_obj(read_json(args.current, ReviewInputError, "现行分配"))
        result = replace(instance, current, _declined(args.declined, current))
    elif args.method == "greedy":
        result = greedy(instance)
    else:
        result = solve(instance)
    needed = sum(a.reviewers_needed for a in instance.applications)
    summary = (
        f"已分配：{result.filled}/{needed} 个评审名额，相关度合计 {result.affinity:g}，"
        f"{len(result.unfilled)} 项申报未配足，用时 {result.seconds:.2f} 秒；结果已写入 "
    )
    return result, summary


def main(argv: Sequence[str] | None = None, prog: str = "bqw reviews assign") -> int:
    return run_solver(
        _parser(prog), argv, _solve, input_error=ReviewInputError, solver_error=ReviewSolverError
    )


if __name__ == "__main__":
    sys.exit(main(prog="python -m baiqianwan.reviews.engine.cli"))
