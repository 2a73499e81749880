"""Logins, logouts, failures and lockouts go to the security audit log; every audit entry is chained."""

from __future__ import annotations

from typing import Any

from auditlog.models import LogEntry
from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import post_save
from django.dispatch import receiver

from .audit import audit_event_record
from .audit_chain import chain_append_on_commit
from .models import AuditEvent, AuditSeal


@receiver(user_logged_in)
def _logged_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    audit_event_record(kind=AuditEvent.Kind.LOGIN, request=request, user=user, detail="登录成功")


@receiver(user_logged_out)
def _logged_out(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None:
        audit_event_record(kind=AuditEvent.Kind.LOGOUT, request=request, user=user, detail="退出登录")


@receiver(user_login_failed)
def _login_failed(sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any) -> None:
    audit_event_record(
        kind=AuditEvent.Kind.LOGIN_FAILED,
        request=request,
        username=str(credentials.get("username", ""))[:150],
        detail="用户名或密码错误",
    )


@receiver(user_locked_out)
def _locked_out(sender: Any, request: Any = None, username: str = "", **kwargs: Any) -> None:
    audit_event_record(
        kind=AuditEvent.Kind.LOCKED_OUT,
        request=request,
        username=username or "",
        detail="连续登录失败，账号锁定 30 分钟",
    )


@receiver(post_save, sender=AuditEvent)
def _event_written(sender: Any, instance: AuditEvent, created: bool, **kwargs: Any) -> None:
    if created:
        chain_append_on_commit(AuditSeal.Kind.EVENT, [instance.pk])


@receiver(post_save, sender=LogEntry)
def _change_written(sender: Any, instance: LogEntry, created: bool, **kwargs: Any) -> None:
    if created:
        chain_append_on_commit(AuditSeal.Kind.CHANGE, [instance.pk])
