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
import json
import sys
from collections.abc import Sequence
from typing import Any

from baiqianwan.matching.engine.commandline import (
    EXIT_BAD_INPUT,
    EXIT_FAILED,
    EXIT_INTERRUPTED,
    EXIT_OK,
    ChineseArgumentParser,
    fail,
    read_text,
    write_text,
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


def main(argv: Sequence[str] | None = None, prog: str = "bqw reviews assign") -> int:
    try:
        args = _parser(prog).parse_args(argv)
    except SystemExit as exc:  # --help, or a usage error already reported by the parser
        return exc.code if isinstance(exc.code, int) else EXIT_BAD_INPUT
    if args.declined and not args.current:
        return fail(EXIT_BAD_INPUT, "参数错误：--declined 需要与 --current（现行分配）一起使用")
    try:
        try:
            text = read_text(args.input)
        except (OSError, UnicodeDecodeError) as exc:
            raise ReviewInputError(f"无法读取输入文件 {args.input}：{exc}") from exc
        instance = instance_from_json(text)
        if args.current:
            try:
                current_obj: Any = json.loads(read_text(args.current))
            except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
                raise ReviewInputError(f"无法读取现行分配 {args.current}：{exc}") from exc
            current = assignments_from_obj(current_obj)
            result = replace(instance, current, _declined(args.declined, current))
        elif args.method == "greedy":
            result = greedy(instance)
        else:
            result = solve(instance)
    except ReviewInputError as exc:
        return fail(EXIT_BAD_INPUT, "输入错误：\n" + "\n".join(f"  - {line}" for line in exc.errors))
    except ReviewSolverError as exc:
        return fail(EXIT_FAILED, f"求解失败：{exc}")
    except KeyboardInterrupt:
        return fail(EXIT_INTERRUPTED, "已取消")

    try:
        write_text(args.output, json.dumps(result.to_dict(), ensure_ascii=False, indent=2) + "\n")
    except OSError as exc:
        return fail(EXIT_FAILED, f"无法写入输出文件 {args.output}：{exc}")
    if args.output != "-":
        needed = sum(a.reviewers_needed for a in instance.applications)
        sys.stderr.write(
            f"已分配：{result.filled}/{needed} 个评审名额，相关度合计 {result.affinity:g}，"
            f"{len(result.unfilled)} 项申报未配足，用时 {result.seconds:.2f} 秒；结果已写入 {args.output}\n"
        )
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main(prog="python -m baiqianwan.reviews.engine.cli"))
