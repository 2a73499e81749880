"""`bqw dispatch_remind [--today YYYY-MM-DD] [--after-days N]`: remind appointees who have not
answered their invitation, and their units (run daily; each is reminded at most once a day)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from baiqianwan.commissioners.rounds.confirmations import REMIND_AFTER_DAYS, confirmation_remind


class Command(BaseCommand):
    help = "提醒尚未确认派驻的科技特派员及其推荐单位（每天运行；每人每天最多提醒一次）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--today", help="按指定日期计算（YYYY-MM-DD），默认今天")
        parser.add_argument(
            "--after-days",
            type=int,
            default=REMIND_AFTER_DAYS,
            help=f"邀请发出多少天后开始提醒，默认 {REMIND_AFTER_DAYS}",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            today = dt.date.fromisoformat(options["today"]) if options["today"] else timezone.localdate()
        except ValueError:
            raise CommandError("--today 应为 YYYY-MM-DD 格式的日期") from None
        if options["after_days"] < 0:
            raise CommandError("--after-days 不能小于 0")
        count = confirmation_remind(today=today, after_days=options["after_days"])
        self.stdout.write(f"提醒尚未确认派驻的科技特派员 {count} 人")
