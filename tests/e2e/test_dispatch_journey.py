"""Journey 2: the province runs a dispatch round from town needs to published agreements."""

from __future__ import annotations

import datetime as dt
import random
import zipfile
from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from baiqianwan.accounts.models import User
from baiqianwan.accounts.roles import Role
from baiqianwan.commissioners.rounds import services as rounds_services
from baiqianwan.commissioners.rounds.models import Assignment, AssignmentStatus, DispatchRound, PlanConstraint
from baiqianwan.core.fakes import make_id_number
from baiqianwan.orgs.models import Organisation, Person
from baiqianwan.regions.models import Division
from baiqianwan.supply.models import ExpertProfile

from ..conftest import A

pytestmark = pytest.mark.e2e

EXPERTS = [
    ("陈晓燕", "研究员", "蜜柚 黄龙病 防控"),
    ("黄志强", "副教授", "茶叶 加工 茶园"),
    ("李建华", "助理研究员", "蜜柚 嫁接 苗木"),
]
NO_ACCOUNT = "李建华"  # has no platform account: the unit answers for him
SERVING = ("周丽娟", "研究员", "蜜柚 栽培")  # already serving 茶阳镇 since 2024
CHAYANG = "441422101000"  # 梅州市大埔县茶阳镇
PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1280, "height": 900}


def _field_checkbox(page: Page, form: Any, label: str) -> None:
    form.locator(f'input[name="areas"][value="{label}"]').check()


def _person(org: Organisation, name: str, title: str, rng: random.Random) -> Person:
    return Person.all_objects.create(
        name=name,
        title=title,
        id_number=make_id_number(rng, division_code="440106000000", born=dt.date(1979, 5, 1), female=False),
        mobile="13800138000",
        organisation=org,
    )


def _serving_team(province: User, expert: ExpertProfile) -> None:
    """Last year's round: 茶阳镇 has a team in its term, with 周丽娟 in it."""
    past = rounds_services.round_create(acting_user=province, name="2024年第一批", year=2024)
    rounds_services.need_submit(
        acting_user=province,
        dispatch_round=past,
        town=Division.objects.get(code=CHAYANG),
        fields=["种植"],
        slots=1,
    )
    rounds_services.nominate(acting_user=province, dispatch_round=past, expert=expert, fields=["种植"])
    rounds_services.round_solve(acting_user=province, dispatch_round=past)
    rounds_services.round_publish(acting_user=province, dispatch_round=past, on=dt.date(2024, 3, 1))


