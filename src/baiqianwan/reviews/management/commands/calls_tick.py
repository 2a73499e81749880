"""`bqw calls_tick`: the calls' automatic transitions (run every 15 minutes by
baiqianwan-calls-tick.timer): close calls past their deadline, rank calls set to decide
automatically once their reviews are complete."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from baiqianwan.reviews.services import calls_tick


class Command(BaseCommand):
    help = "申报指南自动流转：到截止时间自动截止；设置了“评审完成后自动拟定”的，评审完成后自动拟定结果"

    def handle(self, *args: Any, **options: Any) -> None:
        done = calls_tick()
        self.stdout.write(f"自动截止 {done['closed']} 个指南，自动拟定 {done['ranked']} 个指南")
