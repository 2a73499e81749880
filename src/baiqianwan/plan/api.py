import datetime as dt

from django.http import HttpRequest
from ninja import Query, Router, Schema
from ninja.pagination import paginate
from pydantic import Field

from baiqianwan.core.pagination import BoundedPagination
from baiqianwan.core.schemas import filter_data, filter_query
from baiqianwan.core.scope import API_PUBLIC, api_scope

from . import selectors
from .forms import ReportFilterForm
from .models import Measure, ProgressReport

router = Router(tags=["实施方案"])


class MeasureOut(Schema):
    code: str
    section: str = Field(alias="section_id")
    clause: str = Field(alias="section.clause")
    ordinal: str
    title: str
    text: str
    lead: list[str]
    responsible: list[str]


class ReportOut(Schema):
    id: int
    measure: str = Field(alias="measure_id")
    period: str
    status: str
    summary: str
    reporting_unit: str
    division_code: str = Field(alias="division_id")
    updated_at: dt.datetime


@router.get(
    "/measures", response=list[MeasureOut], auth=None, openapi_extra=API_PUBLIC, summary="方案的全部工作举措"
)
def measure_list(request: HttpRequest):
    return Measure.objects.select_related("section").order_by("position")


@router.get("/reports", response=list[ReportOut], openapi_extra=api_scope(ProgressReport), summary="进展报告")
@paginate(BoundedPagination, page_size=50)
def report_list(request: HttpRequest, filters: Query[filter_query(ReportFilterForm)]):  # type: ignore[valid-type]
    return selectors.report_list(user=request.user, **ReportFilterForm.strict(filter_data(filters)))
