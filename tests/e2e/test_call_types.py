"""The other four call types end to end in the browser, each on what is particular to it:

- 省重点实验室: only 粤东西北 units may apply; the decided lab enters the register and the KPI.
- 新型研发机构: the service to small and medium enterprises is asked for and checked.
- 科技成果推广奖: nominated by a city bureau within its quota, straight to the formal check, graded.
- 人才项目: blind review on a phone, a reserved share for 基层一线, 粤东西北 first among equals.

What is not the point of a test (other applications, the pool, other reviewers' sheets) is set up
through the services, as in test_call_journey.py; the steps that show the type and the decision are
driven through the pages.
"""

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
from baiqianwan.calls.models import Application, ApplicationStatus, Call, Carrier
from baiqianwan.calls.selectors import call_type_of
from baiqianwan.orgs.models import Organisation, Person
from baiqianwan.plan.services import plan_load
from baiqianwan.reviews import services as reviews
from baiqianwan.reviews.models import AssignmentStatus, ReviewAssignment

from ..calls.fixtures import PDF, definition
from ..conftest import A, B
from .call_steps import (
    PHONE,
    accept_next_dialog,
    card,
    day,
    expert_make,
    kpi_now,
    pdf_served,
    reviewed,
    switch_user,
)

pytestmark = pytest.mark.e2e

GUIDE = "围绕粤东粤西粤北县域特色产业，支持高校、科研院所、企业和创新团队服务乡村振兴。"
FOSHAN = "440604000000"  # 佛山市禅城区, 珠三角
SHAOGUAN = "440204000000"  # 韶关市浈江区, 粤东西北
# Every expert reads every type: what they are matched on is not the point here.
KEYWORDS = "现代农业与食品 农产品 品质 安全 研究院 农机 检测 技术服务 栽培 推广应用 团队 茶叶 岭南水果"


@pytest.fixture
def world(
    make_user: Callable[..., User],
    make_org: Callable[..., Organisation],
    make_person: Callable[..., Person],
    login: Callable[..., Page],
    page: Page,
    settings: Any,
    tmp_path: Any,
) -> dict[str, Any]:
    """The province, three experts with accounts, and a way to switch who is signed in."""
    settings.MEDIA_ROOT = tmp_path
    province = make_user(Role.PROVINCE, "440000000000", username="gd", display_name="省科技厅农村科技处")
    experts = [
        expert_make(
            make_user, make_person, make_org(unit, "institute", "440106000000"), name, keywords, f"rev{i}"
        )
        for i, (name, unit, keywords) in enumerate(
            [
                ("陈志远", "华南农业大学", KEYWORDS),
                ("林海燕", "广东省农业科学院", KEYWORDS),
                ("黄建国", "仲恺农业工程学院", KEYWORDS),
            ],
            start=1,
        )
    ]
    return {
        "province": province,
        "experts": experts,
        "make_user": make_user,
        "make_org": make_org,
        "as": lambda user, viewport=None: switch_user(page, login, user, *([viewport] if viewport else [])),
    }


def _open_call(province: User, code: str, title: str, **values: Any) -> Call:
    """A published call of the shipped definition `code`, open for a month."""
    calls.call_type_load(acting_user=province, data=definition(code))
    now = timezone.now()
    call = calls.call_create(
        acting_user=province,
        call_type_code=code,
        title=title,
        year=2025,
        guide=GUIDE,
        opens_at=now - dt.timedelta(days=1),
        closes_at=now + dt.timedelta(days=30),
        publicity_days=7,
        **values,
    )
    return calls.call_publish(acting_user=province, call_id=call.pk)


def _submitted(account: User, call: Call, title: str, values: dict[str, Any], **extra: Any) -> Application:
    """An application (or a nomination) with every required material, submitted."""
    application = calls.application_create(
        acting_user=account, call_id=call.pk, title=title, values=values, **extra
    )
    _attach_all(account, application)
    return calls.application_submit(acting_user=account, application_id=application.pk)


def _attach_all(account: User, application: Application) -> None:
    for spec in call_type_of(application.call).attachments:
        calls.application_attach(
            acting_user=account,
            application_id=application.pk,
            spec=spec.code,
            name=f"{spec.label}.pdf",
            data=PDF,
        )


def _accepted(province: User, application: Application) -> Application:
    """Through the recommendation (a nomination needs none) and the formal check."""
    application.refresh_from_db()
    if application.status == ApplicationStatus.SUBMITTED:
        calls.application_step(acting_user=province, application_id=application.pk, action="recommend")
    return calls.application_step(acting_user=province, application_id=application.pk, action="accept")


