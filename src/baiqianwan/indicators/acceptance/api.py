"""API of 创新型专业镇验收评价 (/api/v1/indicators/acceptance): a year's results, the weights.

Ranks of every participating town are open to every signed-in user; scores, grades and indicator
values only within the caller's region (``own``), the same rule as the pages.
"""

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from ninja import Query, Router, Schema, Status

from baiqianwan.core.schemas import filter_data, filter_query
from baiqianwan.core.scope import API_PUBLIC, api_scope

from ..definitions.models import SystemVersion
from ..definitions.selectors import system_of
from . import selectors as acceptance
from . import services
from .forms import AcceptanceResultsFilterForm

router = Router(tags=["专业镇验收"])


class DimensionOut(Schema):
    code: str
    name: str
    weight: float


class IndicatorOut(Schema):
    code: str
    name: str
    theme: str
    unit: str
    value: float | None
    target: float | None
    score: float | None
    met: bool | None


class TownOut(Schema):
    code: str
    name: str
    city: str
    county: str
    own: bool
    rank: int | None
    status: str
    total: float | None
    grade: str
    dimensions: dict[str, float | None]
    indicators: list[IndicatorOut]


class ResultsOut(Schema):
    year: str
    system_version: str
    system_hash: str
    dimensions: list[DimensionOut]
    scored: int
    towns: list[TownOut]


class WeightsIn(Schema):
    weights: dict[str, float]
    note: str = ""


class VersionOut(Schema):
    version: str
    content_hash: str
    is_current: bool
    note: str
    created_at: dt.datetime
    dimensions: list[DimensionOut]


@router.get(
    "/acceptance/results",
    response=ResultsOut,
    openapi_extra=API_PUBLIC,
    summary="专业镇验收评价结果（某年度）",
)
def results_get(
    request: HttpRequest,
    filters: Query[filter_query(AcceptanceResultsFilterForm)],  # type: ignore[valid-type]
) -> dict[str, Any]:
    """`version` 为体系版本内容摘要（至少前 8 位），默认现行版本。本辖区以外的专业镇只给出排名。"""
    values = AcceptanceResultsFilterForm.strict(filter_data(filters))
    year, city, version = values["year"], values["city"], values["version"]
    chosen = acceptance.version_find(version) if version else None
    if version and chosen is None:
        raise Http404
    year = year or acceptance.default_year()
    if not year:
        raise Http404
    try:
        evaluation = acceptance.evaluate(year=year, version=chosen)
    except ValidationError as exc:
        raise Http404 from exc
    rows = acceptance.visible_rows(user=request.user, evaluation=evaluation, city=city, mine=values["mine"])
    return {
        "year": evaluation.year,
        "system_version": evaluation.version.version,
        "system_hash": evaluation.version.content_hash,
        "dimensions": [d.__dict__ for d in evaluation.dimensions],
        "scored": evaluation.scored,
        "towns": [
            {
                "code": r.code,
                "name": r.name,
                "city": r.city,
                "county": r.county,
                "own": r.own,
                "rank": r.rank,
                "status": r.status,
                "total": r.total,
                "grade": r.grade,
                "dimensions": r.dimensions,
                "indicators": [{**line.__dict__, "met": line.met} for line in r.indicators],
            }
            for r in rows
        ],
    }


@router.post(
    "/acceptance/weights",
    response={201: VersionOut},
    openapi_extra=api_scope(SystemVersion),
    summary="调整专业镇验收维度权重（省科技厅）",
)
def weights_update(request: HttpRequest, payload: WeightsIn) -> Status:
    """五个维度的权重各大于 0、合计为 1；保存为新的体系版本并成为现行版本。"""
    version = services.weights_update(acting_user=request.user, weights=payload.weights, note=payload.note)
    dimensions = acceptance.dimensions_of(system_of(version))
    body = {
        "version": version.version,
        "content_hash": version.content_hash,
        "is_current": version.is_current,
        "note": version.note,
        "created_at": version.created_at,
        "dimensions": [d.__dict__ for d in dimensions],
    }
    return Status(201, body)
