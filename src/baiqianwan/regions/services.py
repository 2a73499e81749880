"""Loading the shipped division registry."""

from __future__ import annotations

import csv
from pathlib import Path

from django.conf import settings
from django.db import transaction

from .classification import Level, kind_of, region_of, valid_code
from .models import Division

DIVISIONS_CSV = Path(settings.DATA_DIR) / "divisions" / "guangdong.csv"


class DivisionDataError(Exception):
    pass


def divisions_load(*, path: Path = DIVISIONS_CSV) -> int:
    """Insert or update every unit from the shipped CSV (idempotent); return the number of units."""
    rows = _read(path)
    names: dict[str, str] = {}
    units: list[Division] = []
    for row in rows:
        code, level = row["code"], Level(row["level"])
        parent_code = row["parent_code"] or None
        full_name = (
            row["name"] if level in (Level.PROVINCE, Level.CITY) else names[parent_code or ""] + row["name"]
        )
        names[code] = full_name if level is not Level.PROVINCE else ""
        units.append(
            Division(
                code=code,
                name=row["name"],
                full_name=full_name,
                level=level.value,
                kind=kind_of(level, code, row["name"]),
                region=(region_of(code) or "") if level is not Level.PROVINCE else "",
                parent_id=parent_code,
            )
        )
    with transaction.atomic():
        Division.objects.bulk_create(
            units,
            batch_size=2000,
            update_conflicts=True,
            unique_fields=["code"],
            update_fields=["name", "full_name", "level", "kind", "region", "parent"],
        )
    return len(units)


def _read(path: Path) -> list[dict[str, str]]:
    if not path.exists():
        raise DivisionDataError(
            f"找不到区划数据文件 {path}（运行 python scripts/build_divisions.py 重新生成）"
        )
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    seen: set[str] = set()
    for line, row in enumerate(rows, start=2):
        code, parent = row.get("code", ""), row.get("parent_code", "")
        if not valid_code(code) or row.get("level") not in Level.__members__.values():
            raise DivisionDataError(f"{path.name} 第 {line} 行：代码或层级无效（{code} {row.get('level')}）")
        if parent and parent not in seen:
            raise DivisionDataError(f"{path.name} 第 {line} 行：上级 {parent} 未在其之前出现")
        seen.add(code)
    rows.sort(key=lambda r: r["code"])
    return rows
