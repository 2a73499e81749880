"""The technology market over the API: listings, enquiries and deals with every step of their
workflows, the 公示 list and the statistics. Handlers are thin; services check who may do what."""

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

from . import selectors, services
from .forms import DealFilterForm, EnquiryFilterForm, ListingFilterForm
from .models import Deal, Enquiry, Listing

router = Router(tags=["技术市场"])
ID = Field(ge=1, le=2**63 - 1)
VERSION = Field(None, ge=0, le=2**31)
MODES = "assignment 转让 / licence 许可 / equity 作价入股 / joint 合作开发 / service 技术服务"
YUAN = "元，两位小数"


class ListingOut(Schema):
    id: int
    achievement_id: int
    achievement_title: str = Field(alias="achievement.title")
    seller_id: int
    seller_name: str = Field(alias="seller.name")
    title: str
    mode: str
    mode_label: str = Field(alias="get_mode_display")
    price_min: Decimal | None
    price_max: Decimal | None
    licence_terms: str
    authority: str
    status: str
    status_label: str = Field(alias="get_status_display")
    listed_at: dt.datetime | None
    version: int


class ListingIn(Schema):
    achievement_id: int = ID
    seller_id: int | None = Field(
        None, ge=1, le=2**63 - 1, description="省科技厅代为挂牌时填写；单位账号为本单位"
    )
    title: str = Field("", max_length=120, description="不填则用成果名称")
    mode: str = Field(max_length=12, description=MODES)
    price_min: Decimal | None = Field(None, description=YUAN)
    price_max: Decimal | None = Field(None, description=f"{YUAN}；都不填为面议")
    licence_terms: str = Field("", max_length=2000)
    authority: str = Field(max_length=1000, description="权属与授权说明")
    publish: bool = Field(False, description="true 立即挂牌，false 保存为草稿")


class ListingPatch(Schema):
    title: str = Field(OMITTED, max_length=120)
    mode: str = Field(OMITTED, max_length=12, description=MODES)
    price_min: Decimal | None = Field(None, description=f"{YUAN}；null 清除")
    price_max: Decimal | None = Field(None, description=f"{YUAN}；null 清除")
    licence_terms: str = Field(OMITTED, max_length=2000)
    authority: str = Field(OMITTED, max_length=1000)
    version: int | None = VERSION


class VersionIn(Schema):
    version: int | None = VERSION


class ReasonIn(Schema):
    reason: str = Field(max_length=500)
    version: int | None = VERSION


class EnquiryOut(Schema):
    id: int
    listing_id: int
    listing_title: str = Field(alias="listing.title")
    organisation_id: int
    organisation_name: str = Field(alias="organisation.name")
    message: str
    status: str
    reply: str
    created_at: dt.datetime
    replied_at: dt.datetime | None


class EnquiryIn(Schema):
    listing_id: int = ID
    message: str = Field(max_length=2000)


class ReplyIn(Schema):
    reply: str = Field(max_length=2000)


class PaymentIn(Schema):
    due_on: dt.date
    amount: Decimal = Field(description=YUAN)


class PaymentOut(Schema):
    due_on: dt.date
    amount: Decimal


class DealTermsIn(Schema):
    title: str = Field(max_length=120)
    mode: str = Field(max_length=12, description=MODES)
    contract_value: Decimal = Field(description=f"合同金额，{YUAN}")
    place_code: str = Field(max_length=12, description="实施地的 12 位区划代码（县、镇或村）")
    contract_number: str = Field(
        max_length=30, description="技术合同登记编号，16 位数字，如 2025440100000123"
    )
    registered_on: dt.date
    payments: list[PaymentIn] = Field(max_length=40, description="付款计划，合计须等于合同金额")
    demand_id: int | None = Field(None, ge=1, le=2**63 - 1, description="解决的科技需求（实施地所在县）")
    summary: str = Field("", max_length=2000)
    buyer_uscc: str = Field("", max_length=30, description="买方统一社会信用代码（卖方登记时填写）")


class DealIn(DealTermsIn):
    listing_id: int | None = Field(None, ge=1, le=2**63 - 1, description="挂牌编号；或填 achievement_id")
    achievement_id: int | None = Field(None, ge=1, le=2**63 - 1)


class DealUpdateIn(DealTermsIn):
    version: int | None = VERSION


class DealOut(Schema):
    id: int
    reference: str
    title: str
    achievement_id: int
    achievement_title: str = Field(alias="achievement.title")
    listing_id: int | None
    seller_id: int
    seller_name: str = Field(alias="seller.name")
    buyer_id: int
    buyer_name: str = Field(alias="buyer.name")
    mode: str
    contract_value: Decimal
    place_code: str = Field(alias="place_id")
    place_name: str = Field(alias="place.full_name")
    in_east_west_north: bool
    contract_number: str
    registered_on: dt.date
    demand_id: int | None
    status: str
    status_label: str = Field(alias="get_status_display")
    registered_side: str
    return_reason: str
    publicity: bool
    version: int


