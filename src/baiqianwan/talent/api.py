"""The talent ledgers over the API: county research outposts (list, register, read, edit, close, yearly
results, the map by city), 致富带头人 and their yearly reports, 农业科技致富共同体, talent-programme
selections, and the parts of KPI-TALENT-SERVING. Handlers are thin; services check who may do what."""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import Field

from baiqianwan.core.concurrency import expected_version
from baiqianwan.core.pagination import BoundedPagination
from baiqianwan.core.schemas import OMITTED, filter_data, filter_query
from baiqianwan.core.scope import API_PUBLIC, api_scope
from baiqianwan.core.selectors import found_or_404

from . import rules, selectors, services
from .forms import LeaderFilterForm, OutpostFilterForm, SelectionFilterForm
from .models import Leader, LeaderGroup, LeaderReport, Outpost, OutpostResult, TalentSelection

router = Router(tags=["人才与科普"])
ID = Field(None, ge=1, le=2**63 - 1)
VERSION = Field(None, ge=0, le=2**31)
KINDS = "institute 县域研究院 / station 工作站 / experiment 试验站 / branch 分中心"


class OutpostOut(Schema):
    id: int
    name: str
    kind: str
    kind_label: str = Field(alias="get_kind_display")
    host_id: int
    host_name: str = Field(alias="host.name")
    county_code: str = Field(alias="county_id")
    county_name: str = Field(alias="county.full_name")
    fields: str
    staff_on_site: int
    staff_ids: list[int]
    partner: str
    agreement_signed_on: dt.date | None
    agreement_years: int | None
    opened_on: dt.date
    closed_on: dt.date | None
    in_east_west_north: bool
    is_public: bool
    version: int

    @staticmethod
    def resolve_staff_ids(obj: Outpost) -> list[int]:
        return [person.pk for person in obj.staff.all()]


class OutpostIn(Schema):
    name: str = Field(max_length=120)
    kind: str = Field(max_length=12, description=KINDS)
    county_code: str = Field(max_length=12, description="所在县（市、区）的 12 位区划代码")
    host_id: int | None = Field(None, ge=1, le=2**63 - 1, description="依托单位；单位账号可不填（为本单位）")
    fields: str = Field("", max_length=200)
    staff_on_site: int = Field(0, ge=0, le=10_000)
    staff_ids: list[int] = Field([], max_length=200, description="驻点人员（依托单位的人员）")
    partner: str = Field("", max_length=120)
    agreement_signed_on: dt.date | None = None
    agreement_years: int | None = Field(None, ge=1, le=50)
    opened_on: dt.date
    is_public: bool = True


class OutpostPatch(Schema):
    name: str = Field(OMITTED, max_length=120)
    kind: str = Field(OMITTED, max_length=12, description=KINDS)
    fields: str = Field(OMITTED, max_length=200)
    staff_on_site: int = Field(OMITTED, ge=0, le=10_000)
    staff_ids: list[int] = Field(OMITTED, max_length=200)
    partner: str = Field(OMITTED, max_length=120)
    agreement_signed_on: dt.date | None = None
    agreement_years: int | None = Field(None, ge=1, le=50)
    opened_on: dt.date = Field(OMITTED)
    is_public: bool = Field(OMITTED)
    version: int | None = VERSION


class CloseIn(Schema):
    closed_on: dt.date
    version: int | None = VERSION


class ResultOut(Schema):
    id: int
    outpost_id: int
    year: int
    demands_solved: int
    achievements_transferred: int
    people_trained: int
    summary: str


class ResultIn(Schema):
    year: int = Field(ge=2000, le=2100)
    demands_solved: int = Field(0, ge=0, le=1_000_000)
    achievements_transferred: int = Field(0, ge=0, le=1_000_000)
    people_trained: int = Field(0, ge=0, le=1_000_000)
    summary: str = Field("", max_length=1000)


class KindRow(Schema):
    kind: str
    label: str
    outposts: int


class CityRow(Schema):
    code: str
    name: str
    region: str
    value: int
    staff: int


class MapOut(Schema):
    open: int
    staff_on_site: int
    east_west_north: int
    by_kind: list[KindRow]
    cities: list[CityRow]


def _outpost(request: HttpRequest, outpost_id: int) -> Outpost:
    return found_or_404(selectors.outpost_get(user=request.user, outpost_id=outpost_id))


@router.get("/outposts", response=list[OutpostOut], openapi_extra=api_scope(Outpost), summary="县域研究机构")
@paginate(BoundedPagination, page_size=50)
def outpost_list(request: HttpRequest, filters: Query[filter_query(OutpostFilterForm)]):  # type: ignore[valid-type]
    values = OutpostFilterForm.strict(filter_data(filters))
    return selectors.outpost_list(
        user=request.user,
        q=values["q"],
        kind=values["kind"],
        region=values["region"],
        host=values["host"],
        status=values["status"],
    ).prefetch_related("staff")


@router.post(
    "/outposts",
    response={201: OutpostOut},
    openapi_extra=api_scope(Outpost),
    summary="登记县域研究机构（依托单位、所在地科技部门、省科技厅）",
)
def outpost_register(request: HttpRequest, payload: OutpostIn) -> Status:
    outpost = services.outpost_register(acting_user=request.user, **payload.dict())
    return Status(201, _outpost(request, outpost.pk))


