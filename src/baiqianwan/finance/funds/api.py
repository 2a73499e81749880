"""The sub-funds and the 上市后备 pool over the API: sub-funds (list, register, read, edit), their
investments (list, record, read, edit, totals by region and year), the pool (list, recommend, read,
edit, stage change, services, the city × stage table). Handlers are thin; services check who may."""

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
from baiqianwan.core.scope import api_scope
from baiqianwan.core.selectors import found_or_404

from ..models import Investment, ReserveEnterprise, SubFund
from . import selectors, services
from .forms import FundFilterForm, InvestmentFilterForm, ReserveFilterForm

router = Router(tags=["创新创业子基金与上市后备企业"])
VERSION = Field(None, ge=0, le=2**31)
YUAN = "元，两位小数"
ROUNDS = "seed 种子轮 / angel 天使轮 / a A 轮 / b B 轮 / c C 轮及以后 / growth 成长期 / pre_ipo Pre-IPO"
REGIONS = "all 全省 / ewn 粤东西北 / pearl 珠三角"
SERVICE_KINDS = "training 上市培训 / coaching 辅导 / roadshow 路演 / financing 融资对接 / policy 政策咨询"


class FundOut(Schema):
    id: int
    name: str
    manager_id: int
    manager_name: str = Field(alias="manager.name")
    size: Decimal
    province_share: Decimal
    focus_region: str
    focus_fields: str
    established_on: dt.date
    is_public: bool
    version: int


class FundIn(Schema):
    name: str = Field(max_length=120)
    manager_id: int = Field(ge=1, le=2**63 - 1, description="基金管理人（单位类型为投资基金）")
    size: Decimal = Field(description=f"基金规模，{YUAN}")
    province_share: Decimal = Field(description=f"省级出资，{YUAN}，不超过基金规模")
    focus_region: str = Field("all", max_length=5, description=REGIONS)
    focus_fields: str = Field("", max_length=200)
    established_on: dt.date
    is_public: bool = True


class FundPatch(Schema):
    name: str = Field(OMITTED, max_length=120)
    manager_id: int = Field(OMITTED, ge=1, le=2**63 - 1)
    size: Decimal = Field(OMITTED, description=YUAN)
    province_share: Decimal = Field(OMITTED, description=YUAN)
    focus_region: str = Field(OMITTED, max_length=5, description=REGIONS)
    focus_fields: str = Field(OMITTED, max_length=200)
    established_on: dt.date = Field(OMITTED)
    is_public: bool = Field(OMITTED)
    version: int | None = VERSION


class InvestmentOut(Schema):
    id: int
    fund_id: int
    fund_name: str = Field(alias="fund.name")
    enterprise_id: int
    enterprise_name: str = Field(alias="enterprise.name")
    round: str
    round_label: str = Field(alias="get_round_display")
    amount: Decimal
    invested_on: dt.date
    industry_id: str | None
    field: str
    achievement_id: int | None
    in_east_west_north: bool
    for_transfer: bool
    version: int


class InvestmentIn(Schema):
    fund_id: int = Field(ge=1, le=2**63 - 1)
    enterprise_id: int | None = Field(None, ge=1, le=2**63 - 1, description="被投企业；或填 enterprise_uscc")
    enterprise_uscc: str = Field("", max_length=30, description="被投企业统一社会信用代码")
    round: str = Field(max_length=8, description=ROUNDS)
    amount: Decimal = Field(description=f"投资金额，{YUAN}")
    invested_on: dt.date
    industry_id: str | None = Field(None, max_length=40, description="产业代码")
    field: str = Field("", max_length=80, description="技术领域")
    achievement_id: int | None = Field(None, ge=1, le=2**63 - 1, description="转化的科技成果")


class InvestmentPatch(Schema):
    enterprise_id: int = Field(OMITTED, ge=1, le=2**63 - 1)
    round: str = Field(OMITTED, max_length=8, description=ROUNDS)
    amount: Decimal = Field(OMITTED, description=YUAN)
    invested_on: dt.date = Field(OMITTED)
    industry_id: str | None = Field(None, max_length=40, description="null 清除")
    field: str = Field(OMITTED, max_length=80)
    achievement_id: int | None = Field(None, ge=1, le=2**63 - 1, description="null 清除")
    version: int | None = VERSION


class RegionRow(Schema):
    region: str
    label: str
    investments: int
    value: Decimal


class YearRow(Schema):
    year: int
    investments: int
    value: Decimal
    east_west_north_value: Decimal
    for_transfer: int


class StatsOut(Schema):
    investments: int
    value: Decimal
    east_west_north: int
    for_transfer: int
    by_region: list[RegionRow]
    by_year: list[YearRow]


class ReserveOut(Schema):
    id: int
    enterprise_id: int
    enterprise_name: str = Field(alias="enterprise.name")
    recommended_by: str = Field(alias="recommended_by_id")
    recommended_on: dt.date
    stage: str
    stage_label: str = Field(alias="get_stage_display")
    stage_since: dt.date
    target_board: str
    note: str
    exited: bool
    version: int


