"""The outreach cast: 大埔县's and 湖寮镇's offices who report 科普 events, 梅州's city bureau who runs a
teacher course with 嘉应学院 as provider, 湛江's bureau across the province, a 广州 district in 珠三角,
and the province who keeps the 智库."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from baiqianwan.accounts.models import User
from baiqianwan.accounts.roles import Role
from baiqianwan.orgs.models import Organisation
from baiqianwan.outreach import services
from baiqianwan.outreach.models import OutreachEvent, TeacherCourse

from ..conftest import A, B

GUANGZHOU_DISTRICT = "440106000000"  # 天河区, 珠三角


@pytest.fixture
def cast(
    world: dict[str, Any], make_org: Callable[..., Organisation], make_user: Callable[..., User]
) -> dict[str, Any]:
    users = world["users"]
    college = make_org("嘉应学院", "university", A["city"])
    society = make_org("梅州市科学技术协会", "society", A["city"])
    return {
        **world,
        "college": college,
        "society": society,
        "college_user": make_user(Role.ORG, organisation=college),
        "province": users[Role.PROVINCE],
        "city": users[Role.CITY],
        "county": users[Role.COUNTY],
        "town": users[Role.TOWN],
        "village": users[Role.VILLAGE],
        "zhanjiang": make_user(Role.CITY, B["city"]),
        "xuwen": world["user_b"],
        "tianhe": make_user(Role.COUNTY, GUANGZHOU_DISTRICT),
    }


def event(cast: dict[str, Any], **values: Any) -> OutreachEvent:
    defaults: dict[str, Any] = {
        "kind": "academician_school",
        "title": "院士走进大埔县中小学科普报告会",
        "organiser_id": cast["society"].pk,
        "place_code": A["town"],
        "held_on": dt.date(2025, 5, 20),
        "audience_kind": "students",
        "audience_size": 300,
        "speakers": "张院士，李教授",
        "summary": "讲解柚子病虫害的科学原理。",
    }
    return services.event_report(acting_user=cast["county"], **{**defaults, **values})


def course(cast: dict[str, Any], **values: Any) -> TeacherCourse:
    defaults: dict[str, Any] = {
        "title": "梅州市小学科学教师实验教学能力提升培训",
        "provider_id": cast["college"].pk,
        "mode": "offline",
        "hours": "40",
        "starts_on": dt.date(2025, 3, 1),
        "ends_on": dt.date(2025, 3, 10),
    }
    return services.course_register(acting_user=cast["city"], **{**defaults, **values})