def _fill(page: Page, answers: dict[str, str]) -> None:
    """Answer the call type's questions on the application form (selects by their option)."""
    for code, value in answers.items():
        field = page.locator(f"#id_v_{code}")
        if field.evaluate("element => element.tagName") == "SELECT":
            field.select_option(value)
        else:
            field.fill(value)


def _provisional(page: Page, call: Call, top: int) -> None:
    """On the results page, select the `top` best by the call type's rules."""
    seen: list[str] = []
    page.goto(f"/reviews/calls/{call.pk}/results/")
    page.fill("#id_top", str(top))
    accept_next_dialog(page, seen)
    page.get_by_role("button", name="拟定入选").click()
    expect(page.get_by_text(f"已按规则拟定 {top} 项入选，公示前仍可调整。")).to_be_visible()
    assert seen == ["按所选规则拟定入选名单？公示前仍可重新拟定。"]


def _decide(page: Page, call: Call, number: str, done: str) -> None:
    """Publish the 公示 from the call's page; once it has run its course, decide on the 公示 page."""
    page.goto(f"/calls/{call.pk}/")
    page.get_by_role("button", name="发布公示").click()
    expect(page.locator(".page-title")).to_contain_text("公示中")
    today = timezone.localdate()
    Call.objects.filter(pk=call.pk).update(
        publicity_starts=today - dt.timedelta(days=8), publicity_ends=today - dt.timedelta(days=1)
    )
    page.locator(".page-header").get_by_role("link", name="公示").click()
    page.fill("#id_decision_number", number)
    page.get_by_role("button", name="作出决定").click()
    expect(page.get_by_text(done)).to_be_visible()
    expect(page.get_by_text(f"决定文号：{number}")).to_be_visible()


def _register_row(page: Page, name: str) -> Any:
    """The register's row of `name`, reached from the menu."""
    page.get_by_role("button", name="申报评审").click()
    page.get_by_role("link", name="科创载体名录").click()
    return page.locator("tbody tr", has_text=name)


# ---- 粤东粤西粤北地区省重点实验室 --------------------------------------------------------------

LAB_CALL = "2025年度粤东粤西粤北地区省重点实验室建设"
LAB = "广东省粤北特色农产品品质与安全重点实验室"
LAB_ANSWERS = {
    "field": "现代农业与食品",
    "direction": "粤北特色农产品品质形成与质量安全",
    "researchers": "32",
    "senior_researchers": "12",
    "equipment_value": "860",
    "lab_area": "1500",
    "summary": "依托学校食品与生物工程学院，围绕韶关茶叶、马坝油粘米开展品质与安全研究。",
}


