"""Excel exports and the PDF report of the assessment results.

Ranking exports carry scores and ranks only and are open to every signed-in user. The export of
entry values (the units' raw returns) is limited to the province and city bureaus within their area,
and every download is written to the security audit log.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from baiqianwan.core.exports import EXPORT_LIMIT, spreadsheet_export
from baiqianwan.core.pdf import render_pdf
from baiqianwan.core.spreadsheets import Column, SheetSchema

from . import results

ENTRY_WARNING = "本文件含各单位填报的原始数据，仅供本辖区考核工作使用，请妥善保管，不得对外提供或公开"


def _ranking_schema(chosen: results.Selection) -> SheetSchema:
    item = chosen.item
    assert item is not None
    columns = [
        Column("rank", "全省排名", width=10),
        Column("region_rank", "区域内排名", width=11),
        Column("code", "区划代码", width=15),
        Column("name", "单位", width=18),
        Column("county", "所属县（市、区）", width=16),
        Column("city", "所属市", width=12),
        Column("region", "区域", width=9),
        Column("score", f"{item.name}得分", width=14),
        Column("grade", "等级", width=9),
        Column("change", "得分较上期", width=12),
        Column("rank_change", "名次较上期（+ 为上升）", width=16),
    ]
    return SheetSchema(
        title=f"{chosen.period}年{results.LEVEL_NAMES.get(item.level, '')}排名"[:31], columns=columns
    )


def ranking_xlsx(
    request: HttpRequest, *, chosen: results.Selection, previous: results.PeriodView | None
) -> HttpResponse:
    """The ranking table as shown (region and area filters applied): scores and ranks, no values."""
    assert chosen.view is not None
    assert chosen.item is not None
    rows = results.ranking(
        user=request.user,
        view=chosen.view,
        item=chosen.item,
        region=chosen.region,
        within=results.area_prefix(request.user) if chosen.mine else "",
        previous=previous,
    )
    data = [
        [
            r.rank,
            r.region_rank,
            r.code,
            r.name,
            r.county,
            r.city,
            r.region_label,
            None if r.score is None else round(r.score, 2),
            r.grade,
            r.change,
            r.rank_change,
        ]
        for r in rows[:EXPORT_LIMIT]
    ]
    source = "已发布" if chosen.view.published else "实时计算（未发布）"
    return spreadsheet_export(
        request,
        schema=_ranking_schema(chosen),
        rows=data,
        name=f"{chosen.period}年{chosen.item.name}排名",
        count=len(data),
        note=f"{chosen.region_label}，{source}",
    )


def entries_xlsx(request: HttpRequest, *, chosen: results.Selection) -> HttpResponse:
    """Entry values, indicator values and index scores of the units in the reader's area."""
    assert chosen.view is not None
    headers, rows = results.entry_rows(user=request.user, view=chosen.view, level=chosen.level)
    schema = SheetSchema(
        title=f"{chosen.period}年{results.LEVEL_NAMES.get(chosen.level, '')}填报数据"[:31],
        columns=[Column(f"c{i}", header, width=14 if i > 3 else 16) for i, header in enumerate(headers)],
        notes=(ENTRY_WARNING,),
    )
    area = results.area_prefix(request.user) or "全省"
    return spreadsheet_export(
        request,
        schema=schema,
        rows=rows[:EXPORT_LIMIT],
        name=f"{chosen.period}年{results.LEVEL_NAMES.get(chosen.level, '')}填报数据与得分",
        count=len(rows),
        note=f"含填报原始数据，范围 {area}",
    )


def period_report_pdf(*, user: Any, view: results.PeriodView) -> bytes:
    """Cover, regional comparison and the best and weakest units of each level."""
    context = results.report_context(user=user, view=view)
    context.update(
        {
            "issuer": "广东省科学技术厅",
            "generated": timezone.localtime(),
            "region_order": (*results.REGIONS, results.EAST_WEST_NORTH, "all"),
        }
    )
    return render_pdf("indicators/pdf/results_report.html", context)
