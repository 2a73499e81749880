"""Every list page costs the same number of queries for one row as for several (no N+1)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from baiqianwan.accounts.models import User
from baiqianwan.accounts.roles import Role
from baiqianwan.demands.models import Demand, DemandStatus
from baiqianwan.orgs.models import Organisation, Person
from baiqianwan.supply.models import Achievement, ExpertProfile

from ..conftest import A

PAGES = [
    "/commissioners/rounds/",
    "/demands/",
    "/demands/triage/",
    "/supply/achievements/",
    "/supply/experts/",
    "/accounts/users/",
    "/orgs/people/",
]


def _fill(
    n: int,
    make_org: Callable[..., Organisation],
    make_person: Callable[..., Person],
    make_user: Callable[..., User],
) -> None:
    for i in range(n):
        org = make_org(f"单位{i}", "institute", A["town"])
        person = make_person(org, f"专家{i}")
        profile = ExpertProfile.all_objects.create(person=person, keywords="柚类", home_city_id=A["city"])
        profile.industries.set(["FRUIT-POMELO", "TEA-BLACK"])
        Achievement.all_objects.create(
            title=f"成果{i}",
            abstract="简介",
            maturity="lab",
            ip_type="patent",
            transfer_modes=["licence"],
            organisation=org,
            industry_id="FRUIT-POMELO",
        )
        from baiqianwan.commissioners.models import DispatchRound

        DispatchRound.all_objects.create(
            name=f"批次{i}-{Demand.all_objects.count()}",
            year=2025,
            created_by=make_user(Role.PROVINCE, "440000000000"),
        )
        submitter = make_user(Role.VILLAGE, A["village"])
        Demand.all_objects.create(
            title=f"需求{i}",
            description="描述内容足够长。",
            division_id=A["village"],
            submitter_kind="village",
            submitted_by=submitter,
            contact_name="张",
            contact_phone="13800138000",
            status=DemandStatus.SUBMITTED,
            industry_id="FRUIT-POMELO",
        )


def _queries(client: Client, path: str) -> int:
    client.get(path)  # warm sessions and caches
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return len(captured)


@pytest.mark.parametrize("path", PAGES)
def test_list_pages_do_not_grow_with_rows(
    path: str,
    make_org: Callable[..., Organisation],
    make_person: Callable[..., Person],
    make_user: Callable[..., User],
    client_for: Callable[[User], Client],
) -> None:
    county = make_user(Role.COUNTY, A["county"])
    client = client_for(county)
    _fill(1, make_org, make_person, make_user)
    one = _queries(client, path)
    _fill(3, make_org, make_person, make_user)
    four = _queries(client, path)
    assert four == one, f"{path}: 1 行 {one} 次查询，4 行 {four} 次"


def test_plan_page_query_count_is_bounded(
    make_user: Callable[..., User], client_for: Callable[[User], Client]
) -> Any:
    from baiqianwan.plan.services import plan_load

    plan_load()
    client = client_for(make_user(Role.CITY, A["city"]))
    assert _queries(client, "/plan/") <= 20
