"""`bqw audit prune | verify`: retention of the audit trail, and the check of its hash chain."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from baiqianwan.core.audit import audit_prune
from baiqianwan.core.audit_chain import chain_verify_record


class Command(BaseCommand):
    help = "审计日志：prune 删除超过保留期限的记录（保留期限不少于 180 天）；verify 校验审计链是否完整"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("prune", help="删除超过 AUDIT_RETENTION_DAYS 的审计记录")
        sub.add_parser("verify", help="逐环校验审计链，报告第一处断点（有断点时退出码为 1）")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "verify":
            result = chain_verify_record(by="bqw audit verify")
            if not result.intact:
                raise CommandError(f"审计链在此断开：{result.problem}（此前 {result.checked} 环完好）")
            self.stdout.write(f"审计链完整：共 {result.checked} 环")
            return
        events, changes = audit_prune()
        days = max(180, settings.AUDIT_RETENTION_DAYS)
        self.stdout.write(f"已删除 {days} 天以前的安全事件 {events} 条、数据变更记录 {changes} 条")