def test_key_laboratory_only_for_east_west_north_enters_the_register_and_the_kpi(
    world: dict[str, Any], page: Page, js_errors: list[str]
) -> None:
    make_user, make_org = world["make_user"], world["make_org"]
    plan_load()
    province, as_user = world["province"], world["as"]
    foshan = make_user(
        Role.ORG, organisation=make_org("佛山科学技术学院", "university", FOSHAN), username="fosu"
    )
    university = make_org("韶关学院", "university", SHAOGUAN)
    applicant = make_user(Role.ORG, organisation=university, username="sgu", display_name="韶关学院科技处")
    city = make_user(Role.CITY, "440200000000", username="sg_city", display_name="韶关市科技局")
    call = _open_call(province, "key_laboratory", LAB_CALL, places=1, reviewers_per_application=3)

    as_user(province)
    page.goto("/plan/")
    expect(kpi_now(page)).to_have_text(re.compile(r"^\s*0 个"))

    # A 佛山 university is told, while it fills in the form, that this call is not for it, and why.
    as_user(foshan)
    page.goto(f"/calls/{call.pk}/")
    expect(card(page, "申报条件")).to_contain_text("依托单位所在地区")
    page.get_by_role("link", name="我要申报").click()
    page.fill("#id_title", "广东省岭南果蔬加工重点实验室")
    _fill(page, LAB_ANSWERS)
    page.get_by_role("button", name="保存草稿").click()
    conditions = card(page, "申报条件（按当前填写）")
    failed = conditions.locator("li", has=page.locator(".ti-x"))
    expect(failed).to_have_count(1)
    expect(failed).to_contain_text("申报单位不在粤东西北")

    # 韶关学院 applies with the same form and meets every condition.
    as_user(applicant)
    page.goto(f"/calls/{call.pk}/")
    page.get_by_role("link", name="我要申报").click()
    page.fill("#id_title", LAB)
    _fill(page, LAB_ANSWERS)
    page.get_by_role("button", name="保存草稿").click()
    conditions = card(page, "申报条件（按当前填写）")
    expect(conditions).to_contain_text("申报单位位于粤东西北")
    expect(conditions).to_contain_text("高级职称人员占比 37.5%（12/32 人）≥ 30%")
    expect(conditions.locator(".ti-x")).to_have_count(0)
    application = Application.all_objects.get(title=LAB)
    _attach_all(applicant, application)
    page.reload()
    page.get_by_role("button", name="提交").click()
    expect(page.get_by_text("已提交，等待所在地科技部门推荐")).to_be_visible()
    calls.application_step(acting_user=city, application_id=application.pk, action="recommend")

    # The province's formal check reads the same verdict and passes it.
    as_user(province)
    page.goto(f"/calls/applications/{application.pk}/")
    expect(card(page, "申报条件核验")).to_contain_text("申报单位位于粤东西北")
    card(page, "办理").get_by_role("button", name="形式审查通过").click()
    expect(page.locator(".page-title")).to_contain_text("形式审查通过")

    reviewed(province, call, world["experts"], {application.pk: 86})
    _provisional(page, call, 1)
    _decide(page, call, "粤科函农字〔2025〕101号", "已作出决定，认定的载体已进入名录")

    # A 省重点实验室 in 粤东西北, valid for five years, and the KPI counts it.
    lab = _register_row(page, LAB)
    expect(lab).to_contain_text("省重点实验室 · 现代农业与食品")
    expect(lab).to_contain_text("韶关学院")
    expect(lab).to_contain_text("粤东西北")
    expect(lab).to_contain_text(f"有效期至 {day(calls.years_later(timezone.localdate(), 5))}")
    page.goto("/plan/")
    expect(kpi_now(page)).to_have_text(re.compile(r"^\s*1 个"))
    assert Carrier.all_objects.get().kind == "省重点实验室"
    assert js_errors == []


# ---- 广东省新型研发机构认定 --------------------------------------------------------------------

RD_CALL = "2025年度广东省新型研发机构认定（粤东粤西粤北）"
INSTITUTION = "湛江南亚热带农业装备研究院"
RD_ANSWERS = {
    "field": "现代农业",
    "staff": "60",
    "rd_staff": "28",
    "income": "2400",
    "rd_spend": "900",
    "serves_smes": "否",
    "smes_served": "8",
    "summary": "为徐闻菠萝、湛江甘蔗种植加工企业提供农机改装和检测服务。",
}


def test_new_rd_institution_checks_its_service_to_smes(
    world: dict[str, Any], page: Page, js_errors: list[str]
) -> None:
    make_user, make_org = world["make_user"], world["make_org"]
    province, as_user = world["province"], world["as"]
    institute = make_org(INSTITUTION, "institute", B["county"])
    applicant = make_user(Role.ORG, organisation=institute, username="zj_nyy", display_name="研究院办公室")
    call = _open_call(province, "new_rd_institution", RD_CALL, places=1, reviewers_per_application=3)

    # The form asks whether and how many SMEs it serves; both are checked, with the numbers.
    as_user(applicant)
    page.goto(f"/calls/{call.pk}/")
    page.get_by_role("link", name="我要申报").click()
    expect(page.get_by_label("面向中小企业提供技术服务")).to_be_visible()
    expect(page.get_by_label("上一年度服务中小企业数（家）")).to_be_visible()
    page.fill("#id_title", INSTITUTION)
    _fill(page, RD_ANSWERS)
    page.get_by_role("button", name="保存草稿").click()
    conditions = card(page, "申报条件（按当前填写）")
    expect(conditions.locator("li", has_text="面向中小企业提供技术服务：否").locator(".ti-x")).to_have_count(
        1
    )
    expect(
        conditions.locator("li", has_text="服务中小企业数 8 家 < 粤东西北门槛 10 家").locator(".ti-x")
    ).to_have_count(1)
    page.get_by_role("link", name="修改").click()
    _fill(page, {"serves_smes": "是", "smes_served": "26"})
    page.get_by_role("button", name="保存草稿").click()
    conditions = card(page, "申报条件（按当前填写）")
    expect(
        conditions.locator("li", has_text="面向中小企业提供技术服务：是").locator(".ti-check")
    ).to_have_count(1)
    expect(
        conditions.locator("li", has_text="服务中小企业数 26 家 ≥ 粤东西北门槛 10 家").locator(".ti-check")
    ).to_have_count(1)
    expect(conditions.locator(".ti-x")).to_have_count(0)
    answers = card(page, "申报内容")
    expect(answers).to_contain_text("面向中小企业提供技术服务")
    expect(answers).to_contain_text("26 家")
    application = Application.all_objects.get(title=INSTITUTION)
    _attach_all(applicant, application)
    page.reload()
    page.get_by_role("button", name="提交").click()
    expect(page.get_by_text("已提交，等待所在地科技部门推荐")).to_be_visible()
    _accepted(province, application)

    reviewed(province, call, world["experts"], {application.pk: 84})
    as_user(province)
    _provisional(page, call, 1)
    _decide(page, call, "粤科函农字〔2025〕102号", "已作出决定，认定的载体已进入名录")
    institution = _register_row(page, INSTITUTION)
    expect(institution).to_contain_text("新型研发机构 · 现代农业")
    expect(institution).to_contain_text("湛江市徐闻县")
    assert js_errors == []


