"""A published 工程技术研究中心 call, and applicants on both sides of the province."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from baiqianwan.accounts.models import User
from baiqianwan.accounts.roles import Role
from baiqianwan.calls import services
from baiqianwan.calls.models import Call
from baiqianwan.orgs.models import Organisation

DATA = Path(__file__).resolve().parents[2] / "data" / "calls"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def definition(code: str) -> dict[str, Any]:
    return json.loads((DATA / f"{code}.json").read_text(encoding="utf-8"))


@pytest.fixture
def province(world: dict[str, Any]) -> User:
    return world["users"][Role.PROVINCE]


@pytest.fixture
def open_call(province: User) -> Callable[..., Call]:
    def make(code: str = "engineering_centre", **values: Any) -> Call:
        services.call_type_load(acting_user=province, data=definition(code))
        now = timezone.now()
        call = services.call_create(
            acting_user=province,
            call_type_code=code,
            title=values.pop("title", "2025年度广东省工程技术研究中心认定"),
            year=2025,
            guide="围绕县域特色产业，支持企业联合高校、科研院所建设工程技术研究中心。" * 2,
            opens_at=now - dt.timedelta(days=1),
            closes_at=now + dt.timedelta(days=30),
            **values,
        )
        return services.call_publish(acting_user=province, call_id=call.pk)

    return make


@pytest.fixture
def enterprise(make_org: Callable[..., Organisation], make_user: Callable[..., User]) -> User:
    """A food company in 梅州 (粤东西北), with its unit account."""
    company = make_org("梅州柚香食品有限公司", "enterprise")
    return make_user(Role.ORG, organisation=company)


@pytest.fixture
def university(make_org: Callable[..., Organisation]) -> Organisation:
    return make_org("嘉应学院", "university", "441402000000")


CENTRE_VALUES = {
    "field": "农产品加工",
    "direction": "柚类精深加工与副产物综合利用",
    "revenue": "8000",
    "rd_spend": "260",
    "equipment_value": "120",
    "researchers": "12",
    "qualified_researchers": "7",
    "summary": "公司建有柚类加工中试线，与嘉应学院共建联合实验室。",
}
