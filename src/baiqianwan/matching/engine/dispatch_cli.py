"""Command line for the dispatch solver: `bqw dispatch solve` calls `main`; also runnable alone.

    python -m baiqianwan.matching.engine.dispatch_cli --input instance.json --output assignment.json

Exit codes: 0 solved, 2 bad input (message on stderr), 1 the result could not be produced or
written, 130 interrupted.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import Any

from .assign import (
    DispatchInputError,
    DispatchSolverError,
    greedy,
    instance_from_json,
    plan_from_obj,
    resolve_gaps,
    solve,
)
from .commandline import ChineseArgumentParser, UsageError, read_input, read_json, run_solver


def _parser(prog: str) -> argparse.ArgumentParser:
    ap = ChineseArgumentParser(prog=prog, description="求解特派员派驻的最优方案，并说明空缺岗位的原因。")
    opts = ap.options
    opts.add_argument(
        "--input", required=True, metavar="INSTANCE.json", help="输入的派驻问题（JSON，- 表示标准输入）"
    )
    opts.add_argument(
        "--output", required=True, metavar="ASSIGNMENT.json", help="输出的方案（JSON，- 表示标准输出）"
    )
    opts.add_argument(
        "--method",
        choices=("optimal", "greedy"),
        default="optimal",
        help="optimal：精确最优（默认）；greedy：按评分贪心的对照方案",
    )
    opts.add_argument(
        "--current", metavar="PLAN.json", help="现行方案：只为空缺岗位补位，其余仍有效的安排保持不变"
    )
    opts.add_argument(
        "--withdrawn",
        action="append",
        default=[],
        metavar="ID[,ID...]",
        help="已退出或召回的特派员编号（可重复，或用逗号分隔），与 --current 一起使用",
    )
    opts.add_argument("--no-explain", action="store_true", help="不生成空缺原因说明（更快）")
    opts.add_argument("--progress", action="store_true", help="在标准错误输出显示进度")
    return ap


_STAGE_LABELS = {
    "validate": "校验输入",
    "build": "构建网络",
    "solve": "求解",
    "extract": "提取方案",
    "explain": "生成说明",
    "done": "完成",
}


def _show_progress(stage: str, fraction: float) -> None:
    sys.stderr.write(f"[{fraction * 100:5.1f}%] {_STAGE_LABELS.get(stage, stage)}\n")


def _solve(args: argparse.Namespace) -> tuple[Any, str]:
    withdrawn = {w.strip() for item in args.withdrawn for w in item.split(",") if w.strip()}
    if withdrawn and not args.current:
        raise UsageError("--withdrawn 需要与 --current（现行方案）一起使用")
    instance = instance_from_json(read_input(args.input, DispatchInputError))
    progress = _show_progress if args.progress else None
    explain = not args.no_explain
    if args.current:
        current_obj = read_json(args.current, DispatchInputError, "现行方案")
        if args.method != "optimal":
            raise DispatchInputError("补位求解只支持 --method optimal")
        result = resolve_gaps(
            instance, plan_from_obj(current_obj), withdrawn, progress=progress, explain=explain
        )
    elif args.method == "greedy":
        result = greedy(instance, explain=explain)
    else:
        result = solve(instance, progress=progress, explain=explain)
    summary = (
        f"已求解：填补 {result.filled}/{len(instance.slots)} 个岗位，总分 {result.score:g}，"
        f"用时 {result.seconds:.2f} 秒；方案已写入 "
    )
    return result, summary


def main(argv: Sequence[str] | None = None, prog: str = "bqw dispatch solve") -> int:
    return run_solver(
        _parser(prog), argv, _solve, input_error=DispatchInputError, solver_error=DispatchSolverError
    )


if __name__ == "__main__":
    sys.exit(main(prog="python -m baiqianwan.matching.engine.dispatch_cli"))
