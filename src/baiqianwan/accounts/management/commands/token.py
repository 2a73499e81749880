"""`bqw token create --user NAME --name PURPOSE [--days N]`: an API token for another system.

The raw token is printed once (only its hash is kept), as on the account page."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from baiqianwan.accounts.models import User
from baiqianwan.accounts.services import api_token_create


class Command(BaseCommand):
    help = "API 令牌：create 为指定账号创建令牌（只显示一次）"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="为账号创建 API 令牌")
        create.add_argument("--user", required=True, help="账号（用户名）")
        create.add_argument("--name", required=True, help="令牌用途，如“省数据平台对接”")
        create.add_argument("--days", type=int, default=365, help="有效期（天），1–730，默认 365")

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["user"], is_active=True).first()
        if user is None:
            raise CommandError(f"账号 {options['user']} 不存在或已停用")
        try:
            _token, raw = api_token_create(acting_user=user, name=options["name"], days=options["days"])
        except ValidationError as exc:
            raise CommandError("；".join(exc.messages)) from exc
        self.stdout.write(raw)
