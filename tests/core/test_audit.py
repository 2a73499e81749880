from __future__ import annotations

import datetime as dt
from io import StringIO

from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone

from baiqianwan.core.audit import audit_event_record, audit_prune
from baiqianwan.core.models import AuditEvent


@override_settings(AUDIT_RETENTION_DAYS=30)
def test_prune_never_deletes_entries_younger_than_180_days(db: None) -> None:
    old = audit_event_record(kind=AuditEvent.Kind.EXPORT, username="a", detail="一年前")
    recent = audit_event_record(kind=AuditEvent.Kind.EXPORT, username="b", detail="100 天前")
    now = timezone.now()
    AuditEvent.objects.filter(pk=old.pk).update(at=now - dt.timedelta(days=365))
    AuditEvent.objects.filter(pk=recent.pk).update(at=now - dt.timedelta(days=100))
    events, _ = audit_prune(now=now)
    assert events == 1
    assert list(AuditEvent.objects.values_list("detail", flat=True)) == ["100 天前"]


def test_prune_command_reports(db: None) -> None:
    out = StringIO()
    call_command("audit", "prune", stdout=out)
    assert "已删除" in out.getvalue()
