"""The investments as a spreadsheet or a CSV file. Every cell of the workbook goes through
core.spreadsheets.safe_cell; in the CSV a value a spreadsheet would run as a formula is written
with a leading apostrophe, so opening either file runs nothing."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any
from urllib.parse import quote

from django.http import HttpResponse
from django.utils import timezone

from baiqianwan.core.audit import audit_event_record
from baiqianwan.core.models import AuditEvent
from baiqianwan.core.spreadsheets import Column, SheetSchema, looks_like_formula
from baiqianwan.core.text import strip_control_characters

from ..models import Investment

INVESTMENT_SCHEMA = SheetSchema(
    title="子基金投资",
    columns=[
        Column("fund", "子基金", width=30),
        Column("enterprise", "被投企业", width=30),
        Column("uscc", "统一社会信用代码", width=20, text=True),
        Column("place", "企业所在地", width=30),
        Column("round", "轮次", width=10),
        Column("amount", "投资金额（元）", width=18),
        Column("invested_on", "投资日期", width=12),
        Column("industry", "所属产业", width=16),
        Column("field", "技术领域", width=20),
        Column("achievement", "转化的科技成果", width=30),
        Column("east_west_north", "投向粤东西北", width=12),
        Column("for_transfer", "投向成果转化", width=12),
    ],
)


def investment_rows(investments: Iterable[Investment]) -> Iterable[list[Any]]:
    for investment in investments:
        yield [
            investment.fund.name,
            investment.enterprise.name,
            investment.enterprise.uscc,
            investment.enterprise.division.full_name,
            investment.get_round_display(),
            str(investment.amount),
            investment.invested_on.isoformat(),
            investment.industry.name if investment.industry else "",
            investment.field,
            investment.achievement.title if investment.achievement else "",
            "是" if investment.in_east_west_north else "否",
            "是" if investment.for_transfer else "否",
        ]


def csv_cell(value: Any) -> str:
    text = strip_control_characters(str(value if value is not None else ""))
    return f"'{text}" if looks_like_formula(text) else text


def csv_export(
    request: Any, *, schema: SheetSchema, rows: Iterable[Sequence[Any]], name: str, count: int
) -> HttpResponse:
    """An audited CSV download (UTF-8 with a byte-order mark, so Excel reads the Chinese)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([column.header for column in schema.columns])
    for row in rows:
        writer.writerow([csv_cell(value) for value in row])
    audit_event_record(kind=AuditEvent.Kind.EXPORT, request=request, detail=f"导出{name} {count} 条（CSV）")
    response = HttpResponse("\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}-{stamp}.csv"
    return response