class EventOut(Schema):
    at: dt.datetime
    action: str
    from_status: str
    to_status: str
    note: str


class DealDetailOut(DealOut):
    summary: str
    payments: list[PaymentOut]
    events: list[EventOut]


class PublicityOut(Schema):
    contract_number: str
    title: str
    achievement_title: str = Field(alias="achievement.title")
    seller_name: str = Field(alias="seller.name")
    buyer_name: str = Field(alias="buyer.name")
    mode: str
    contract_value: Decimal
    place_name: str = Field(alias="place.full_name")
    registered_on: dt.date
    confirmed_at: dt.datetime | None = Field(alias="bureau_confirmed_at")


class ModeRow(Schema):
    mode: str
    label: str
    deals: int
    value: Decimal


class BandRow(Schema):
    band: str
    label: str
    deals: int
    value: Decimal


class RegionRow(Schema):
    region: str
    label: str
    deals: int
    value: Decimal


class CityRow(Schema):
    code: str
    name: str
    region: str
    deals: int
    value: Decimal


class FlowRow(Schema):
    from_code: str
    from_name: str
    to_code: str
    to_name: str
    deals: int
    value: Decimal


class StatsOut(Schema):
    deals: int
    value: Decimal
    achievements_in_counties: int
    east_west_north: int
    by_mode: list[ModeRow]
    by_band: list[BandRow]
    by_seller_region: list[RegionRow]
    by_place_region: list[RegionRow]
    by_place_city: list[CityRow]
    flows: list[FlowRow]


def _listing(request: HttpRequest, listing_id: int) -> Listing:
    return found_or_404(selectors.listing_get(user=request.user, listing_id=listing_id))


def _enquiry(request: HttpRequest, enquiry_id: int) -> Enquiry:
    return found_or_404(selectors.enquiry_get(user=request.user, enquiry_id=enquiry_id))


def _deal(request: HttpRequest, deal_id: int) -> Deal:
    return found_or_404(selectors.deal_get(user=request.user, deal_id=deal_id))


def _terms(payload: DealTermsIn) -> dict[str, Any]:
    values = payload.dict(exclude={"payments", "version", "listing_id", "achievement_id"})
    values["payments"] = [services.PaymentRow(due_on=p.due_on, amount=p.amount) for p in payload.payments]
    return values


# ---- listings ---------------------------------------------------------------------------------


@router.get("/listings", response=list[ListingOut], openapi_extra=api_scope(Listing), summary="成果挂牌")
@paginate(BoundedPagination, page_size=50)
def listing_list(request: HttpRequest, filters: Query[filter_query(ListingFilterForm)]):  # type: ignore[valid-type]
    values = ListingFilterForm.strict(filter_data(filters))
    return selectors.listing_list(
        user=request.user,
        q=values["q"],
        mode=values["mode"],
        industry=values["industry"],
        region=values["region"],
        status=values["status"],
        mine=values["mine"],
    )


@router.post(
    "/listings", response={201: ListingOut}, openapi_extra=api_scope(Listing), summary="挂牌成果（单位）"
)
def listing_create(request: HttpRequest, payload: ListingIn) -> Status:
    return Status(201, services.listing_create(acting_user=request.user, **payload.dict()))


@router.get(
    "/listings/{int:listing_id}", response=ListingOut, openapi_extra=api_scope(Listing), summary="挂牌详情"
)
def listing_detail(request: HttpRequest, listing_id: int) -> Listing:
    return _listing(request, listing_id)


@router.patch(
    "/listings/{int:listing_id}", response=ListingOut, openapi_extra=api_scope(Listing), summary="修改挂牌"
)
def listing_update(request: HttpRequest, listing_id: int, payload: ListingPatch) -> Listing:
    values = payload.dict(exclude_unset=True)
    values.pop("version", None)
    return services.listing_update(
        acting_user=request.user,
        listing_id=_listing(request, listing_id).pk,
        version=expected_version(request, payload.version),
        **values,
    )


@router.post(
    "/listings/{int:listing_id}/publish",
    response=ListingOut,
    openapi_extra=api_scope(Listing),
    summary="挂牌（草稿上市）",
)
def listing_publish(request: HttpRequest, listing_id: int, payload: VersionIn) -> Listing:
    return services.listing_publish(
        acting_user=request.user,
        listing_id=_listing(request, listing_id).pk,
        version=expected_version(request, payload.version),
    )


@router.post(
    "/listings/{int:listing_id}/withdraw",
    response=ListingOut,
    openapi_extra=api_scope(Listing),
    summary="撤牌（写明原因）",
)
def listing_withdraw(request: HttpRequest, listing_id: int, payload: ReasonIn) -> Listing:
    return services.listing_withdraw(
        acting_user=request.user,
        listing_id=_listing(request, listing_id).pk,
        reason=payload.reason,
        version=expected_version(request, payload.version),
    )


# ---- enquiries --------------------------------------------------------------------------------