# ---- 广东省科技成果推广奖 ----------------------------------------------------------------------

AWARD_CALL = "2025年度广东省科技成果推广奖（粤东粤西粤北）提名"
# (achievement, nominated unit, its division, score): the first three nominated by 梅州市科技局.
NOMINATIONS = [
    ("金柚高效栽培技术集成与推广", "梅州市农林科学院", A["county"], 90),
    ("客家黄酒酿造工艺改良与推广", "梅州客家酒业有限公司", A["town"], 84),
    ("丝苗米绿色生产技术推广", "兴宁市农业技术推广中心", "441481000000", 78),
]
NOMINATED_BY_UNIVERSITY = ("南药化橘红规范化种植技术推广", "茂名市化州化橘红研究所", "440982000000", 72)


def _award_values(achievement: str, region: str) -> dict[str, Any]:
    return {
        "achievement": achievement,
        "lead_person": "李振华",
        "application_region": region,
        "benefit": "3600",
        "summary": f"{achievement}在粤东西北多个县推广应用。",
    }


def test_promotion_award_nominated_within_quota_and_graded(
    world: dict[str, Any], page: Page, js_errors: list[str]
) -> None:
    make_user, make_org = world["make_user"], world["make_org"]
    province, as_user = world["province"], world["as"]
    bureau = make_user(Role.CITY, A["city"], username="mz_city", display_name="梅州市科技局")
    university = make_org("嘉应学院", "university", "441402000000")
    university_account = make_user(Role.ORG, organisation=university, username="jyu")
    call = _open_call(province, "promotion_award", AWARD_CALL, reviewers_per_application=3)
    units = {name: make_org(name, "institute", division) for _a, name, division, _s in NOMINATIONS}
    units[NOMINATED_BY_UNIVERSITY[1]] = make_org(
        NOMINATED_BY_UNIVERSITY[1], "institute", NOMINATED_BY_UNIVERSITY[2]
    )
    winner = make_user(Role.ORG, organisation=units[NOMINATIONS[0][1]], username="mz_nky")
    nominated = [
        _submitted(
            bureau,
            call,
            achievement,
            _award_values(achievement, division),
            applicant_id=units[unit].pk,
        )
        for achievement, unit, division, _score in NOMINATIONS[1:]
    ]
    achievement, unit, division, _score = NOMINATED_BY_UNIVERSITY
    nominated.append(
        _submitted(
            university_account,
            call,
            achievement,
            _award_values(achievement, division),
            applicant_id=units[unit].pk,
        )
    )

    # 梅州市科技局 sees its quota, and nominates its third through the 提名 button.
    as_user(bureau)
    page.goto(f"/calls/{call.pk}/")
    expect(card(page, "要点")).to_contain_text("提名制，每个提名单位最多 3 项")
    expect(page.get_by_role("link", name="我要申报")).to_have_count(0)
    page.locator(".page-header").get_by_role("link", name="提名").click()
    first, unit, division, _score = NOMINATIONS[0]
    page.select_option("#id_applicant", label=unit)
    page.fill("#id_title", first)
    values = _award_values(first, division)
    _fill(page, {k: v for k, v in values.items() if k != "application_region"})
    picker = page.locator('[data-picker="v_application_region"]')
    picker.locator('select[data-level="city"]').select_option(label="梅州市")
    picker.locator('select[data-level="county"]').select_option(label="大埔县")
    page.get_by_role("button", name="保存草稿").click()
    expect(card(page, "申报条件（按当前填写）")).to_contain_text("主要推广应用地区 梅州市大埔县位于粤东西北")
    application = Application.all_objects.get(title=first)
    _attach_all(bureau, application)
    page.reload()
    page.get_by_role("button", name="提交").click()
    # A nomination is the recommendation: it goes straight to the province's formal check.
    expect(page.get_by_text("已提交提名，等待省科技厅形式审查")).to_be_visible()
    expect(page.locator(".page-title")).to_contain_text("已推荐，待形式审查")
    expect(card(page, "申报内容")).to_contain_text("提名单位")

    # A fourth nomination is refused, saying the quota.
    page.goto(f"/calls/{call.pk}/")
    page.locator(".page-header").get_by_role("link", name="提名").click()
    page.select_option("#id_applicant", label="嘉应学院")
    page.fill("#id_title", "梅州柚果综合利用技术推广")
    page.get_by_role("button", name="保存草稿").click()
    expect(page.get_by_text("提名名额已用完：每个提名单位最多提名 3 项")).to_be_visible()
    assert Application.all_objects.filter(call=call, nominator_division_id=A["city"]).count() == 3

    # The province's formal check passes the nomination.
    as_user(province)
    page.goto(f"/calls/applications/{application.pk}/")
    expect(card(page, "申报内容")).to_contain_text("梅州市")
    card(page, "办理").get_by_role("button", name="形式审查通过").click()
    expect(page.locator(".page-title")).to_contain_text("形式审查通过")
    for other in nominated:
        _accepted(province, other)

    # Four nominations ranked; the first three take the 一等奖 places, the fourth a 二等奖.
    scores = {application.pk: NOMINATIONS[0][3]}
    scores.update(
        {a.pk: s for a, (*_r, s) in zip(nominated, [*NOMINATIONS[1:], NOMINATED_BY_UNIVERSITY], strict=True)}
    )
    reviewed(province, call, world["experts"], scores)
    _provisional(page, call, 4)
    rows = page.locator("tbody tr")
    expect(rows.nth(0)).to_contain_text(first)
    expect(rows.nth(0)).to_contain_text("一等奖")
    expect(rows.nth(2)).to_contain_text("一等奖")
    expect(rows.nth(3)).to_contain_text(NOMINATED_BY_UNIVERSITY[0])
    expect(rows.nth(3)).to_contain_text("二等奖")

    _decide(page, call, "粤科函农字〔2025〕103号", "已作出决定，入选名单已确定")
    listed = page.locator("table").first
    expect(listed.locator("tr", has_text=first)).to_contain_text("一等奖")
    expect(listed.locator("tr", has_text=NOMINATED_BY_UNIVERSITY[0])).to_contain_text("二等奖")
    pdf_served(page, page.get_by_role("link", name="决定通知"))

    # The nominated unit reads its letter from its application's page.
    as_user(winner)
    page.goto(f"/calls/applications/{application.pk}/")
    expect(page.locator(".page-title")).to_contain_text("已立项/已认定")
    pdf_served(page, page.get_by_role("link", name="通知书"))
    assert list(
        Application.all_objects.filter(call=call).order_by("rank").values_list("grade", flat=True)
    ) == [
        "一等奖",
        "一等奖",
        "一等奖",
        "二等奖",
    ]
    assert not Carrier.all_objects.exists()
    assert js_errors == []


