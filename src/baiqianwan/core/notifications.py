"""Sending and reading in-platform notifications."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from .models import Notification


def notify(*, users: Iterable[Any], title: str, body: str = "", url: str = "", key: str = "") -> int:
    """Send to each user once per ``key`` (a reminder re-run the same day sends nothing new)."""
    sent = 0
    for user in users:
        if key and Notification.objects.filter(user=user, key=key).exists():
            continue
        Notification.objects.create(
            user=user, title=title[:120], body=body[:500], url=url[:200], key=key[:120]
        )
        sent += 1
    return sent


def notifications_for(*, user: Any) -> QuerySet[Notification]:
    return Notification.objects.filter(user=user)


def unread_count(*, user: Any) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def mark_read(*, user: Any) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).update(read_at=timezone.now())
