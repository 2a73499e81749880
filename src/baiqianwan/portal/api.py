"""The portal's published records over the API, without an account: read-only, each GET counted
against ``public_api_address``. Only what the portal pages show — published cases, commendations and
policies, the live headline figures and the open-data aggregates — never a record in any other state
and nothing personal beyond a name and a unit on a published list."""

import datetime as dt
from typing import Any

from django.http import Http404, HttpRequest
from ninja import Query, Router, Schema
from ninja.pagination import paginate
from pydantic import Field

from baiqianwan.core.pagination import BoundedPagination
from baiqianwan.core.scope import API_PUBLIC
from baiqianwan.outreach.publicity import selectors as publicity

from . import selectors

router = Router(tags=["公众服务（无需登录）"], auth=None)
# Open to everyone, signed in or not: the scope matrix skips them, tests/portal probes them.
PUBLIC = API_PUBLIC


class FigureOut(Schema):
    code: str
    name: str
    unit: str
    value: float
    target_year: int | None
    target: float | None


class PublicPhoto(Schema):
    id: int
    caption: str
    width: int
    height: int
    url: str

    @staticmethod
    def resolve_url(photo: Any) -> str:
        return f"/public/cases/{photo.case_id}/photos/{photo.pk}/"


class PublicPerson(Schema):
    name: str
    organisation: str = Field(alias="organisation.name")


class PublicCase(Schema):
    id: int
    title: str
    summary: str
    body: str
    results: str
    place_code: str = Field(alias="place_id")
    place_name: str = Field(alias="place.full_name")
    industry_code: str | None = Field(alias="industry_id")
    industry_name: str | None = None
    demand_title: str | None = None
    people: list[PublicPerson]
    photos: list[PublicPhoto]
    published_at: dt.datetime | None

    @staticmethod
    def resolve_industry_name(case: Any) -> str | None:
        return case.industry.name if case.industry else None

    @staticmethod
    def resolve_demand_title(case: Any) -> str | None:
        return case.demand.title if case.demand else None


class CaseQuery(Schema):
    q: str = Field("", max_length=100, description="关键词（简体或繁体）")
    city: str = Field("", max_length=4, pattern=r"^(44\d\d)?$", description="地市代码前 4 位，如 4414")
    industry: str = Field("", max_length=30, description="产业代码")


class PublicCommendation(Schema):
    id: int
    title: str
    document_number: str
    year: int
    intro: str
    published_on: dt.date | None


class PublicEntry(Schema):
    kind: str
    kind_label: str = Field(alias="get_kind_display")
    name: str
    organisation: str
    reason: str


class PublicPolicy(Schema):
    id: int
    kind: str
    kind_label: str = Field(alias="get_kind_display")
    title: str
    issuer: str
    document_number: str
    issued_on: dt.date
    body: str
    interprets_id: int | None


@router.get("/figures", response=list[FigureOut], openapi_extra=PUBLIC, summary="实时统计的主要指标")
def figures(request: HttpRequest) -> list[dict[str, Any]]:
    return selectors.headline()


@router.get("/cases", response=list[PublicCase], openapi_extra=PUBLIC, summary="已发布的典型案例")
@paginate(BoundedPagination, page_size=20)
def cases(request: HttpRequest, filters: Query[CaseQuery]):
    return publicity.published_cases(q=filters.q, region=filters.city, industry=filters.industry)


@router.get("/cases/{int:case_id}", response=PublicCase, openapi_extra=PUBLIC, summary="典型案例")
def case(request: HttpRequest, case_id: int) -> Any:
    found = publicity.published_case(case_id)
    if found is None:
        raise Http404
    return found


@router.get(
    "/commendations", response=list[PublicCommendation], openapi_extra=PUBLIC, summary="已发布的通报表扬"
)
@paginate(BoundedPagination, page_size=50)
def commendations(request: HttpRequest):
    return publicity.published_commendations()


@router.get(
    "/commendations/{int:commendation_id}/entries",
    response=list[PublicEntry],
    openapi_extra=PUBLIC,
    summary="通报表扬名单",
)
@paginate(BoundedPagination, page_size=100)
def commendation_entries(request: HttpRequest, commendation_id: int):
    found = publicity.published_commendation(commendation_id)
    if found is None:
        raise Http404
    return publicity.commendation_entries(found)


@router.get("/policies", response=list[PublicPolicy], openapi_extra=PUBLIC, summary="已发布的政策与解读")
@paginate(BoundedPagination, page_size=50)
def policies(request: HttpRequest):
    return publicity.published_policies()


@router.get(
    "/policies/{int:policy_id}", response=PublicPolicy, openapi_extra=PUBLIC, summary="政策文件或解读"
)
def policy(request: HttpRequest, policy_id: int) -> Any:
    found = publicity.published_policy(policy_id)
    if found is None:
        raise Http404
    return found
