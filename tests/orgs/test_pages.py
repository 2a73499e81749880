"""Organisation and people pages: scope, masking, export, and no N+1 queries."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from baiqianwan.accounts.models import User
from baiqianwan.accounts.roles import Role
from baiqianwan.core.models import AuditEvent
from baiqianwan.orgs.models import Organisation, Person

from ..conftest import A


def test_lists_show_only_the_scope(world: dict[str, Any], client_for: Callable[[User], Client]) -> None:
    page = client_for(world["users"][Role.COUNTY]).get("/orgs/").content.decode()
    assert world["org_a"].name in page
    assert world["org_b"].name not in page
    assert client_for(world["users"][Role.COUNTY]).get(f"/orgs/{world['org_b'].pk}/").status_code == 404


def test_personal_numbers_are_masked_for_roles_that_do_not_need_them(
    world: dict[str, Any], client_for: Callable[[User], Client]
) -> None:
    person = world["person_a"]
    full = client_for(world["users"][Role.COUNTY]).get("/orgs/people/").content.decode()
    assert person.id_number in full
    masked = client_for(world["users"][Role.TOWN]).get(f"/api/v1/orgs/people/{person.pk}").json()
    assert masked["id_number"] == person.id_number_masked
    assert masked["mobile"] == person.mobile_masked


def test_export_is_scoped_masked_and_audited(
    world: dict[str, Any], client_for: Callable[[User], Client]
) -> None:
    org_user = world["users"][Role.ORG]
    response = client_for(org_user).get("/orgs/people/?export=xlsx")
    assert response.status_code == 200
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))  # type: ignore[union-attr]
    assert len(rows) == 2  # header + the one person of side A
    assert rows[1][2] == world["person_a"].id_number  # 单位 users see their own staff in full
    event = AuditEvent.objects.get(kind=AuditEvent.Kind.EXPORT, user=org_user)
    assert "人员名录 1 条" in event.detail


@pytest.mark.parametrize("count", [1, 3])
def test_organisation_list_queries_do_not_grow_with_rows(
    count: int,
    make_org: Callable[..., Organisation],
    make_person: Callable[..., Person],
    make_user: Callable[..., User],
) -> None:
    for i in range(count):
        make_person(make_org(f"单位{i}"), name=f"人员{i}")
    client = Client()
    client.force_login(make_user(Role.COUNTY, A["county"]))
    client.get("/orgs/")  # warm the session and the user
    with CaptureQueriesContext(connection) as first:
        assert client.get("/orgs/").status_code == 200
    with CaptureQueriesContext(connection) as second:
        assert client.get("/orgs/people/").status_code == 200
    assert len(first) <= 8, [q["sql"] for q in first]
    assert len(second) <= 8, [q["sql"] for q in second]


def test_create_organisation_through_the_form_validates_the_code(
    make_user: Callable[..., User], client_for: Callable[[User], Client]
) -> None:
    client = client_for(make_user(Role.COUNTY, A["county"]))
    response = client.post(
        "/orgs/new/",
        {"name": "湖寮镇测试企业", "kind": "enterprise", "uscc": "91441422MA4X0000X0", "division": A["town"]},
    )
    assert response.status_code == 200
    assert "校验位错误" in response.content.decode()
    assert not Organisation.all_objects.filter(name="湖寮镇测试企业").exists()
    response = client.post(
        "/orgs/new/",
        {"name": "湖寮镇测试企业", "kind": "enterprise", "uscc": "914403001922038216", "division": A["town"]},
    )
    assert response.status_code == 302
    assert Organisation.all_objects.get(name="湖寮镇测试企业").division_id == A["town"]


def test_division_outside_scope_is_refused_in_the_form(
    make_user: Callable[..., User], client_for: Callable[[User], Client]
) -> None:
    client = client_for(make_user(Role.COUNTY, A["county"]))
    response = client.post(
        "/orgs/new/",
        {"name": "外地企业", "kind": "enterprise", "uscc": "914403001922038216", "division": "440825102000"},
    )
    assert response.status_code == 200
    assert "不在您的管辖范围内" in response.content.decode()


def test_organisation_user_edits_its_own_organisation(
    world: dict[str, Any], client_for: Callable[[User], Client]
) -> None:
    org = world["org_a"]
    client = client_for(world["users"][Role.ORG])
    response = client.post(
        f"/orgs/{org.pk}/edit/",
        {
            "name": org.name,
            "kind": org.kind,
            "uscc": org.uscc,
            "division": org.division_id,
            "address": "长教村 3 号",
        },
    )
    assert response.status_code == 302, response.content.decode()[:500]
    org.refresh_from_db()
    assert org.address == "长教村 3 号"
    moved = client.post(
        f"/orgs/{org.pk}/edit/",
        {"name": org.name, "kind": org.kind, "uscc": org.uscc, "division": A["county"]},
    )
    assert "只能由科技管理部门修改" in moved.content.decode()


def test_one_filter_definition_serves_the_page_and_the_api(
    world: dict[str, Any], client_for: Callable[[User], Client]
) -> None:
    client = client_for(world["users"][Role.PROVINCE])
    code = world["org_a"].division_id
    listed = client.get(f"/api/v1/orgs/organisations?within={code}").json()["items"]
    assert [item["id"] for item in listed] == [world["org_a"].pk]
    page = client.get(f"/orgs/?within={code}").content.decode()
    assert world["org_a"].name in page
    assert world["org_b"].name not in page
    refused = client.get("/api/v1/orgs/organisations?within=guangzhou&kind=nonsense")
    assert refused.status_code == 422
    assert {error["field"] for error in refused.json()["errors"]} == {"within", "kind"}
    # The page ignores a bad filter and says why instead of failing.
    assert client.get("/orgs/?within=guangzhou").status_code == 200
