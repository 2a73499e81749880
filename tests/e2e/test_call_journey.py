"""Journey 3: a 梅州 company and its university co-builder apply for a 工程技术研究中心, the city
recommends, the province checks and organises the review, three experts score on their phones, the
province selects, publishes the 公示 and decides; the centre enters the register and the plan's
粤东西北 carriers KPI counts it."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from baiqianwan.accounts.models import User
from baiqianwan.accounts.roles import Role
from baiqianwan.calls import services as calls
from baiqianwan.calls.models import Application, ApplicationStatus, Call, CallStatus, Carrier
from baiqianwan.orgs.models import Organisation, Person
from baiqianwan.plan.services import plan_load
from baiqianwan.reviews import services as reviews
from baiqianwan.reviews.models import AssignmentStatus, ReviewAssignment

from ..calls.fixtures import PDF, definition
from ..conftest import A
from .call_steps import DESKTOP, PHONE, accept_next_dialog, card, day, expert_make, kpi_now, switch_user

pytestmark = pytest.mark.e2e

CALL_TITLE = "2025年度广东省工程技术研究中心认定"
CENTRE = "广东省柚类精深加工工程技术研究中心"
COMPANY = "梅州柚香食品有限公司"
UNIVERSITY = "嘉应学院"
RIVAL = "广东省岭南果汁饮料加工工程技术研究中心"
# (name, unit, keywords, scores by criterion, comment under a low score, overall opinion)
REVIEWERS = [
    (
        "陈志远",
        "华南农业大学",
        "柚类 果蔬加工 副产物 综合利用",
        {"innovation": "88", "conditions": "84", "team": "80", "impact": "90"},
        "",
        "柚皮副产物利用有特色，同意推荐。",
    ),
    (
        "林海燕",
        "广东省农业科学院",
        "柚类 农产品加工 保鲜",
        {"innovation": "80", "conditions": "80", "team": "80", "impact": "80"},
        "",
        "中试条件较好，建议加强与合作社的联结。",
    ),
    (
        "黄建国",
        "仲恺农业工程学院",
        "柚类 食品 发酵 加工",
        {"innovation": "92", "conditions": "86", "team": "85", "impact": "58"},
        "对县域带动的论证不足，缺少合作社和农户数据。",
        "技术基础扎实，带动作用需补充论证。",
    ),
]
# Weighted totals on 100 points; their mean is 82.17.
TOTALS = ("85.90", "80.00", "80.60")
CONFLICTED = ("钟雅琪", UNIVERSITY, "柚类 南药 客家食品")


def _rival(
    make_org: Callable[..., Organisation], make_user: Callable[..., User], province: User, call: Call
) -> Application:
    """A 佛山 company's application, already through the formal check (tested in tests/calls)."""
    org = make_org("佛山岭南饮料有限公司", "enterprise", "440604000000")
    account = make_user(Role.ORG, organisation=org, username="fs_znzb")
    application = calls.application_create(
        acting_user=account,
        call_id=call.pk,
        title=RIVAL,
        values={
            "field": "农产品加工",
            "direction": "果汁饮料加工与果渣副产物综合利用",
            "revenue": "12000",
            "rd_spend": "600",
            "equipment_value": "450",
            "researchers": "26",
            "qualified_researchers": "20",
            "summary": "公司建有荔枝、柚类果汁饮料加工生产线和中试车间。",
        },
    )
    for spec in ("licence", "equipment_list"):
        calls.application_attach(
            acting_user=account, application_id=application.pk, spec=spec, name=f"{spec}.pdf", data=PDF
        )
    calls.application_submit(acting_user=account, application_id=application.pk)
    calls.application_step(acting_user=province, application_id=application.pk, action="recommend")
    return calls.application_step(acting_user=province, application_id=application.pk, action="accept")


