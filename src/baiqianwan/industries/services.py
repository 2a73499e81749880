"""Loading the shipped industry taxonomy."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction

from .models import Industry

INDUSTRIES_JSON = Path(settings.DATA_DIR) / "industries" / "industries.json"


class IndustryDataError(Exception):
    pass


def industries_load(*, path: Path = INDUSTRIES_JSON) -> int:
    """Insert or update every category from the shipped file (idempotent); return the count."""
    try:
        document: Any = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise IndustryDataError(f"无法读取产业分类文件 {path}：{exc}") from exc
    categories = document["categories"] if isinstance(document, dict) else document
    rows: list[Industry] = []
    position = 0
    for category in categories:
        position += 1
        rows.append(
            Industry(code=category["code"], name=category["name"], parent=None, position=position * 1000)
        )
        for child in category.get("children", []):
            position += 1
            rows.append(
                Industry(
                    code=child["code"],
                    name=child["name"],
                    parent_id=category["code"],
                    keywords=list(child.get("keywords", child.get("synonyms", []))),
                    position=position * 1000,
                )
            )
    with transaction.atomic():
        Industry.objects.bulk_create(
            rows,
            update_conflicts=True,
            unique_fields=["code"],
            update_fields=["name", "parent", "keywords", "position"],
        )
    return len(rows)