@router.get(
    "/outposts/map", response=MapOut, openapi_extra=api_scope(Outpost), summary="县域研究机构（按地市）"
)
def outpost_map(request: HttpRequest) -> dict[str, Any]:
    return selectors.outpost_map(user=request.user)


@router.get(
    "/outposts/{int:outpost_id}",
    response=OutpostOut,
    openapi_extra=api_scope(Outpost),
    summary="研究机构详情",
)
def outpost_detail(request: HttpRequest, outpost_id: int) -> Outpost:
    return _outpost(request, outpost_id)


@router.patch(
    "/outposts/{int:outpost_id}",
    response=OutpostOut,
    openapi_extra=api_scope(Outpost),
    summary="修改研究机构",
)
def outpost_update(request: HttpRequest, outpost_id: int, payload: OutpostPatch) -> Outpost:
    values = payload.dict(exclude_unset=True)
    values.pop("version", None)
    outpost = services.outpost_update(
        acting_user=request.user,
        outpost_id=_outpost(request, outpost_id).pk,
        version=expected_version(request, payload.version),
        **values,
    )
    return _outpost(request, outpost.pk)


@router.post(
    "/outposts/{int:outpost_id}/close",
    response=OutpostOut,
    openapi_extra=api_scope(Outpost),
    summary="撤销研究机构",
)
def outpost_close(request: HttpRequest, outpost_id: int, payload: CloseIn) -> Outpost:
    outpost = services.outpost_close(
        acting_user=request.user,
        outpost_id=_outpost(request, outpost_id).pk,
        closed_on=payload.closed_on,
        version=expected_version(request, payload.version),
    )
    return _outpost(request, outpost.pk)


@router.get(
    "/outposts/{int:outpost_id}/results",
    response=list[ResultOut],
    openapi_extra=api_scope(Outpost),
    summary="研究机构年度成效",
)
def result_list(request: HttpRequest, outpost_id: int) -> Any:
    return list(selectors.result_list(user=request.user, outpost=_outpost(request, outpost_id)))


@router.post(
    "/outposts/{int:outpost_id}/results",
    response={201: ResultOut},
    openapi_extra=api_scope(Outpost),
    summary="填报年度成效（依托单位或所在地科技部门；同一年再报为更正）",
)
def result_record(request: HttpRequest, outpost_id: int, payload: ResultIn) -> Status:
    result: OutpostResult = services.outpost_result_record(
        acting_user=request.user, outpost_id=_outpost(request, outpost_id).pk, **payload.dict()
    )
    return Status(201, result)


# ---- 致富带头人 ------------------------------------------------------------------------------


class LeaderOut(Schema):
    """手机号码 is masked for roles without personal-data rights (other than the leader's commissioner)."""

    id: int
    name: str
    mobile: str
    division_code: str = Field(alias="division_id")
    division_name: str = Field(alias="division.full_name")
    industry: str
    enterprise_id: int | None
    enterprise_name: str
    consent_on: dt.date
    commissioner_id: int
    note: str

    @staticmethod
    def resolve_mobile(obj: Leader, context: dict[str, Any]) -> str:
        request = (context or {}).get("request")
        user = getattr(request, "user", None)
        return obj.mobile if user is not None and rules.sees_mobile(user, obj) else obj.mobile_masked


class LeaderIn(Schema):
    consent: bool = Field(description="本人已同意登记其个人信息；须为 true，否则不登记")
    consent_on: dt.date = Field(description="同意登记日期")
    name: str = Field(max_length=40)
    mobile: str = Field(max_length=20)
    division_code: str = Field(max_length=12, description="所在乡镇或村的 12 位区划代码")
    industry: str = Field(max_length=60)
    enterprise_uscc: str = Field(
        "", max_length=18, description="平台已登记的企业、合作社或家庭农场的统一社会信用代码"
    )
    enterprise_name: str = Field("", max_length=120)
    note: str = Field("", max_length=500)


class ReportOut(Schema):
    id: int
    leader_id: int
    year: int
    jobs_created: int
    income_effect: Decimal
    note: str


class ReportIn(Schema):
    year: int = Field(ge=2000, le=2100)
    jobs_created: int = Field(0, ge=0, le=100_000)
    income_effect: Decimal = Field(max_digits=15, decimal_places=2, description="带动增收（元）")
    note: str = Field("", max_length=500)


def _leader(request: HttpRequest, leader_id: int) -> Leader:
    return found_or_404(selectors.leader_get(user=request.user, leader_id=leader_id))


@router.get("/leaders", response=list[LeaderOut], openapi_extra=api_scope(Leader), summary="致富带头人")
@paginate(BoundedPagination, page_size=50)
def leader_list(request: HttpRequest, filters: Query[filter_query(LeaderFilterForm)]):  # type: ignore[valid-type]
    values = LeaderFilterForm.strict(filter_data(filters))
    return selectors.leader_list(
        user=request.user, q=values["q"], region=values["region"], industry=values["industry"]
    )


