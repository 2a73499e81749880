from django.http import HttpRequest
from ninja import Query, Router, Schema
from ninja.pagination import paginate
from pydantic import Field

from baiqianwan.core.pagination import BoundedPagination
from baiqianwan.core.schemas import filter_data, filter_query
from baiqianwan.core.scope import API_PUBLIC
from baiqianwan.core.selectors import found_or_404

from . import selectors
from .forms import DivisionFilterForm
from .models import Division

router = Router(tags=["行政区划"])


class DivisionOut(Schema):
    code: str
    name: str
    full_name: str
    level: str
    kind: str
    region: str
    parent_code: str | None = Field(None, alias="parent_id")


class DivisionDetailOut(DivisionOut):
    region_label: str
    ancestors: list[DivisionOut]
    children_count: int


@router.get(
    "/search", response=list[DivisionOut], auth=None, openapi_extra=API_PUBLIC, summary="按名称搜索区划"
)
@paginate(BoundedPagination, page_size=20)
def search(request: HttpRequest, filters: Query[filter_query(DivisionFilterForm)]):  # type: ignore[valid-type]
    """名称可用简体或繁体；`within` 为区划代码前缀，限定在某市、县之内。"""
    values = DivisionFilterForm.strict(filter_data(filters))
    return selectors.division_search(query=values.pop("q"), **values)


@router.get("/stats", auth=None, openapi_extra=API_PUBLIC, summary="区划统计")
def stats(request: HttpRequest) -> dict[str, object]:
    return selectors.division_stats()


@router.get(
    "/{code}", response=DivisionDetailOut, auth=None, openapi_extra=API_PUBLIC, summary="区划及其各级上级"
)
def detail(request: HttpRequest, code: str) -> Division:
    division = found_or_404(selectors.division_get(code=code))
    division.ancestors = selectors.division_ancestors(division=division)  # type: ignore[attr-defined]
    division.children_count = selectors.division_children(code=code).count()  # type: ignore[attr-defined]
    return division


@router.get(
    "/{code}/children", response=list[DivisionOut], auth=None, openapi_extra=API_PUBLIC, summary="下级区划"
)
def children(request: HttpRequest, code: str):
    found_or_404(selectors.division_get(code=code))
    return selectors.division_children(code=code)
