from __future__ import annotations

from collections.abc import Callable

from django.test import Client

from baiqianwan.accounts.models import User
from baiqianwan.accounts.roles import Role
from baiqianwan.core.audit import audit_event_record
from baiqianwan.core.models import AuditEvent

from ..filtering import refused_fields, same_filter


def test_the_audit_page_and_the_api_share_one_filter(
    make_user: Callable[..., User], client_for: Callable[[User], Client]
) -> None:
    auditor = make_user(Role.PROVINCE, "440000000000")
    audit_event_record(kind=AuditEvent.Kind.EXPORT, username="exporter_one", detail="导出单位名录")
    audit_event_record(kind=AuditEvent.Kind.LOGIN, username="exporter_one", detail="登录成功")
    client = client_for(auditor)
    query = {"kind": "export", "username": "exporter", "since": "2000-01-01"}
    page, items = same_filter(client, page="/audit/", api="/api/v1/audit/events", query=query)
    assert [item["detail"] for item in items] == ["导出单位名录"]
    assert "导出单位名录" in page
    assert "登录成功" not in page
    bad = {"kind": "party", "username": "x" * 151}
    assert refused_fields(client, api="/api/v1/audit/events", page="/audit/", query=bad) == set(bad)
    assert refused_fields(client, api="/api/v1/audit/events", query={"since": "去年"}) == {"since"}
    changes = {"api": "/api/v1/audit/changes", "page": "/audit/"}
    assert refused_fields(client, **changes, query={"tab": "changes", "model": "organisations"}) == {"model"}
