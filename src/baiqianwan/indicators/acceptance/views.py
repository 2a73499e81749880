"""Pages of 创新型专业镇验收评价: the year's evaluation, one town's indicators, Excel, the weights."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext

from baiqianwan.core.exports import EXPORT_LIMIT, spreadsheet_export
from baiqianwan.core.forms import add_service_errors
from baiqianwan.core.spreadsheets import Column, SheetSchema

from ..definitions.models import SystemVersion
from ..definitions.selectors import system_of
from ..results.rules import area_prefix, is_province
from . import selectors as acceptance
from . import services
from .forms import AcceptanceFilterForm, WeightsForm
from .rules import can_change_weights, can_view_town


def _choices(request: HttpRequest) -> dict[str, Any]:
    """The year, city and version asked for; unknown values fall back to the defaults."""
    values = AcceptanceFilterForm(request.GET or None).values()
    years = acceptance.years()
    year = values.get("year") or ""
    if year not in years:
        year = acceptance.default_year()
    ref = (values.get("version") or "").strip()
    version = acceptance.version_find(ref) if ref else None
    if ref and version is None:
        raise Http404(gettext("找不到该体系版本"))
    return {
        "years": years,
        "year": year,
        "version": version,
        "city": values.get("city") or "",
        "mine": bool(values.get("mine")),
        "missing": bool(values.get("missing")),
    }


def _query(choices: dict[str, Any], **changes: Any) -> str:
    version: SystemVersion | None = choices["version"]
    params = {
        "year": choices["year"],
        "city": choices["city"],
        "version": version.content_hash[:12] if version is not None else "",
        "mine": "1" if choices["mine"] else "",
        "missing": "1" if choices["missing"] else "",
    }
    params.update({k: str(v) for k, v in changes.items()})
    return urlencode({k: v for k, v in params.items() if v})


def _evaluation(choices: dict[str, Any]) -> acceptance.Evaluation | None:
    if not choices["year"]:
        return None
    try:
        return acceptance.evaluate(year=choices["year"], version=choices["version"])
    except ValidationError as exc:
        raise Http404("；".join(exc.messages)) from exc


@login_required
def evaluation_page(request: HttpRequest) -> HttpResponse:
    choices = _choices(request)
    evaluation = _evaluation(choices)
    context: dict[str, Any] = {
        "choices": choices,
        "query": _query(choices),
        "evaluation": evaluation,
        "has_area": bool(area_prefix(request.user)),
        "current": acceptance.current_version() if evaluation is not None else None,
    }
    if evaluation is not None:
        rows = acceptance.visible_rows(
            user=request.user, evaluation=evaluation, city=choices["city"], mine=choices["mine"]
        )
        # Towns marked 专业镇 that have not reported are many: listed only when asked for.
        shown = rows if choices["missing"] else [r for r in rows if r.rank or r.status == "pending"]
        context.update(
            {
                "rows": shown,
                "hidden": len(rows) - len(shown),
                "missing_query": _query(choices, missing="1"),
                "cities": acceptance.cities_of(evaluation),
                "own_rows": [r for r in rows if r.own and r.status == "scored"][:4]
                if not is_province(request.user)
                else [],
            }
        )
    return render(request, "indicators/acceptance.html", context)


@login_required
def town_page(request: HttpRequest, code: str) -> HttpResponse:
    town = acceptance.town_get(code)
    if town is None:
        raise Http404(gettext("找不到该乡镇"))
    if not can_view_town(request.user, code):
        raise PermissionDenied(gettext("只能查看本辖区专业镇的验收得分；其他地区请查看排名"))
    choices = _choices(request)
    evaluation = _evaluation(choices)
    row = next((t for t in evaluation.towns if t.code == code), None) if evaluation else None
    if evaluation is None or row is None:
        raise Http404(gettext("该乡镇本年度不参加专业镇验收"))
    themes: dict[str, list[acceptance.IndicatorLine]] = {}
    for line in row.indicators:
        themes.setdefault(line.theme, []).append(line)
    return render(
        request,
        "indicators/acceptance_town.html",
        {
            "choices": choices,
            "query": _query(choices),
            "evaluation": evaluation,
            "row": row,
            "town": town,
            "themes": [
                (dim, row.dimensions.get(dim.code), themes.get(dim.name, [])) for dim in evaluation.dimensions
            ],
        },
    )


def _schema(evaluation: acceptance.Evaluation) -> SheetSchema:
    columns = [
        Column("rank", "排名", width=8),
        Column("code", "区划代码", width=15),
        Column("name", "乡镇", width=14),
        Column("city", "所属市", width=10),
        Column("county", "所属县（市、区）", width=14),
        Column("status", "验收数据", width=10),
        *(Column(d.code, f"{d.name}（权重 {d.weight:g}）", width=14) for d in evaluation.dimensions),
        Column("total", "总分", width=9),
        Column("grade", "等级", width=8),
    ]
    year = int(evaluation.year)
    for indicator in evaluation.system.indicators:
        target = indicator.target_for(year)
        unit = f"{indicator.unit}，" if indicator.unit else ""
        label = gettext("目标 {target:g}").format(target=target) if target is not None else gettext("无目标")
        columns.append(Column(indicator.code, f"{indicator.name}（{unit}{label}）", width=16))
    return SheetSchema(title=f"{evaluation.year}年专业镇验收评价", columns=columns)


def _cell(value: float | None, digits: int = 2) -> float | None:
    return None if value is None else round(value, digits)


@login_required
def export(request: HttpRequest) -> HttpResponse:
    choices = _choices(request)
    evaluation = _evaluation(choices)
    if evaluation is None:
        raise Http404(gettext("没有可导出的验收评价"))
    rows = acceptance.visible_rows(
        user=request.user, evaluation=evaluation, city=choices["city"], mine=choices["mine"]
    )
    data = []
    for r in rows[:EXPORT_LIMIT]:
        values = {line.code: line.value for line in r.indicators}
        data.append(
            [
                r.rank,
                r.code,
                r.name,
                r.city,
                r.county,
                r.status_label if r.own else "",
                *(_cell(r.dimensions.get(d.code)) for d in evaluation.dimensions),
                _cell(r.total),
                r.grade,
                *(_cell(values.get(i.code), 4) for i in evaluation.system.indicators),
            ]
        )
    version = evaluation.version
    return spreadsheet_export(
        request,
        schema=_schema(evaluation),
        rows=data,
        name=gettext("{year}年创新型专业镇验收评价").format(year=evaluation.year),
        count=len(data),
        note=gettext("体系版本 {version}，摘要 {value}").format(
            version=version.version, value=version.content_hash[:12]
        ),
    )


@login_required
def weights_page(request: HttpRequest) -> HttpResponse:
    try:
        current = acceptance.current_version()
    except ValidationError as exc:
        raise Http404("；".join(exc.messages)) from exc
    dimensions = acceptance.dimensions_of(system_of(current))
    form = WeightsForm(request.POST or None, dimensions=dimensions)
    if request.method == "POST":
        if not can_change_weights(request.user):
            raise PermissionDenied(gettext("专业镇验收的维度权重由省科技厅调整"))
        if form.is_valid():
            try:
                version = services.weights_update(
                    acting_user=request.user, weights=form.weights(), note=form.cleaned_data["note"]
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(
                    request,
                    gettext(
                        "已保存新的体系版本 {version}（摘要 {digest}），"
                        "此后的验收评价按新权重计算；以前的版本仍可选用重算"
                    ).format(version=version.version, digest=version.content_hash[:12]),
                )
                return redirect("indicators:acceptance_weights")
    history = [(v, acceptance.dimensions_of(system_of(v))) for v in acceptance.versions()]
    return render(
        request,
        "indicators/acceptance_weights.html",
        {"form": form, "current": current, "dimensions": dimensions, "history": history},
    )
