"""`bqw dispatch solve --input instance.json --output assignment.json`: the solver the UI uses."""

from __future__ import annotations

import sys

from django.core.management.base import BaseCommand

from baiqianwan.matching.engine import dispatch_cli


class Command(BaseCommand):
    help = "科技特派员派驻：solve 求解派驻方案（输入输出均为 JSON；输入有误时退出码为 2）"

    def run_from_argv(self, argv: list[str]) -> None:
        args = argv[2:]
        if args[:1] != ["solve"]:
            sys.stderr.write("用法：bqw dispatch solve --input instance.json --output assignment.json\n")
            sys.exit(2)
        sys.exit(dispatch_cli.main(args[1:], prog="bqw dispatch solve"))
