"""`bqw restore ARCHIVE [--database-url URL] [--media-root DIR]`: into an empty database only."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from baiqianwan.core.backup import BackupError, backup_restore


def _configured_url() -> str:
    config = settings.DATABASES["default"]
    if config["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{config['NAME']}"
    return str(settings.DATABASE_URL)


class Command(BaseCommand):
    help = "恢复：先核对备份中每个文件的校验和，再恢复到空数据库和空文件目录，最后核对每张表的行数"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive", help="bqw backup 生成的 .tar.gz")
        parser.add_argument("--database-url", help="目标数据库（须为空库），默认本平台配置的数据库")
        parser.add_argument("--media-root", help="目标文件目录（须为空），默认 MEDIA_ROOT")

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        try:
            manifest = backup_restore(
                archive=Path(options["archive"]),
                database_url=options["database_url"] or _configured_url(),
                media_root=Path(options["media_root"] or settings.MEDIA_ROOT),
            )
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        rows = sum(manifest["tables"].values())
        self.stdout.write(
            f"已恢复 {manifest['created_at']} 的备份：{len(manifest['tables'])} 张表 {rows} 行，"
            f"行数逐表核对一致，用时 {time.perf_counter() - started:.1f} 秒"
        )
