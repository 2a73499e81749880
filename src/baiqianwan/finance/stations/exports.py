"""The stations as a spreadsheet (every cell written through core.spreadsheets.safe_cell, so a
stored formula or markup is text in the file)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from baiqianwan.core.spreadsheets import Column, SheetSchema

from ..models import ServiceStation, StationService

STATION_SCHEMA = SheetSchema(
    title="科技金融服务站点",
    columns=[
        Column("name", "名称", width=36),
        Column("level", "层级", width=16),
        Column("division", "所在地", width=36),
        Column("parent", "所属服务中心", width=30),
        Column("host", "运营单位", width=30),
        Column("services", "服务内容", width=40),
        Column("contact", "联系人", width=12),
        Column("phone", "联系电话", width=16, text=True),
        Column("opened_on", "设立日期", width=12),
        Column("closed_on", "撤销日期", width=12),
        Column("east_west_north", "粤东西北", width=10),
    ],
)


def station_rows(stations: Iterable[ServiceStation]) -> Iterable[list[Any]]:
    labels = dict(StationService.choices)
    for station in stations:
        yield [
            station.name,
            station.get_level_display(),
            station.division.full_name,
            station.parent.name if station.parent else "",
            station.host.name if station.host else "",
            "、".join(str(labels.get(s, s)) for s in station.services),
            station.contact,
            station.phone,
            station.opened_on.isoformat(),
            station.closed_on.isoformat() if station.closed_on else "",
            "是" if station.in_east_west_north else "否",
        ]
