"""The projects list as a spreadsheet."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from baiqianwan.core.spreadsheets import Column, SheetSchema

from .models import Project

PROJECT_SCHEMA = SheetSchema(
    title="攻关项目",
    columns=[
        Column("reference", "项目编号", width=16),
        Column("title", "项目名称", width=36),
        Column("topic", "攻关任务", width=30),
        Column("organisation", "承担单位", width=30),
        Column("place", "主要实施地点", width=28),
        Column("east_west_north", "粤东西北参与", width=12),
        Column("starts_on", "开始日期", width=12),
        Column("ends_on", "结束日期", width=12),
        Column("province_funding", "省财政资金（万元）", width=16),
        Column("status", "状态", width=12),
    ],
)


def project_rows(projects: Iterable[Project]) -> Iterable[list[Any]]:
    for p in projects:
        yield [
            p.reference,
            p.title,
            p.topic.choice_label,
            p.organisation.name,
            p.place.full_name if p.place else "",
            "是" if p.in_east_west_north else "否",
            p.starts_on.isoformat(),
            p.ends_on.isoformat(),
            str(p.province_funding),
            p.get_status_display(),
        ]
