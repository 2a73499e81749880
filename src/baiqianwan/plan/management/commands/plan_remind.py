"""`bqw plan_remind [--today YYYY-MM-DD]`: remind and escalate owed progress reports (run daily)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from baiqianwan.plan.services import kpi_snapshot_live, progress_reminders_send


class Command(BaseCommand):
    help = (
        "督办：提醒未报送进展的责任单位，逾期 30 天提请省科技厅督办；记录当年平台统计的目标指标（每日运行）"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--today", help="按指定日期计算（YYYY-MM-DD），默认今天")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            today = dt.date.fromisoformat(options["today"]) if options["today"] else timezone.localdate()
        except ValueError:
            raise CommandError("--today 应为 YYYY-MM-DD 格式的日期") from None
        result = progress_reminders_send(today=today)
        self.stdout.write(
            f"未报送 {result['overdue']} 项；发出提醒 {result['reminded']} 条；"
            f"逾期超过 30 天的单位 {result['late_units']} 个，督办通知 {result['escalated']} 条"
        )
        # The same daily run keeps this year's value of each platform-counted KPI for the trend.
        self.stdout.write(f"记录平台统计的目标指标 {kpi_snapshot_live(today=today)} 项")
