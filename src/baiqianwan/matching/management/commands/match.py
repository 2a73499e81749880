"""`bqw match run|eval ...` (engine evaluation on any JSONL corpus) and `bqw match rebuild`."""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand

from baiqianwan.matching.engine import cli


class Command(BaseCommand):
    help = "匹配引擎：run 检索并输出 TREC 结果；eval 计算指标；rebuild 从数据库重建平台索引"

    def run_from_argv(self, argv: list[str]) -> None:
        args = argv[2:]
        if args[:1] == ["rebuild"]:
            super().run_from_argv(argv)
            return
        # run/eval belong to the engine's own command line, which needs no database.
        sys.exit(cli.main(args))

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("action", choices=["rebuild"])

    def handle(self, *args: Any, **options: Any) -> None:
        from baiqianwan.matching.services import index_build

        def report(done: int, total: int, message: str) -> None:
            if done == total or done % 5000 == 0:
                self.stdout.write(f"  {message}：{done}/{total}")

        index = index_build(progress=report)
        self.stdout.write(f"匹配索引已重建：{len(index)} 条记录")
