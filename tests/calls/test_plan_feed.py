"""The plan page shows, under each measure a call type serves, its calls and their results."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.test import Client

from baiqianwan.accounts.models import User
from baiqianwan.accounts.roles import Role
from baiqianwan.calls import services
from baiqianwan.calls.models import Call
from baiqianwan.orgs.models import Organisation
from baiqianwan.plan import services as plan_services
from baiqianwan.plan.selectors import Section, sections

from .test_lifecycle import decided_application


def _measure_row(user: User, clause_ordinal: str) -> Any:
    for section, rows in sections(user=user, kind=Section.Kind.TASK):
        for row in rows:
            if section.clause.replace("、", "") + row.measure.ordinal == clause_ordinal:
                return row
    raise AssertionError(clause_ordinal)


def test_a_decided_call_and_its_register_show_under_their_measure(
    open_call: Callable[..., Call],
    enterprise: User,
    university: Organisation,
    world: dict[str, Any],
    province: User,
    client_for: Callable[[User], Client],
) -> None:
    plan_services.plan_load()
    call = open_call()
    open_call("promotion_award", title="2025年度广东省科技成果推广奖提名")
    call = decided_application(call, enterprise, university, world).call

    county = world["users"][Role.COUNTY]
    row = _measure_row(county, "三(四)一是")
    assert [(a.label, a.status, a.detail) for a in row.activities] == [
        ("工程技术研究中心", "在册", "1 家，其中粤东西北 1 家"),
        ("2025年度广东省工程技术研究中心认定", "已决定", "申报 1 项 · 立项/认定 1 项"),
    ]
    award = _measure_row(county, "三(七)二是")
    assert [(a.label, a.status) for a in award.activities] == [("2025年度广东省科技成果推广奖提名", "申报中")]
    assert _measure_row(county, "三(一)一是").activities == []

    page = client_for(county).get("/plan/").content.decode()
    assert "2025年度广东省工程技术研究中心认定" in page
    assert "申报 1 项 · 立项/认定 1 项" in page
    assert f'href="/calls/{call.pk}/"' in page
    assert 'href="/calls/carriers/?kind=%E5%B7%A5%E7%A8%8B' in page


def test_a_draft_call_shows_on_the_plan_only_to_the_province(
    open_call: Callable[..., Call], world: dict[str, Any], province: User
) -> None:
    plan_services.plan_load()
    draft = services.call_create(
        acting_user=province,
        call_type_code="engineering_centre",
        title="2026年度广东省工程技术研究中心认定",
        year=2026,
        opens_at=open_call().opens_at,
        closes_at=open_call().closes_at,
    )
    labels = [a.label for a in _measure_row(province, "三(四)一是").activities]
    assert draft.title in labels
    county_labels = [a.label for a in _measure_row(world["users"][Role.COUNTY], "三(四)一是").activities]
    assert draft.title not in county_labels
