"""`bqw backup [--output PATH]`: the database and the uploaded files in one checked archive."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from baiqianwan.core.backup import BackupError, backup_create


class Command(BaseCommand):
    help = "备份：数据库（SQLite 在线备份或 pg_dump）和上传的文件，打包为一个带清单和校验和的 .tar.gz"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--output", help="备份文件路径，默认 $BQW_VAR_DIR/backups/bqw-日期时间.tar.gz")

    def handle(self, *args: Any, **options: Any) -> None:
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
        output = Path(options["output"] or Path(settings.VAR_DIR) / "backups" / f"bqw-{stamp}.tar.gz")
        started = time.perf_counter()
        try:
            result = backup_create(output=output)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        rows = sum(result.manifest["tables"].values())
        files = sum(1 for m in result.manifest["members"] if m["path"].startswith("media/"))
        self.stdout.write(
            f"已备份到 {output}：{len(result.manifest['tables'])} 张表 {rows} 行、文件 {files} 个，"
            f"{output.stat().st_size / 1e6:.1f} MB，用时 {time.perf_counter() - started:.1f} 秒"
        )
