"""The talent ledgers' cast: 华南农业大学 (a university in 广州) and its account, 梅州's city bureau and
大埔县's bureau (side A), 徐闻县's bureau (side B), a 科技特派员 and another, and the province."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from baiqianwan.accounts.models import User
from baiqianwan.accounts.roles import Role
from baiqianwan.orgs.models import Organisation
from baiqianwan.talent import services
from baiqianwan.talent.models import Leader, Outpost

from ..conftest import A, B

OPENED = dt.date(2024, 3, 1)


@pytest.fixture
def cast(
    world: dict[str, Any],
    make_org: Callable[..., Organisation],
    make_user: Callable[..., User],
    make_person: Callable[..., Any],
) -> dict[str, Any]:
    users = world["users"]
    university = make_org("华南农业大学", "university", "440106000000")
    institute = make_org("广东省农业科学院", "institute", "440106000000")
    return {
        **world,
        "university": university,
        "institute": institute,
        "researcher": make_person(university, "陈志强"),
        "university_user": make_user(Role.ORG, organisation=university, display_name="华南农业大学科研院"),
        "institute_user": make_user(Role.ORG, organisation=institute),
        "province": users[Role.PROVINCE],
        "city": users[Role.CITY],
        "county": users[Role.COUNTY],
        "town": users[Role.TOWN],
        "commissioner": users[Role.COMMISSIONER],
        "other_commissioner": make_user(Role.COMMISSIONER, B["county"], display_name="徐闻特派员"),
        "xuwen": world["user_b"],
    }


def outpost(cast: dict[str, Any], **values: Any) -> Outpost:
    defaults: dict[str, Any] = {
        "county_code": A["county"],
        "name": "华南农业大学大埔蜜柚研究院",
        "kind": "institute",
        "fields": "蜜柚栽培、病虫害防控",
        "staff_on_site": 6,
        "partner": "大埔县人民政府",
        "agreement_signed_on": dt.date(2024, 2, 1),
        "agreement_years": 5,
        "opened_on": OPENED,
    }
    return services.outpost_register(acting_user=cast["university_user"], **{**defaults, **values})


def leader(cast: dict[str, Any], **values: Any) -> Leader:
    defaults: dict[str, Any] = {
        "consent": True,
        "consent_on": dt.date(2024, 5, 1),
        "name": "黄建华",
        "mobile": "13912345678",
        "division_code": A["village"],
        "industry": "蜜柚种植",
        "enterprise_name": "大埔县长教蜜柚专业合作社",
    }
    acting = values.pop("acting_user", cast["commissioner"])
    return services.leader_register(acting_user=acting, **{**defaults, **values})
