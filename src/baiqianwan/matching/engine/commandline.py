"""What the engines' command lines share: an argument parser that speaks Chinese, the exit codes,
reading input from a file or standard input, and writing an answer to a file or standard output."""

from __future__ import annotations

import argparse
import sys
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