@router.get("/enquiries", response=list[EnquiryOut], openapi_extra=api_scope(Enquiry), summary="挂牌咨询")
@paginate(BoundedPagination, page_size=50)
def enquiry_list(request: HttpRequest, filters: Query[filter_query(EnquiryFilterForm)]):  # type: ignore[valid-type]
    values = EnquiryFilterForm.strict(filter_data(filters))
    return selectors.enquiry_list(user=request.user, status=values["status"])


@router.post(
    "/enquiries", response={201: EnquiryOut}, openapi_extra=api_scope(Enquiry), summary="咨询挂牌成果（单位）"
)
def enquiry_create(request: HttpRequest, payload: EnquiryIn) -> Status:
    return Status(201, services.enquiry_create(acting_user=request.user, **payload.dict()))


@router.get(
    "/enquiries/{int:enquiry_id}", response=EnquiryOut, openapi_extra=api_scope(Enquiry), summary="咨询详情"
)
def enquiry_detail(request: HttpRequest, enquiry_id: int) -> Enquiry:
    return _enquiry(request, enquiry_id)


@router.post(
    "/enquiries/{int:enquiry_id}/reply",
    response=EnquiryOut,
    openapi_extra=api_scope(Enquiry),
    summary="回复咨询（挂牌单位）",
)
def enquiry_reply(request: HttpRequest, enquiry_id: int, payload: ReplyIn) -> Enquiry:
    return services.enquiry_reply(
        acting_user=request.user, enquiry_id=_enquiry(request, enquiry_id).pk, reply=payload.reply
    )


# ---- deals ------------------------------------------------------------------------------------


@router.get("/deals", response=list[DealOut], openapi_extra=api_scope(Deal), summary="技术交易")
@paginate(BoundedPagination, page_size=50)
def deal_list(request: HttpRequest, filters: Query[filter_query(DealFilterForm)]):  # type: ignore[valid-type]
    values = DealFilterForm.strict(filter_data(filters))
    return selectors.deal_list(
        user=request.user,
        q=values["q"],
        mode=values["mode"],
        status=values["status"],
        region=values["region"],
        east_west_north=values["east_west_north"],
        publicity=values["publicity"],
    )


@router.post(
    "/deals",
    response={201: DealDetailOut},
    openapi_extra=api_scope(Deal),
    summary="登记技术交易（买方或卖方）",
)
def deal_register(request: HttpRequest, payload: DealIn) -> Status:
    deal = services.deal_register(
        acting_user=request.user,
        listing_id=payload.listing_id,
        achievement_id=payload.achievement_id,
        **_terms(payload),
    )
    return Status(201, _deal(request, deal.pk))


@router.get("/deals/stats", response=StatsOut, openapi_extra=api_scope(Deal), summary="技术交易统计")
def deal_stats(request: HttpRequest) -> dict[str, Any]:
    return selectors.deal_stats(user=request.user)


@router.get("/deals/publicity", response=list[PublicityOut], openapi_extra=API_PUBLIC, summary="技术交易公示")
@paginate(BoundedPagination, page_size=50)
def deal_publicity(request: HttpRequest):
    return selectors.publicity_list()


@router.get("/deals/{int:deal_id}", response=DealDetailOut, openapi_extra=api_scope(Deal), summary="交易详情")
def deal_detail(request: HttpRequest, deal_id: int) -> Deal:
    return _deal(request, deal_id)


@router.put(
    "/deals/{int:deal_id}",
    response=DealDetailOut,
    openapi_extra=api_scope(Deal),
    summary="修改交易（对方确认前或退回后，由任一方修改，再由对方确认）",
)
def deal_update(request: HttpRequest, deal_id: int, payload: DealUpdateIn) -> Deal:
    deal = services.deal_update(
        acting_user=request.user,
        deal_id=_deal(request, deal_id).pk,
        version=expected_version(request, payload.version),
        **_terms(payload),
    )
    return _deal(request, deal.pk)


@router.post(
    "/deals/{int:deal_id}/confirm",
    response=DealDetailOut,
    openapi_extra=api_scope(Deal),
    summary="确认交易（对方；然后实施地或卖方所在地县、市科技部门）",
)
def deal_confirm(request: HttpRequest, deal_id: int, payload: VersionIn) -> Deal:
    deal = services.deal_confirm(
        acting_user=request.user,
        deal_id=_deal(request, deal_id).pk,
        version=expected_version(request, payload.version),
    )
    return _deal(request, deal.pk)


@router.post(
    "/deals/{int:deal_id}/reject",
    response=DealDetailOut,
    openapi_extra=api_scope(Deal),
    summary="退回交易（写明原因）",
)
def deal_reject(request: HttpRequest, deal_id: int, payload: ReasonIn) -> Deal:
    deal = services.deal_reject(
        acting_user=request.user,
        deal_id=_deal(request, deal_id).pk,
        reason=payload.reason,
        version=expected_version(request, payload.version),
    )
    return _deal(request, deal.pk)
