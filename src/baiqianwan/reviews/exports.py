"""The results table as a workbook: what the province reads on the results page, row for row.
The file is in Chinese whatever the page's language, like every export."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from baiqianwan.core.spreadsheets import Column, SheetSchema

RESULTS_SCHEMA = SheetSchema(
    title="评审结果",
    columns=[
        Column("position", "排名", width=8),
        Column("reference", "申报编号", width=20),
        Column("title", "申报名称", width=36),
        Column("applicant", "申报单位", width=28),
        Column("ewn", "粤东西北", width=10),
        Column("count", "评分份数", width=10),
        Column("mean", "平均分", width=10),
        Column("median", "中位数", width=10),
        Column("trimmed_mean", "去掉最高最低后的平均分", width=14),
        Column("std", "标准差", width=10),
        Column("spread", "最高最低分差", width=12),
        Column("normalised", "按专家尺度校正后的平均分", width=14),
        Column("contested", "分歧较大", width=10),
        Column("value", "排名得分", width=10),
        Column("explanation", "排名说明", width=48),
    ],
)


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def result_rows(rows: Iterable[Any]) -> Iterator[list[Any]]:
    for row in rows:
        stats, application = row.stats, row.application
        yield [
            row.position,
            application.reference,
            application.title,
            application.applicant.name,
            "是" if application.in_east_west_north else "否",
            stats.count,
            _round(stats.mean),
            _round(stats.median),
            _round(stats.trimmed_mean),
            _round(stats.std),
            _round(stats.spread),
            _round(stats.normalised),
            "是" if stats.contested else "否",
            _round(row.value),
            row.explanation,
        ]