@router.post(
    "/leaders",
    response={201: LeaderOut},
    openapi_extra=api_scope(Leader),
    summary="登记致富带头人（科技特派员，须本人同意）",
)
def leader_register(request: HttpRequest, payload: LeaderIn) -> Status:
    leader = services.leader_register(acting_user=request.user, **payload.dict())
    return Status(201, _leader(request, leader.pk))


@router.get(
    "/leaders/{int:leader_id}", response=LeaderOut, openapi_extra=api_scope(Leader), summary="致富带头人详情"
)
def leader_detail(request: HttpRequest, leader_id: int) -> Leader:
    return _leader(request, leader_id)


@router.get(
    "/leaders/{int:leader_id}/reports",
    response=list[ReportOut],
    openapi_extra=api_scope(Leader),
    summary="年度成效",
)
def report_list(request: HttpRequest, leader_id: int) -> Any:
    return list(selectors.report_list(user=request.user, leader=_leader(request, leader_id)))


@router.post(
    "/leaders/{int:leader_id}/reports",
    response={201: ReportOut},
    openapi_extra=api_scope(Leader),
    summary="填报年度成效（帮扶的科技特派员；同一年再报为更正）",
)
def report_record(request: HttpRequest, leader_id: int, payload: ReportIn) -> Status:
    report: LeaderReport = services.leader_report(
        acting_user=request.user, leader_id=_leader(request, leader_id).pk, **payload.dict()
    )
    return Status(201, report)


class GroupOut(Schema):
    id: int
    name: str
    county_code: str = Field(alias="county_id")
    industry: str
    lead_commissioner_id: int | None
    lead_organisation_id: int | None
    founded_on: dt.date
    member_count: int
    note: str


class GroupIn(Schema):
    name: str = Field(max_length=120)
    county_code: str = Field(max_length=12)
    industry: str = Field(max_length=60)
    founded_on: dt.date
    member_ids: list[int] = Field([], max_length=500)
    lead_organisation_id: int | None = Field(None, ge=1, le=2**63 - 1, description="省科技厅登记时：牵头单位")
    lead_commissioner_id: int | None = Field(
        None, ge=1, le=2**63 - 1, description="省科技厅登记时：牵头特派员"
    )
    note: str = Field("", max_length=500)


@router.get(
    "/groups", response=list[GroupOut], openapi_extra=api_scope(LeaderGroup), summary="农业科技致富共同体"
)
@paginate(BoundedPagination, page_size=50)
def group_list(request: HttpRequest):
    return selectors.group_list(user=request.user)


@router.post(
    "/groups",
    response={201: GroupOut},
    openapi_extra=api_scope(LeaderGroup),
    summary="登记农业科技致富共同体",
)
def group_create(request: HttpRequest, payload: GroupIn) -> Status:
    group = services.group_create(acting_user=request.user, **payload.dict())
    return Status(201, found_or_404(selectors.group_get(user=request.user, group_id=group.pk)))


@router.get(
    "/groups/{int:group_id}", response=GroupOut, openapi_extra=api_scope(LeaderGroup), summary="共同体详情"
)
def group_detail(request: HttpRequest, group_id: int) -> LeaderGroup:
    return found_or_404(selectors.group_get(user=request.user, group_id=group_id))


# ---- talent programmes and KPI-TALENT-SERVING ------------------------------------------------


class SelectionOut(Schema):
    id: int
    person_id: int
    person_name: str = Field(alias="person.name")
    programme: str
    year: int
    county_code: str | None = Field(alias="county_id")


class SelectionIn(Schema):
    person_id: int = Field(ge=1, le=2**63 - 1)
    programme: str = Field(max_length=60)
    year: int = Field(ge=2000, le=2100)
    county_code: str | None = Field(None, max_length=12)


@router.get(
    "/selections",
    response=list[SelectionOut],
    openapi_extra=api_scope(TalentSelection),
    summary="人才工程入选",
)
@paginate(BoundedPagination, page_size=50)
def selection_list(request: HttpRequest, filters: Query[filter_query(SelectionFilterForm)]):  # type: ignore[valid-type]
    values = SelectionFilterForm.strict(filter_data(filters))
    return selectors.selection_list(user=request.user, year=values["year"], programme=values["programme"])


@router.post(
    "/selections",
    response={201: SelectionOut},
    openapi_extra=api_scope(TalentSelection),
    summary="登记人才工程入选（省科技厅）",
)
def selection_record(request: HttpRequest, payload: SelectionIn) -> Status:
    return Status(201, services.selection_record(acting_user=request.user, **payload.dict()))


class PartOut(Schema):
    label: str
    source: str
    value: int


class ServingOut(Schema):
    kpi: str
    total: int
    parts: list[PartOut]


@router.get(
    "/serving", response=ServingOut, openapi_extra=API_PUBLIC, summary="服务县镇村的科技人才人数（分项）"
)
def serving(request: HttpRequest) -> dict[str, Any]:
    parts = selectors.talent_parts()
    return {"kpi": "KPI-TALENT-SERVING", "total": sum(p["value"] for p in parts), "parts": parts}
