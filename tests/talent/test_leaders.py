"""致富带头人: registered by the commissioner who serves their county, only with consent; mobile masked
for roles without personal-data rights; one report a year; scope (the commissioner's own, the bureaus
of the place, the province); groups; the API and the pages; KPI-TALENT-SERVING from its parts."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from baiqianwan.accounts.models import User
from baiqianwan.accounts.roles import Role
from baiqianwan.plan.selectors import LIVE_KPIS
from baiqianwan.plan.services import plan_load
from baiqianwan.talent import selectors, services
from baiqianwan.talent.models import Leader, LeaderGroup, LeaderReport, TalentSelection

from ..conftest import A, B
from .conftest import leader, outpost

pytestmark = pytest.mark.django_db


def send(client: Client, method: str, url: str, body: dict[str, Any]) -> Any:
    return client.generic(method, url, data=json.dumps(body), content_type="application/json")


def test_consent_is_required_and_nothing_is_stored_without_it(cast: dict[str, Any]) -> None:
    for consent in (False, None, "yes"):
        with pytest.raises(ValidationError) as refused:
            leader(cast, consent=consent)
        assert "consent" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        leader(cast, consent_on="2999-01-01")
    assert "consent_on" in refused.value.message_dict
    assert not Leader.all_objects.exists()


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"mobile": "12345"}, "mobile"),
        ({"division_code": A["county"]}, "division"),  # a county: the village or town is asked
        ({"division_code": "110101001000"}, "division"),  # 北京
        ({"division_code": B["village"]}, "division"),  # not where the commissioner serves
        ({"name": "<img src=x>"}, "name"),
        ({"industry": "@SUM(A1)"}, "industry"),
        ({"note": "帮扶\x00说明"}, "note"),
        ({"enterprise_uscc": "91440000000000000X"}, "enterprise_uscc"),
    ],
)
def test_bad_input_names_the_field(cast: dict[str, Any], values: dict[str, Any], field: str) -> None:
    with pytest.raises(ValidationError) as refused:
        leader(cast, **values)
    assert field in refused.value.message_dict
    assert not Leader.all_objects.exists()


def test_only_commissioners_register_and_scope(cast: dict[str, Any]) -> None:
    for role in (Role.COUNTY, Role.PROVINCE, Role.ORG, Role.EXPERT):
        with pytest.raises(PermissionDenied):
            leader(cast, acting_user=cast["users"][role])
    made = leader(cast, enterprise_uscc=cast["org_a"].uscc)
    assert made.enterprise == cast["org_a"]
    assert made.enterprise_name == "大埔县长教蜜柚专业合作社"
    with pytest.raises(ValidationError):  # the same person twice
        leader(cast, name="黄建华")
    visible = {
        role: selectors.leader_list(user=cast["users"][role]).filter(pk=made.pk).exists()
        for role in (
            Role.PROVINCE,
            Role.CITY,
            Role.COUNTY,
            Role.TOWN,
            Role.COMMISSIONER,
            Role.ORG,
            Role.EXPERT,
        )
    }
    assert visible == {
        Role.PROVINCE: True,
        Role.CITY: True,
        Role.COUNTY: True,
        Role.TOWN: True,
        Role.COMMISSIONER: True,
        Role.ORG: False,
        Role.EXPERT: False,
    }
    assert not selectors.leader_list(user=cast["xuwen"]).exists()
    assert not selectors.leader_list(user=cast["other_commissioner"]).exists()


def test_one_report_a_year(cast: dict[str, Any]) -> None:
    made = leader(cast)
    services.leader_report(
        acting_user=cast["commissioner"],
        leader_id=made.pk,
        year=2024,
        jobs_created=12,
        income_effect="356000.50",
    )
    services.leader_report(
        acting_user=cast["commissioner"],
        leader_id=made.pk,
        year=2024,
        jobs_created=15,
        income_effect="400000",
    )
    report = LeaderReport.all_objects.get(leader=made)
    assert (report.jobs_created, report.income_effect) == (15, Decimal("400000.00"))
    for values, field in (
        ({"jobs_created": -3}, "jobs_created"),
        ({"income_effect": "-1"}, "income_effect"),
        ({"income_effect": "1e20"}, "income_effect"),
        ({"income_effect": "12.345"}, "income_effect"),
        ({"year": 2999}, "year"),
        ({"year": 2010}, "year"),  # before the leader's consent
    ):
        with pytest.raises(ValidationError) as refused:
            services.leader_report(
                acting_user=cast["commissioner"],
                leader_id=made.pk,
                **{"year": 2025, "jobs_created": 1, "income_effect": "10", **values},
            )
        assert field in refused.value.message_dict
    with pytest.raises(PermissionDenied):  # the county reads, the commissioner reports
        services.leader_report(
            acting_user=cast["county"], leader_id=made.pk, year=2025, jobs_created=1, income_effect="1"
        )
    assert LeaderReport.all_objects.count() == 1


def test_groups(cast: dict[str, Any]) -> None:
    first = leader(cast)
    second = leader(cast, name="李秀英", mobile="13712345678", division_code=A["town"])
    group = services.group_create(
        acting_user=cast["commissioner"],
        name="大埔县蜜柚农业科技致富共同体",
        county_code=A["county"],
        industry="蜜柚",
        founded_on=dt.date(2024, 10, 1),
        member_ids=[first.pk, second.pk],
    )
    assert (group.lead_commissioner, group.members.count()) == (cast["commissioner"], 2)
    # A university leads its own group; the province names who leads.
    led = services.group_create(
        acting_user=cast["university_user"],
        name="华南农业大学大埔南药致富共同体",
        county_code=A["county"],
        industry="南药",
        founded_on=dt.date(2025, 1, 1),
    )
    assert led.lead_organisation == cast["university"]
    with pytest.raises(ValidationError) as refused:  # another commissioner's leaders
        services.group_create(
            acting_user=cast["other_commissioner"],
            name="徐闻菠萝致富共同体",
            county_code=B["county"],
            industry="菠萝",
            founded_on=dt.date(2025, 1, 1),
            member_ids=[first.pk],
        )
    assert "members" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        services.group_create(
            acting_user=cast["province"],
            name="省级登记的共同体",
            county_code=A["county"],
            industry="茶叶",
            founded_on=dt.date(2025, 1, 1),
        )
    assert "lead_organisation" in refused.value.message_dict
    with pytest.raises(PermissionDenied):
        services.group_create(
            acting_user=cast["county"],
            name="县里登记的共同体",
            county_code=A["county"],
            industry="茶",
            founded_on="2025-01-01",
        )
    assert LeaderGroup.all_objects.count() == 2


def test_the_api_masks_the_mobile(cast: dict[str, Any], client_for: Callable[[User], Client]) -> None:
    commissioner = client_for(cast["commissioner"])
    body = {
        "consent": True,
        "consent_on": "2025-03-01",
        "name": "黄建华",
        "mobile": "13912345678",
        "division_code": A["village"],
        "industry": "蜜柚种植",
    }
    refused = send(commissioner, "POST", "/api/v1/talent/leaders", {**body, "consent": False})
    assert refused.status_code == 422
    assert "consent" in {e["field"] for e in refused.json()["errors"]}
    made = send(commissioner, "POST", "/api/v1/talent/leaders", body)
    assert made.status_code == 201, made.content
    assert made.json()["mobile"] == "13912345678"  # the commissioner's own leader
    url = f"/api/v1/talent/leaders/{made.json()['id']}"
    assert client_for(cast["county"]).get(url).json()["mobile"] == "13912345678"
    assert client_for(cast["town"]).get(url).json()["mobile"] == "139****5678"
    assert client_for(cast["xuwen"]).get(url).status_code == 404
    report = send(
        commissioner, "POST", f"{url}/reports", {"year": 2025, "jobs_created": 8, "income_effect": "120000"}
    )
    assert report.status_code == 201, report.content
    assert commissioner.get(f"{url}/reports").json()[0]["income_effect"] == "120000.00"
    negative = send(
        commissioner, "POST", f"{url}/reports", {"year": 2025, "jobs_created": -1, "income_effect": "1"}
    )
    assert negative.status_code == 422
    group = send(
        commissioner,
        "POST",
        "/api/v1/talent/groups",
        {
            "name": "大埔蜜柚致富共同体",
            "county_code": A["county"],
            "industry": "蜜柚",
            "founded_on": "2025-04-01",
            "member_ids": [made.json()["id"]],
        },
    )
    assert (group.status_code, group.json()["member_count"]) == (201, 1)


def test_the_pages_for_each_role(cast: dict[str, Any], client_for: Callable[[User], Client]) -> None:
    commissioner = client_for(cast["commissioner"])
    assert commissioner.get("/talent/leaders/new/").status_code == 200
    without = commissioner.post(
        "/talent/leaders/new/",
        {
            "consent_on": "2025-01-01",
            "name": "黄建华",
            "mobile": "13912345678",
            "division": A["village"],
            "industry": "蜜柚",
        },
    )
    assert without.status_code == 200
    assert not Leader.all_objects.exists()
    made = commissioner.post(
        "/talent/leaders/new/",
        {
            "consent": "on",
            "consent_on": "2025-01-01",
            "name": "黄建华",
            "mobile": "13912345678",
            "division": A["village"],
            "industry": "蜜柚",
        },
    )
    assert made.status_code == 302, made.content.decode()[:3000]
    found = Leader.all_objects.get()
    assert (
        commissioner.post(
            f"/talent/leaders/{found.pk}/", {"year": "2025", "jobs_created": "5", "income_effect": "50000"}
        ).status_code
        == 302
    )
    for role in (Role.PROVINCE, Role.CITY, Role.COUNTY, Role.TOWN, Role.VILLAGE, Role.COMMISSIONER):
        client = client_for(cast["users"][role])
        page = client.get("/talent/leaders/").content.decode()
        assert "黄建华" in page, role
        shown = (
            "13912345678"
            if role in (Role.PROVINCE, Role.CITY, Role.COUNTY, Role.COMMISSIONER)
            else "139****5678"
        )
        assert shown in page, role
        assert client.get(f"/talent/leaders/{found.pk}/").status_code == 200
        assert client.get("/talent/groups/").status_code == 200
        assert client.get("/talent/leaders/new/").status_code == (200 if role == Role.COMMISSIONER else 403)
    assert client_for(cast["xuwen"]).get(f"/talent/leaders/{found.pk}/").status_code == 404
    grouped = commissioner.post(
        "/talent/groups/new/",
        {
            "name": "大埔蜜柚致富共同体",
            "county": A["county"],
            "industry": "蜜柚",
            "founded_on": "2025-02-01",
            "members": [found.pk],
        },
    )
    assert grouped.status_code == 302, grouped.content.decode()[:3000]
    group = LeaderGroup.all_objects.get()
    assert "黄建华" in client_for(cast["county"]).get(f"/talent/groups/{group.pk}/").content.decode()
    export = client_for(cast["town"]).get("/talent/leaders/?export=xlsx")
    assert export.status_code == 200


def test_talent_serving_from_its_parts(cast: dict[str, Any], client_for: Callable[[User], Client]) -> None:
    plan_load()
    outpost(cast)  # 6 on site
    this_year = dt.date.today().year
    province = client_for(cast["province"])
    recorded = province.post(
        "/talent/selections/",
        {
            "person": cast["researcher"].pk,
            "programme": "扬帆计划",
            "year": str(this_year),
            "county": A["county"],
        },
    )
    assert recorded.status_code == 302, recorded.content.decode()[:2000]
    services.selection_record(
        acting_user=cast["province"], person_id=cast["person_b"].pk, programme="广东特支计划", year=this_year
    )  # no county: not counted
    with pytest.raises(ValidationError) as refused:
        services.selection_record(
            acting_user=cast["province"],
            person_id=cast["researcher"].pk,
            programme="扬帆计划",
            year=this_year,
        )
    assert "programme" in refused.value.message_dict
    with pytest.raises(PermissionDenied):
        services.selection_record(
            acting_user=cast["county"],
            person_id=cast["researcher"].pk,
            programme="乡村振兴人才",
            year=this_year,
        )
    assert TalentSelection.all_objects.count() == 2
    calls: list[int] = []

    def think_tank_members_active() -> float:
        calls.append(1)
        return 4.0

    selectors.talent_part_register("智库成员（本年有活动）", think_tank_members_active)
    try:
        parts = {p["label"]: p["value"] for p in selectors.talent_parts()}
        assert parts["县域研究机构驻点科研人员"] == 6
        assert parts["本年人才工程入选并服务县域的人员"] == 1
        assert parts["下乡服务的科技特派员"] == 0
        assert parts["智库成员（本年有活动）"] == 4
        assert LIVE_KPIS["KPI-TALENT-SERVING"]() == 11.0
        api = client_for(cast["town"]).get("/api/v1/talent/serving").json()
        assert api["total"] == 11
        assert "think_tank_members_active" in {p["source"].split(".")[-1] for p in api["parts"]}
        page = province.get("/talent/serving/").content.decode()
        assert "智库成员（本年有活动）" in page
        plan = province.get("/plan/").content.decode()
        row = plan[plan.index("服务县镇村的科技人才人数") :].split("</tr>")[0]
        assert "实时统计" in row
        assert '<td class="text-end">11 人' in row
    finally:
        selectors.TALENT_PARTS[:] = [
            p for p in selectors.TALENT_PARTS if p.compute is not think_tank_members_active
        ]
    assert client_for(cast["county"]).get("/talent/selections/").status_code == 200
