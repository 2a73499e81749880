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
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from baiqianwan.core.audit import audit_event_record
from baiqianwan.core.models import AuditEvent
from baiqianwan.core.pdf import PdfUnavailableError, pdf_response
from baiqianwan.regions.models import Division

from . import reports, results


def _selection(request: HttpRequest) -> results.Selection:
    return results.selection(user=request.user, params=request.GET)


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
        "has_area": bool(results.area_prefix(user)),
        "can_export_entries": results.can_export_entries(user),
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
            within=results.area_prefix(request.user) if chosen.mine else "",
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
                "own_rows": [r for r in rows if r.own][:5] if not request.user.is_province else [],  # type: ignore[union-attr]
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
    unit = Division.objects.filter(code=code, level__in=("county", "town")).select_related("parent").first()
    if unit is None:
        raise Http404(gettext("找不到该单位"))
    if not results.can_view_unit(request.user, unit.code):
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
    context["ancestors"] = _ancestors(unit)
    return render(request, "indicators/results_unit.html", context)


def _ancestors(unit: Division) -> list[Division]:
    out = []
    node = unit.parent
    while node is not None and node.level != "province":
        out.append(node)
        node = node.parent
    return list(reversed(out))


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
    user: Any = request.user
    if user.is_province:
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
        published = results.result_publish(
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
    user: Any = request.user
    if not user.is_province:
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
    return reports.ranking_xlsx(request, chosen=chosen, previous=_previous(request, chosen))


@login_required
def entries_export(request: HttpRequest) -> HttpResponse:
    if not results.can_export_entries(request.user):
        raise PermissionDenied(gettext("含填报原始数据的导出仅限省、市科技部门在辖区范围内使用"))
    chosen = _selection(request)
    if chosen.view is None:
        raise Http404(gettext("没有可导出的考核结果"))
    return reports.entries_xlsx(request, chosen=chosen)


@login_required
def report_pdf(request: HttpRequest) -> HttpResponse:
    chosen = _selection(request)
    if chosen.view is None:
        raise Http404(gettext("没有可生成报告的考核结果"))
    try:
        data = reports.period_report_pdf(user=request.user, view=chosen.view)
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
