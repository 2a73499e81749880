from __future__ import annotations

import datetime as dt
from typing import Any, TypeVar

from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext

from .models import AuditChainHead, AuditEvent, AuditVerification, Job

# Database keys are signed 64-bit; a larger number in an address names nothing (404, never a 500).
MAX_ID = 2**63 - 1


def valid_id(pk: Any) -> bool:
    return isinstance(pk, int) and 0 < pk <= MAX_ID


T = TypeVar("T")


def found_or_404(record: T | None) -> T:
    """A getter's answer for a page or the API: nothing found, or nothing the user may see, is a 404."""
    if record is None:
        raise Http404
    return record


def job_list(*, user: Any) -> QuerySet[Job]:
    return Job.objects.for_user(user).select_related("created_by")


def job_get(*, user: Any, pk: int) -> Job | None:
    return job_list(user=user).filter(pk=pk).first()


def _require_auditor(user: Any) -> None:
    if not getattr(user, "reads_audit_log", False):
        raise PermissionDenied(gettext("只有审计管理员和省级管理员可以查看审计日志"))


def audit_event_list(
    *,
    user: Any,
    kind: str = "",
    username: str = "",
    since: dt.date | None = None,
    until: dt.date | None = None,
) -> QuerySet[AuditEvent]:
    _require_auditor(user)
    results = AuditEvent.objects.all()
    if kind:
        results = results.filter(kind=kind)
    if username:
        results = results.filter(username__icontains=username)
    if since:
        results = results.filter(at__date__gte=since)
    if until:
        results = results.filter(at__date__lte=until)
    return results.select_related("user")


def record_change_list(
    *,
    user: Any,
    model: str = "",
    username: str = "",
    since: dt.date | None = None,
    until: dt.date | None = None,
) -> QuerySet[LogEntry]:
    _require_auditor(user)
    results = LogEntry.objects.select_related("actor", "content_type")
    if model:
        app_label, _, model_name = model.partition(".")
        results = results.filter(content_type__app_label=app_label, content_type__model=model_name.lower())
    if username:
        results = results.filter(actor__username__icontains=username)
    if since:
        results = results.filter(timestamp__date__gte=since)
    if until:
        results = results.filter(timestamp__date__lte=until)
    return results.order_by("-timestamp")


def audit_chain_state() -> dict[str, Any]:
    """What the audit page shows of the chain: its length, its head and the last check."""
    head = AuditChainHead.objects.filter(pk=1).first()
    return {
        "length": head.length if head else 0,
        "head": head.digest if head else "",
        "last": AuditVerification.objects.order_by("-at", "-pk").first(),
    }
