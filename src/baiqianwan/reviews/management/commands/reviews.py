"""`bqw reviews assign --input in.json --output out.json`: the reviewer assignment the calls use."""

from __future__ import annotations

import sys

from django.core.management.base import BaseCommand

from baiqianwan.reviews.engine import cli


class Command(BaseCommand):
    help = "评审专家分配：assign 求解最优分配（输入输出均为 JSON；输入有误时退出码为 2）"

    def run_from_argv(self, argv: list[str]) -> None:
        args = argv[2:]
        if args[:1] != ["assign"]:
            sys.stderr.write("用法：bqw reviews assign --input in.json --output out.json\n")
            sys.exit(2)
        sys.exit(cli.main(args[1:], prog="bqw reviews assign"))
