"""Sending and reading notifications.

Every notification is shown in the platform, under the bell. Where the deployment names a mail
server (``BQW_EMAIL_HOST``), the rows are also an outbox: ``notifications_mail`` (run every
minute by ``bqw notify mail``) mails what is pending to users who keep an address and have not
switched mail off. Nothing waits on the mail server inside a request, a send that fails is tried
again on the next run, and one that keeps failing is left with its reason.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext

from .models import Notification
from .text import strip_control_characters

logger = logging.getLogger(__name__)

MAIL_ATTEMPTS = 3
# A notification older than this is not mailed: switching mail on must not flood inboxes with
# the backlog of months.
MAIL_MAX_AGE = dt.timedelta(days=3)


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


def notify_after_commit(
    users: Iterable[Any], *, actor: Any = None, title: str, body: str = "", url: str = ""
) -> None:
    """Queue a notification for after the surrounding transaction commits (a change that is rolled
    back tells nobody); the person who acted is never told about their own action, nor is an
    inactive account."""
    recipients = {
        user.pk: user
        for user in users
        if user is not None and user.is_active and (actor is None or user.pk != actor.pk)
    }
    if not recipients:
        return
    people = list(recipients.values())
    transaction.on_commit(lambda: notify(users=people, title=title, body=body, url=url))


def notifications_for(*, user: Any) -> QuerySet[Notification]:
    return Notification.objects.filter(user=user)


def unread_count(*, user: Any) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def mark_read(*, user: Any) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).update(read_at=timezone.now())


@dataclass(frozen=True)
class MailRun:
    sent: int
    failed: int


def mail_pending(*, now: dt.datetime | None = None) -> QuerySet[Notification]:
    """Notifications the mail channel still owes: recent, unsent, tried fewer than the limit, for
    an active user with an address who wants mail."""
    now = now or timezone.now()
    return (
        Notification.objects.filter(
            mailed_at__isnull=True,
            mail_attempts__lt=MAIL_ATTEMPTS,
            created_at__gte=now - MAIL_MAX_AGE,
            user__is_active=True,
            user__notify_by_email=True,
        )
        .exclude(Q(user__email="") | Q(user__email__isnull=True))
        .select_related("user")
        .order_by("created_at", "pk")
    )


def mail_failed(*, now: dt.datetime | None = None) -> QuerySet[Notification]:
    """Mails given up on (every attempt failed) in the last MAIL_MAX_AGE, for the settings page."""
    now = now or timezone.now()
    return Notification.objects.filter(
        mailed_at__isnull=True, mail_attempts__gte=MAIL_ATTEMPTS, created_at__gte=now - MAIL_MAX_AGE
    )


def _one_line(text: str) -> str:
    return " ".join(strip_control_characters(text).split())


def mail_message(notification: Notification) -> EmailMessage:
    user = notification.user
    lines = [
        gettext("%(name)s，您好：") % {"name": _one_line(user.display_name or user.username)},
        "",
        _one_line(notification.title),
    ]
    if notification.body:
        lines.append(strip_control_characters(notification.body))
    if notification.url:
        lines += ["", gettext("查看详情：%(link)s") % {"link": settings.SITE_URL + notification.url}]
    lines += [
        "",
        "——",
        gettext("百千万科技支撑平台。此邮件由系统发出，请勿回复；可在“个人信息”中关闭邮件通知。"),
    ]
    return EmailMessage(
        subject=gettext("【百千万科技支撑平台】%(title)s") % {"title": _one_line(notification.title)},
        body="\n".join(lines),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[user.email],
    )


def notifications_mail(*, limit: int = 500, now: dt.datetime | None = None) -> MailRun:
    """Mail up to ``limit`` pending notifications over one connection to the mail server.

    Each row is claimed by raising its attempt count first, so two runs at once never mail the
    same notification twice."""
    if not settings.NOTIFY_BY_EMAIL:
        return MailRun(sent=0, failed=0)
    sent = failed = 0
    connection = get_connection(fail_silently=False)
    try:
        for notification in mail_pending(now=now)[:limit]:
            claimed = Notification.objects.filter(
                pk=notification.pk, mailed_at__isnull=True, mail_attempts=notification.mail_attempts
            ).update(mail_attempts=F("mail_attempts") + 1)
            if not claimed:
                continue
            message = mail_message(notification)
            message.connection = connection
            try:
                message.send()
            except Exception as exc:  # any failure of the mail server is the row's, not the run's
                failed += 1
                reason = f"{type(exc).__name__}: {exc}"[:200]
                Notification.objects.filter(pk=notification.pk).update(mail_error=reason)
                logger.warning("notification %s not mailed: %s", notification.pk, reason)
            else:
                sent += 1
                Notification.objects.filter(pk=notification.pk).update(
                    mailed_at=timezone.now(), mail_error=""
                )
    finally:
        connection.close()
    return MailRun(sent=sent, failed=failed)
