from django.http import HttpRequest
from ninja import Query, Router, Schema
from ninja.pagination import paginate
from pydantic import Field

from baiqianwan.core.pagination import BoundedPagination
from baiqianwan.core.schemas import filter_data, filter_query
from baiqianwan.core.scope import api_scope
from baiqianwan.core.selectors import found_or_404

from . import selectors
from .forms import AchievementFilterForm, SupplyFilterForm
from .models import Achievement, ExpertProfile

router = Router(tags=["成果与专家"])


class AchievementOut(Schema):
    id: int
    title: str
    abstract: str
    keywords: str
    industry_code: str | None = Field(alias="industry_id")
    maturity: str
    ip_type: str
    transfer_modes: list[str]
    price: str
    organisation_id: int
    organisation_name: str = Field(alias="organisation.name")


class ExpertOut(Schema):
    id: int
    name: str = Field(alias="person.name")
    title: str = Field(alias="person.title")
    organisation_name: str = Field(alias="person.organisation.name")
    keywords: str
    home_city_code: str = Field(alias="home_city_id")
    dialects: list[str]
    availability: str


@router.get(
    "/achievements", response=list[AchievementOut], openapi_extra=api_scope(Achievement), summary="科技成果"
)
@paginate(BoundedPagination, page_size=20)
def achievement_list(request: HttpRequest, filters: Query[filter_query(AchievementFilterForm)]):  # type: ignore[valid-type]
    return selectors.achievement_list(user=request.user, **AchievementFilterForm.strict(filter_data(filters)))


@router.get(
    "/achievements/{achievement_id}",
    response=AchievementOut,
    openapi_extra=api_scope(Achievement),
    summary="成果详情",
)
def achievement_detail(request: HttpRequest, achievement_id: int) -> Achievement:
    return found_or_404(selectors.achievement_get(user=request.user, pk=achievement_id))


@router.get("/experts", response=list[ExpertOut], openapi_extra=api_scope(ExpertProfile), summary="专家库")
@paginate(BoundedPagination, page_size=20)
def expert_list(request: HttpRequest, filters: Query[filter_query(SupplyFilterForm)]):  # type: ignore[valid-type]
    return selectors.expert_list(user=request.user, **SupplyFilterForm.strict(filter_data(filters)))


@router.get(
    "/experts/{expert_id}", response=ExpertOut, openapi_extra=api_scope(ExpertProfile), summary="专家详情"
)
def expert_detail(request: HttpRequest, expert_id: int) -> ExpertProfile:
    return found_or_404(selectors.expert_get(user=request.user, pk=expert_id))
