"""A 大专项 whose task came from demands of two counties, published, applied for by a 广州
university with a 梅州 enterprise, and decided: one project to contract."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from baiqianwan.accounts.models import User
from baiqianwan.accounts.roles import Role
from baiqianwan.calls import services as calls
from baiqianwan.calls.models import Application, ApplicationStatus, Call, CallStatus
from baiqianwan.calls.services import PartnerEntry
from baiqianwan.demands.models import Demand, DemandStatus
from baiqianwan.orgs.models import Organisation
from baiqianwan.projects import services
from baiqianwan.projects.models import Programme, Project

from ..calls.fixtures import PDF, definition
from ..conftest import A, B

GUANGZHOU = {"city": "440100000000", "district": "440106000000"}
PROJECT_VALUES = {
    "place": A["county"],
    "goals": "建立蜜柚黄龙病早期检测和绿色防控技术体系，在大埔县示范推广。",
    "content": "研究黄龙病病原快速检测、木虱综合防控和健康种苗繁育，集成示范。",
    "outcomes": "新技术 2 项，示范面积 3000 亩，带动农户 500 户。",
    "months": 24,
    "province_funding": "200",
    "self_funding": "120",
    "role": "牵头：病原检测与防控技术研究",
}


def accepted_demand(user: User, division: str, title: str, description: str) -> Demand:
    return Demand.all_objects.create(
        title=title,
        description=description,
        division_id=division,
        submitter_kind="village",
        submitted_by=user,
        contact_name="联系人",
        contact_phone="13800138000",
        status=DemandStatus.ACCEPTED,
        accepted_at=timezone.now(),
    )


@pytest.fixture
def demands(world: dict[str, Any]) -> list[Demand]:
    """蜜柚黄龙病 asked by a village in 梅州 and one in 湛江."""
    return [
        accepted_demand(
            world["users"][Role.VILLAGE],
            A["village"],
            "蜜柚黄龙病怎么防控",
            "我村蜜柚得了黄龙病，叶片发黄，急需防控技术。",
        ),
        accepted_demand(
            world["user_b"], B["village"], "柚子黄龙病防治技术需求", "柚子园发现黄龙病，请专家指导防治。"
        ),
    ]


@pytest.fixture
def programme(province: User, demands: list[Demand]) -> Programme:
    programme = services.programme_create(
        acting_user=province, year=2025, title="2025年度乡村振兴科技攻关大专项", province_budget="1000"
    )
    services.topic_save(
        acting_user=province,
        programme_id=programme.pk,
        title="蜜柚黄龙病绿色防控关键技术",
        problem="梅州、湛江等地蜜柚黄龙病蔓延，缺少早期检测和绿色防控技术。",
        budget="300",
        demand_ids=[d.pk for d in demands],
    )
    return programme


@pytest.fixture
def published_programme(province: User, programme: Programme) -> Programme:
    calls.call_type_load(acting_user=province, data=definition("research_project"))
    now = timezone.now()
    return services.programme_publish(
        acting_user=province,
        programme_id=programme.pk,
        opens_at=now - dt.timedelta(days=1),
        closes_at=now + dt.timedelta(days=30),
        guide="面向任务清单公开征集攻关团队，须有粤东粤西粤北单位参与或在粤东粤西粤北实施。",
    )


@pytest.fixture
def parties(make_org: Callable[..., Organisation], make_user: Callable[..., User]) -> dict[str, Any]:
    """华南农业大学 in 广州 leads; a seedling company in 梅州 joins; each with its accounts."""
    university = make_org("华南农业大学", "university", GUANGZHOU["district"])
    company = make_org("梅州金柚种苗有限公司", "enterprise", A["town"])
    return {
        "university": university,
        "company": company,
        "lead": make_user(Role.ORG, organisation=university),
        "partner": make_user(Role.ORG, organisation=company),
        "guangzhou": make_user(Role.CITY, GUANGZHOU["city"]),
        "meizhou": make_user(Role.CITY, A["city"]),
        "zhanjiang": make_user(Role.CITY, B["city"]),
    }


def apply(published_programme: Programme, parties: dict[str, Any], **values: Any) -> Application:
    call = published_programme.call
    assert call is not None
    topic = published_programme.topics.get()
    application = calls.application_create(
        acting_user=parties["lead"],
        call_id=call.pk,
        title="蜜柚黄龙病早期检测与绿色防控技术集成示范",
        values={"topic": topic.choice_label, **PROJECT_VALUES, **values},
        partners=[
            PartnerEntry(parties["company"].pk, {"role": "健康种苗繁育与示范基地", "partner_funding": "50"})
        ],
    )
    calls.application_attach(
        acting_user=parties["lead"], application_id=application.pk, spec="plan", name="plan.pdf", data=PDF
    )
    return application


def decide(published_programme: Programme, parties: dict[str, Any], province: User) -> Project:
    """Through recommendation and the formal check to the decision; the review's outcome is set
    directly (the review is tested in tests/reviews)."""
    application = apply(published_programme, parties)
    calls.application_submit(acting_user=parties["lead"], application_id=application.pk)
    calls.application_step(
        acting_user=parties["guangzhou"], application_id=application.pk, action="recommend"
    )
    calls.application_step(acting_user=province, application_id=application.pk, action="accept")
    Application.all_objects.filter(pk=application.pk).update(status=ApplicationStatus.PROVISIONAL)
    call = published_programme.call
    assert call is not None
    Call.objects.filter(pk=call.pk).update(status=CallStatus.PROVISIONAL)
    call = calls.publicity_start(acting_user=province, call_id=call.pk)
    calls.call_decide(
        acting_user=province,
        call_id=call.pk,
        decision_number="粤科函农字〔2025〕101号",
        today=call.publicity_ends,
    )
    return Project.all_objects.get(application=application)


@pytest.fixture
def project(published_programme: Programme, parties: dict[str, Any], province: User) -> Project:
    return decide(published_programme, parties, province)


def contract_rows(project: Project) -> dict[str, Any]:
    start, end = project.starts_on, project.ends_on
    return {
        "indicators": [
            services.IndicatorRow("新技术", "项", "2"),
            services.IndicatorRow("示范面积", "亩", "3000"),
        ],
        "milestones": [
            services.MilestoneRow("完成病原快速检测方法", start + dt.timedelta(days=120), "检测规程"),
            services.MilestoneRow("示范基地建成", end - dt.timedelta(days=30), "示范基地"),
        ],
        "budget": [
            services.BudgetRow(start.year, "province", "120"),
            services.BudgetRow(start.year + 1, "province", "80"),
            services.BudgetRow(start.year, "self", "120"),
        ],
    }


@pytest.fixture
def active_project(project: Project, parties: dict[str, Any], province: User) -> Project:
    services.contract_save(acting_user=parties["lead"], project_id=project.pk, **contract_rows(project))
    services.contract_submit(acting_user=parties["lead"], project_id=project.pk)
    return services.contract_review(acting_user=province, project_id=project.pk, approve=True)
