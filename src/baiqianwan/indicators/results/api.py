"""API of the assessment results: rankings, map data, scorecards, publications.

Scores and ranks are open to every signed-in user (they are about regions, not people); a
scorecard, with its indicator and entry values, only within the caller's region.
"""

import datetime as dt
from typing import Any

from django.http import Http404, HttpRequest
from ninja import Query, Router, Schema
from ninja.pagination import paginate

from baiqianwan.core.pagination import BoundedPagination
from baiqianwan.core.schemas import filter_data, filter_query
from baiqianwan.core.scope import API_PUBLIC, api_scope
from baiqianwan.core.selectors import found_or_404
from baiqianwan.regions.models import Division

from . import selectors as results
from .forms import MapFilterForm, RankingFilterForm
from .rules import can_view_unit

router = Router(tags=["考核结果"])


class RankingOut(Schema):
    code: str
    name: str
    city: str
    county: str
    region: str
    score: float | None
    grade: str
    rank: int | None
    region_rank: int | None
    change: float | None
    rank_change: int | None
    value: float | None


class MapAreaOut(Schema):
    code: str
    name: str
    value: float | None
    rank: int | None
    of: int
    n: int


class MapOut(Schema):
    item: dict[str, str]
    period: str
    source: str
    label: str
    counties: list[MapAreaOut]
    cities: list[MapAreaOut]
    min: float
    max: float


class LineOut(Schema):
    code: str
    name: str
    kind: str
    theme: str
    unit: str
    value: float | None
    score: float | None
    grade: str
    rank: int | None
    region_rank: int | None
    change: float | None
    periods: list[str]
    series: list[float | None]
    targets: list[dict[str, Any]]


class ScorecardOut(Schema):
    code: str
    name: str
    level: str
    region: str
    period: str
    source: str
    label: str
    system_version: str
    system_hash: str
    lines: list[LineOut]
    children: list[RankingOut]
    entries: dict[str, Any]


class PublishedOut(Schema):
    id: int
    system: str
    system_version: str
    system_hash: str
    period: str
    note: str
    published_at: dt.datetime


def _chosen(request: HttpRequest, values: dict[str, Any]) -> results.Selection:
    index, period = values["index"], values["period"]
    params = {**values, "item": index}
    chosen = results.selection(
        user=request.user, params=params, system_code=values["system"] or results.DEFAULT_SYSTEM
    )
    if chosen.view is None or chosen.item is None:
        raise Http404
    # What was asked for explicitly must be what is answered, not a default in its place.
    if (period and chosen.period != period) or (index and chosen.item.code != index):
        raise Http404
    return chosen


@router.get(
    "/results/rankings",
    response=list[RankingOut],
    openapi_extra=API_PUBLIC,
    summary="排名（某期、某指数或指标）",
)
@paginate(BoundedPagination, page_size=50)
def ranking_list(request: HttpRequest, filters: Query[filter_query(RankingFilterForm)]):  # type: ignore[valid-type]
    """默认为已发布结果；`preview=true` 仅省科技厅可用（实时计算）。指标值 `value` 只对本辖区单位给出。"""
    chosen = _chosen(request, RankingFilterForm.strict(filter_data(filters)))
    assert chosen.view is not None
    assert chosen.item is not None
    previous = results.result_view(
        user=request.user,
        system_code=chosen.system_code,
        period=results.previous_period(chosen.period),
        preview=chosen.preview,
    )
    return results.ranking(
        user=request.user, view=chosen.view, item=chosen.item, region=chosen.region, previous=previous
    )


@router.get("/results/map", response=MapOut, openapi_extra=API_PUBLIC, summary="地图数据（按县、按市）")
def map_view(request: HttpRequest, filters: Query[filter_query(MapFilterForm)]) -> dict[str, Any]:  # type: ignore[valid-type]
    chosen = _chosen(request, {"region": "", **MapFilterForm.strict(filter_data(filters))})
    assert chosen.view is not None
    assert chosen.item is not None
    return results.map_data(user=request.user, view=chosen.view, item=chosen.item)


@router.get(
    "/results/scorecards/{unit_code}",
    response=ScorecardOut,
    openapi_extra=api_scope(Division),
    summary="单位成绩单（本辖区）",
)
def scorecard(
    request: HttpRequest,
    unit_code: str,
    system: str = results.DEFAULT_SYSTEM,
    period: str = "",
    preview: bool = False,
) -> dict[str, Any]:
    if not can_view_unit(request.user, unit_code):
        raise Http404
    unit = found_or_404(results.scored_unit(unit_code))
    chosen = results.selection(
        user=request.user, params={"period": period, "preview": "1" if preview else ""}, system_code=system
    )
    if chosen.view is None or (period and chosen.period != period):
        raise Http404
    card = results.scorecard(user=request.user, unit=unit, view=chosen.view)
    lines = [*card.indices, *(line for _, group in card.themes for line in group)]
    return {
        "code": unit.code,
        "name": unit.name,
        "level": unit.level,
        "region": unit.region,
        "period": chosen.view.period,
        "source": "published" if chosen.view.published else "live",
        "label": chosen.view.label,
        "system_version": chosen.view.version.version,
        "system_hash": chosen.view.version.content_hash,
        "lines": [
            {
                "code": line.item.code,
                "name": line.item.name,
                "kind": line.item.kind,
                "theme": line.item.theme,
                "unit": line.item.unit,
                "value": line.value,
                "score": line.score,
                "grade": line.grade,
                "rank": line.rank,
                "region_rank": line.region_rank,
                "change": line.change,
                "periods": line.periods,
                "series": line.series,
                "targets": line.targets,
            }
            for line in lines
        ],
        "children": [row for row, _ in card.children],
        "entries": {name: value for name, _, value in card.entries},
    }


@router.get(
    "/results/published", response=list[PublishedOut], openapi_extra=API_PUBLIC, summary="已发布的考核结果"
)
@paginate(BoundedPagination, page_size=50)
def published_list(request: HttpRequest, system: str = ""):
    return [
        {
            "id": p.pk,
            "system": p.system.code,
            "system_version": p.system.version,
            "system_hash": p.system.content_hash,
            "period": p.period,
            "note": p.note,
            "published_at": p.created_at,
        }
        for p in results.publications(system_code=system)
    ]
