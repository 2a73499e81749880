"""`bqw plan load` and `bqw plan stats [--json]`."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from baiqianwan.plan.services import PlanDataError, plan_counts, plan_load

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

    def handle(self, *args: Any, **options: Any) -> None:
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
