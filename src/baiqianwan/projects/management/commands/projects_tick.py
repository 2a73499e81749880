"""`bqw projects_tick`: remind the leads of 攻关 projects of milestones due or overdue, and ask the
bureaus to 督办 those 30 days overdue (run daily by baiqianwan-projects-tick.timer)."""

from __future__ import annotations

import argparse
import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from baiqianwan.projects.services import projects_tick


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"日期“{value[:20]}”格式不对，应为 YYYY-MM-DD") from None


class Command(BaseCommand):
    help = (
        "攻关项目进度提醒：节点 7 天内到期或已逾期的提醒承担单位（每周至多一次），"
        "逾期 30 天的提请地市和省科技厅督办"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--today",
            type=_date,
            help="按该日期办理（YYYY-MM-DD），如停机后补办；默认今天",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        done = projects_tick(today=options.get("today"))
        self.stdout.write(f"提醒 {done.reminded} 个进度节点，提请督办 {done.escalated} 个")
