"""The register of certified carriers as a spreadsheet."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from baiqianwan.core.spreadsheets import Column, SheetSchema

from .models import Carrier

CARRIER_SCHEMA = SheetSchema(
    title="科创载体",
    columns=[
        Column("kind", "载体类型", width=18),
        Column("name", "载体名称", width=36),
        Column("organisation", "依托单位", width=30),
        Column("division", "所在地", width=28),
        Column("east_west_north", "粤东西北", width=10),
        Column("field", "领域", width=16),
        Column("certified_on", "认定日期", width=12),
        Column("valid_until", "有效期至", width=12),
        Column("status", "状态", width=10),
    ],
)


def carrier_rows(carriers: Iterable[Carrier]) -> Iterable[list[Any]]:
    for c in carriers:
        yield [
            c.kind,
            c.name,
            c.organisation.name,
            c.division.full_name,
            "是" if c.in_east_west_north else "否",
            c.field,
            c.certified_on.isoformat(),
            c.valid_until.isoformat() if c.valid_until else "",
            c.get_status_display(),
        ]
