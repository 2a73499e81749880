"""`bqw indicators load` (the shipped systems and default data sets) and `bqw indicators import FILE`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from baiqianwan.indicators.acceptance.services import acceptance_dataset_ensure
from baiqianwan.indicators.definitions.services import system_load_shipped, system_store


class Command(BaseCommand):
    help = "指标体系：load 载入 data/indicators 中的内置体系和默认报表；import 导入一个体系定义文件（JSON）"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("load", help="载入内置指标体系（可重复运行；内容不变则不新建版本）")
        imported = sub.add_parser("import", help="导入指标体系定义文件，成为现行版本")
        imported.add_argument("file", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["action"] == "load":
                versions = system_load_shipped()
                acceptance_dataset_ensure()
            else:
                definition = json.loads(options["file"].read_text(encoding="utf-8"))
                versions = [system_store(definition=definition, note=f"导入 {options['file'].name}")]
        except (OSError, ValueError) as exc:
            raise CommandError(f"无法读取文件：{exc}") from exc
        except ValidationError as exc:
            raise CommandError("\n".join(exc.messages)) from exc
        for version in versions:
            self.stdout.write(f"{version.name} {version.version}：{version.content_hash[:12]}（现行）")