class ServiceOut(Schema):
    id: int
    given_on: dt.date
    kind: str
    kind_label: str = Field(alias="get_kind_display")
    provider: str
    note: str


class EventOut(Schema):
    at: dt.datetime
    action: str
    from_status: str
    to_status: str
    note: str


class ReserveDetailOut(ReserveOut):
    services: list[ServiceOut] = Field(alias="service_rows")
    events: list[EventOut] = Field(alias="event_rows")


class ReserveIn(Schema):
    enterprise_id: int = Field(ge=1, le=2**63 - 1, description="本市的企业")
    recommended_on: dt.date
    target_board: str = Field("", max_length=40)
    note: str = Field("", max_length=500)


class ReservePatch(Schema):
    target_board: str = Field(OMITTED, max_length=40)
    note: str = Field(OMITTED, max_length=500)
    version: int | None = VERSION


class StageIn(Schema):
    stage: str = Field(
        "", max_length=10, description="coaching 辅导 / filing 申报 / listed 上市；exit 时不填"
    )
    exit: bool = Field(False, description="true 退出后备库（须写明原因）")
    on: dt.date = Field(description="变更日期")
    reason: str = Field("", max_length=500)
    version: int | None = VERSION


class ServiceIn(Schema):
    given_on: dt.date
    kind: str = Field(max_length=20, description=SERVICE_KINDS)
    provider: str = Field(max_length=120)
    note: str = Field("", max_length=500)


class StageCell(Schema):
    stage: str
    label: str


class TableRow(Schema):
    code: str
    name: str
    region: str
    stages: list[int]
    total: int
    exited: int


class RegionTableRow(Schema):
    region: str
    label: str
    stages: list[int]
    total: int


class TableOut(Schema):
    stages: list[StageCell]
    rows: list[TableRow]
    regions: list[RegionTableRow]
    totals: list[int]
    total: int
    exited: int


def _fund(request: HttpRequest, fund_id: int) -> SubFund:
    return found_or_404(selectors.fund_get(user=request.user, fund_id=fund_id))


def _investment(request: HttpRequest, investment_id: int) -> Investment:
    return found_or_404(selectors.investment_get(user=request.user, investment_id=investment_id))


def _entry(request: HttpRequest, reserve_id: int) -> ReserveEnterprise:
    return found_or_404(selectors.reserve_get(user=request.user, entry_id=reserve_id))


def _detail(entry: ReserveEnterprise) -> ReserveEnterprise:
    """The entry with its services and history, as the detail schema reads them."""
    entry.service_rows = list(selectors.reserve_services(entry=entry))  # type: ignore[attr-defined]
    entry.event_rows = list(selectors.reserve_events(entry=entry))  # type: ignore[attr-defined]
    return entry


# ---- sub-funds --------------------------------------------------------------------------------


@router.get("", response=list[FundOut], openapi_extra=api_scope(SubFund), summary="创新创业子基金")
@paginate(BoundedPagination, page_size=50)
def fund_list(request: HttpRequest, filters: Query[filter_query(FundFilterForm)]):  # type: ignore[valid-type]
    values = FundFilterForm.strict(filter_data(filters))
    return selectors.fund_list(
        user=request.user, q=values["q"], focus_region=values["focus_region"], mine=values["mine"]
    )


@router.post("", response={201: FundOut}, openapi_extra=api_scope(SubFund), summary="登记子基金（省科技厅）")
def fund_register(request: HttpRequest, payload: FundIn) -> Status:
    fund = services.fund_register(acting_user=request.user, **payload.dict())
    return Status(201, _fund(request, fund.pk))


@router.get("/{int:fund_id}", response=FundOut, openapi_extra=api_scope(SubFund), summary="子基金详情")
def fund_detail(request: HttpRequest, fund_id: int) -> SubFund:
    return _fund(request, fund_id)


@router.patch(
    "/{int:fund_id}", response=FundOut, openapi_extra=api_scope(SubFund), summary="修改子基金（省科技厅）"
)
def fund_update(request: HttpRequest, fund_id: int, payload: FundPatch) -> SubFund:
    values = payload.dict(exclude_unset=True)
    values.pop("version", None)
    fund = services.fund_update(
        acting_user=request.user,
        fund_id=_fund(request, fund_id).pk,
        version=expected_version(request, payload.version),
        **values,
    )
    return _fund(request, fund.pk)


# ---- investments ------------------------------------------------------------------------------


@router.get(
    "/investments", response=list[InvestmentOut], openapi_extra=api_scope(Investment), summary="子基金投资"
)
@paginate(BoundedPagination, page_size=50)
def investment_list(
    request: HttpRequest,
    filters: Query[filter_query(InvestmentFilterForm)],  # type: ignore[valid-type]
    fund_id: int | None = None,
):
    values = InvestmentFilterForm.strict(filter_data(filters))
    return selectors.investment_list(
        user=request.user,
        fund=_fund(request, fund_id) if fund_id else None,
        q=values["q"],
        round=values["round"],
        region=values["region"],
        year=values["year"],
        east_west_north=values["east_west_north"],
        for_transfer=values["for_transfer"],
    )