def test_a_round_from_town_needs_to_published_agreements(
    make_user: Callable[..., User],
    make_org: Callable[..., Organisation],
    login: Callable[..., Page],
    page: Page,
    js_errors: list[str],
) -> None:
    province = make_user(Role.PROVINCE, "440000000000", username="gd", display_name="省科技厅农村科技处")
    town = make_user(Role.TOWN, A["town"], username="huliao", display_name="湖寮镇人民政府")
    chayang = make_user(Role.TOWN, CHAYANG, username="chayang", display_name="茶阳镇人民政府")
    scau = make_org("华南农业大学", "university", "440106000000")
    unit = make_user(Role.ORG, organisation=scau, username="scau", display_name="华南农业大学科技处")
    rng = random.Random(3)
    accounts: dict[str, User] = {}
    experts: dict[str, ExpertProfile] = {}
    for name, title, keywords in [*EXPERTS, SERVING]:
        if name != NO_ACCOUNT:
            accounts[name] = make_user(
                Role.COMMISSIONER, A["county"], username=f"c{len(accounts)}", display_name=name
            )
        experts[name] = ExpertProfile.all_objects.create(
            person=_person(scau, name, title, rng),
            user=accounts.get(name),
            keywords=keywords,
            home_city_id=A["city"],
        )
    _serving_team(province, experts[SERVING[0]])
    long_name = ("2025年粤东西北重点帮扶乡镇科技特派员专项选派（第三批次）" * 3)[:60]
    rounds_services.round_create(acting_user=province, name=long_name, year=2025)

    # The province opens the round, and is told so; a long round name leaves the status on one line.
    login(province.username)
    page.goto("/commissioners/rounds/")
    status = page.locator("tr", has_text=long_name[:20]).locator("[data-round-status]")
    box = status.bounding_box()
    assert box is not None
    assert box["width"] > box["height"], box  # 征集中 on one line, not one character per line
    page.fill("#id_name", "2025年第二批")
    page.fill("#id_year", "2025")
    page.get_by_role("button", name="新建").click()
    expect(page.locator(".page-title")).to_contain_text("2025年第二批")
    expect(page.get_by_text("已新建批次“2025年第二批”")).to_be_visible()
    round_url = page.url
    dispatch_round = DispatchRound.all_objects.get(name="2025年第二批")
    page.context.clear_cookies()

    # On a phone, a town whose team is still serving is told so on arrival, and given no form.
    page.set_viewport_size(PHONE)
    login(chayang.username)
    page.goto(round_url)
    notice = page.get_by_role("status").filter(has_text="茶阳镇已有在期的“茶阳镇科技特派员服务团”")
    expect(notice).to_be_visible()
    notice_box = notice.bounding_box()
    assert notice_box is not None
    assert notice_box["y"] < PHONE["height"]  # on the first screen
    expect(page.locator("#need-form")).to_have_count(0)
    page.context.clear_cookies()

    # 湖寮镇 posts its need on a phone: the leader slot is there to see; a refusal keeps the input.
    login(town.username)
    page.goto(round_url)
    need_form = page.locator("#need-form")
    expect(need_form.locator('[data-picker="town"]')).to_contain_text("湖寮镇")
    expect(need_form.locator('[data-slot="leader"]')).to_contain_text("团队负责人 1 名")
    need_form.locator('input[name="slots"]').fill("4")
    expect(need_form.locator('[data-slot="member"]')).to_have_count(3)
    need_form.locator('input[name="note"]').fill("蜜柚黄龙病防控与茶园管理")
    need_form.get_by_role("button", name="提交需求").click()  # no field ticked: refused
    need_form = page.locator("#need-form")
    expect(need_form.locator(".invalid-feedback")).to_contain_text("这个字段是必填项")
    expect(need_form.locator('input[name="note"]')).to_have_value("蜜柚黄龙病防控与茶园管理")
    expect(need_form.locator('input[name="slots"]')).to_have_value("4")
    expect(need_form.locator('[data-slot="member"]')).to_have_count(3)
    _field_checkbox(page, need_form, "种植")
    _field_checkbox(page, need_form, "茶叶")
    need_form.get_by_role("button", name="提交需求").click()
    expect(page.get_by_text("已提交梅州市大埔县湖寮镇的需求：团队负责人 1 名、成员 3 名")).to_be_visible()
    expect(page.locator("table").first).to_contain_text("梅州市大埔县湖寮镇")
    page.context.clear_cookies()
    page.set_viewport_size(DESKTOP)

    # The university sees who may serve before nominating: 周丽娟 serves elsewhere and is greyed out.
    login(unit.username)
    page.goto(round_url)
    nominate = page.locator("#nomination-form")
    busy = nominate.locator(f'option[value="{experts[SERVING[0]].pk}"]')
    expect(busy).to_contain_text("周丽娟（研究员 · 华南农业大学） — 不符合：已在“2024年第一批”派驻")
    expect(busy).to_be_disabled()
    for name, _, keywords in EXPERTS:
        option = nominate.locator(f'option[value="{experts[name].pk}"]')
        expect(option).to_contain_text(f"{name}（")
        expect(option).to_contain_text("— 符合条件")
        nominate.locator('select[name="expert"]').select_option(value=str(experts[name].pk))
        _field_checkbox(page, nominate, "茶叶" if "茶" in keywords else "种植")
        nominate.get_by_role("button", name="推荐").click()
        expect(page.get_by_text(f"已推荐{name}。")).to_be_visible()
        nominate = page.locator("#nomination-form")
    page.context.clear_cookies()

    # The town ranks the shortlist: the tea expert first.
    login(town.username)
    page.goto(round_url)
    page.get_by_role("link", name="梅州市大埔县湖寮镇").first.click()
    expect(page.get_by_text("候选人短名单")).to_be_visible()
    expect(page.locator("tbody tr").first).to_contain_text("专长与需求相符")
    page.get_by_label("黄志强 的志愿顺序").fill("1")
    page.get_by_label("陈晓燕 的志愿顺序").fill("2")
    page.get_by_role("button", name="保存志愿").click()
    expect(page.get_by_text("已保存 2 个志愿")).to_be_visible()
    page.context.clear_cookies()

    # The province solves: three people for four slots, and the team has its leader.
    login(province.username)
    page.goto(round_url)
    page.get_by_role("button", name="求解最优派驻方案").click()
    expect(page.get_by_text("已求得最优方案")).to_be_visible()
    plan = page.locator("table").first
    expect(plan).to_contain_text("陈晓燕")
    for need in dispatch_round.needs.all():
        holders = list(need.assignments.select_related("nomination"))
        if any(a.nomination.can_lead for a in holders):
            assert [a.leader for a in holders].count(True) == 1, [
                (a.nomination_id, a.leader) for a in holders
            ]
    expect(plan.locator("tr", has_text="梅州市大埔县湖寮镇").filter(has_text="负责人")).to_have_count(1)

    # It pins 陈晓燕 as leader from the shortlist, re-solves, and publishes after confirming.
    page.get_by_role("link", name="梅州市大埔县湖寮镇").first.click()
    row = page.locator("tbody tr", has_text="陈晓燕")
    row.get_by_role("button", name="固定为负责人").click()
    expect(page.get_by_text("已设置固定安排")).to_be_visible()
    assert PlanConstraint.all_objects.get().leader
    page.goto(round_url)
    page.get_by_role("button", name="求解最优派驻方案").click()
    expect(page.get_by_text("人工调整（1）")).to_be_visible()
    page.get_by_role("button", name="发布方案").click()
    expect(page.get_by_text("确定发布“2025年第二批”的 3 项派驻安排吗？")).to_be_visible()
    expect(page.get_by_text("1 人还没有平台账号")).to_be_visible()
    assert not Assignment.all_objects.filter(round=dispatch_round, published=True).exists()
    page.get_by_role("button", name="确认发布").click()
    expect(page.get_by_text("已发布 3 项派驻安排")).to_be_visible()
    leader = Assignment.all_objects.get(round=dispatch_round, leader=True)
    assert leader.nomination.expert.person.name == "陈晓燕"
    assert Assignment.all_objects.filter(round=dispatch_round, status=AssignmentStatus.INVITED).count() == 3

    # Recommendation letters and agreements come out as PDF, one by one or all in a zip.
    row = page.locator("tbody tr", has_text="陈晓燕").first
    letter = page.request.get(row.get_by_role("link", name="推荐函").get_attribute("href") or "")
    assert letter.headers["content-type"] == "application/pdf"
    assert letter.body().startswith(b"%PDF")
    agreement = page.request.get(row.get_by_role("link", name="协议").get_attribute("href") or "")
    assert agreement.body().startswith(b"%PDF")
    with page.expect_download() as download:
        page.get_by_role("link", name="下载全部推荐函和协议").click()
    names = zipfile.ZipFile(download.value.path()).namelist()
    assert len(names) == 6
    assert all(name.endswith(".pdf") for name in names)
    page.context.clear_cookies()

    # 李建华 had no account: the unit is told, and confirms for him after a phone call.
    login(unit.username)
    page.goto("/commissioners/confirmations/")
    pending = page.locator(".list-group-item", has_text=NO_ACCOUNT)
    expect(pending).to_contain_text("尚未登录过")
    pending.get_by_label(f"{NO_ACCOUNT} 的确认方式").select_option(label="电话确认")
    pending.get_by_label(f"{NO_ACCOUNT} 的确认说明").fill("6月3日电话联系本人，同意派驻")
    pending.get_by_role("button", name="代为确认").click()
    expect(page.get_by_text(f"已代{NO_ACCOUNT}确认接受派驻（电话确认）")).to_be_visible()
    answered = Assignment.all_objects.get(round=dispatch_round, nomination__expert=experts[NO_ACCOUNT])
    assert (answered.status, answered.confirmed_via, answered.confirmed_by) == ("accepted", "phone", unit)
    assert answered.nomination.expert.user is not None  # publishing opened his account
    page.goto(round_url)
    expect(page.locator("tbody tr", has_text=NO_ACCOUNT).first).to_contain_text("单位代为确认（电话确认）")
    page.context.clear_cookies()

    # The leader reads the notification and accepts.
    login(accounts["陈晓燕"].username)
    page.goto(round_url)
    expect(page.get_by_text("我的派驻")).to_be_visible()
    page.get_by_role("button", name="接受派驻").click()
    expect(page.get_by_text("已接受派驻")).to_be_visible()
    leader.refresh_from_db()
    assert leader.status == AssignmentStatus.ACCEPTED
    assert not js_errors
