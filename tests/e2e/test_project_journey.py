"""Journey 5, the project: the province lists the 蜜柚黄龙病 demands of twelve counties of 梅州, 河源
and 潮州 as one task of the 2025 大专项 and publishes the guide; 华南农业大学 applies with a 梅州
seedling company; 梅州 recommends it, the call is checked, reviewed, publicised and decided, and the
decision makes the project. The university fills in the contract, the province signs it and the PDF
comes out; 梅州 commits its matching funds and records what it paid; a milestone goes late, is
reminded and reported; the acceptance passes, the technique enters the achievement library and the
twelve demands are solved — as the plan page shows.

The expert review (tested in test_call_journey.py) is fast-forwarded through the services."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import Page, expect

from baiqianwan.accounts.models import User
from baiqianwan.accounts.roles import Role
from baiqianwan.calls import services as calls
from baiqianwan.calls.models import Application, ApplicationStatus, Call
from baiqianwan.core.models import Notification
from baiqianwan.demands.models import Demand, DemandStatus
from baiqianwan.orgs.models import Organisation, Person
from baiqianwan.plan.services import plan_load
from baiqianwan.projects.models import (
    MatchingFund,
    Milestone,
    MilestoneStatus,
    Programme,
    Project,
    ProjectStatus,
    TopicStatus,
)
from baiqianwan.reviews import services as reviews
from baiqianwan.reviews.models import ReviewAssignment
from baiqianwan.supply.models import Achievement

from ..calls.fixtures import PDF, definition
from ..conftest import A
from .call_steps import card, expert_make, kpi_now, pdf_served, reviewed, switch_user
from .project_steps import contract_row, fill_row, source_demands

pytestmark = pytest.mark.e2e

PROGRAMME = "2025年度乡村振兴科技攻关大专项"
CALL_TITLE = f"{PROGRAMME}申报指南"
TASK = "蜜柚黄龙病绿色防控关键技术"
TOPIC = f"2025-01 {TASK}"
PROJECT = "蜜柚黄龙病早期检测与绿色防控技术集成示范"
UNIVERSITY = "华南农业大学"
COMPANY = "梅州金柚种苗有限公司"
ACHIEVEMENT = "蜜柚黄龙病早期检测与木虱统防统治技术"
RESOLVED = "已解决的县镇村科技需求数"
# Five experts to review, none from the lead unit; a sixth from 华农 is in the pool but must not review.
EXPERTS = [
    ("林海燕", "广东省农业科学院"),
    ("黄建国", "仲恺农业工程学院"),
    ("钟雅琪", "嘉应学院"),
    ("陈立新", "韶关学院"),
    ("吴晓明", "广东省农业技术推广中心"),
]
CONFLICTED = ("陈志远", UNIVERSITY)
KEYWORDS = "柚类 黄龙病 植保 岭南水果 木虱 种苗"


def test_journey_5_a_task_from_twelve_counties_becomes_a_project_that_solves_them(
    make_user: Callable[..., User],
    make_org: Callable[..., Organisation],
    make_person: Callable[..., Person],
    login: Callable[..., Page],
    page: Page,
    js_errors: list[str],
    settings: Any,
    tmp_path: Any,
) -> None:
    settings.MEDIA_ROOT = tmp_path
    plan_load()
    province = make_user(Role.PROVINCE, "440000000000", username="gd", display_name="省科技厅农村科技处")
    calls.call_type_load(acting_user=province, data=definition("research_project"))
    meizhou = make_user(Role.CITY, A["city"], username="mz_city", display_name="梅州市科技局")
    university = make_org(UNIVERSITY, "university", "440106000000")
    lead = make_user(Role.ORG, organisation=university, username="scau", display_name="华南农业大学科研院")
    company = make_org(COMPANY, "enterprise", A["town"])
    demands = source_demands(make_user)
    experts = [
        expert_make(
            make_user, make_person, make_org(unit, "institute", "440106000000"), name, KEYWORDS, f"rev{i}"
        )
        for i, (name, unit) in enumerate(EXPERTS, start=1)
    ]
    conflicted = expert_make(make_user, make_person, university, CONFLICTED[0], KEYWORDS, "rev_scau")
    today = timezone.localdate()

    def as_user(user: User) -> Page:
        return switch_user(page, login, user)

    def done(text: str) -> None:
        expect(page.locator(".alert-success", has_text=text)).to_be_visible()

    # 0. The plan counts no demand solved yet.
    as_user(province)
    page.goto("/plan/")
    expect(kpi_now(page, RESOLVED)).to_have_text(re.compile(r"^\s*0 项"))

    # 1. The province opens the 2025 大专项 and lists the twelve counties' demands as one task.
    page.get_by_role("button", name="申报评审").click()
    page.get_by_role("link", name="大专项任务清单").click()
    page.fill("#id_year", "2025")
    page.fill("#id_title", PROGRAMME)
    page.fill("#id_province_budget", "1000")
    page.get_by_role("button", name="新建大专项").click()
    expect(page.locator(".page-title")).to_contain_text(PROGRAMME)
    group = page.locator("[data-candidates] .list-group-item").first
    expect(group).to_contain_text("12 项需求（来自 12 个县）")
    group.get_by_role("link", name="列入任务").click()
    form = page.locator("#topic-form")
    ids = sorted(int(i) for i in form.locator("#id_demands").input_value().split(","))
    assert ids == sorted(d.pk for d in demands)
    page.fill("#id_title", TASK)
    page.fill(
        "#id_problem",
        "蜜柚黄龙病在梅州、河源、潮州多县蔓延，缺少早期检测和木虱统防统治技术，病树难以及时清除。",
    )
    page.fill("#id_budget", "300")
    form.get_by_role("button", name="列入任务清单").click()
    done("已列入任务清单")
    task_row = page.locator("tbody tr", has_text=TOPIC)
    expect(task_row).to_contain_text("12 项 · 12 个县")
    expect(page.locator("[data-candidates]")).to_contain_text("没有待归并的需求。")

    # ... and publishes the guide: the task becomes the call's only option.
    page.get_by_role("link", name="发布指南").click()
    page.fill("#id_opens_at", (timezone.localtime() - dt.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"))
    page.fill("#id_closes_at", (timezone.localtime() + dt.timedelta(days=30)).strftime("%Y-%m-%dT%H:%M"))
    page.fill(
        "#id_guide",
        "面向任务清单公开征集攻关团队：科研院校牵头的，须有粤东粤西粤北单位参与或在粤东粤西粤北实施。",
    )
    page.get_by_role("button", name="发布", exact=True).click()
    done("指南已发布，来源需求的提出方已收到通知")
    expect(page.locator(".page-title")).to_contain_text("已发布指南")
    programme = Programme.objects.get(title=PROGRAMME)
    call = programme.call
    assert call is not None
    for demand in demands:
        assert Notification.objects.filter(
            user=demand.submitted_by, title__contains="已列入攻关任务"
        ).exists()

    # 2. 华南农业大学 applies for the task with the 梅州 seedling company, to be carried out in 大埔县.
    as_user(lead)
    page.get_by_role("button", name="申报评审").click()
    page.get_by_role("link", name="申报指南").click()
    page.get_by_role("link", name=CALL_TITLE).click()
    page.get_by_role("link", name="我要申报").click()
    page.fill("#id_title", PROJECT)
    page.select_option("#id_v_topic", TOPIC)
    place = page.locator('[data-picker="v_place"]')
    place.locator('select[data-level="city"]').select_option(label="梅州市")
    place.locator('select[data-level="county"]').select_option(label="大埔县")
    page.fill("#id_v_goals", "建立蜜柚黄龙病早期检测和绿色防控技术体系，在梅州、河源、潮州示范推广。")
    page.fill("#id_v_content", "研究黄龙病病原快速检测、木虱统防统治和健康种苗繁育，集成示范。")
    page.fill("#id_v_outcomes", "新技术 2 项，示范面积 3000 亩，无病苗木 50 万株。")
    page.fill("#id_v_months", "24")
    page.fill("#id_v_province_funding", "200")
    page.fill("#id_v_self_funding", "120")
    page.fill("#id_v_role", "牵头：病原快速检测与木虱统防统治技术研究")
    page.select_option("#id_p1_organisation", label=COMPANY)
    page.fill("#id_p1_role", "健康种苗繁育与示范基地建设")
    page.fill("#id_p1_partner_funding", "50")
    page.get_by_role("button", name="保存草稿").click()
    expect(page.get_by_text("已保存草稿；上传材料后即可提交")).to_be_visible()
    attach = page.locator('form[action$="/attach/"]')
    attach.locator('select[name="spec"]').select_option("plan")
    attach.locator('input[name="file"]').set_input_files(
        files=[{"name": "可行性报告.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    attach.get_by_role("button", name="上传").click()
    expect(page.get_by_text("材料已上传")).to_be_visible()
    page.get_by_role("button", name="提交").click()
    expect(page.get_by_text("已提交，等待所在地科技部门推荐")).to_be_visible()
    application = Application.all_objects.get(title=PROJECT)
    assert application.eligible

    # 3. 梅州市科技局, the bureau of the partner's city (which will pay the 配套), finds it among its
    #    applications and recommends it; the province passes the formal check.
    as_user(meizhou)
    page.goto("/calls/")
    page.get_by_role("link", name=CALL_TITLE).click()
    expect(page.get_by_role("link", name=PROJECT)).to_be_visible()
    page.goto(f"/calls/applications/{application.pk}/")
    card(page, "办理").get_by_role("button", name="推荐", exact=True).click()
    expect(page.locator(".page-title")).to_contain_text("已推荐，待形式审查")
    as_user(province)
    page.goto(f"/calls/applications/{application.pk}/")
    card(page, "办理").get_by_role("button", name="形式审查通过").click()
    expect(page.locator(".page-title")).to_contain_text("形式审查通过")
    page.get_by_role("link", name=CALL_TITLE).click()
    page.get_by_role("button", name="截止申报").click()
    expect(page.locator(".page-title")).to_contain_text("申报截止")

    # 4. Five experts, none from 华农, review it (fast-forwarded); it is selected.
    reviewed(province, call, [*experts, conflicted], {application.pk: 85})
    assigned = ReviewAssignment.objects.filter(application=application)
    assert assigned.count() == 5
    assert not assigned.filter(expert=conflicted).exists()
    reviews.provisional_apply(acting_user=province, call_id=call.pk, top=1)

    # 5. The 公示, and after it the decision, which makes the project.
    page.goto(f"/calls/{call.pk}/")
    page.get_by_role("button", name="发布公示").click()
    expect(page.locator(".page-title")).to_contain_text("公示中")
    Call.objects.filter(pk=call.pk).update(
        publicity_starts=today - dt.timedelta(days=8), publicity_ends=today - dt.timedelta(days=1)
    )
    page.locator(".page-header").get_by_role("link", name="公示").click()
    page.fill("#id_decision_number", "粤科函农字〔2025〕101号")
    page.get_by_role("button", name="作出决定").click()
    done("已作出决定")
    project = Project.all_objects.get(application=application)
    assert project.in_east_west_north
    assert project.place_id == A["county"]
    assert [p.organisation for p in application.partners.all()] == [company]

    # 6. The university fills in the contract: indicators, milestones, budget by year and source.
    as_user(lead)
    page.get_by_role("button", name="申报评审").click()
    page.get_by_role("link", name="攻关项目").click()
    page.get_by_role("link", name=PROJECT).click()
    expect(page.locator(".page-title")).to_contain_text("任务书填报")
    page.get_by_role("link", name="填报任务书").click()
    start, end = project.starts_on, project.ends_on
    first_due, second_due = start + dt.timedelta(days=120), end - dt.timedelta(days=30)
    # The form starts from a mid-term check and the province's funding in the first year.
    midterm = contract_row(page, "进度节点", 0)
    expect(midterm.locator('[name$="-title"]')).to_have_value("中期检查")
    expect(midterm.locator('[name$="-due"]')).to_have_value(re.compile(r"^\d{4}-\d{2}-\d{2}$"))
    fill_row(contract_row(page, "考核指标", 0), {"name": "新技术", "unit": "项", "planned": "2"})
    fill_row(contract_row(page, "考核指标", 1), {"name": "示范面积", "unit": "亩", "planned": "3000"})
    fill_row(contract_row(page, "考核指标", 2), {"name": "无病苗木", "unit": "万株", "planned": "50"})
    # Three blank rows to start with; a fourth indicator needs another.
    card(page, "考核指标").get_by_role("button", name="添加一行").click()
    fill_row(contract_row(page, "考核指标", 3), {"name": "培训农户", "unit": "人次", "planned": "300"})
    fill_row(
        midterm, {"title": "完成病原快速检测方法", "due": first_due.isoformat(), "deliverable": "检测规程"}
    )
    fill_row(
        contract_row(page, "进度节点", 1),
        {"title": "示范基地建成", "due": second_due.isoformat(), "deliverable": "示范基地 3 个"},
    )
    fill_row(contract_row(page, "分年度预算", 0), {"amount": "120"})
    fill_row(
        contract_row(page, "分年度预算", 1),
        {"year": str(start.year + 1), "source": "省财政资金", "amount": "60"},
    )
    fill_row(
        contract_row(page, "分年度预算", 2), {"year": str(start.year), "source": "单位自筹", "amount": "120"}
    )
    # The rest of the rows stay blank. A province budget that does not add up is refused, in its card.
    page.get_by_role("button", name="保存任务书").click()
    budget = card(page, "分年度预算")
    expect(budget).to_contain_text("省财政资金分年度合计 180.00 万元，与立项金额 200.00 万元不一致")
    fill_row(contract_row(page, "分年度预算", 1), {"amount": "80"})
    page.get_by_role("button", name="保存任务书").click()
    done("任务书已保存；确认无误后请提交审核")
    page.get_by_role("button", name="提交审核").click()
    done("任务书已提交，等待省科技厅审核")
    expect(page.locator(".page-title")).to_contain_text("任务书待审核")

    # 7. The province signs it; the contract comes out as a PDF.
    as_user(province)
    page.goto(f"/projects/{project.pk}/")
    review = page.locator("form", has=page.get_by_role("heading", name="审核任务书"))
    review.locator("#id_approve").select_option(label="同意")
    review.get_by_role("button", name="提交审核意见").click()
    done("任务书审核意见已提交")
    expect(page.locator(".page-title")).to_contain_text("执行中")
    pdf_served(page, page.locator(".page-header").get_by_role("link", name="任务书"))

    # 8. 梅州 commits its 配套 on the project page and records a payment on the funds page.
    as_user(meizhou)
    page.goto(f"/projects/{project.pk}/")
    funds = card(page, "地市配套资金")
    funds.locator("#id_year").fill(str(start.year))
    funds.locator("#id_committed").fill("100")
    funds.get_by_role("button", name="承诺配套").click()
    done("配套资金承诺已登记")
    expect(card(page, "地市配套资金").locator("tbody tr").first).to_contain_text("100.00")
    page.get_by_role("button", name="申报评审").click()
    page.get_by_role("link", name="项目配套资金").click()
    row = page.locator("tbody tr", has_text=PROJECT)
    expect(row).to_contain_text("梅州市")
    row.get_by_label("累计已到位（万元）").fill("60")
    row.get_by_role("button", name="登记到位").click()
    done("配套资金到位金额已登记")
    row = page.locator("tbody tr", has_text=PROJECT)
    expect(row.locator("td").nth(4)).to_contain_text("60.00")
    expect(row.locator("td").nth(5)).to_have_text("40.00")
    expect(page.locator("tbody").first).to_contain_text("粤北")

    # 9. Four months on, the first milestone is ten days late: the daily tick reminds the lead.
    shift = dt.timedelta(days=130)
    Project.all_objects.filter(pk=project.pk).update(starts_on=start - shift, ends_on=end - shift)
    for milestone in Milestone.objects.filter(project=project):
        Milestone.objects.filter(pk=milestone.pk).update(due=milestone.due - shift)
    out = StringIO()
    call_command("projects_tick", stdout=out)
    assert "提醒 1 个进度节点，提请督办 0 个" in out.getvalue()

    as_user(lead)
    expect(page.locator(".badge-notification")).to_be_visible()
    page.goto("/notifications/")
    expect(page.locator(".list-group")).to_contain_text("进度节点已逾期 10 天：完成病原快速检测方法")
    page.locator(".list-group a", has_text="进度节点已逾期 10 天").first.click()
    late = page.locator(".list-group-item", has_text="完成病原快速检测方法")
    expect(late.locator("[data-milestone-state]")).to_have_text("逾期 10 天")

    # The lead reports it, late; acceptance waits for the other milestone, reported next.
    def report(title: str, text: str) -> None:
        item = page.locator(".list-group-item", has_text=title)
        item.locator("summary", has_text="报告完成情况").click()
        item.locator('textarea[name="report"]').fill(text)
        item.get_by_role("button", name="报告", exact=True).click()
        done("进度节点已报告")

    report("完成病原快速检测方法", "检测方法已建立，在大埔、龙川、饶平三县验证，检出率 98%。")
    page.locator("summary", has_text="申请验收（自评）").click()
    expect(page.locator("[data-acceptance-waiting]")).to_have_text(
        "还有 1 个进度节点未报告：全部报告后才能申请验收。"
    )
    report("示范基地建成", "在大埔、龙川、饶平建成示范基地 3 个，共 3200 亩，培训农户 320 人次。")
    states = page.locator("[data-milestone-state]")
    expect(states.nth(0)).to_have_text("已报告（逾期）")
    expect(states.nth(1)).to_have_text("已报告")

    # 10. The lead asks for acceptance with what it achieved against every indicator.
    page.locator("summary", has_text="申请验收（自评）").click()
    acceptance = page.locator('form[action$="/steps/acceptance/"]')
    expect(acceptance.get_by_label("示范面积（亩，计划 3000）")).to_be_visible()
    for label, value in (("新技术", "3"), ("示范面积", "3200"), ("无病苗木", "52"), ("培训农户", "320")):
        acceptance.get_by_label(re.compile(f"^{label}（")).fill(value)
    acceptance.locator("#id_summary").fill(
        "建立了黄龙病早期分子检测方法和木虱统防统治模式，"
        "在三县示范 3200 亩，繁育无病苗木 52 万株，各项指标全面完成。"
    )
    acceptance.get_by_role("button", name="提交验收申请").click()
    done("验收申请已提交，等待省科技厅验收")
    expect(page.locator(".page-title")).to_contain_text("验收中")
    expect(card(page, "考核指标").locator("tr", has_text="示范面积")).to_contain_text("3200 亩 达到")

    # 11. The province decides 通过: the technique enters the library, the twelve demands are solved.
    as_user(province)
    page.goto(f"/projects/{project.pk}/")
    # No acceptance batch is open: the page says how to start one, and the experts' meeting held
    # off the platform is recorded directly.
    expect(page.get_by_text("还没有接受项目的验收批次")).to_be_visible()
    page.get_by_text("记录验收会议结论（线下验收）").click()
    decision = page.locator("form[action$='/acceptance_decide/']")
    decision.locator("#id_result").select_option(label="通过验收")
    decision.locator("#id_note").fill("专家组一致同意通过验收。")
    decision.locator("#id_achievement_title").fill(ACHIEVEMENT)
    decision.locator("#id_achievement_abstract").fill(
        "基于实时荧光定量 PCR 的黄龙病早期检测方法，结合木虱统防统治和健康种苗繁育，"
        "示范区新发病率下降 60% 以上。"
    )
    decision.get_by_role("button", name="作出验收结论").click()
    done("验收结论已作出")
    expect(page.locator(".page-title")).to_contain_text("通过验收")
    page.get_by_role("link", name=ACHIEVEMENT).click()
    expect(page.locator(".page-title")).to_contain_text(ACHIEVEMENT)
    page.get_by_role("button", name="技术市场").click()
    page.locator(".dropdown-menu.show").get_by_role("link", name=re.compile(r"成果$")).click()
    expect(page.locator("tbody tr", has_text=ACHIEVEMENT)).to_contain_text(UNIVERSITY)
    page.goto(f"/projects/{project.pk}/")
    page.locator(".page-pretitle").get_by_role("link", name=TOPIC).click()
    expect(page.locator(".page-title")).to_contain_text("已解决")
    sources = page.locator("tbody tr")
    expect(sources).to_have_count(12)
    for n in range(12):
        expect(sources.nth(n).locator("td").nth(2)).to_have_text("已解决")

    # 12. The plan shows the 大专项 under 三(一), the 省市联动 funds, and twelve demands solved.
    page.goto("/plan/")
    expect(kpi_now(page, RESOLVED)).to_have_text(re.compile(r"^\s*12 项"))
    activities = page.locator(
        "[data-measure-activities] li", has=page.get_by_role("link", name=PROGRAMME, exact=True)
    ).first
    expect(activities).to_contain_text("任务 1 项 · 立项 1 项（粤东西北参与 1 项）")
    linkage = page.locator("[data-measure-activities] li", has_text="大专项省市联动")
    expect(linkage).to_contain_text("省财政资金 200.00 万元 · 地市承诺配套 100.00 万元，已到位 60.00 万元")

    project.refresh_from_db()
    assert project.status == ProjectStatus.PASSED
    assert project.topic.status == TopicStatus.SOLVED
    achievement = Achievement.all_objects.get(pk=project.achievement_id)
    assert (achievement.title, achievement.organisation, achievement.is_public) == (
        ACHIEVEMENT,
        university,
        True,
    )
    assert set(
        Demand.all_objects.filter(pk__in=[d.pk for d in demands]).values_list("status", flat=True)
    ) == {DemandStatus.SOLVED}
    for demand in demands:  # each village is told its demand is solved, and by what
        assert Notification.objects.filter(
            user=demand.submitted_by, title__contains="您的需求已解决"
        ).exists()
    assert {i.name: i.met for i in project.indicators.all()} == {
        "新技术": True,
        "示范面积": True,
        "无病苗木": True,
        "培训农户": True,
    }
    assert not Milestone.objects.filter(project=project, status=MilestoneStatus.PENDING).exists()
    fund = MatchingFund.all_objects.get(project=project)
    assert (fund.city_id, fund.committed, fund.paid) == (A["city"], 100, 60)
    assert Application.all_objects.get(pk=application.pk).status == ApplicationStatus.APPROVED
    assert js_errors == []
