"""`bqw notify mail [--limit N]`: mail the notifications the mail channel still owes (run every
minute by baiqianwan-notify-mail.timer where BQW_EMAIL_HOST is set)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from baiqianwan.core.notifications import notifications_mail


class Command(BaseCommand):
    help = "通知渠道：mail 把站内通知发到用户邮箱（需配置 BQW_EMAIL_HOST）"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        mail = sub.add_parser("mail", help="发送待发的邮件通知")
        mail.add_argument("--limit", type=int, default=500, help="本次最多发送多少封，默认 500")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["limit"] < 1:
            raise CommandError("--limit 应为正整数")
        if not settings.NOTIFY_BY_EMAIL:
            self.stdout.write("未配置邮件服务器（BQW_EMAIL_HOST），通知只在站内显示")
            return
        run = notifications_mail(limit=options["limit"])
        self.stdout.write(f"邮件通知：发送 {run.sent} 封，失败 {run.failed} 封")
        if run.failed and not run.sent:
            raise CommandError(f"邮件服务器 {settings.EMAIL_HOST}:{settings.EMAIL_PORT} 无法发送，请检查配置")
