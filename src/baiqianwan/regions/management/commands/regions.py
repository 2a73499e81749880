"""`bqw regions load|stats [--json]`."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from baiqianwan.regions.selectors import division_stats
from baiqianwan.regions.services import DivisionDataError, divisions_load


class Command(BaseCommand):
    help = "行政区划：load 载入随附的广东省区划数据；stats 按层级、类型、区域统计"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("load", help="载入 data/divisions/guangdong.csv（可重复运行）")
        stats = sub.add_parser("stats", help="按层级、类型、区域统计")
        stats.add_argument("--json", action="store_true", help="以 JSON 输出")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "load":
            try:
                count = divisions_load()
            except DivisionDataError as exc:
                raise CommandError(str(exc)) from exc
            self.stdout.write(f"已载入 {count} 个区划单位")
            return
        stats = division_stats()
        if not stats["by_level"]:
            raise CommandError("数据库中没有区划数据，请先运行 bqw regions load")
        if options["json"]:
            self.stdout.write(json.dumps(stats, ensure_ascii=False, indent=2))
            return
        self.stdout.write("按层级：")
        for level, n in stats["by_level"].items():
            self.stdout.write(f"  {level:<6}{n:>8,}")
        self.stdout.write("按类型：")
        for level, kinds in stats["by_kind"].items():
            self.stdout.write(f"  {level}：" + "，".join(f"{k} {n:,}" for k, n in kinds.items()))
        self.stdout.write("按区域：")
        for level, regions in stats["by_region"].items():
            self.stdout.write(f"  {level}：" + "，".join(f"{k} {n:,}" for k, n in regions.items()))
