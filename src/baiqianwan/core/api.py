import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema
from ninja.pagination import paginate

from baiqianwan.core.pagination import BoundedPagination
from baiqianwan.core.selectors import found_or_404

from . import selectors
from .audit import audit_read_record
from .forms import AuditEventFilterForm, RecordChangeFilterForm
from .models import AuditEvent, Job
from .schemas import filter_data, filter_query
from .scope import api_scope

router = Router(tags=["任务与审计"])


class JobOut(Schema):
    id: int
    kind: str
    title: str
    status: str
    progress: int
    total: int
    percent: int
    message: str
    result: dict[str, Any]
    errors: list[dict[str, Any]]
    created_at: dt.datetime
    finished_at: dt.datetime | None


class AuditEventOut(Schema):
    id: int
    kind: str
    at: dt.datetime
    username: str
    ip: str | None
    detail: str


class RecordChangeOut(Schema):
    id: int
    timestamp: dt.datetime
    action: int
    model: str
    object_pk: str
    object_repr: str
    actor: str | None
    changes: Any

    @staticmethod
    def resolve_model(obj: Any) -> str:
        return f"{obj.content_type.app_label}.{obj.content_type.model}"

    @staticmethod
    def resolve_actor(obj: Any) -> str | None:
        return obj.actor.username if obj.actor_id else None

    @staticmethod
    def resolve_changes(obj: Any) -> Any:
        return obj.changes_dict


@router.get("/jobs", response=list[JobOut], openapi_extra=api_scope(Job), summary="我的后台任务")
@paginate(BoundedPagination, page_size=20)
def job_list(request: HttpRequest):
    return selectors.job_list(user=request.user)


@router.get("/jobs/{job_id}", response=JobOut, openapi_extra=api_scope(Job), summary="任务进度")
def job_detail(request: HttpRequest, job_id: int) -> Job:
    return found_or_404(selectors.job_get(user=request.user, pk=job_id))


@router.get(
    "/audit/events",
    response=list[AuditEventOut],
    openapi_extra=api_scope(AuditEvent),
    summary="安全审计事件（省级）",
)
@paginate(BoundedPagination, page_size=50)
def audit_events(request: HttpRequest, filters: Query[filter_query(AuditEventFilterForm)]):  # type: ignore[valid-type]
    values = AuditEventFilterForm.strict(filter_data(filters))
    events = selectors.audit_event_list(user=request.user, **values)
    audit_read_record(request=request, what="接口读取安全事件", filters={**values, **_page(request)})
    return events


@router.get(
    "/audit/changes",
    response=list[RecordChangeOut],
    openapi_extra={"x-scope-model": "auditlog.LogEntry"},
    summary="数据变更记录（省级）",
)
@paginate(BoundedPagination, page_size=50)
def record_changes(request: HttpRequest, filters: Query[filter_query(RecordChangeFilterForm)]):  # type: ignore[valid-type]
    values = RecordChangeFilterForm.strict(filter_data(filters))
    changes = selectors.record_change_list(user=request.user, **values)
    audit_read_record(request=request, what="接口读取数据变更记录", filters={**values, **_page(request)})
    return changes


def _page(request: HttpRequest) -> dict[str, str]:
    return {key: request.GET[key] for key in ("page", "page_size") if request.GET.get(key)}
