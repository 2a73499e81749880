"""What the engines' command lines share: an argument parser that speaks Chinese, the exit codes,
reading input from a file or standard input, writing an answer to a file or standard output, and
the run of a solver from its arguments to its answer with every failure as an exit code."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from typing import Any, NoReturn

EXIT_OK, EXIT_FAILED, EXIT_BAD_INPUT, EXIT_INTERRUPTED = 0, 1, 2, 130

# argparse's own phrases, so that the whole message reads in Chinese.
_ARGPARSE_ZH = {
    "the following arguments are required:": "缺少必需的参数：",
    "unrecognized arguments:": "无法识别的参数：",
    "invalid choice:": "无效的取值：",
    "expected one argument": "需要一个参数值",
    "choose from": "可选",
}


class ChineseHelpFormatter(argparse.HelpFormatter):
    def add_usage(self, usage: Any, actions: Any, groups: Any, prefix: str | None = None) -> None:
        super().add_usage(usage, actions, groups, prefix="用法：")


class ChineseArgumentParser(argparse.ArgumentParser):
    """Usage errors in Chinese, exiting with EXIT_BAD_INPUT; options listed under 选项."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(add_help=False, formatter_class=ChineseHelpFormatter, **kwargs)
        self.options = self.add_argument_group("选项")
        self.options.add_argument("-h", "--help", action="help", help="显示本帮助并退出")

    def error(self, message: str) -> NoReturn:
        for en, zh in _ARGPARSE_ZH.items():
            message = message.replace(en, zh)
        self.print_usage(sys.stderr)
        self.exit(EXIT_BAD_INPUT, f"参数错误：{message}\n")


def read_text(path: str) -> str:
    """The file at `path`, or standard input for "-"."""
    if path == "-":
        return sys.stdin.read()
    with open(path, encoding="utf-8") as fh:
        return fh.read()


def write_text(path: str, text: str) -> None:
    if path == "-":
        sys.stdout.write(text)
    else:
        with open(path, "w", encoding="utf-8") as fh:
            fh.write(text)


def fail(code: int, message: str) -> int:
    sys.stderr.write(message.rstrip("\n") + "\n")
    return code


class UsageError(Exception):
    """Arguments that each parse but do not go together (the parser cannot say so)."""


def read_input(path: str, error: type[Exception], what: str = "输入文件") -> str:
    """The text at `path`; a file that cannot be read is bad input, raised as `error`."""
    try:
        return read_text(path)
    except (OSError, UnicodeDecodeError) as exc:
        raise error(f"无法读取{what} {path}：{exc}") from exc


def read_json(path: str, error: type[Exception], what: str) -> Any:
    try:
        return json.loads(read_text(path))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise error(f"无法读取{what} {path}：{exc}") from exc


def run_solver(
    parser: argparse.ArgumentParser,
    argv: Sequence[str] | None,
    solve: Callable[[argparse.Namespace], tuple[Any, str]],
    *,
    input_error: type[Exception],
    solver_error: type[Exception],
) -> int:
    """Parse the arguments, solve, write the answer's JSON to ``--output`` and, when that is a file,
    the summary ``solve`` returned with it to standard error. ``input_error`` carries ``errors``."""
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # --help, or a usage error already reported by the parser
        return exc.code if isinstance(exc.code, int) else EXIT_BAD_INPUT
    try:
        result, summary = solve(args)
    except UsageError as exc:
        return fail(EXIT_BAD_INPUT, f"参数错误：{exc}")
    except input_error as exc:
        lines: list[str] = getattr(exc, "errors", [str(exc)])
        return fail(EXIT_BAD_INPUT, "输入错误：\n" + "\n".join(f"  - {line}" for line in lines))
    except solver_error as exc:
        return fail(EXIT_FAILED, f"求解失败：{exc}")
    except KeyboardInterrupt:
        return fail(EXIT_INTERRUPTED, "已取消")
    try:
        write_text(args.output, json.dumps(result.to_dict(), ensure_ascii=False, indent=2) + "\n")
    except OSError as exc:
        return fail(EXIT_FAILED, f"无法写入输出文件 {args.output}：{exc}")
    if args.output != "-":
        sys.stderr.write(f"{summary}{args.output}\n")
    return EXIT_OK