def test_journey_3_a_joint_application_becomes_a_certified_centre(
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
    city = make_user(Role.CITY, A["city"], username="mz_city", display_name="梅州市科技局")
    company = make_org(COMPANY, "enterprise", A["town"])
    applicant = make_user(Role.ORG, organisation=company, username="myx", display_name="柚香食品科技部")
    university = make_org(UNIVERSITY, "university", "441402000000")
    calls.call_type_load(acting_user=province, data=definition("engineering_centre"))
    now = timezone.now()
    call = calls.call_create(
        acting_user=province,
        call_type_code="engineering_centre",
        title=CALL_TITLE,
        year=2025,
        guide="围绕县域特色产业，支持企业联合高校、科研院所建设工程技术研究中心。粤东粤西粤北适当降低门槛。",
        opens_at=now - dt.timedelta(days=1),
        closes_at=now + dt.timedelta(days=30),
        places=1,
        reviewers_per_application=3,
        publicity_days=7,
    )
    call = calls.call_publish(acting_user=province, call_id=call.pk)
    rival = _rival(make_org, make_user, province, call)
    experts = [
        expert_make(
            make_user, make_person, make_org(unit, "institute", "440106000000"), name, keywords, f"rev{i}"
        )
        for i, (name, unit, keywords, *_rest) in enumerate(REVIEWERS, start=1)
    ]
    conflicted = expert_make(make_user, make_person, university, CONFLICTED[0], CONFLICTED[2], "rev_jyu")

    def as_user(user: User, viewport: dict[str, int] = DESKTOP) -> Page:
        return switch_user(page, login, user, viewport)

    confirmations: list[str] = []

    # 0. The plan page counts no certified carrier in 粤东西北 yet.
    as_user(province)
    page.goto("/plan/")
    expect(kpi_now(page)).to_have_text(re.compile(r"^\s*0 个"))

    # 1. The company finds the call from the menu and applies jointly with 嘉应学院.
    as_user(applicant)
    page.get_by_role("button", name="申报评审").click()
    page.get_by_role("link", name="申报指南").click()
    page.get_by_role("link", name=CALL_TITLE).click()
    expect(page.locator(".page-title")).to_contain_text("申报中")
    page.get_by_role("link", name="我要申报").click()
    page.fill("#id_title", CENTRE)
    page.select_option("#id_v_field", "农产品加工")
    page.fill("#id_v_direction", "柚类精深加工与副产物综合利用")
    page.fill("#id_v_revenue", "8000")
    page.fill("#id_v_rd_spend", "260")
    page.fill("#id_v_equipment_value", "120")
    page.fill("#id_v_researchers", "12")
    page.fill("#id_v_qualified_researchers", "7")
    page.fill("#id_v_summary", "公司建有柚类加工中试线，与嘉应学院共建联合实验室，开发柚皮果胶和精油。")
    page.select_option("#id_p1_organisation", label=UNIVERSITY)
    page.fill("#id_p1_equipment_value", "90")
    page.fill("#id_p1_researchers", "6")
    page.fill("#id_p1_qualified_researchers", "5")
    page.get_by_role("button", name="保存草稿").click()
    expect(page.get_by_text("已保存草稿；上传材料后即可提交")).to_be_visible()
    expect(page.locator(".page-title")).to_contain_text("草稿")
    conditions = card(page, "申报条件（按当前填写）")
    # Alone the company would miss the 粤东西北 thresholds; with its co-builder it meets them.
    expect(conditions).to_contain_text("研发设备原值 210 万元（含共建单位 90 万元）≥ 粤东西北门槛 150 万元")
    expect(conditions).to_contain_text("专职科研人员 18 人（含共建单位 6 人）≥ 粤东西北门槛 10 人")
    expect(card(page, "共建单位")).to_contain_text(UNIVERSITY)
    # Submitting before the materials are uploaded is refused, naming what is missing.
    page.get_by_role("button", name="提交").click()
    expect(page.get_by_text("缺少材料：营业执照或法人证书")).to_be_visible()
    for spec, name in (("licence", "营业执照.pdf"), ("equipment_list", "研发设备清单.pdf")):
        attach = page.locator('form[action$="/attach/"]')
        attach.locator('select[name="spec"]').select_option(spec)
        attach.locator('input[name="file"]').set_input_files(
            files=[{"name": name, "mimeType": "application/pdf", "buffer": PDF}]
        )
        attach.get_by_role("button", name="上传").click()
        expect(page.get_by_text("材料已上传")).to_be_visible()
        expect(card(page, "材料")).to_contain_text(name)
    page.get_by_role("button", name="提交").click()
    expect(page.get_by_text("已提交，等待所在地科技部门推荐")).to_be_visible()
    expect(page.locator(".page-title")).to_contain_text("已提交，待推荐")
    application = Application.all_objects.get(title=CENTRE)
    assert application.in_east_west_north
    assert application.eligible

    # 2. 梅州市科技局 sees it among the call's applications, meeting the conditions, and recommends it.
    as_user(city)
    page.goto(f"/calls/{call.pk}/")
    row = page.locator("tbody tr", has_text=CENTRE)
    expect(row).to_contain_text("符合")
    expect(row).to_contain_text("已提交，待推荐")
    expect(page.locator("tbody")).not_to_contain_text(RIVAL)  # 佛山 is not 梅州's to see
    row.get_by_role("link", name=CENTRE).click()
    handling = card(page, "办理")
    expect(handling.get_by_role("button", name="推荐", exact=True)).to_be_visible()
    handling.get_by_role("button", name="推荐", exact=True).click()
    expect(page.locator(".page-title")).to_contain_text("已推荐，待形式审查")
    expect(card(page, "办理记录")).to_contain_text("梅州市科技局")

    # 3. The province's formal check passes it, and it closes the call for applications.
    as_user(province)
    page.goto(f"/calls/applications/{application.pk}/")
    expect(card(page, "申报条件核验")).to_contain_text("粤东西北门槛 150 万元")
    card(page, "办理").get_by_role("button", name="形式审查通过").click()
    expect(page.locator(".page-title")).to_contain_text("形式审查通过")
    page.get_by_role("link", name=CALL_TITLE).click()
    page.get_by_role("button", name="截止申报").click()
    expect(page.locator(".page-title")).to_contain_text("申报截止")

    # 4. It builds the pool from the expert library, sees the conflict explained, and assigns.
    page.locator(".page-header").get_by_role("link", name="专家评审").click()
    expect(page.locator(".page-title")).to_contain_text(CALL_TITLE)
    expect(page.get_by_text("评审专家库还是空的")).to_be_visible()
    page.get_by_placeholder("姓名或研究方向").fill("柚类")
    page.get_by_role("button", name="检索").click()
    for name, *_rest in [*REVIEWERS, CONFLICTED]:
        page.locator("label.list-group-item", has_text=name).locator("input").check()
    page.get_by_role("button", name="加入评审专家库").click()
    expect(page.get_by_text("已将 4 位专家加入评审专家库。")).to_be_visible()
    conflicts = card(page, "回避关系")
    expect(conflicts.locator("tr", has_text=CONFLICTED[0])).to_contain_text(f"与共建单位同单位{UNIVERSITY}")
    expect(conflicts.locator("tr", has_text=CONFLICTED[0])).to_contain_text(application.reference)
    page.get_by_role("button", name="分配评审专家").click()
    expect(page.get_by_text("已分配 6 / 6 个评审名额")).to_be_visible()
    expect(page.get_by_text("全部名额已配足。")).to_be_visible()
    ours = card(page, "各项申报的评审专家").locator("tr", has_text=CENTRE)
    for name, *_rest in REVIEWERS:
        expect(ours).to_contain_text(f"{name} · 待评审")
    expect(ours).not_to_contain_text(CONFLICTED[0])
    assert not ReviewAssignment.objects.filter(application=application, expert=conflicted).exists()
    # The 佛山 application is reviewed too (its sheets are not this journey's).
    for task in ReviewAssignment.objects.filter(application=rival).select_related("expert__user"):
        reviews.sheet_save(
            acting_user=task.expert.user,
            assignment_id=task.pk,
            scores={"innovation": 70, "conditions": 72, "team": 70, "impact": 68},
            overall="加工方向明确。",
            submit=True,
        )

    # 5. The three experts score on their phones; none sees another's score.
    for index, (expert, (_name, _unit, _kw, scores, low_comment, overall)) in enumerate(
        zip(experts, REVIEWERS, strict=True)
    ):
        assert expert.user is not None
        as_user(expert.user, PHONE)
        page.goto("/reviews/")
        task = page.locator("a.list-group-item", has_text=CENTRE)
        expect(task).to_contain_text("待评审")
        task.click()
        expect(page.locator(".page-title")).to_contain_text(CENTRE)
        expect(card(page, "申报单位")).to_contain_text(COMPANY)
        expect(card(page, "共建单位投入")).to_contain_text(UNIVERSITY)
        sheet = page.locator("form.card", has_text="评分")
        expect(sheet).not_to_contain_text("加权总分")
        for earlier in range(index):
            expect(page.locator("body")).not_to_contain_text(TOTALS[earlier])
            expect(page.locator("body")).not_to_contain_text(REVIEWERS[earlier][5])
        for code, value in scores.items():
            sheet.locator(f'input[name="score_{code}"]').fill(value)
        sheet.locator('textarea[name="overall"]').fill(overall)
        if low_comment:
            # A low mark without a reason is refused, next to the criterion, and nothing is lost.
            accept_next_dialog(page, confirmations)
            sheet.get_by_role("button", name="提交评分").click()
            sheet = page.locator("form.card", has_text="评分")
            expect(sheet).to_contain_text("对产业和县域发展的带动作用：低于 60 分须写明理由（至少 5 个字）")
            expect(sheet.locator('input[name="score_impact"]')).to_have_value("58")
            sheet.locator('textarea[name="comment_impact"]').fill(low_comment)
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        accept_next_dialog(page, confirmations)
        sheet.get_by_role("button", name="提交评分").click()
        expect(page.get_by_text("评分已提交，谢谢！")).to_be_visible()
        expect(page.locator("a.list-group-item", has_text=CENTRE)).to_contain_text("已提交")
        page.locator("a.list-group-item", has_text=CENTRE).click()
        expect(page.locator("form.card", has_text="评分")).to_contain_text(f"加权总分 {TOTALS[index]}")
        expect(page.get_by_text("评分已提交，不能再修改。")).to_be_visible()
    # Each submission asked first (the refused one too).
    assert confirmations == ["提交后不能再修改，确定提交评分吗？"] * 4
    assert ReviewAssignment.objects.filter(status=AssignmentStatus.SUBMITTED).count() == 6

    # 6. The province reads the ranking and selects by rule: the 梅州 centre first, 佛山 not chosen.
    as_user(province)
    page.goto(f"/reviews/calls/{call.pk}/")
    expect(page.locator(".card", has_text="评审进度")).to_contain_text("6 / 6")
    page.locator(".page-header").get_by_role("link", name="评审结果").click()
    expect(page.get_by_text("排名依据：去掉最高最低后的平均分")).to_be_visible()
    first = page.locator("tbody tr").first
    expect(first.locator("td").first).to_have_text("1")
    expect(first).to_contain_text(CENTRE)
    expect(first).to_contain_text("粤东西北")
    expect(first.locator("td").nth(2)).to_have_text("3")
    expect(first.locator("td").nth(3)).to_have_text("82.17")  # mean of 85.90, 80.00, 80.60
    expect(first.locator("td").nth(4)).to_have_text("80.60")  # the median
    # Three sheets leave no highest and lowest to drop: the ranking's trimmed mean is the mean, and
    # the page says so.
    expect(first.locator("td").nth(5)).to_have_text(re.compile(r"^\s*82\.17\s*未去高低\s*$"))
    expect(page.locator("#untrimmed-note")).to_contain_text("其去高低平均即平均分")
    expect(page.locator("tbody tr").nth(1)).to_contain_text(RIVAL)
    page.fill("#id_top", "1")
    accept_next_dialog(page, confirmations)
    page.get_by_role("button", name="拟定入选").click()
    expect(page.get_by_text("已按规则拟定 1 项入选，公示前仍可调整。")).to_be_visible()
    assert confirmations[-1] == "按所选规则拟定入选名单？公示前仍可重新拟定。"
    expect(page.locator(".page-pretitle")).to_contain_text("拟立项/拟认定")

    # 7. The 公示: the province publishes it, and the company sees itself on the list.
    page.goto(f"/calls/{call.pk}/")
    page.get_by_role("button", name="发布公示").click()
    expect(page.locator(".page-title")).to_contain_text("公示中")
    page.locator(".page-header").get_by_role("link", name="公示").click()
    today = timezone.localdate()
    ends = today + dt.timedelta(days=7)
    expect(page.get_by_text(f"公示期：{day(today)} 至 {day(ends)}")).to_be_visible()
    listed = page.locator("table").first
    expect(listed).to_contain_text(CENTRE)
    expect(listed).to_contain_text("82.17")
    expect(listed).not_to_contain_text(RIVAL)
    expect(page.get_by_text("暂无异议")).to_be_visible()
    # Deciding before the period ends is refused with the date it ends.
    page.fill("#id_decision_number", "粤科函农字〔2025〕88号")
    page.get_by_role("button", name="作出决定").click()
    expect(page.get_by_text(f"公示期到 {today + dt.timedelta(days=7)} 才结束")).to_be_visible()

    as_user(applicant, PHONE)
    page.goto(f"/calls/{call.pk}/")
    page.locator(".page-header").get_by_role("link", name="公示").click()
    expect(page.locator("table").first).to_contain_text(CENTRE)
    expect(page.locator("table").first).to_contain_text(COMPANY)
    expect(page.get_by_role("button", name="提交异议")).to_be_visible()

    # 8. A week later, with no objection, the province decides.
    Call.objects.filter(pk=call.pk).update(
        publicity_starts=today - dt.timedelta(days=8), publicity_ends=today - dt.timedelta(days=1)
    )
    as_user(province)
    page.goto(f"/calls/{call.pk}/publicity/")
    page.fill("#id_decision_number", "粤科函农字〔2025〕88号")
    page.get_by_role("button", name="作出决定").click()
    expect(page.get_by_text("已作出决定，认定的载体已进入名录")).to_be_visible()
    expect(page.locator(".page-title")).to_contain_text("结果")
    expect(page.get_by_text("决定文号：粤科函农字〔2025〕88号")).to_be_visible()
    expect(page.locator("table").first).to_contain_text(CENTRE)

    # 9. The centre is in the register, in 粤东西北 and valid for three years; the KPI counts it.
    page.get_by_role("button", name="申报评审").click()
    page.get_by_role("link", name="科创载体名录").click()
    carrier = page.locator("tbody tr", has_text=CENTRE)
    expect(carrier).to_contain_text("工程技术研究中心 · 农产品加工")
    expect(carrier).to_contain_text(COMPANY)
    expect(carrier).to_contain_text("梅州市大埔县湖寮镇 · 粤东西北")
    expect(carrier).to_contain_text(f"有效期至 {day(calls.years_later(today, 3))}")
    expect(carrier).to_contain_text("有效")
    expect(page.locator("tbody")).not_to_contain_text(RIVAL)
    page.goto("/plan/")
    expect(kpi_now(page)).to_have_text(re.compile(r"^\s*1 个"))

    as_user(applicant)
    page.goto(f"/calls/applications/{application.pk}/")
    expect(page.locator(".page-title")).to_contain_text("已立项/已认定")
    expect(card(page, "办理记录")).to_contain_text("决定立项/认定：粤科函农字〔2025〕88号")

    application.refresh_from_db()
    rival.refresh_from_db()
    assert (application.status, rival.status) == (ApplicationStatus.APPROVED, ApplicationStatus.NOT_SELECTED)
    assert Carrier.all_objects.get().application == application
    assert Call.objects.get(pk=call.pk).status == CallStatus.DECIDED
    assert js_errors == []
