"""攻关 projects from demands to acceptance: the task keeps its source demands, the guide becomes a
call, the decision makes a project, the contract is checked row by row, milestones are reminded
and escalated, cities' matching funds stay within their commitment, changes are decided with a
reason, and acceptance puts the result in the library and solves the demands."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from baiqianwan.accounts.models import User
from baiqianwan.calls import selectors as call_selectors
from baiqianwan.calls import services as calls_services
from baiqianwan.calls.models import Application
from baiqianwan.core.models import Notification
from baiqianwan.demands.models import Demand, DemandStatus
from baiqianwan.plan.selectors import LIVE_KPIS
from baiqianwan.projects import selectors, services
from baiqianwan.projects.models import (
    BudgetLine,
    MatchingFund,
    Milestone,
    Programme,
    Project,
    ProjectStatus,
    TopicStatus,
)
from baiqianwan.supply.models import Achievement

from ..conftest import A
from .fixtures import (
    accepted_demand,
    apply,
    contract_rows,
)

pytestmark = pytest.mark.django_db


def test_a_task_keeps_its_source_demands_and_refuses_what_does_not_fit(
    province: User, programme: Programme, demands: list[Demand], world: dict[str, Any]
) -> None:
    topic = programme.topics.get()
    assert sorted(topic.sources.values_list("demand_id", flat=True)) == sorted(d.pk for d in demands)
    assert topic.code == "2025-01"

    def add(**values: Any) -> None:
        services.topic_save(
            acting_user=values.pop("user", province),
            programme_id=programme.pk,
            title=values.pop("title", "荔枝霜疫霉病防控技术"),
            problem="荔枝花果期霜疫霉病多发，造成大量落果。",
            budget=values.pop("budget", "100"),
            demand_ids=values.pop("demand_ids"),
        )

    with pytest.raises(ValidationError, match="已列入任务 2025-01 蜜柚黄龙病"):
        add(demand_ids=[demands[0].pk])
    other = accepted_demand(world["users"]["village"], A["village"], "荔枝霜疫霉病", "荔枝落果严重。")
    with pytest.raises(ValidationError, match=r"超过专项省财政资金 1000\.00 万元"):
        add(demand_ids=[other.pk], budget="800")
    draft = Demand.all_objects.create(
        title="草稿需求",
        description="尚未提交的需求。",
        division_id=A["village"],
        submitter_kind="village",
        submitted_by=world["users"]["village"],
        contact_name="张",
        contact_phone="13800138000",
    )
    with pytest.raises(ValidationError, match="只有已受理、未解决的需求可列入"):
        add(demand_ids=[draft.pk])
    with pytest.raises(ValidationError, match="不存在"):
        add(demand_ids=[987654321])
    for bad in ("-5", "1e9", "abc", "0.001"):
        with pytest.raises(ValidationError):
            add(demand_ids=[other.pk], budget=bad)
    with pytest.raises(PermissionDenied):
        add(user=world["users"]["city"], demand_ids=[other.pk])
    assert programme.topics.count() == 1


def test_the_published_guide_offers_its_tasks_and_tells_the_demands(
    province: User, programme: Programme, demands: list[Demand], django_capture_on_commit_callbacks: Any
) -> None:
    from baiqianwan.calls import services as calls
    from tests.calls.fixtures import definition

    calls.call_type_load(acting_user=province, data=definition("research_project"))
    with django_capture_on_commit_callbacks(execute=True):
        programme = services.programme_publish(
            acting_user=province,
            programme_id=programme.pk,
            opens_at=dt.datetime(2025, 1, 1, tzinfo=dt.UTC),
            closes_at=dt.datetime(2099, 1, 1, tzinfo=dt.UTC),
            guide="面向任务清单公开征集攻关团队，须有粤东粤西粤北单位参与。",
        )
    assert programme.call is not None
    assert programme.call.places == 1
    topic_field = call_selectors.call_type_of(programme.call).field("topic")
    assert topic_field.choices == ["2025-01 蜜柚黄龙病绿色防控关键技术"]
    for demand in demands:
        assert Notification.objects.filter(
            user=demand.submitted_by, title__contains="已列入攻关任务"
        ).exists()
    with pytest.raises(ValidationError, match="任务清单不能再改"):
        services.topic_delete(
            acting_user=province, programme_id=programme.pk, topic_id=programme.topics.get().pk
        )


def test_participation_of_the_east_west_north_is_a_condition(
    published_programme: Programme, parties: dict[str, Any]
) -> None:
    joint = apply(published_programme, parties)
    verdict = call_selectors.eligibility_of(joint)
    assert verdict.eligible, verdict.failures
    assert any("合作单位 梅州金柚种苗有限公司 位于粤东西北" in c.text for c in verdict.checks)
    assert any("自筹资金不低于省财政资金的一半" in c.label for c in verdict.checks)
    alone = Application.all_objects.get(pk=joint.pk)
    alone.partners.all().delete()
    alone.values = {**alone.values, "place": "440106000000"}
    verdict = call_selectors.eligibility_of(alone)
    assert not verdict.eligible
    assert any("申报单位和合作单位均不在粤东西北" in c.text for c in verdict.checks)

    with pytest.raises(ValidationError) as caught:
        apply(published_programme, parties, topic="2025-99 不存在的任务")
    assert "topic" in str(caught.value)


def test_the_partners_city_recommends_a_joint_application(
    published_programme: Programme, parties: dict[str, Any], world: dict[str, Any]
) -> None:
    """华农 in 广州 applies with a 梅州 company: 梅州's bureau sees it and recommends it; a bureau with
    neither party in its area neither sees nor recommends it."""
    joint = apply(published_programme, parties)
    calls_services.application_submit(acting_user=parties["lead"], application_id=joint.pk)
    meizhou, xuwen = world["users"]["city"], world["user_b"]
    assert call_selectors.application_get(user=xuwen, application_id=joint.pk) is None
    with pytest.raises(PermissionDenied):
        calls_services.application_step(acting_user=xuwen, application_id=joint.pk, action="recommend")
    done = calls_services.application_step(acting_user=meizhou, application_id=joint.pk, action="recommend")
    assert done.status == "recommended"


def test_the_decision_makes_a_project_to_contract(project: Project, parties: dict[str, Any]) -> None:
    assert project.status == ProjectStatus.CONTRACT
    assert project.organisation == parties["university"]
    assert project.in_east_west_north  # the 梅州 partner, and the place in 大埔县
    assert project.place_id == A["county"]
    assert str(project.province_funding) == "200.00"
    assert (project.ends_on - project.starts_on).days in range(725, 732)  # 24 months
    assert project.topic.status == TopicStatus.FUNDED
    assert project.reference == f"GG{project.application.reference}"


def test_the_contract_is_checked_row_by_row_and_nothing_partial_is_stored(
    project: Project, parties: dict[str, Any], province: User
) -> None:
    rows = contract_rows(project)
    late = services.MilestoneRow("结题", project.ends_on + dt.timedelta(days=1))
    with pytest.raises(ValidationError, match=r"第 3 个进度节点“结题”的日期 .* 不在执行期"):
        services.contract_save(
            acting_user=parties["lead"],
            project_id=project.pk,
            **{**rows, "milestones": [*rows["milestones"], late]},
        )
    short = [services.BudgetRow(project.starts_on.year, "province", "150")]
    with pytest.raises(
        ValidationError, match=r"省财政资金分年度合计 150\.00 万元，与立项金额 200\.00 万元不一致"
    ):
        services.contract_save(
            acting_user=parties["lead"], project_id=project.pk, **{**rows, "budget": short}
        )
    bad = [rows["indicators"][0], services.IndicatorRow("示范面积", "亩", "0")]
    with pytest.raises(ValidationError, match="第 2 项考核指标“示范面积”：计划值须大于 0"):
        services.contract_save(
            acting_user=parties["lead"], project_id=project.pk, **{**rows, "indicators": bad}
        )
    assert not Milestone.objects.filter(project=project).exists()
    assert not BudgetLine.objects.filter(project=project).exists()
    with pytest.raises(PermissionDenied):
        services.contract_save(acting_user=parties["partner"], project_id=project.pk, **rows)
    with pytest.raises(ValidationError, match="考核指标和进度节点"):
        services.contract_submit(acting_user=parties["lead"], project_id=project.pk)
    services.contract_save(acting_user=parties["lead"], project_id=project.pk, **rows)
    with pytest.raises(ValidationError, match="任务书审核通过后"):
        services.contract_pdf(project)
    services.contract_submit(acting_user=parties["lead"], project_id=project.pk)
    with pytest.raises(ValidationError, match="退回时请说明原因"):
        services.contract_review(acting_user=province, project_id=project.pk, approve=False)
    returned = services.contract_review(
        acting_user=province, project_id=project.pk, approve=False, note="示范面积偏小"
    )
    assert returned.status == ProjectStatus.CONTRACT
    assert returned.return_reason == "示范面积偏小"


def test_the_signed_contract_prints(active_project: Project) -> None:
    assert active_project.status == ProjectStatus.ACTIVE
    data = services.contract_pdf(active_project)
    assert data.startswith(b"%PDF")
    context = selectors.contract_context(active_project)
    assert context["budget_total"] == sum(line.amount for line in active_project.budget.all())
    assert [name for name, _place, _role in context["partners"]] == ["梅州金柚种苗有限公司"]


def test_a_late_milestone_is_reminded_weekly_and_escalated_once(
    active_project: Project, parties: dict[str, Any], province: User, django_capture_on_commit_callbacks: Any
) -> None:
    first = active_project.milestones.order_by("due").first()
    assert first is not None
    with django_capture_on_commit_callbacks(execute=True):
        soon = services.projects_tick(today=first.due - dt.timedelta(days=3))
    assert (soon.reminded, soon.escalated) == (1, 0)
    assert Notification.objects.filter(user=parties["lead"], title__contains="3 天后到期").exists()
    assert services.projects_tick(today=first.due - dt.timedelta(days=2)).reminded == 0  # weekly at most
    Milestone.objects.filter(pk=first.pk).update(reminded_at=None)
    with django_capture_on_commit_callbacks(execute=True):
        late = services.projects_tick(today=first.due + dt.timedelta(days=31))
    assert (late.reminded, late.escalated) == (1, 1)
    for bureau in (parties["meizhou"], parties["guangzhou"], province):
        assert Notification.objects.filter(user=bureau, title__contains="督办").exists()
    Milestone.objects.filter(pk=first.pk).update(reminded_at=None)
    assert services.projects_tick(today=first.due + dt.timedelta(days=40)).escalated == 0
    services.milestone_report(
        acting_user=parties["lead"],
        project_id=active_project.pk,
        milestone_id=first.pk,
        report="检测方法已建立并在大埔县验证。",
    )
    late_report = dt.datetime.combine(first.due + dt.timedelta(days=41), dt.time(10), tzinfo=dt.UTC)
    Milestone.objects.filter(pk=first.pk).update(reported_at=late_report)
    assert selectors.milestones_of(project=active_project)[0].state == "已报告（逾期）"


def test_matching_funds_stay_within_the_commitment_and_only_the_right_city_pays(
    active_project: Project, parties: dict[str, Any], province: User
) -> None:
    meizhou, year = parties["meizhou"], active_project.starts_on.year
    fund = services.fund_commit(acting_user=meizhou, project_id=active_project.pk, year=year, committed="100")
    fund = services.fund_pay(acting_user=meizhou, fund_id=fund.pk, paid="60")
    with pytest.raises(ValidationError, match=r"已到位 120\.00 万元超过承诺的 100\.00 万元"):
        services.fund_pay(acting_user=meizhou, fund_id=fund.pk, paid="120")
    with pytest.raises(ValidationError, match=r"少于已到位的 60\.00 万元"):
        services.fund_commit(acting_user=meizhou, project_id=active_project.pk, year=year, committed="50")
    with pytest.raises(ValidationError, match="不在执行期"):
        services.fund_commit(acting_user=meizhou, project_id=active_project.pk, year=year + 5, committed="10")
    with pytest.raises(PermissionDenied):
        services.fund_commit(
            acting_user=parties["zhanjiang"], project_id=active_project.pk, year=year, committed="10"
        )
    with pytest.raises(PermissionDenied):
        services.fund_pay(acting_user=parties["guangzhou"], fund_id=fund.pk, paid="70")
    assert MatchingFund.all_objects.get(pk=fund.pk).paid == 60
    assert [(f.city_id, f.owed) for f in selectors.funds_for(user=meizhou)] == [(A["city"], 40)]
    assert not selectors.funds_for(user=parties["zhanjiang"]).exists()
    north = {r.region: r for r in selectors.region_totals(user=province)}["粤北"]  # 梅州
    assert (north.projects, north.committed, north.paid) == (1, 100, 60)


def test_changes_are_decided_with_a_reason(
    active_project: Project, parties: dict[str, Any], province: User
) -> None:
    lead = parties["lead"]
    with pytest.raises(ValidationError, match="须晚于现结束日期"):
        services.change_request(
            acting_user=lead,
            project_id=active_project.pk,
            kind="extension",
            reason="台风导致示范基地受损，需要延期。",
            new_end=active_project.ends_on,
        )
    change = services.change_request(
        acting_user=lead,
        project_id=active_project.pk,
        kind="extension",
        reason="台风导致示范基地受损，需要延期。",
        new_end=active_project.ends_on + dt.timedelta(days=180),
    )
    with pytest.raises(ValidationError, match="已有一项变更待审核"):
        services.change_request(
            acting_user=lead,
            project_id=active_project.pk,
            kind="member",
            reason="骨干调离，需要更换成员。",
            detail="王五替换李四",
        )
    with pytest.raises(PermissionDenied):
        services.change_decide(acting_user=parties["meizhou"], change_id=change.pk, approve=True, note="同意")
    services.change_decide(acting_user=province, change_id=change.pk, approve=True, note="情况属实，同意延期")
    assert Project.all_objects.get(pk=active_project.pk).ends_on == active_project.ends_on + dt.timedelta(
        days=180
    )
    stop = services.change_request(
        acting_user=lead,
        project_id=active_project.pk,
        kind="termination",
        reason="核心技术路线被证明不可行，申请终止。",
    )
    services.change_decide(
        acting_user=province, change_id=stop.pk, approve=True, note="同意终止，收回结余资金"
    )
    assert Project.all_objects.get(pk=active_project.pk).status == ProjectStatus.TERMINATED


def test_acceptance_puts_the_result_in_the_library_and_solves_the_demands(
    active_project: Project,
    parties: dict[str, Any],
    province: User,
    demands: list[Demand],
    django_capture_on_commit_callbacks: Any,
) -> None:
    lead = parties["lead"]
    indicators = {i.name: i.pk for i in active_project.indicators.all()}
    with pytest.raises(ValidationError, match="还有 2 个进度节点未报告"):
        services.acceptance_request(
            acting_user=lead, project_id=active_project.pk, achieved={}, summary="x" * 30
        )
    for milestone in active_project.milestones.all():
        services.milestone_report(
            acting_user=lead,
            project_id=active_project.pk,
            milestone_id=milestone.pk,
            report="按计划完成，材料齐全。",
        )
    with pytest.raises(ValidationError, match="“示范面积”：请填写完成值"):
        services.acceptance_request(
            acting_user=lead,
            project_id=active_project.pk,
            achieved={indicators["新技术"]: "2"},
            summary="x" * 30,
        )
    services.acceptance_request(
        acting_user=lead,
        project_id=active_project.pk,
        achieved={indicators["新技术"]: "3", indicators["示范面积"]: "2800"},
        summary="建立了黄龙病快速检测方法和木虱统防统治模式，示范 2800 亩，略低于计划。",
    )
    before = LIVE_KPIS["KPI-DEMANDS-RESOLVED"]()
    with django_capture_on_commit_callbacks(execute=True):
        done = services.acceptance_decide(
            acting_user=province,
            project_id=active_project.pk,
            result="passed",
            note="专家组一致同意通过验收",
            achievement_abstract="蜜柚黄龙病早期分子检测与木虱绿色防控集成技术，已在大埔县示范。",
        )
    assert done.status == ProjectStatus.PASSED
    achievement = Achievement.all_objects.get(pk=done.achievement_id)
    assert achievement.organisation == parties["university"]
    assert achievement.is_public
    assert set(
        Demand.all_objects.filter(pk__in=[d.pk for d in demands]).values_list("status", flat=True)
    ) == {DemandStatus.SOLVED}
    assert LIVE_KPIS["KPI-DEMANDS-RESOLVED"]() == before + 2
    assert done.topic.status == TopicStatus.SOLVED
    for demand in demands:
        assert Notification.objects.filter(
            user=demand.submitted_by, title__contains="您的需求已解决"
        ).exists()
    met = {i.name: i.met for i in done.indicators.all()}
    assert met == {"新技术": True, "示范面积": False}


def test_each_party_sees_only_its_projects(
    active_project: Project, parties: dict[str, Any], world: dict[str, Any], make_user: Callable[..., User]
) -> None:
    outsider = make_user("org", organisation=world["org_b"])
    seen = {
        name: selectors.project_get(user=user, project_id=active_project.pk) is not None
        for name, user in {
            "lead": parties["lead"],
            "partner": parties["partner"],
            "meizhou": parties["meizhou"],
            "guangzhou": parties["guangzhou"],
            "zhanjiang": parties["zhanjiang"],
            "outsider": outsider,
            "county": world["users"]["county"],
        }.items()
    }
    assert seen == {
        "lead": True,
        "partner": True,
        "meizhou": True,
        "guangzhou": True,
        "zhanjiang": False,
        "outsider": False,
        "county": True,
    }


def test_pages_and_api_walk_the_contract(
    project: Project, parties: dict[str, Any], province: User, client_for: Callable[[User], Client]
) -> None:
    lead = client_for(parties["lead"])
    page = lead.get(f"/projects/{project.pk}/")
    assert page.status_code == 200
    assert "填报任务书" in page.content.decode()
    start = project.starts_on
    # As the page renders it: the rows it starts from (a mid-term check, the province's funding in
    # the first year) count as initial forms.
    form = {
        "version": project.version,
        "i-TOTAL_FORMS": 1,
        "i-INITIAL_FORMS": 0,
        "i-0-name": "新技术",
        "i-0-unit": "项",
        "i-0-planned": "2",
        "m-TOTAL_FORMS": 1,
        "m-INITIAL_FORMS": 1,
        "m-0-title": "结题",
        "m-0-due": (project.ends_on + dt.timedelta(days=3)).isoformat(),
        "b-TOTAL_FORMS": 1,
        "b-INITIAL_FORMS": 1,
        "b-0-year": start.year,
        "b-0-source": "province",
        "b-0-amount": "200",
    }
    refused = lead.post(f"/projects/{project.pk}/contract/", form)
    assert refused.status_code == 200
    assert "第 1 个进度节点“结题”的日期" in refused.content.decode()
    form["m-0-due"] = (start + dt.timedelta(days=60)).isoformat()
    saved = lead.post(f"/projects/{project.pk}/contract/", form)
    assert saved.status_code == 302, [
        line for line in saved.content.decode().splitlines() if "danger" in line
    ]
    assert lead.post(f"/projects/{project.pk}/steps/contract_submit/").status_code == 302
    api = client_for(province)
    answer = api.post(
        f"/api/v1/projects/{project.pk}/contract/review", {"approve": True}, content_type="application/json"
    )
    assert answer.status_code == 200
    assert answer.json()["status"] == "active"
    pdf = api.get(f"/api/v1/projects/{project.pk}/contract.pdf")
    assert pdf.status_code == 200
    assert pdf.content.startswith(b"%PDF")
    city = client_for(parties["zhanjiang"])
    assert city.get(f"/api/v1/projects/{project.pk}").status_code == 404
    assert city.get(f"/projects/{project.pk}/").status_code == 404
    bad = client_for(parties["meizhou"]).post(
        f"/api/v1/projects/{project.pk}/funds",
        {"year": start.year, "committed": "-1"},
        content_type="application/json",
    )
    assert bad.status_code == 422
    for path in (
        "/projects/",
        "/projects/programmes/",
        f"/projects/programmes/{project.programme_id}/",
        "/projects/funds/",
    ):
        assert api.get(path).status_code == 200, path
    assert client_for(parties["lead"]).get("/projects/funds/").status_code == 403
