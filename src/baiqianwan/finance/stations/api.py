"""The service network over the API: centres and stations (list, register, read, edit, close), their
activities and the network by city. Handlers are thin; services check who may do what."""

import datetime as dt
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

from ..models import ServiceStation, StationActivity
from . import selectors, services
from .forms import StationFilterForm

router = Router(tags=["科技金融服务站点"])
ID = Field(None, ge=1, le=2**63 - 1)
VERSION = Field(None, ge=0, le=2**31)
SERVICES = (
    "financing 融资对接 / policy 政策宣讲 / credit 科技信贷 / ip_pledge 知识产权质押 / "
    "listing 上市辅导 / insurance 保险"
)
KINDS = (
    "financing 融资对接会 / policy 政策宣讲 / training 培训 / roadshow 项目路演 / visit 走访企业 / other 其他"
)


class StationOut(Schema):
    id: int
    name: str
    level: str
    level_label: str = Field(alias="get_level_display")
    division_code: str = Field(alias="division_id")
    division_name: str = Field(alias="division.full_name")
    parent_id: int | None
    host_id: int | None
    services: list[str]
    contact: str
    phone: str
    opened_on: dt.date
    closed_on: dt.date | None
    in_east_west_north: bool
    is_public: bool
    version: int


class StationIn(Schema):
    name: str = Field(max_length=120)
    division_code: str = Field(
        max_length=12, description="所在地的 12 位区划代码：地市为服务中心，县、镇、村为站点"
    )
    parent_id: int | None = Field(None, ge=1, le=2**63 - 1, description="所属服务中心（同一地市）")
    host_id: int | None = Field(None, ge=1, le=2**63 - 1, description="运营单位")
    services: list[str] = Field(max_length=10, description=SERVICES)
    contact: str = Field("", max_length=40)
    phone: str = Field("", max_length=20)
    opened_on: dt.date
    is_public: bool = True


class StationPatch(Schema):
    name: str = Field(OMITTED, max_length=120)
    host_id: int | None = Field(None, ge=1, le=2**63 - 1, description="null 清除")
    services: list[str] = Field(OMITTED, max_length=10, description=SERVICES)
    contact: str = Field(OMITTED, max_length=40)
    phone: str = Field(OMITTED, max_length=20)
    opened_on: dt.date = Field(OMITTED)
    is_public: bool = Field(OMITTED)
    version: int | None = VERSION


class CloseIn(Schema):
    closed_on: dt.date
    version: int | None = VERSION


class ActivityOut(Schema):
    id: int
    station_id: int
    held_on: dt.date
    kind: str
    kind_label: str = Field(alias="get_kind_display")
    title: str
    attendance: int
    enterprises_served: int
    note: str


class ActivityIn(Schema):
    held_on: dt.date
    kind: str = Field(max_length=20, description=KINDS)
    title: str = Field(max_length=120)
    attendance: int = Field(0, ge=0, le=100_000)
    enterprises_served: int = Field(0, ge=0, le=10_000)
    note: str = Field("", max_length=500)


class LevelRow(Schema):
    level: str
    label: str
    stations: int


class CityRow(Schema):
    code: str
    name: str
    region: str
    value: int
    centre: int
    county: int
    town: int
    village: int


class NetworkOut(Schema):
    open: int
    east_west_north: int
    by_level: list[LevelRow]
    cities: list[CityRow]


def _station(request: HttpRequest, station_id: int) -> ServiceStation:
    return found_or_404(selectors.station_get(user=request.user, station_id=station_id))


@router.get("", response=list[StationOut], openapi_extra=api_scope(ServiceStation), summary="服务中心和站点")
@paginate(BoundedPagination, page_size=50)
def station_list(request: HttpRequest, filters: Query[filter_query(StationFilterForm)]):  # type: ignore[valid-type]
    values = StationFilterForm.strict(filter_data(filters))
    return selectors.station_list(
        user=request.user,
        q=values["q"],
        level=values["level"],
        region=values["region"],
        status=values["status"],
        east_west_north=values["east_west_north"],
    )


@router.post(
    "",
    response={201: StationOut},
    openapi_extra=api_scope(ServiceStation),
    summary="登记服务中心或站点（省、地市、县科技部门，本地区）",
)
def station_register(request: HttpRequest, payload: StationIn) -> Status:
    station = services.station_register(acting_user=request.user, **payload.dict())
    return Status(201, _station(request, station.pk))


@router.get(
    "/network", response=NetworkOut, openapi_extra=api_scope(ServiceStation), summary="服务网络（按地市）"
)
def station_network(request: HttpRequest) -> dict[str, Any]:
    return selectors.network(user=request.user)


@router.get(
    "/{int:station_id}", response=StationOut, openapi_extra=api_scope(ServiceStation), summary="站点详情"
)
def station_detail(request: HttpRequest, station_id: int) -> ServiceStation:
    return _station(request, station_id)


@router.patch(
    "/{int:station_id}", response=StationOut, openapi_extra=api_scope(ServiceStation), summary="修改站点"
)
def station_update(request: HttpRequest, station_id: int, payload: StationPatch) -> ServiceStation:
    values = payload.dict(exclude_unset=True)
    values.pop("version", None)
    station = services.station_update(
        acting_user=request.user,
        station_id=_station(request, station_id).pk,
        version=expected_version(request, payload.version),
        **values,
    )
    return _station(request, station.pk)


@router.post(
    "/{int:station_id}/close",
    response=StationOut,
    openapi_extra=api_scope(ServiceStation),
    summary="撤销站点",
)
def station_close(request: HttpRequest, station_id: int, payload: CloseIn) -> ServiceStation:
    station = services.station_close(
        acting_user=request.user,
        station_id=_station(request, station_id).pk,
        closed_on=payload.closed_on,
        version=expected_version(request, payload.version),
    )
    return _station(request, station.pk)


@router.get(
    "/{int:station_id}/activities",
    response=list[ActivityOut],
    openapi_extra=api_scope(ServiceStation),
    summary="站点活动",
)
@paginate(BoundedPagination, page_size=50)
def activity_list(request: HttpRequest, station_id: int):
    return selectors.activity_list(user=request.user, station=_station(request, station_id))


@router.post(
    "/{int:station_id}/activities",
    response={201: ActivityOut},
    openapi_extra=api_scope(ServiceStation),
    summary="登记站点活动（站点所在地科技部门或运营单位）",
)
def activity_record(request: HttpRequest, station_id: int, payload: ActivityIn) -> Status:
    activity: StationActivity = services.activity_record(
        acting_user=request.user, station_id=_station(request, station_id).pk, **payload.dict()
    )
    return Status(201, activity)
