"""A call in review: accepted applications from both sides of the province and a pool of experts
with real-looking conflicts."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from baiqianwan.accounts.models import User
from baiqianwan.accounts.roles import Role
from baiqianwan.calls import services as calls
from baiqianwan.calls.models import Application, ApplicationStatus, Call, CallStatus
from baiqianwan.calls.services import PartnerEntry
from baiqianwan.orgs.models import Organisation, Person
from baiqianwan.supply.models import ExpertProfile

from ..calls.fixtures import CENTRE_VALUES

# (organisation, division): three in 粤东西北, one in 珠三角.
APPLICANTS = [
    ("梅州柚香食品有限公司", "441422100000"),
    ("湛江南亚热带作物公司", "440825102000"),
    ("清远鸡业科技公司", "441802000000"),
    ("佛山智能农机公司", "440604000000"),
]
EXPERTS = [
    ("陈教授", "华南农业大学", "柚类 加工 果汁 副产物 综合利用"),
    ("林研究员", "广东省农业科学院", "柚类 加工 保鲜 农产品加工"),
    ("黄教授", "华南理工大学", "食品 加工 发酵 农产品加工"),
    ("周高工", "梅州柚香食品有限公司", "柚类 加工 中试"),
    ("吴教授", "仲恺农业工程学院", "农产品加工 热带作物 菠萝 加工"),
    ("郑研究员", "广东省现代农业装备研究所", "农机 智能装备 加工 机械"),
]


@pytest.fixture
def expert_user(make_user: Callable[..., User]) -> Callable[..., ExpertProfile]:
    def make(person: Person, keywords: str) -> ExpertProfile:
        user = make_user(Role.EXPERT, display_name=person.name)
        return ExpertProfile.all_objects.create(
            person=person, keywords=keywords, home_city_id="440100000000", user=user
        )

    return make


@pytest.fixture
def in_review(
    open_call: Callable[..., Call],
    make_org: Callable[..., Organisation],
    make_person: Callable[..., Person],
    make_user: Callable[..., User],
    expert_user: Callable[..., ExpertProfile],
    province: User,
) -> dict[str, Any]:
    call = open_call(reviewers_per_application=3)
    orgs: dict[str, Organisation] = {}
    applications: list[Application] = []
    university_org = make_org("嘉应学院", "university", "441402000000")
    for name, division in APPLICANTS:
        org = make_org(name, "enterprise", division)
        orgs[name] = org
        account = make_user(Role.ORG, organisation=org)
        application = calls.application_create(
            acting_user=account,
            call_id=call.pk,
            title=f"{name[:4]}柚类加工工程技术研究中心",
            values={
                **CENTRE_VALUES,
                "equipment_value": "400",
                "researchers": "25",
                "qualified_researchers": "20",
            },
            partners=[PartnerEntry(university_org.pk, {"researchers": "3"})]
            if division.startswith("4414")
            else [],
        )
        applications.append(application)
    experts = []
    for person_name, org_name, keywords in EXPERTS:
        org = (
            orgs.get(org_name)
            or Organisation.all_objects.filter(name=org_name).first()
            or make_org(org_name, "university", "440106000000")
        )
        experts.append(expert_user(make_person(org, person_name), keywords))
    # Accepted by the province (the steps before are tested in tests/calls).
    Application.all_objects.filter(pk__in=[a.pk for a in applications]).update(
        status=ApplicationStatus.ACCEPTED, eligible=True
    )
    Call.objects.filter(pk=call.pk).update(status=CallStatus.CLOSED)
    call.refresh_from_db()
    return {
        "call": call,
        "applications": applications,
        "experts": experts,
        "orgs": orgs,
        "university": university_org,
    }


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def assigned(
    in_review: dict[str, Any],
    province: User,
    make_person: Callable[..., Person],
    settings: Any,
    tmp_path: Any,
) -> dict[str, Any]:
    """The call in review with its team named, a file attached, the pool built and reviewers
    assigned; `task` is a reviewer's task on the first application (梅州, with a co-builder)."""
    from django.core.files.base import ContentFile

    from baiqianwan.calls.models import ApplicationAttachment, ApplicationMember
    from baiqianwan.reviews import services as reviews
    from baiqianwan.reviews.models import ReviewAssignment

    settings.MEDIA_ROOT = tmp_path
    call, applications, experts = in_review["call"], in_review["applications"], in_review["experts"]
    first = applications[0]
    applicant = in_review["orgs"][APPLICANTS[0][0]]
    lead = make_person(applicant, "梁晓峰")
    Application.all_objects.filter(pk=first.pk).update(lead=lead)
    ApplicationMember.objects.create(
        application=first, person=make_person(in_review["university"], "钟雅琪"), role="工艺研究"
    )
    ApplicationAttachment.objects.create(
        application=first,
        spec="licence",
        file=ContentFile(PDF, name="licence.pdf"),
        name=f"{applicant.name}营业执照.pdf",
        content_type="application/pdf",
        size=len(PDF),
    )
    reviews.pool_add(acting_user=province, call_id=call.pk, expert_ids=[e.pk for e in experts], capacity=3)
    reviews.assignments_make(acting_user=province, call_id=call.pk)
    task = ReviewAssignment.objects.filter(application=first).select_related("expert__user").first()
    assert task is not None
    other = ReviewAssignment.objects.exclude(expert=task.expert).select_related("expert__user").first()
    assert other is not None
    return {
        **in_review,
        "task": task,
        "reviewer": task.expert.user,
        "other_task": other,
        "applicant": applicant,
        "identities": [
            applicant.name,
            applicant.uscc,
            in_review["university"].name,
            in_review["university"].uscc,
            "梁晓峰",
            "钟雅琪",
        ],
    }
