"""Writing and pruning the audit trail.

Record changes (create/update/delete of domain models) are logged by django-auditlog; the
security events it does not cover — logins, failures, lockouts, exports, imports — are
``AuditEvent`` rows written here.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from auditlog.models import LogEntry
from django.conf import settings
from django.utils import timezone

from .models import AuditEvent, client_ip


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


def audit_prune(*, now: dt.datetime | None = None) -> tuple[int, int]:
    """Delete entries older than the retention period (never younger than 180 days)."""
    days = max(180, settings.AUDIT_RETENTION_DAYS)
    cutoff = (now or timezone.now()) - dt.timedelta(days=days)
    events, _ = AuditEvent.objects.filter(at__lt=cutoff).delete()
    changes, _ = LogEntry.objects.filter(timestamp__lt=cutoff).delete()
    return events, changes
