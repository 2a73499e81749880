"""Expert acceptance through the calls and reviews engines: the province enrols projects whose leads
have assessed every indicator in an acceptance batch; experts with no conflict score them against
the contract; after the 公示 the decision passes those on the list (result in the library, source
demands solved) and fails the others with their score."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.utils import timezone

from baiqianwan.accounts.models import User
from baiqianwan.accounts.roles import Role
from baiqianwan.calls import services as calls
from baiqianwan.calls.demo import definition
from baiqianwan.calls.models import Application, ApplicationStatus, Call, CallStatus
from baiqianwan.demands.models import Demand, DemandStatus
from baiqianwan.orgs.models import Organisation, Person
from baiqianwan.projects import services
from baiqianwan.projects.models import Project, ProjectStatus
from baiqianwan.reviews import services as reviews
from baiqianwan.reviews.models import ReviewAssignment
from baiqianwan.supply.models import Achievement, ExpertProfile

from ..calls.engine.test_definitions import shipped


def _accepting(project: Project, lead: User) -> Project:
    for milestone in project.milestones.all():
        services.milestone_report(
            acting_user=lead,
            project_id=project.pk,
            milestone_id=milestone.pk,
            report="按计划完成，材料齐全。",
        )
    return services.acceptance_request(
        acting_user=lead,
        project_id=project.pk,
        achieved={i.pk: i.planned for i in project.indicators.all()},
        summary="建立了黄龙病快速检测方法和木虱统防统治模式，各项考核指标均已完成。",
    )


def _batch(province: User) -> Call:
    calls.call_type_load(acting_user=province, data=definition("project_acceptance"))
    now = timezone.now()
    call = calls.call_create(
        acting_user=province,
        call_type_code="project_acceptance",
        title="2026年第一批乡村振兴科技攻关项目验收",
        year=2026,
        guide="执行期满、进度节点报告完毕并完成自评的攻关项目，纳入本批次专家验收。",
        opens_at=now - dt.timedelta(days=1),
        closes_at=now + dt.timedelta(days=30),
        reviewers_per_application=3,
    )
    return calls.call_publish(acting_user=province, call_id=call.pk)


@pytest.fixture
def experts(
    make_org: Callable[..., Organisation],
    make_person: Callable[..., Person],
    make_user: Callable[..., User],
) -> list[ExpertProfile]:
    out = []
    for index, (name, unit) in enumerate(
        [("陈研究员", "广东省农业科学院"), ("黄教授", "仲恺农业工程学院"), ("李高工", "韶关学院")]
    ):
        org = make_org(unit, "institute", "440106000000")
        account = make_user(Role.EXPERT, username=f"acceptance_expert_{index}", display_name=name)
        out.append(
            ExpertProfile.all_objects.create(
                person=make_person(org, name),
                keywords="柑橘 黄龙病 植保",
                home_city_id="440100000000",
                user=account,
            )
        )
    return out


def _review(call: Call, province: User, experts: list[ExpertProfile], mark: int) -> None:
    calls.call_close(acting_user=province, call_id=call.pk)
    reviews.pool_add(acting_user=province, call_id=call.pk, expert_ids=[e.pk for e in experts], capacity=5)
    reviews.assignments_make(acting_user=province, call_id=call.pk)
    rubric = [c["code"] for c in shipped()["project_acceptance"]["review"]["rubric"]]
    for task in ReviewAssignment.objects.filter(application__call=call).select_related("expert__user"):
        reviews.sheet_save(
            acting_user=task.expert.user,
            assignment_id=task.pk,
            scores=dict.fromkeys(rubric, mark),
            comments=dict.fromkeys(rubric, "自评与任务书不符，示范面积不足。") if mark < 60 else {},
            submit=True,
        )
    reviews.provisional_apply(acting_user=province, call_id=call.pk, min_score=Decimal(60))
    call = calls.publicity_start(acting_user=province, call_id=call.pk)
    calls.call_decide(
        acting_user=province,
        call_id=call.pk,
        decision_number="粤科函农字〔2026〕45号",
        today=call.publicity_ends,
    )


def test_a_project_passed_by_the_experts_enters_the_library_and_solves_its_demands(
    active_project: Project,
    parties: dict[str, Any],
    province: User,
    demands: list[Demand],
    experts: list[ExpertProfile],
) -> None:
    project = _accepting(active_project, parties["lead"])
    call = _batch(province)
    [enrolled] = services.acceptance_enrol(acting_user=province, project_ids=[project.pk], call_id=call.pk)
    application = Application.all_objects.get(pk=enrolled.acceptance_application_id)
    # The experts read the contract's indicators planned against achieved and the self-assessment.
    assert application.status == ApplicationStatus.ACCEPTED
    assert application.applicant == parties["university"]
    assert "示范面积：计划 3000" in application.values["indicators"]
    assert application.values["summary"].startswith("建立了黄龙病快速检测方法")
    with pytest.raises(ValidationError, match="已纳入验收批次"):
        services.acceptance_enrol(acting_user=province, project_ids=[project.pk], call_id=call.pk)
    with pytest.raises(ValidationError, match="由专家评审和公示后的决定给出结论"):
        services.acceptance_decide(
            acting_user=province, project_id=project.pk, result="passed", note="同意通过"
        )

    _review(call, province, experts, 85)

    done = Project.all_objects.get(pk=project.pk)
    assert done.status == ProjectStatus.PASSED
    assert "专家验收评审 85.00 分" in done.result_note
    assert Achievement.all_objects.filter(pk=done.achievement_id, organisation=parties["university"]).exists()
    assert set(
        Demand.all_objects.filter(pk__in=[d.pk for d in demands]).values_list("status", flat=True)
    ) == {DemandStatus.SOLVED}
    assert Call.objects.get(pk=call.pk).status == CallStatus.DECIDED


def test_a_project_below_the_pass_mark_fails_with_its_score(
    active_project: Project,
    parties: dict[str, Any],
    province: User,
    demands: list[Demand],
    experts: list[ExpertProfile],
) -> None:
    project = _accepting(active_project, parties["lead"])
    call = _batch(province)
    services.acceptance_enrol(acting_user=province, project_ids=[project.pk], call_id=call.pk)
    _review(call, province, experts, 50)
    done = Project.all_objects.get(pk=project.pk)
    assert done.status == ProjectStatus.FAILED
    assert "50.00 分" in done.result_note
    assert done.achievement_id is None
    assert not Demand.all_objects.filter(pk__in=[d.pk for d in demands], status=DemandStatus.SOLVED).exists()


def test_enrolment_refuses_what_is_not_ready_and_nobody_applies_to_a_batch(
    active_project: Project,
    published_programme: Any,
    parties: dict[str, Any],
    province: User,
) -> None:
    call = _batch(province)
    with pytest.raises(ValidationError, match="承担单位申请验收后才能纳入"):
        services.acceptance_enrol(acting_user=province, project_ids=[active_project.pk], call_id=call.pk)
    with pytest.raises(ValidationError, match="请选择攻关项目验收批次"):
        services.acceptance_enrol(
            acting_user=province, project_ids=[active_project.pk], call_id=published_programme.call_id
        )
    with pytest.raises(PermissionDenied):
        services.acceptance_enrol(
            acting_user=parties["lead"], project_ids=[active_project.pk], call_id=call.pk
        )
    with pytest.raises(PermissionDenied, match="不接受申报"):
        calls.application_create(
            acting_user=parties["lead"], call_id=call.pk, title="自行申请验收", values={}
        )
    assert not Application.all_objects.filter(call=call).exists()


def test_the_province_enrols_from_the_project_page(
    active_project: Project, parties: dict[str, Any], province: User, client_for: Callable[[User], Client]
) -> None:
    project = _accepting(active_project, parties["lead"])
    call = _batch(province)
    browser = client_for(province)
    page = browser.get(f"/projects/{project.pk}/")
    assert "纳入专家验收批次" in page.content.decode()
    response = browser.post(
        f"/projects/{project.pk}/steps/acceptance_enrol/", {"call": str(call.pk)}, follow=True
    )
    assert response.status_code == 200
    assert "已纳入验收批次" in response.content.decode()
    assert Project.all_objects.get(pk=project.pk).acceptance_application.call == call
    # A foreign id in the form is a clear refusal, not an error page.
    response = browser.post(
        f"/projects/{project.pk}/steps/acceptance_enrol/", {"call": "999999"}, follow=True
    )
    assert response.status_code == 200
    assert "验收批次：选择一个有效的选项" in response.content.decode()


def test_a_project_leaves_its_batch_before_the_experts_are_assigned(
    active_project: Project,
    parties: dict[str, Any],
    province: User,
    experts: list[ExpertProfile],
) -> None:
    project = _accepting(active_project, parties["lead"])
    call = _batch(province)
    services.acceptance_enrol(acting_user=province, project_ids=[project.pk], call_id=call.pk)
    with pytest.raises(ValidationError, match="请写明移出的原因"):
        services.acceptance_withdraw(acting_user=province, project_id=project.pk, reason="错")
    with pytest.raises(PermissionDenied):
        services.acceptance_withdraw(
            acting_user=parties["lead"], project_id=project.pk, reason="承担单位自行移出"
        )
    left = services.acceptance_withdraw(
        acting_user=province, project_id=project.pk, reason="改在线下验收会议验收"
    )
    assert left.acceptance_application is None
    assert left.status == ProjectStatus.ACCEPTING
    assert Application.all_objects.get(call=call).status == ApplicationStatus.WITHDRAWN
    # Back in a batch and under review, it stays there.
    services.acceptance_enrol(acting_user=province, project_ids=[project.pk], call_id=call.pk)
    calls.call_close(acting_user=province, call_id=call.pk)
    reviews.pool_add(acting_user=province, call_id=call.pk, expert_ids=[e.pk for e in experts], capacity=5)
    reviews.assignments_make(acting_user=province, call_id=call.pk)
    with pytest.raises(ValidationError, match="已开始评审"):
        services.acceptance_withdraw(acting_user=province, project_id=project.pk, reason="评审中移出")