# ---- 乡村振兴科技创新团队（人才项目） ----------------------------------------------------------

TEAM_CALL = "2025年度乡村振兴科技创新团队"
# (team, leader, unit, division, grassroots, score)
TEAMS = [
    ("荔枝产业科技创新团队", "吴国平", "广东省农业科学院果树研究所", "440106000000", False, 90),
    ("岭南果蔬保鲜创新团队", "周立新", "佛山市农业科学研究所", FOSHAN, False, 85),
    ("粤西菠萝产业创新团队", "梁秀英", "湛江市农业科学研究院", B["county"], False, 85),
    ("客家山区茶产业服务团队", "温志强", "梅州市茶叶研究所", A["county"], True, 70),
]


def test_talent_team_blind_on_a_phone_reserved_share_and_tie_break(
    world: dict[str, Any], page: Page, js_errors: list[str]
) -> None:
    make_user, make_org = world["make_user"], world["make_org"]
    province, as_user = world["province"], world["as"]
    call = _open_call(province, "talent_team", TEAM_CALL, places=3, reviewers_per_application=3)
    assert call.blind
    applications = []
    for team, leader, unit, division, grassroots, _score in TEAMS:
        account = make_user(Role.ORG, organisation=make_org(unit, "institute", division))
        values = {
            "team_name": team,
            "leader": leader,
            "members": "8",
            "field": "岭南水果",
            "grassroots": grassroots,
            "service_days": "120",
            "summary": f"{team}由{leader}带领，常年在县镇开展技术服务。",
        }
        applications.append(_accepted(province, _submitted(account, call, team, values)))
    scores = {a.pk: score for a, (*_r, score) in zip(applications, TEAMS, strict=True)}
    reader = world["experts"][0]
    reviewed(province, call, world["experts"], scores, leave=[reader.pk])

    # On a phone the reviewer sees neither the team nor its leader, in the answers or the text.
    assert reader.user is not None
    as_user(reader.user, PHONE)
    page.goto("/reviews/")
    team, leader, *_rest = TEAMS[3]
    ours = applications[3]
    task = page.locator("a.list-group-item", has_text=ours.reference)
    expect(task).to_contain_text("匿名评审")
    task.click()
    expect(page.get_by_text("本指南实行匿名评审")).to_be_visible()
    body = page.locator("body")
    expect(body).to_contain_text("【已隐去】由【已隐去】带领")
    for hidden in (team, leader, TEAMS[3][2]):
        expect(body).not_to_contain_text(hidden)
    expect(card(page, "申报内容")).to_contain_text("常驻艰苦边远地区或基层一线")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    sheet = page.locator("form.card", has_text="评分")
    for code in ("team", "plan", "record"):
        sheet.locator(f'input[name="score_{code}"]').fill(str(TEAMS[3][5]))
    seen: list[str] = []
    for application in applications:
        done = ReviewAssignment.objects.filter(application=application, expert=reader).first()
        if done is None or application == ours:
            continue
        reviews.sheet_save(
            acting_user=reader.user,
            assignment_id=done.pk,
            scores=dict.fromkeys(("team", "plan", "record"), scores[application.pk]),
            submit=True,
        )
    accept_next_dialog(page, seen)
    sheet.get_by_role("button", name="提交评分").click()
    expect(page.get_by_text("评分已提交，谢谢！")).to_be_visible()
    assert not ReviewAssignment.objects.filter(
        application__call=call, status=AssignmentStatus.ASSIGNED
    ).exists()

    # The results explain the tie-break and the reserved share, and the selection keeps both.
    as_user(province)
    page.goto(f"/reviews/calls/{call.pk}/results/")
    rows = page.locator("tbody tr")
    expect(rows.nth(1)).to_contain_text(TEAMS[2][0])
    expect(rows.nth(1)).to_contain_text(f"与 “{TEAMS[1][0]}” 同分，粤东西北创新团队同分优先")
    expect(rows.nth(2)).to_contain_text(TEAMS[1][0])
    expect(rows.nth(3)).to_contain_text(team)
    expect(rows.nth(3)).to_contain_text("艰苦边远地区和基层一线")
    expect(page.get_by_text(re.compile("预留.*艰苦边远地区和基层一线"))).to_be_visible()
    _provisional(page, call, 3)
    rows = page.locator("tbody tr")
    expect(rows.nth(0)).to_contain_text("拟入选")
    expect(rows.nth(1)).to_contain_text("拟入选")
    expect(rows.nth(2)).to_contain_text("未入选")  # the tie lost, and the last place reserved
    expect(rows.nth(3)).to_contain_text("拟入选")
    _decide(page, call, "粤科函农字〔2025〕104号", "已作出决定，入选名单已确定")
    listed = page.locator("table").first
    for chosen in (TEAMS[0][0], TEAMS[2][0], team):
        expect(listed).to_contain_text(chosen)
    expect(listed).not_to_contain_text(TEAMS[1][0])
    statuses = dict(Application.all_objects.filter(call=call).values_list("title", "status"))
    assert statuses[TEAMS[1][0]] == ApplicationStatus.NOT_SELECTED
    assert statuses[team] == ApplicationStatus.APPROVED
    assert js_errors == []
