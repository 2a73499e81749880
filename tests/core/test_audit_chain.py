"""The audit trail is chained by hash: any change, deletion or insertion directly in the database
breaks the chain at that point, and `bqw audit verify` and the audit page say where."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from auditlog.models import LogEntry
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from baiqianwan.accounts.models import User
from baiqianwan.accounts.roles import Role
from baiqianwan.core.audit import audit_event_record
from baiqianwan.core.audit_chain import chain_verify
from baiqianwan.core.models import AuditChainHead, AuditEvent, AuditSeal
from baiqianwan.orgs.models import Organisation

from ..conftest import A

pytestmark = pytest.mark.django_db(transaction=True)  # links are added after each commit


@pytest.fixture
def trail(make_user: Callable[..., User], make_org: Callable[..., Organisation]) -> dict[str, Any]:
    user = make_user(Role.COUNTY, A["county"])
    org = make_org("湖寮镇蜜柚协会", "cooperative", A["town"])
    for name in ("湖寮镇蜜柚产业协会", "大埔县蜜柚产业协会"):
        org.name = name
        org.save()
    for n in range(3):
        audit_event_record(kind=AuditEvent.Kind.EXPORT, user=user, detail=f"导出单位 {n}")
    return {"user": user, "org": org}


def test_every_entry_is_linked_in_order_and_the_chain_holds(trail: dict[str, Any]) -> None:
    events = AuditEvent.objects.count()
    changes = LogEntry.objects.count()
    assert AuditSeal.objects.count() == events + changes
    head = AuditChainHead.objects.get()
    assert head.length == events + changes
    assert head.digest == AuditSeal.objects.latest("pk").digest
    state = chain_verify()
    assert state.intact
    assert state.checked == events + changes
    out = call_command("audit", "verify")
    assert out is None


def test_an_edited_event_breaks_the_chain_there(trail: dict[str, Any]) -> None:
    event = AuditEvent.objects.filter(detail="导出单位 1").get()
    AuditEvent.objects.filter(pk=event.pk).update(detail="导出单位 1（已篡改）")
    state = chain_verify()
    assert not state.intact
    assert f"安全事件 #{event.pk}" in state.problem
    assert "内容已被改动" in state.problem
    with pytest.raises(CommandError, match="审计链在此断开"):
        call_command("audit", "verify")


def test_a_deleted_change_or_link_breaks_the_chain(trail: dict[str, Any]) -> None:
    entry = LogEntry.objects.get_for_object(trail["org"]).order_by("pk").last()
    assert entry is not None
    LogEntry.objects.filter(pk=entry.pk).delete()
    assert "记录已被删除" in chain_verify().problem
    AuditSeal.objects.filter(kind=AuditSeal.Kind.CHANGE, entry_id=entry.pk).delete()
    assert "不相接" in chain_verify().problem or "链头" in chain_verify().problem


def test_an_entry_slipped_in_without_a_link_is_reported(trail: dict[str, Any]) -> None:
    # bulk_create sends no signal: like a row inserted with SQL, it gets no link.
    AuditEvent.objects.bulk_create(
        [AuditEvent(kind=AuditEvent.Kind.LOGIN, username="ghost", detail="伪造登录")]
    )
    assert chain_verify().intact  # a link may still be on its way for a minute
    state = chain_verify(settle_seconds=0)
    assert not state.intact
    assert "1 条审计记录未入链" in state.problem


def test_the_audit_page_shows_the_state_and_checks_on_request(
    trail: dict[str, Any], make_user: Callable[..., User]
) -> None:
    admin = make_user(Role.PROVINCE, "440000000000")
    client = Client()
    client.force_login(admin)
    page = client.get("/audit/").content.decode()
    assert "审计链" in page
    assert "尚未校验" in page
    checked = client.post("/audit/", follow=True).content.decode()
    assert "审计链完整" in checked
    AuditEvent.objects.filter(detail="导出单位 2").update(detail="改过")
    broken = client.post("/audit/", follow=True).content.decode()
    assert "审计链断开" in broken
    assert "第一处断点" in broken