@router.post(
    "/investments",
    response={201: InvestmentOut},
    openapi_extra=api_scope(Investment),
    summary="登记投资（子基金管理人）",
)
def investment_record(request: HttpRequest, payload: InvestmentIn) -> Status:
    investment = services.investment_record(acting_user=request.user, **payload.dict())
    return Status(201, _investment(request, investment.pk))


@router.get(
    "/investments/stats",
    response=StatsOut,
    openapi_extra=api_scope(Investment),
    summary="投资统计（按区域、年份）",
)
def investment_stats(request: HttpRequest) -> dict[str, Any]:
    return selectors.investment_stats(user=request.user)


@router.get(
    "/investments/{int:investment_id}",
    response=InvestmentOut,
    openapi_extra=api_scope(Investment),
    summary="投资详情",
)
def investment_detail(request: HttpRequest, investment_id: int) -> Investment:
    return _investment(request, investment_id)


@router.patch(
    "/investments/{int:investment_id}",
    response=InvestmentOut,
    openapi_extra=api_scope(Investment),
    summary="修改投资（子基金管理人）",
)
def investment_update(request: HttpRequest, investment_id: int, payload: InvestmentPatch) -> Investment:
    values = payload.dict(exclude_unset=True)
    values.pop("version", None)
    investment = services.investment_update(
        acting_user=request.user,
        investment_id=_investment(request, investment_id).pk,
        version=expected_version(request, payload.version),
        **values,
    )
    return _investment(request, investment.pk)


# ---- the 上市后备 pool -----------------------------------------------------------------------------


@router.get(
    "/reserve",
    response=list[ReserveOut],
    openapi_extra=api_scope(ReserveEnterprise),
    summary="上市后备科技企业",
)
@paginate(BoundedPagination, page_size=50)
def reserve_list(request: HttpRequest, filters: Query[filter_query(ReserveFilterForm)]):  # type: ignore[valid-type]
    values = ReserveFilterForm.strict(filter_data(filters))
    return selectors.reserve_list(
        user=request.user,
        q=values["q"],
        stage=values["stage"],
        region=values["region"],
        exited=values["exited"],
    )


@router.post(
    "/reserve",
    response={201: ReserveDetailOut},
    openapi_extra=api_scope(ReserveEnterprise),
    summary="推荐入库（地市科技局，本市企业）",
)
def reserve_recommend(request: HttpRequest, payload: ReserveIn) -> Status:
    entry = services.reserve_recommend(acting_user=request.user, **payload.dict())
    return Status(201, _detail(_entry(request, entry.pk)))


@router.get(
    "/reserve/table",
    response=TableOut,
    openapi_extra=api_scope(ReserveEnterprise),
    summary="后备库（地市 × 阶段）",
)
def reserve_table(request: HttpRequest) -> dict[str, Any]:
    return selectors.reserve_table(user=request.user)


@router.get(
    "/reserve/{int:reserve_id}",
    response=ReserveDetailOut,
    openapi_extra=api_scope(ReserveEnterprise),
    summary="后备企业详情（服务与记录）",
)
def reserve_detail(request: HttpRequest, reserve_id: int) -> ReserveEnterprise:
    return _detail(_entry(request, reserve_id))


@router.patch(
    "/reserve/{int:reserve_id}",
    response=ReserveDetailOut,
    openapi_extra=api_scope(ReserveEnterprise),
    summary="修改后备企业信息（省科技厅、推荐地市）",
)
def reserve_update(request: HttpRequest, reserve_id: int, payload: ReservePatch) -> ReserveEnterprise:
    values = payload.dict(exclude_unset=True)
    values.pop("version", None)
    entry = services.reserve_update(
        acting_user=request.user,
        entry_id=_entry(request, reserve_id).pk,
        version=expected_version(request, payload.version),
        **values,
    )
    return _detail(_entry(request, entry.pk))


@router.post(
    "/reserve/{int:reserve_id}/stage",
    response=ReserveDetailOut,
    openapi_extra=api_scope(ReserveEnterprise),
    summary="变更阶段或退出（省科技厅、推荐地市）",
)
def reserve_stage(request: HttpRequest, reserve_id: int, payload: StageIn) -> ReserveEnterprise:
    values = payload.dict(exclude={"version"})
    entry = services.reserve_stage(
        acting_user=request.user,
        entry_id=_entry(request, reserve_id).pk,
        version=expected_version(request, payload.version),
        **values,
    )
    return _detail(_entry(request, entry.pk))


@router.post(
    "/reserve/{int:reserve_id}/services",
    response={201: ServiceOut},
    openapi_extra=api_scope(ReserveEnterprise),
    summary="登记服务",
)
def reserve_service(request: HttpRequest, reserve_id: int, payload: ServiceIn) -> Status:
    service = services.reserve_service_record(
        acting_user=request.user, entry_id=_entry(request, reserve_id).pk, **payload.dict()
    )
    return Status(201, service)
