"""`bqw plan load`, `bqw plan stats [--json]` and `bqw plan kpis [--json]`."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from baiqianwan.plan.services import PlanDataError, kpi_sources, plan_counts, plan_load

LABELS = {
    "goals": "目标条目",
    "goal_years": "目标年份",
    "kpis": "目标指标",
    "tasks": "任务",
    "task_measures": "任务举措",
    "safeguards": "保障措施",
    "safeguard_measures": "保障举措",
}


class Command(BaseCommand):
    help = "实施方案：load 载入 data/plan/plan.json；stats 统计目标、任务、举措和保障措施"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("load", help="载入实施方案（可重复运行）")
        stats = sub.add_parser("stats", help="统计")
        stats.add_argument("--json", action="store_true", help="以 JSON 输出")
        kpis = sub.add_parser("kpis", help="每个目标指标的数据来源、目标值和当前值")
        kpis.add_argument("--json", action="store_true", help="以 JSON 输出")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "kpis":
            self._kpis(json_output=bool(options.get("json")))
            return
        if options["action"] == "load":
            try:
                counts = plan_load()
            except PlanDataError as exc:
                raise CommandError(str(exc)) from exc
        else:
            counts = plan_counts()
            if not counts["tasks"]:
                raise CommandError("数据库中没有实施方案数据，请先运行 bqw plan load")
        if options.get("json"):
            self.stdout.write(json.dumps(counts, ensure_ascii=False, indent=2))
            return
        self.stdout.write("，".join(f"{LABELS[k]} {v}" for k, v in counts.items()))

    def _kpis(self, *, json_output: bool) -> None:
        try:
            rows = kpi_sources()
        except PlanDataError as exc:
            raise CommandError(str(exc)) from exc
        if json_output:
            self.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2))
            return
        for row in rows:
            targets = (
                "、".join(f"{year} 年 {value:g}" for year, value in row["targets"].items()) or "未设数值目标"
            )
            current = row["current"]
            now = (
                f"{current['value']:g} {row['unit']}（{current['year']} 年，{current['kind']}）"
                if current
                else "暂无数据"
            )
            self.stdout.write(f"{row['code']}  {row['name']}（{row['unit']}）")
            self.stdout.write(f"    来源：{row['source']}")
            if row["reason"]:
                self.stdout.write(f"    说明：{row['reason']}")
            self.stdout.write(f"    目标：{targets}")
            self.stdout.write(f"    当前：{now}")
        live = sum(1 for row in rows if row["source"].startswith("live"))
        self.stdout.write(f"共 {len(rows)} 个目标指标，平台实时统计 {live} 个，填报 {len(rows) - live} 个。")
