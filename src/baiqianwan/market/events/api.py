"""Transfer events over the API: recorded by the host or the bureau of the place, read by everyone
signed in once published; a list with filters and the totals."""

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import Field

from baiqianwan.core.concurrency import expected_version
from baiqianwan.core.pagination import BoundedPagination
from baiqianwan.core.schemas import filter_data, filter_query
from baiqianwan.core.scope import api_scope
from baiqianwan.core.selectors import found_or_404

from ..models import TransferEvent
from . import selectors, services
from .forms import TransferEventFilterForm

router = Router(tags=["转化活动"])
VERSION = Field(None, ge=0, le=2**31)
SCOPE = api_scope(TransferEvent)
ID = Field(ge=1, le=2**63 - 1)


class EventIn(Schema):
    title: str = Field(max_length=120)
    host_level: str = Field(max_length=10, description="provincial 省实验室 / key 省重点实验室")
    kind: str = Field(max_length=10, description="release 成果发布 / roadshow 路演 / training 培训")
    place_code: str = Field(max_length=12, description="活动地点的 12 位区划代码（广东省内的县、镇或村）")
    held_on: dt.date = Field(description="活动日期，不晚于今天")
    industry: str = Field(max_length=40, description="领域（产业代码，如 FRUIT-LYCHEE）")
    attendance: int = Field(description="参加人数，1–100000")
    summary: str = Field("", max_length=2000)
    achievement_ids: list[int] = Field([], max_length=50, description="展示的科技成果编号")
    deal_ids: list[int] = Field([], max_length=50, description="活动后登记的技术交易编号")


class EventCreateIn(EventIn):
    host_id: int | None = Field(
        None, ge=1, le=2**63 - 1, description="主办单位；单位账号为本单位，科技部门必填"
    )
    publish: bool = Field(False, description="true 立即发布，false 保存为草稿")


class EventUpdateIn(EventIn):
    version: int | None = VERSION


class VersionIn(Schema):
    version: int | None = VERSION


class EventOut(Schema):
    id: int
    title: str
    host_id: int
    host_name: str = Field(alias="host.name")
    host_level: str
    kind: str
    kind_label: str = Field(alias="get_kind_display")
    place_code: str = Field(alias="place_id")
    place_name: str = Field(alias="place.full_name")
    in_east_west_north: bool
    held_on: dt.date
    industry: str = Field(alias="industry_id")
    attendance: int
    status: str
    version: int


class LinkOut(Schema):
    id: int
    title: str


class EventDetailOut(EventOut):
    summary: str
    achievements: list[LinkOut] = Field(alias="shown_achievements")
    deals: list[LinkOut] = Field(alias="shown_deals")
    deals_total: int


class KindRow(Schema):
    kind: str
    label: str
    events: int


class TotalsOut(Schema):
    events: int
    attendance: int
    east_west_north: int
    achievements: int
    deals: int
    by_kind: list[KindRow]


def _event(request: HttpRequest, event_id: int) -> TransferEvent:
    return found_or_404(selectors.transfer_event_get(user=request.user, event_id=event_id))


def _detail(request: HttpRequest, event_id: int) -> TransferEvent:
    """The event with what the user may read of its achievements and deals, and how many deals followed."""
    event = _event(request, event_id)
    event.shown_achievements = list(selectors.event_achievements(user=request.user, event=event))  # type: ignore[attr-defined]
    event.shown_deals = list(selectors.event_deals(user=request.user, event=event))  # type: ignore[attr-defined]
    event.deals_total = event.deals.count()  # type: ignore[attr-defined]
    return event


def _filtered(request: HttpRequest, filters: Any) -> Any:
    values = TransferEventFilterForm.strict(filter_data(filters))
    return selectors.transfer_event_list(
        user=request.user,
        q=values["q"],
        region=values["region"],
        kind=values["kind"],
        year=values["year"],
        east_west_north=values["east_west_north"],
    )


@router.get("", response=list[EventOut], openapi_extra=SCOPE, summary="转化活动（省实验室、省重点实验室）")
@paginate(BoundedPagination, page_size=50)
def event_list(request: HttpRequest, filters: Query[filter_query(TransferEventFilterForm)]):  # type: ignore[valid-type]
    return _filtered(request, filters)


@router.get("/totals", response=TotalsOut, openapi_extra=SCOPE, summary="转化活动合计（已发布）")
def event_totals(
    request: HttpRequest,
    filters: Query[filter_query(TransferEventFilterForm)],  # type: ignore[valid-type]
) -> dict[str, Any]:
    return selectors.transfer_event_totals(_filtered(request, filters))


@router.post(
    "",
    response={201: EventDetailOut},
    openapi_extra=SCOPE,
    summary="登记转化活动（主办单位或所在地科技部门）",
)
def event_create(request: HttpRequest, payload: EventCreateIn) -> Status:
    event = services.transfer_event_create(acting_user=request.user, **payload.dict())
    return Status(201, _detail(request, event.pk))


@router.get("/{int:event_id}", response=EventDetailOut, openapi_extra=SCOPE, summary="转化活动详情")
def event_detail(request: HttpRequest, event_id: int) -> TransferEvent:
    return _detail(request, event_id)


@router.put("/{int:event_id}", response=EventDetailOut, openapi_extra=SCOPE, summary="修改转化活动")
def event_update(request: HttpRequest, event_id: int, payload: EventUpdateIn) -> TransferEvent:
    event = services.transfer_event_update(
        acting_user=request.user,
        event_id=_event(request, event_id).pk,
        version=expected_version(request, payload.version),
        **payload.dict(exclude={"version"}),
    )
    return _detail(request, event.pk)


@router.post("/{int:event_id}/publish", response=EventDetailOut, openapi_extra=SCOPE, summary="发布转化活动")
def event_publish(request: HttpRequest, event_id: int, payload: VersionIn) -> TransferEvent:
    event = services.transfer_event_publish(
        acting_user=request.user,
        event_id=_event(request, event_id).pk,
        version=expected_version(request, payload.version),
    )
    return _detail(request, event.pk)
