"""The mail channel: notifications reach an SMTP server (a real one, on a local port), once each,
only for those who want them, and a mail server that is down costs nobody a request."""

from __future__ import annotations

import datetime as dt
import socket
from collections.abc import Callable, Iterator
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from baiqianwan.accounts.models import User
from baiqianwan.accounts.roles import Role
from baiqianwan.core.models import Notification
from baiqianwan.core.notifications import (
    MAIL_ATTEMPTS,
    mail_failed,
    mail_pending,
    notifications_mail,
    notify,
)
from baiqianwan.demands import services
from baiqianwan.industries.models import Industry

from ..conftest import A
from ..demands.test_workflow import post


class Inbox:
    """An SMTP server's handler that keeps what it is given."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))  # type: ignore[arg-type]
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def inbox(settings: Any) -> Iterator[Inbox]:
    handler = Inbox()
    port = _free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.NOTIFY_BY_EMAIL = True
    settings.SITE_URL = "https://bqw.example.gov.cn"
    yield handler
    controller.stop()


@pytest.fixture
def nobody_listening(settings: Any) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", _free_port()
    settings.EMAIL_TIMEOUT = 2
    settings.NOTIFY_BY_EMAIL = True


def _subject(message: EmailMessage) -> str:
    # A long encoded subject is folded onto the line after "Subject:"; the fold is not content.
    return str(message["Subject"]).strip()


def _body(message: EmailMessage) -> str:
    part = message.get_body(("plain",))
    assert part is not None
    return str(part.get_content())


def test_a_demand_step_reaches_the_county_by_mail(
    inbox: Inbox,
    make_user: Callable[..., User],
    django_capture_on_commit_callbacks: Any,
) -> None:
    village = make_user(Role.VILLAGE, A["village"])
    county = make_user(Role.COUNTY, A["county"], email="nongye@dabu.gov.cn", display_name="李科长")
    with django_capture_on_commit_callbacks(execute=True):
        demand = post(village)
    assert inbox.messages == []  # nothing is mailed inside the request

    call_command("notify", "mail")
    [message] = inbox.messages
    assert message["To"] == "nongye@dabu.gov.cn"
    assert _subject(message) == f"【百千万科技支撑平台】新的科技需求待受理：{demand.title}"
    body = _body(message)
    assert body.startswith("李科长，您好：")
    assert f"https://bqw.example.gov.cn/demands/{demand.pk}/" in body
    assert Notification.objects.get(user=county).mailed_at is not None

    call_command("notify", "mail")  # a second run mails nothing again
    assert len(inbox.messages) == 1

    with django_capture_on_commit_callbacks(execute=True):
        services.demand_transition(
            demand_id=demand.pk,
            action="accept",
            acting_user=county,
            industry=Industry.objects.get(code="FRUIT-POMELO"),
        )
    notifications_mail()
    assert len(inbox.messages) == 1  # the village keeps no address: told in the platform only
    assert Notification.objects.filter(user=village).count() == 1


def test_only_those_who_want_mail_and_keep_an_address_get_it(
    inbox: Inbox, make_user: Callable[..., User]
) -> None:
    wants = make_user(Role.COUNTY, A["county"], email="a@dabu.gov.cn")
    declined = make_user(Role.COUNTY, A["county"], email="b@dabu.gov.cn", notify_by_email=False)
    no_address = make_user(Role.COUNTY, A["county"])
    gone = make_user(Role.COUNTY, A["county"], email="c@dabu.gov.cn", is_active=False)
    notify(users=[wants, declined, no_address, gone], title="进展报告待审核", url="/plan/")
    assert list(mail_pending().values_list("user", flat=True)) == [wants.pk]
    run = notifications_mail()
    assert (run.sent, run.failed) == (1, 0)
    assert [m["To"] for m in inbox.messages] == ["a@dabu.gov.cn"]


def test_old_notifications_are_not_mailed_when_mail_is_switched_on(
    inbox: Inbox, make_user: Callable[..., User]
) -> None:
    county = make_user(Role.COUNTY, A["county"], email="a@dabu.gov.cn")
    notify(users=[county], title="上个月的提醒")
    Notification.objects.update(created_at=timezone.now() - dt.timedelta(days=4))
    notify(users=[county], title="今天的提醒")
    notifications_mail()
    assert [_subject(m) for m in inbox.messages] == ["【百千万科技支撑平台】今天的提醒"]


def test_stored_text_cannot_add_mail_headers(inbox: Inbox, make_user: Callable[..., User]) -> None:
    county = make_user(Role.COUNTY, A["county"], email="a@dabu.gov.cn")
    notify(users=[county], title="需求\r\nBcc: all@example.com\x07<b>柚</b>", body="第一行\n第二行\x1b")
    notifications_mail()
    [message] = inbox.messages
    assert message["Bcc"] is None
    assert _subject(message) == "【百千万科技支撑平台】需求 Bcc: all@example.com<b>柚</b>"
    assert "第一行\r\n第二行\r\n" in _body(message)  # SMTP lines end in CRLF; the escape is gone


def test_a_mail_server_that_is_down_is_tried_again_then_given_up(
    nobody_listening: None, make_user: Callable[..., User]
) -> None:
    county = make_user(Role.COUNTY, A["county"], email="a@dabu.gov.cn")
    notify(users=[county], title="新的科技需求待受理")
    for attempt in range(1, MAIL_ATTEMPTS + 1):
        with pytest.raises(CommandError, match="无法发送"):
            call_command("notify", "mail")
        row = Notification.objects.get()
        assert row.mail_attempts == attempt
        assert row.mailed_at is None
        assert "ConnectionRefusedError" in row.mail_error
    assert not mail_pending().exists()
    assert mail_failed().count() == 1
    run = notifications_mail()
    assert (run.sent, run.failed) == (0, 0)


def test_without_a_mail_server_the_channel_is_off(make_user: Callable[..., User], capsys: Any) -> None:
    county = make_user(Role.COUNTY, A["county"], email="a@dabu.gov.cn")
    notify(users=[county], title="新的科技需求待受理")
    call_command("notify", "mail")
    assert "未配置邮件服务器" in capsys.readouterr().out
    assert Notification.objects.get().mail_attempts == 0
    with pytest.raises(CommandError, match="--limit"):
        call_command("notify", "mail", "--limit", "0")


def test_the_profile_switches_mail_off_and_says_when_the_platform_has_no_mail(
    make_user: Callable[..., User], client_for: Callable[[User], Client]
) -> None:
    county = make_user(Role.COUNTY, A["county"], email="a@dabu.gov.cn", display_name="李科长")
    client = client_for(county)
    page = client.get("/accounts/profile/").content.decode()
    assert "邮件通知" in page
    assert "本平台尚未配置邮件服务器，目前通知只在站内显示" in page
    response = client.post(
        "/accounts/profile/", {"display_name": "李科长", "phone": "", "email": "a@dabu.gov.cn"}
    )
    assert response.status_code == 302
    county.refresh_from_db()
    assert county.notify_by_email is False


def test_the_system_administrator_sees_the_channel_state(
    inbox: Inbox, make_user: Callable[..., User], client_for: Callable[[User], Client]
) -> None:
    county = make_user(Role.COUNTY, A["county"], email="a@dabu.gov.cn")
    notify(users=[county], title="新的科技需求待受理")
    admin = make_user(Role.SYSTEM_ADMIN)
    page = client_for(admin).get("/system/settings/").content.decode()
    assert "BQW_EMAIL_HOST" in page
    assert "待发 1 条，近 3 天放弃 0 条" in page
