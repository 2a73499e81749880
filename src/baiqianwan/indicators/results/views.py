"""Pages of the assessment results: rankings, map, scorecards, trends, publishing, exports."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from baiqianwan.core.audit import audit_event_record
from baiqianwan.core.exports import EXPORT_LIMIT, spreadsheet_export
from baiqianwan.core.models import AuditEvent
from baiqianwan.core.pdf import PdfUnavailableError, pdf_response, render_pdf
from baiqianwan.core.spreadsheets import Column, SheetSchema

from . import selectors as results
from .forms import ResultsFilterForm
from .rules import area_prefix, can_export_entries, can_publish, can_view_unit, is_province
from .services import result_publish

ENTRY_WARNING = "本文件含各单位填报的原始数据，仅供本辖区考核工作使用，请妥善保管，不得对外提供或公开"


def _selection(request: HttpRequest) -> results.Selection:
    return results.selection(user=request.user, params=ResultsFilterForm(request.GET or None).values())


def _previous(request: HttpRequest, chosen: results.Selection) -> results.PeriodView | None:
    before = results.previous_period(chosen.period)
    if not before:
        return None
    return results.result_view(
        user=request.user, system_code=chosen.system_code, period=before, preview=chosen.preview
    )


def _base(request: HttpRequest, chosen: results.Selection, tab: str) -> dict[str, Any]:
    user: Any = request.user
    return {
        "chosen": chosen,
        "view": chosen.view,
        "tab": tab,
        "regions": [
            ("", gettext("全省")),
            *((key, gettext(name)) for key, name in results.REGION_NAMES.items()),
            (results.EAST_WEST_NORTH, gettext("粤东西北")),
        ],
        "level_names": results.LEVEL_NAMES,
        "has_area": bool(area_prefix(user)),
        "can_export_entries": can_export_entries(user),
    }


@login_required
def rankings(request: HttpRequest) -> HttpResponse:
    chosen = _selection(request)
    context = _base(request, chosen, "rankings")
    if chosen.view is not None and chosen.item is not None:
        rows = results.ranking(
            user=request.user,
            view=chosen.view,
            item=chosen.item,
            region=chosen.region,
            within=area_prefix(request.user) if chosen.mine else "",
            previous=_previous(request, chosen),
        )
        stats = results.region_summary(view=chosen.view, item=chosen.item)
        prd, ewn = stats[0].mean, stats[4].mean
        context.update(
            {
                "page": Paginator(rows, 50).get_page(request.GET.get("page")),
                "stats": stats,
                "chart": {
                    "labels": [s.label for s in stats if s.region in results.REGIONS],
                    "boxes": [s.box if s.scored else None for s in stats if s.region in results.REGIONS],
                    "means": [s.mean for s in stats if s.region in results.REGIONS],
                    "regions": [s.region for s in stats if s.region in results.REGIONS],
                },
                "own_rows": [r for r in rows if r.own][:5] if not is_province(request.user) else [],
                "show_values": chosen.item.kind == "indicator" and any(r.own for r in rows),
                "legend": results.grade_legend(chosen.view.system, chosen.item.code),
                "gap": round(prd - ewn, 1) if prd is not None and ewn is not None else None,
            }
        )
    return render(request, "indicators/results.html", context)


@login_required
def results_map(request: HttpRequest) -> HttpResponse:
    chosen = _selection(request)
    context = _base(request, chosen, "map")
    if chosen.view is not None and chosen.item is not None:
        data = results.map_data(user=request.user, view=chosen.view, item=chosen.item)
        context["map"] = data
        context["cities"] = sorted(data["cities"], key=lambda c: (c["rank"] is None, c["rank"] or 0))
    return render(request, "indicators/results_map.html", context)


@login_required
def unit_scorecard(request: HttpRequest, code: str) -> HttpResponse:
    unit = results.scored_unit(code)
    if unit is None:
        raise Http404(gettext("找不到该单位"))
    if not can_view_unit(request.user, unit.code):
        raise PermissionDenied(gettext("只能查看本辖区单位的考核结果；其他地区请查看排名"))
    chosen = _selection(request)
    context = _base(request, chosen, "unit")
    if chosen.view is not None:
        card = results.scorecard(user=request.user, unit=unit, view=chosen.view)
        context["card"] = card
        context["legend"] = (
            results.grade_legend(chosen.view.system, card.overall.item.code) if card.overall else ""
        )
    context["unit"] = unit
    context["ancestors"] = results.ancestors(unit)
    return render(request, "indicators/results_unit.html", context)


@login_required
def trends(request: HttpRequest) -> HttpResponse:
    chosen = _selection(request)
    context = _base(request, chosen, "trends")
    views = results.visible_views(user=request.user, system_code=chosen.system_code, preview=chosen.preview)
    if views:
        latest = views[-1]
        periods = [v.period for v in views]
        context.update(
            {
                "kpis": results.kpi_trends(
                    computation=latest.computation, system=latest.system, periods=periods
                ),
                "indices": results.index_trends(views=views, system=latest.system),
                "checks": results.target_checks(
                    computation=latest.computation, system=latest.system, periods=periods, user=request.user
                ),
                "horizon": results.HORIZON,
                "trend_periods": periods,
                "trend_view": latest,
            }
        )
    return render(request, "indicators/results_trends.html", context)


@login_required
def published_list(request: HttpRequest) -> HttpResponse:
    chosen = _selection(request)
    context = _base(request, chosen, "published")
    context["publications"] = results.publications(system_code=chosen.system_code)
    if can_publish(request.user):
        periods = results.data_periods(chosen.system_code)
        context["publishable"] = sorted(periods, reverse=True)
        context["status"] = [
            results.period_status(system_code=chosen.system_code, period=p) for p in context["publishable"]
        ]
    return render(request, "indicators/results_published.html", context)


@login_required
@require_POST
def publish(request: HttpRequest) -> HttpResponse:
    period = str(request.POST.get("period", ""))
    try:
        published = result_publish(
            acting_user=request.user,
            system_code=results.DEFAULT_SYSTEM,
            period=period,
            note=str(request.POST.get("note", "")),
        )
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
        return redirect("indicators:results_published")
    version = published.system
    messages.success(
        request,
        gettext("已发布 {period} 年度考核结果（体系版本 {version}，摘要 {value}）。").format(
            period=published.period, version=version.version, value=version.content_hash[:12]
        ),
    )
    return redirect(reverse("indicators:results") + f"?period={published.period}")


@login_required
def published_check(request: HttpRequest, pk: int) -> HttpResponse:
    """Province: recompute a publication under its stored definition and say whether it still holds."""
    if not can_publish(request.user):
        raise PermissionDenied(gettext("仅省科技厅可以核验发布结果"))
    published = results.publications().filter(pk=pk).first()
    if published is None:
        raise Http404(gettext("找不到该发布记录"))
    differences = results.result_differences(published=published)
    if differences:
        messages.warning(
            request,
            gettext("按发布时的体系定义重算，与发布结果有差异（数据在发布后被修改）：{join}").format(
                join="；".join(differences[:5])
            ),
        )
    else:
        messages.success(
            request,
            gettext("{period} 发布结果已按体系版本 {version} 重算核验，完全一致。").format(
                period=published.period, version=published.system.version
            ),
        )
    return redirect("indicators:results_published")


# ---- exports -------------------------------------------------------------------------------------


@login_required
def ranking_export(request: HttpRequest) -> HttpResponse:
    chosen = _selection(request)
    if chosen.view is None or chosen.item is None:
        raise Http404(gettext("没有可导出的考核结果"))
    return _ranking_xlsx(request, chosen=chosen, previous=_previous(request, chosen))


@login_required
def entries_export(request: HttpRequest) -> HttpResponse:
    if not can_export_entries(request.user):
        raise PermissionDenied(gettext("含填报原始数据的导出仅限省、市科技部门在辖区范围内使用"))
    chosen = _selection(request)
    if chosen.view is None:
        raise Http404(gettext("没有可导出的考核结果"))
    return _entries_xlsx(request, chosen=chosen)


@login_required
def report_pdf(request: HttpRequest) -> HttpResponse:
    chosen = _selection(request)
    if chosen.view is None:
        raise Http404(gettext("没有可生成报告的考核结果"))
    try:
        data = _period_report_pdf(user=request.user, view=chosen.view)
    except PdfUnavailableError as exc:
        messages.error(request, str(exc))
        return redirect(reverse("indicators:results") + f"?{chosen.query()}")
    audit_event_record(
        kind=AuditEvent.Kind.EXPORT,
        request=request,
        detail=f"导出{chosen.period}年度考核结果报告（PDF）",
    )
    return pdf_response(
        data,
        gettext("{period}年度科技支撑百千万工程考核结果.pdf").format(period=chosen.period),
        fallback=f"results-{chosen.period}.pdf",
    )


# ---- files: the ranking and entry workbooks, the PDF report -----------------------------------


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


def _ranking_xlsx(
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
        within=area_prefix(request.user) if chosen.mine else "",
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


def _entries_xlsx(request: HttpRequest, *, chosen: results.Selection) -> HttpResponse:
    """Entry values, indicator values and index scores of the units in the reader's area."""
    assert chosen.view is not None
    headers, rows = results.entry_rows(user=request.user, view=chosen.view, level=chosen.level)
    schema = SheetSchema(
        title=f"{chosen.period}年{results.LEVEL_NAMES.get(chosen.level, '')}填报数据"[:31],
        columns=[Column(f"c{i}", header, width=14 if i > 3 else 16) for i, header in enumerate(headers)],
        notes=(ENTRY_WARNING,),
    )
    area = area_prefix(request.user) or "全省"
    return spreadsheet_export(
        request,
        schema=schema,
        rows=rows[:EXPORT_LIMIT],
        name=f"{chosen.period}年{results.LEVEL_NAMES.get(chosen.level, '')}填报数据与得分",
        count=len(rows),
        note=f"含填报原始数据，范围 {area}",
    )


def _period_report_pdf(*, user: Any, view: results.PeriodView) -> bytes:
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
