"""Writing and pruning the audit trail.

Record changes (create/update/delete of domain models) are logged by django-auditlog; the
security events it does not cover — logins, failures, lockouts, exports, imports — are
``AuditEvent`` rows written here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from auditlog.cid import get_cid
from auditlog.diff import model_instance_diff
from auditlog.models import LogEntry
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db.models import Model
from django.utils import timezone

from .audit_chain import chain_append_on_commit
from .models import AuditEvent, AuditSeal, client_ip


def audit_event_record(
    *, kind: str, request: Any = None, user: Any = None, username: str = "", detail: str = "", **extra: Any
) -> AuditEvent:
    if user is None and request is not None:
        user = getattr(request, "user", None)
    if user is not None and not getattr(user, "is_authenticated", False):
        user = None
    return AuditEvent.objects.create(
        kind=kind,
        user=user,
        username=username or (user.get_username() if user else ""),
        ip=client_ip(request),
        detail=detail[:500],
        extra=extra,
    )


_FILTER_LABELS = {
    "kind": "事件",
    "model": "数据",
    "username": "用户名",
    "since": "起始日期",
    "until": "截止日期",
    "page": "页码",
    "page_size": "每页条数",
}


def _filter_value(key: str, value: str) -> str:
    if key == "kind" and value in AuditEvent.Kind.values:
        return str(AuditEvent.Kind(value).label)
    return value


def audit_read_record(
    *,
    request: Any,
    what: str,
    filters: dict[str, Any] | None = None,
    page: int | None = None,
    outcome: str = "",
) -> AuditEvent:
    """Reading the audit log is itself an audit event: the audit administrator's own work leaves a
    trace in the log they read (a page, a filter, an API call, a verification of the chain)."""
    filters = {key: str(value) for key, value in (filters or {}).items() if value not in (None, "")}
    parts = [what]
    if filters:
        parts.append(
            "，".join(
                f"{_FILTER_LABELS.get(key, key)}：{_filter_value(key, value)}"
                for key, value in filters.items()
            )
        )
    if page and page > 1:
        parts.append(f"第 {page} 页")
    if outcome:
        parts.append(outcome)
    return audit_event_record(
        kind=AuditEvent.Kind.AUDIT_READ,
        request=request,
        detail="查阅审计日志：" + "；".join(parts),
        what=what,
        filters=filters,
    )


def audit_prune(*, now: dt.datetime | None = None) -> tuple[int, int]:
    """Delete entries older than the retention period (never younger than 180 days)."""
    days = max(180, settings.AUDIT_RETENTION_DAYS)
    cutoff = (now or timezone.now()) - dt.timedelta(days=days)
    events, _ = AuditEvent.objects.filter(at__lt=cutoff).delete()
    changes, _ = LogEntry.objects.filter(timestamp__lt=cutoff).delete()
    AuditSeal.objects.filter(at__lt=cutoff).delete()  # the oldest remaining link anchors the chain
    return events, changes


def audit_records_created(objects: Sequence[Model], *, actor: Any) -> int:
    """Change-log entries for records a bulk path created, as django-auditlog writes them for a
    single save (the same masked field diff), in one insert per batch: ``bulk_create`` sends no
    signals, so without this an import would leave no trace of what it added."""
    if not objects:
        return 0
    content_type = ContentType.objects.get_for_model(type(objects[0]))
    now = timezone.now()
    actor_id = getattr(actor, "pk", None)
    entries = [
        LogEntry(
            content_type=content_type,
            object_pk=str(record.pk),
            object_id=record.pk if isinstance(record.pk, int) else None,
            object_repr=str(record)[:1000],
            action=LogEntry.Action.CREATE,
            changes=model_instance_diff(None, record),
            actor_id=actor_id,
            cid=get_cid(),
            timestamp=now,
        )
        for record in objects
    ]
    created = LogEntry.objects.bulk_create(entries, batch_size=1000)
    chain_append_on_commit(AuditSeal.Kind.CHANGE, [entry.pk for entry in created])
    return len(entries)
