from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from baiqianwan.industries.services import IndustryDataError, industries_load


class Command(BaseCommand):
    help = "产业分类：load 载入 data/industries/industries.json（可重复运行）"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("load", help="载入随附的产业分类")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            count = industries_load()
        except IndustryDataError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"已载入 {count} 个产业分类")
