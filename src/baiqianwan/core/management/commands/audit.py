"""`bqw audit prune`: delete audit entries older than the retention period (never under 180 days)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from baiqianwan.core.audit import audit_prune


class Command(BaseCommand):
    help = "审计日志：prune 删除超过保留期限的记录（保留期限不少于 180 天）"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("prune", help="删除超过 AUDIT_RETENTION_DAYS 的审计记录")

    def handle(self, *args: Any, **options: Any) -> None:
        events, changes = audit_prune()
        days = max(180, settings.AUDIT_RETENTION_DAYS)
        self.stdout.write(f"已删除 {days} 天以前的安全事件 {events} 条、数据变更记录 {changes} 条")
