"""服务日志 over the API (the same selectors and services as the pages)."""

from datetime import date, datetime
from decimal import Decimal

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import Field

from baiqianwan.core.pagination import BoundedPagination
from baiqianwan.core.schemas import OMITTED, filter_data, filter_query, operation_ids_keep
from baiqianwan.core.scope import api_scope
from baiqianwan.core.selectors import found_or_404

from . import selectors, services
from .forms import LogFilterForm
from .models import ServiceLog

router = Router(tags=["科技特派员团队与服务日志"])


class LogOut(Schema):
    id: int
    assignment_id: int
    team_id: int | None = None
    commissioner: str = Field(alias="assignment.nomination.expert.person.name")
    town_code: str = Field(alias="assignment.need.town_id")
    served_on: date
    village_code: str = Field(alias="village_id")
    village_name: str = Field(alias="village.name")
    activity: str
    days: Decimal
    people_trained: int
    problems_solved: int
    description: str
    latitude: Decimal | None
    longitude: Decimal | None
    status: str
    return_reason: str
    reviewed_at: datetime | None
    photos: int = 0

    @staticmethod
    def resolve_team_id(obj: ServiceLog) -> int | None:
        team = getattr(obj.assignment.need, "team", None)
        return team.pk if team else None

    @staticmethod
    def resolve_photos(obj: ServiceLog) -> int:
        return len(obj.photos.all())


class LogIn(Schema):
    assignment_id: int
    served_on: date
    village_code: str = Field(min_length=12, max_length=12)
    activity: str = Field(description="training 技术培训 / guidance 现场指导 / introduction 技术引进 / …")
    days: Decimal = Field(Decimal(1), description="1 或 0.5")
    people_trained: int = 0
    problems_solved: int = 0
    description: str
    latitude: Decimal | None = None
    longitude: Decimal | None = None


class LogPatch(Schema):
    served_on: date = OMITTED
    village_code: str = Field(OMITTED, min_length=12, max_length=12)
    activity: str = OMITTED
    days: Decimal = OMITTED
    people_trained: int = OMITTED
    problems_solved: int = OMITTED
    description: str = OMITTED
    latitude: Decimal | None = None
    longitude: Decimal | None = None


class ReturnIn(Schema):
    reason: str


def _log(request: HttpRequest, log_id: int) -> ServiceLog:
    return found_or_404(selectors.log_get(user=request.user, pk=log_id))


@router.get("/logs", response=list[LogOut], openapi_extra=api_scope(ServiceLog), summary="服务日志")
@paginate(BoundedPagination, page_size=20)
def log_list(request: HttpRequest, filters: Query[filter_query(LogFilterForm)]):  # type: ignore[valid-type]
    values = LogFilterForm.strict(filter_data(filters))
    return selectors.log_list(user=request.user, photos=True, **values)


@router.get("/logs/{log_id}", response=LogOut, openapi_extra=api_scope(ServiceLog), summary="服务日志详情")
def log_detail(request: HttpRequest, log_id: int) -> ServiceLog:
    return _log(request, log_id)


@router.post(
    "/logs",
    response={201: LogOut},
    openapi_extra=api_scope(ServiceLog),
    summary="填写服务日志（科技特派员本人）；照片另用 /logs/{log_id}/photos 上传",
)
def log_create(request: HttpRequest, payload: LogIn) -> Status:
    created = services.log_create(acting_user=request.user, **payload.dict())
    return Status(201, _log(request, created.pk))


@router.patch(
    "/logs/{log_id}",
    response=LogOut,
    openapi_extra=api_scope(ServiceLog),
    summary="修改并重新提交服务日志（本人；已确认的不能修改）",
)
def log_update(request: HttpRequest, log_id: int, payload: LogPatch) -> ServiceLog:
    log = _log(request, log_id)
    services.log_update(acting_user=request.user, log_id=log.pk, **payload.dict(exclude_unset=True))
    return _log(request, log.pk)


PHOTO_UPLOAD = {
    "requestBody": {
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "properties": {
                        "photos": {"type": "array", "items": {"type": "string", "format": "binary"}}
                    },
                    "required": ["photos"],
                }
            }
        },
        "required": True,
    }
}


@router.post(
    "/logs/{log_id}/photos",
    response=LogOut,
    openapi_extra={**api_scope(ServiceLog), **PHOTO_UPLOAD},
    summary="上传现场照片（multipart，字段 photos，可多张；任一张不合格则都不保存）",
)
def log_photos(request: HttpRequest, log_id: int) -> ServiceLog:
    log = _log(request, log_id)
    services.log_update(acting_user=request.user, log_id=log.pk, photos=list(request.FILES.getlist("photos")))
    return _log(request, log.pk)


@router.post(
    "/logs/{log_id}/confirm",
    response=LogOut,
    openapi_extra=api_scope(ServiceLog),
    summary="确认服务日志（服务乡镇或所在县）",
)
def log_confirm(request: HttpRequest, log_id: int) -> ServiceLog:
    log = _log(request, log_id)
    services.log_confirm(acting_user=request.user, log_id=log.pk)
    return _log(request, log.pk)


@router.post(
    "/logs/{log_id}/return",
    response=LogOut,
    openapi_extra=api_scope(ServiceLog),
    summary="退回服务日志（须填写原因）",
)
def log_return(request: HttpRequest, log_id: int, payload: ReturnIn) -> ServiceLog:
    log = _log(request, log_id)
    services.log_return(acting_user=request.user, log_id=log.pk, reason=payload.reason)
    return _log(request, log.pk)


operation_ids_keep(router, "baiqianwan.commissioners.team_api")
