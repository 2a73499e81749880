"""The register of 创新型专业镇 as a spreadsheet."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from baiqianwan.core.spreadsheets import Column, SheetSchema

from .models import InnovativeTown

TOWN_SCHEMA = SheetSchema(
    title="创新型专业镇",
    columns=[
        Column("division", "镇（街道）", width=30),
        Column("code", "区划代码", width=14),
        Column("east_west_north", "粤东西北", width=10),
        Column("leading_industry", "主导产业", width=20),
        Column("industry_codes", "行业代码", width=16),
        Column("products", "主导产品", width=30),
        Column("platforms", "创新平台数", width=10),
        Column("enterprises", "高新技术企业数", width=12),
        Column("status", "状态", width=8),
        Column("certified_on", "认定日期", width=12),
        Column("valid_until", "有效期至", width=12),
    ],
)


def town_rows(towns: Iterable[InnovativeTown]) -> Iterable[list[Any]]:
    for t in towns:
        yield [
            t.division.full_name,
            t.division_id,
            "是" if t.in_east_west_north else "否",
            t.leading_industry,
            ", ".join(t.industry_codes),
            t.products,
            t.platforms,
            t.enterprises,
            t.get_status_display(),
            t.certified_on.isoformat() if t.certified_on else "",
            t.valid_until.isoformat() if t.valid_until else "",
        ]
